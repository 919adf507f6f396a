// What every vendor mapper returns: canonical records, the rows it refused, and how many it skipped on purpose.
import type { Invoice, Overhead, RejectedRow, Review, UsageEvent, WorkItem } from '../../core/model/records';
import type { LinkFields } from '../links';

export interface MapResult {
  events: UsageEvent[];
  workItems: WorkItem[];
  reviews: Review[];
  invoices: Invoice[];
  overheads: Overhead[];
  rejected: RejectedRow[];
  /**
   * Records kept whose vendor figures disagree with each other (a total that is not the sum of its parts, a reported
   * cost far from the tokens × the catalog price): reported per row, never resolved in silence. Same shape as a
   * rejected row; `reason` says what disagrees and which figure was kept.
   */
  warnings: RejectedRow[];
  /** records that are not usage (Langfuse spans, OTel spans without gen_ai usage): counted, not rejected */
  skipped: number;
  /** files read: what became of every physical record (see RecordAccount) */
  accounts?: RecordAccount[];
}

/**
 * Row accounting of one file: every physical record the reader saw (a CSV row, a JSONL line, an element of a JSON
 * array, a bucket of a report) ends as exactly one of accepted, skipped on purpose (not usage), a duplicate (a later
 * version of the same work item wins) or rejected (listed with its line and reason). `ok` is computed by
 * `checkAccount` from counters kept at the places each outcome happens.
 */
export interface RecordAccount {
  file: string;
  format: string;
  records: number;
  accepted: number;
  skipped: number;
  duplicates: number;
  rejected: number;
  /** the whole file could not be read (not JSON, not a known shape): nothing imported */
  error?: string;
  /** header names that occur more than once (rows whose values differ are rejected) */
  duplicate_columns?: string[];
  ok: boolean;
}

/** records = accepted + skipped + duplicates + rejected, or the difference. */
export function checkAccount(a: Omit<RecordAccount, 'ok'>): { ok: boolean; difference: number } {
  const difference = a.records - (a.accepted + a.skipped + a.duplicates + a.rejected);
  return { ok: difference === 0, difference };
}

export function emptyResult(): MapResult {
  return { events: [], workItems: [], reviews: [], invoices: [], overheads: [], rejected: [], warnings: [], skipped: 0 };
}

/** Appends one list to another without spreading it as call arguments (which overflows the stack past ~100k). */
export function pushAll<T>(into: T[], from: readonly T[]): T[] {
  for (let i = 0; i < from.length; i++) into.push(from[i]);
  return into;
}

export function mergeResults(into: MapResult, from: MapResult): MapResult {
  pushAll(into.events, from.events);
  pushAll(into.workItems, from.workItems);
  pushAll(into.reviews, from.reviews);
  pushAll(into.invoices, from.invoices);
  pushAll(into.overheads, from.overheads);
  pushAll(into.rejected, from.rejected);
  pushAll(into.warnings, from.warnings ?? []);
  into.skipped += from.skipped;
  if (from.accounts) pushAll((into.accounts ??= []), from.accounts);
  return into;
}

/**
 * A usage event before link rules ran: the canonical event without work item/agent, plus the fields a link
 * rule may read. Mappers produce drafts; `applyLinks` turns them into events.
 */
export interface UsageDraft {
  event: Omit<UsageEvent, 'work_item_id' | 'agent_id'> & { work_item_id?: string; agent_id?: string };
  link: LinkFields;
  /** where the record came from, for rejections raised after mapping */
  where: { file: string; line: number };
  /** consistency findings about this record (see MapResult.warnings) */
  warnings?: RejectedRow[];
  /** the vendor field holding the reported cost, for the cost-vs-catalog check; absent = no check (e.g. a cache hit billed 0) */
  costField?: string;
}

/** Where a record sits: a file (line = 1-based line or record number) or an API page ("page 3", record index). */
export interface Origin {
  file: string;
  /** number added to the record index to get `line` (1 for a JSON array: record 0 → 1) */
  lineBase?: number;
}
