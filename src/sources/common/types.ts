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
}

export function emptyResult(): MapResult {
  return { events: [], workItems: [], reviews: [], invoices: [], overheads: [], rejected: [], warnings: [], skipped: 0 };
}

export function mergeResults(into: MapResult, from: MapResult): MapResult {
  into.events.push(...from.events);
  into.workItems.push(...from.workItems);
  into.reviews.push(...from.reviews);
  into.invoices.push(...from.invoices);
  into.overheads.push(...from.overheads);
  into.rejected.push(...from.rejected);
  for (const w of from.warnings ?? []) into.warnings.push(w);
  into.skipped += from.skipped;
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
