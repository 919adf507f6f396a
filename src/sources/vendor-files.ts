// Vendor files record by record: the reader (common/records.ts) hands over one physical record at a time, the
// format's mapper maps it, and the row accounting says what became of each one. Used for whole texts
// (`parseSourceFile`) and for streams in bounded memory (`importSourceFile`, e.g. `pull FORMAT --file`).
import type { LinkRules } from './links';
import { DEFAULT_LINK_RULES } from './links';
import type { Invoice, Overhead, RejectedRow } from '../core/model/records';
import { checkAccount, emptyResult, pushAll, type MapResult, type RecordAccount } from './common/types';
import { finalizeUsage, type DraftBatch } from './common/usage';
import { RawRecordReader, type RawRecord } from './common/records';
import { combineInvoices } from './common/reports';
import { DecimalSum } from './common/decimal';
import { dedupeWork } from './common/work';
import { clip, textChunks, type TextSource } from './common/text';
import { asRecord } from './common/normalize';
import { litellmDrafts, type LiteLLMOptions } from './litellm';
import { langfuseDrafts } from './langfuse';
import { heliconeDrafts, type HeliconeOptions } from './helicone';
import { otelRequestDrafts, type OtelOptions } from './otel';
import { BEDROCK_ARRAY_KEYS, bedrockDrafts, unwrapCloudWatch, type BedrockOptions } from './bedrock';
import { mapOpenAIBuckets } from './openai';
import { mapAnthropicBuckets } from './anthropic';
import type { ReportOptions } from './common/reports';
import { mapFocusRows, type FocusOptions } from './focus';
import { mapZendeskTickets, type ZendeskOptions } from './zendesk';
import { mapJiraIssues, type JiraOptions } from './jira';
import { mapServiceNowRecords, type ServiceNowOptions } from './servicenow';
import { GENERIC_ARRAY_KEYS, mapGenericRecords, type ColumnMapping } from './generic';

/** Every vendor format with a file reader (canonical files go through src/sources/files). */
export type VendorFormat = 'litellm' | 'langfuse' | 'helicone' | 'otel' | 'bedrock' | 'openai' | 'anthropic' | 'focus' | 'zendesk' | 'jira' | 'servicenow' | 'generic';

export interface FileOptions {
  links?: LinkRules;
  /** format-specific options (LiteLLMOptions, ZendeskOptions, ReportOptions, FocusOptions, a ColumnMapping for generic) */
  options?: Record<string, unknown>;
  /** rejected rows kept one by one (all are counted); default 10,000 */
  maxRejectedListed?: number;
}

interface MapContext {
  file: string;
  options: Record<string, unknown>;
  links: LinkRules;
  container?: Record<string, unknown>;
  /** OTel: spans numbered across the file when it is one JSON object; reports: result lines before this bucket */
  counter: { n: number };
}

/** Report lines are numbered across the buckets of a file (result 5 = the fifth result line of the file). */
function reportLines(res: MapResult, r: RawRecord[], c: MapContext): MapResult {
  const offset = c.counter.n;
  for (const x of res.rejected) if (x.column !== 'results' && x.file === c.file) x.line += offset;
  for (const b of r) {
    const results = (b.value as { results?: unknown } | null)?.results;
    if (Array.isArray(results)) c.counter.n += results.length;
  }
  return res;
}

interface FormatSpec {
  /** where a saved API page keeps its records */
  arrayKeys: string[];
  map(records: RawRecord[], c: MapContext): MapResult;
  /** work items: a later version of the same item wins (incremental exports repeat a ticket each time it changes) */
  dedupe?: 'item' | 'identity';
  /** invoice lines summed per period and provider come out sorted (the reports' order); else in first-seen order */
  sortInvoices?: boolean;
}

function usage(format: string, b: DraftBatch, links: LinkRules): MapResult {
  const fin = finalizeUsage(b, links, format);
  const res = emptyResult();
  res.events = fin.events;
  res.rejected = fin.rejected;
  res.warnings = fin.warnings;
  res.skipped = b.skipped;
  return res;
}

const SPECS: Record<VendorFormat, FormatSpec> = {
  litellm: { arrayKeys: ['data', 'logs'], map: (r, c) => usage('litellm', litellmDrafts(r, c.file, c.options as LiteLLMOptions), c.links) },
  // A downloaded trace ({ trace, observations }): the trace's session, user, tags and metadata belong to every observation.
  langfuse: { arrayKeys: ['data', 'observations'], map: (r, c) => usage('langfuse', langfuseDrafts(r, c.file, asRecord(c.container?.trace)), c.links) },
  helicone: { arrayKeys: ['data'], map: (r, c) => usage('helicone', heliconeDrafts(r, c.file, c.options as HeliconeOptions), c.links) },
  otel: {
    arrayKeys: [],
    // A JSONL line is one export request (its spans keep the line); a one-object file numbers its spans.
    map: (r, c) => (r.length ? usage('otel', otelRequestDrafts(r[0].value, c.file, c.container ? null : r[0].line, c.options as OtelOptions, c.counter), c.links) : emptyResult()),
  },
  bedrock: { arrayKeys: BEDROCK_ARRAY_KEYS, map: (r, c) => usage('bedrock', bedrockDrafts(r.map(unwrapCloudWatch), c.file, c.options as BedrockOptions), c.links) },
  openai: { arrayKeys: ['data'], map: (r, c) => reportLines(mapOpenAIBuckets(r, c.file, c.options as ReportOptions, c.links), r, c), sortInvoices: true },
  anthropic: { arrayKeys: ['data'], map: (r, c) => reportLines(mapAnthropicBuckets(r, c.file, c.options as ReportOptions, c.links), r, c), sortInvoices: true },
  focus: { arrayKeys: ['data'], map: (r, c) => mapFocusRows(r, c.file, c.options as FocusOptions) },
  zendesk: { arrayKeys: ['tickets', 'results'], map: (r, c) => mapZendeskTickets(r, c.file, c.options as ZendeskOptions, c.container), dedupe: 'item' },
  jira: { arrayKeys: ['issues'], map: (r, c) => mapJiraIssues(r, c.file, c.options as JiraOptions), dedupe: 'identity' },
  servicenow: { arrayKeys: ['result', 'records'], map: (r, c) => mapServiceNowRecords(r, c.file, c.options as ServiceNowOptions), dedupe: 'item' },
  generic: { arrayKeys: GENERIC_ARRAY_KEYS, map: (r, c) => mapGenericRecords(r, c.file, c.options as unknown as ColumnMapping) },
};

export const VENDOR_FORMATS = Object.keys(SPECS) as VendorFormat[];

/**
 * Invoice lines summed exactly per period and provider (decimal sums: each line's amount is its shortest decimal text,
 * which for the up-to-11-decimal amounts vendors write is the text the file had), in the order each key first appears.
 */
function combineInvoicesInOrder(lines: Invoice[]): Invoice[] {
  const sums = new Map<string, { rec: Invoice; sum: DecimalSum }>();
  for (const l of lines) {
    const key = `${l.period}\u0000${l.provider}`;
    let cur = sums.get(key);
    if (!cur) sums.set(key, (cur = { rec: l, sum: new DecimalSum() }));
    cur.sum.add(l.billed_usd);
  }
  return [...sums.values()].map(({ rec, sum }) => ({ ...rec, billed_usd: sum.value() }));
}

/** Overhead lines summed exactly per period, category, scope and driver, in first-seen order. */
function combineOverheads(lines: Overhead[]): Overhead[] {
  const sums = new Map<string, { rec: Overhead; sum: DecimalSum }>();
  for (const o of lines) {
    const key = `${o.period}\u0000${o.category}\u0000${o.scope}\u0000${o.driver}`;
    let cur = sums.get(key);
    if (!cur) sums.set(key, (cur = { rec: o, sum: new DecimalSum() }));
    cur.sum.add(o.amount_usd);
  }
  return [...sums.values()].map(({ rec, sum }) => ({ ...rec, amount_usd: sum.value() }));
}

/**
 * One vendor file, fed in chunks. Each physical record is mapped on its own and counted as accepted (it produced a
 * canonical record), skipped (not usage, on purpose), rejected (listed with line and reason) or — work items — a
 * duplicate superseded by a later version. Records that can be handed on at once collect in `take()`; work items
 * (de-duplicated over the file) and invoice/overhead lines (summed over the file) come at `end()`.
 */
export class SourceFileImport {
  readonly account: RecordAccount;
  private readonly spec: FormatSpec;
  private readonly reader: RawRecordReader;
  private readonly ctx: MapContext;
  private ready = emptyResult();
  private heldItems: MapResult['workItems'] = [];
  private heldReviews: MapResult['reviews'] = [];
  private heldInvoices: Invoice[] = [];
  private heldOverheads: Overhead[] = [];
  private readonly maxListed: number;
  private listed = 0;

  constructor(
    readonly format: VendorFormat,
    readonly fileName: string,
    opts: FileOptions = {},
  ) {
    const spec = SPECS[format];
    if (!spec) throw new Error(`${fileName}: format ${format} has no file reader`);
    this.spec = spec;
    this.maxListed = opts.maxRejectedListed ?? 10_000;
    this.ctx = { file: fileName, options: opts.options ?? {}, links: opts.links ?? DEFAULT_LINK_RULES, counter: { n: 0 } };
    this.account = { file: fileName, format, records: 0, accepted: 0, skipped: 0, duplicates: 0, rejected: 0, ok: true };
    // Bad options fail here, once, not on every record.
    spec.map([], this.ctx);
    this.reader = new RawRecordReader(fileName, spec.arrayKeys, {
      record: (r, container) => this.record(r, container),
      bad: (rej) => {
        this.account.records++;
        this.account.rejected++;
        this.reject(rej);
      },
    });
  }

  push(chunk: string): void {
    this.reader.push(chunk);
  }

  /** Records ready to hand on (events, reviews and items of formats that need no file-wide pass). */
  take(): MapResult {
    const r = this.ready;
    this.ready = emptyResult();
    return r;
  }

  /** How many records `take()` would hand over. */
  get readyCount(): number {
    return this.ready.events.length + this.ready.workItems.length + this.ready.reviews.length;
  }

  /** The end of the file: whatever is still held, and the account checked. */
  end(): MapResult {
    this.reader.end();
    if (this.reader.error) {
      this.account.error = this.reader.error;
      this.reject({ file: this.fileName, line: 1, column: '', value: '', reason: this.reader.error });
    }
    if (this.reader.duplicateColumns.length) this.account.duplicate_columns = this.reader.duplicateColumns;
    const out = this.take();
    if (this.spec.dedupe) {
      const d = dedupeWork(this.heldItems, this.heldReviews, this.spec.dedupe);
      const dropped = this.heldItems.length - d.workItems.length;
      this.account.duplicates += dropped;
      this.account.accepted -= dropped;
      pushAll(out.workItems, d.workItems);
      pushAll(out.reviews, d.reviews);
      this.heldItems = [];
      this.heldReviews = [];
    }
    pushAll(out.invoices, this.spec.sortInvoices ? combineInvoices(this.heldInvoices) : combineInvoicesInOrder(this.heldInvoices));
    pushAll(out.overheads, combineOverheads(this.heldOverheads));
    if (this.account.rejected > this.listed) {
      out.rejected.push({ file: this.fileName, line: 0, column: '', value: '', reason: `${(this.account.rejected - this.listed).toLocaleString('en-US')} more rejected records not listed` });
    }
    this.account.ok = checkAccount(this.account).ok;
    out.accounts = [this.account];
    return out;
  }

  private reject(r: RejectedRow) {
    if (this.listed < this.maxListed) {
      // Echoes are capped here for every format, whatever a mapper put in them.
      this.ready.rejected.push({ ...r, value: clip(r.value), reason: clip(r.reason, 300) });
      this.listed++;
    }
  }

  private record(r: RawRecord, container?: Record<string, unknown>) {
    this.account.records++;
    if (container) this.ctx.container = container;
    let res: MapResult;
    try {
      res = this.spec.map([r], this.ctx);
    } catch (e) {
      // A mapper that throws on a record (it should reject it) costs that record, not the file.
      this.account.rejected++;
      this.reject({ file: this.fileName, line: r.line, column: '', value: '', reason: `could not be mapped: ${(e as Error).message}`.slice(0, 300) });
      return;
    }
    const produced = res.events.length + res.workItems.length + res.invoices.length + res.overheads.length + (res.workItems.length ? 0 : res.reviews.length);
    if (produced > 0) this.account.accepted++;
    else if (res.rejected.length > 0) this.account.rejected++;
    else this.account.skipped++;
    // Rejections of an accepted record are about a part of it (a worklog, a time field): listed, the record kept.
    for (const x of res.rejected) this.reject(x);
    // Consistency warnings (kept records whose figures disagree) travel with the records, capped like rejections.
    for (const w of res.warnings ?? []) if (this.ready.warnings.length < this.maxListed) this.ready.warnings.push({ ...w, value: clip(w.value), reason: clip(w.reason, 300) });
    this.ready.skipped += res.skipped;
    pushAll(this.ready.events, res.events);
    if (this.spec.dedupe) {
      pushAll(this.heldItems, res.workItems);
      pushAll(this.heldReviews, res.reviews);
    } else {
      pushAll(this.ready.workItems, res.workItems);
      pushAll(this.ready.reviews, res.reviews);
    }
    pushAll(this.heldInvoices, res.invoices);
    pushAll(this.heldOverheads, res.overheads);
  }
}

/** A whole vendor file's text → canonical records, rejected rows and the row accounting (`accounts`). */
export function parseSourceFile(format: VendorFormat, textIn: string, fileName: string, opts: FileOptions = {}): MapResult {
  const imp = new SourceFileImport(format, fileName, opts);
  imp.push(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  const out = imp.take();
  const rest = imp.end();
  mergeInto(out, rest);
  return out;
}

function mergeInto(into: MapResult, from: MapResult) {
  pushAll(into.warnings, from.warnings ?? []);
  pushAll(into.events, from.events);
  pushAll(into.workItems, from.workItems);
  pushAll(into.reviews, from.reviews);
  pushAll(into.invoices, from.invoices);
  pushAll(into.overheads, from.overheads);
  pushAll(into.rejected, from.rejected);
  into.skipped += from.skipped;
  if (from.accounts) pushAll((into.accounts ??= []), from.accounts);
}

/**
 * A vendor file read as a stream (a Node file stream, a browser File, or text): records are handed to `onBatch` about
 * every `batchSize` records and never all held, except work items (de-duplicated over the file) and invoice and
 * overhead lines (summed). Returns the last batch with the file's account.
 */
export async function importSourceFile(
  format: VendorFormat,
  input: TextSource,
  fileName: string,
  opts: FileOptions & { onBatch?: (batch: MapResult) => void | Promise<void>; batchSize?: number } = {},
): Promise<MapResult> {
  const imp = new SourceFileImport(format, fileName, opts);
  const batchSize = opts.batchSize ?? 5000;
  for await (const chunk of textChunks(input)) {
    imp.push(chunk);
    if (opts.onBatch && imp.readyCount >= batchSize) await opts.onBatch(imp.take());
  }
  const out = imp.take();
  mergeInto(out, imp.end());
  return out;
}
