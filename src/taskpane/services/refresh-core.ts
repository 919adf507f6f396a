// The refresh computation (import every source, build the ledger). Pure and DOM-free so it runs in the Web Worker
// (refresh.worker.ts) and, in tests, in-process. Writing sheets is the UI thread's job (refresh.ts): the host lives there.
import { LedgerBuilder, type LedgerContext, type LedgerResult } from '../../core/ledger';
import { DailyCollector, type DailySeries, type DailySettings } from '../../core/daily';
import type { SheetSpec } from '../../workbook/spec';
import { configuredAgents, dailySpecs } from './daily';
import { UsageMixCollector, observeAll, type UsageMixRow } from '../../core/ledger/usage-mix';
import type { PriceOverride, RejectedRow, Review, UsageEvent, WorkItem } from '../../core/model/records';
import { PriceBook } from '../../core/pricing';
import { sampleData, type SampleOptions } from '../../core/sample';
import { importRecords, usageRowsIn, type RecordKind } from '../../sources/files';
import { blobText } from '../../sources/files/import';
import { parseSourceFile, type SourceFormat } from '../../sources/formats';
import { PULL_SOURCES, runPull } from '../../sources/pulls';
import type { FetchLike } from '../../sources/common/http';
import type { LinkRules } from '../../sources/links';
import { aggregateRows } from '../../core/ledger/grain';
import { chooseGrain, type LedgerGrainOptions } from '../../workbook/grain';
import { ledgerDetailChunks } from '../../workbook/detail';

export type ContextKey = keyof LedgerContext;
export const CONTEXT_KEYS: ContextKey[] = ['agents', 'rates', 'toolPrices', 'prices', 'overheads', 'invoices'];
/** Configuration the user edits in the workbook: once its sheet exists, the sheet wins over any source. */
export const CONFIG_KEYS: ContextKey[] = ['agents', 'rates', 'toolPrices', 'prices'];

/**
 * A file's content: its text, or the File/Blob itself (structured-cloned to the worker by reference; the worker
 * streams a canonical file and reads a vendor file's text there, off the page).
 */
export type FileContent = { text: string; file?: undefined } | { text?: undefined; file: Blob };

export type SourceInput =
  | ({ id: string; name: string; type: 'file'; format: Exclude<SourceFormat, 'canonical'>; options?: Record<string, unknown> } & FileContent)
  | ({ id: string; name: string; type: 'file'; format: 'canonical'; kind: RecordKind } & FileContent)
  | { id: string; name: string; type: 'sample'; options: SampleOptions }
  | { id: string; name: string; type: 'api'; format: string; baseUrl: string; settings?: Record<string, unknown>; credentials: Record<string, string> };

export interface RefreshRequest {
  sources: SourceInput[];
  links: LinkRules;
  /** records read back from the workbook's input sheets (only the sheets that exist) */
  workbook: Partial<LedgerContext>;
  /** the Ledger sheet's grain (default: per work item up to LEDGER_DETAIL_MAX_ROWS rows, aggregated above) */
  ledger?: LedgerGrainOptions;
  /** the workbook's daily settings (Budget Drivers): with them the Daily sheet is built here, off the page */
  dailySettings?: DailySettings;
}

export interface SourceReport {
  id: string;
  name: string;
  format: string;
  /** records read (rows, JSON records, API records) */
  read: number;
  events: number;
  workItems: number;
  reviews: number;
  /** usage events whose work item was imported */
  linked: number;
  /** usage events with no work item, or naming one never imported */
  unattributed: number;
  rejected: number;
  /** rejected rows (file, line, column, reason), at most MAX_LISTED */
  rejectedRows: RejectedRow[];
  /** records kept whose vendor figures disagree (totals vs parts, reported cost vs catalog price) */
  warnings: number;
  /** a problem with the source: nothing was imported from it, or (with `partial`) it stopped early */
  error?: string;
  /** the source stopped early: what was read is kept, `missing` is not */
  partial?: boolean;
  /** what the ledger lacks because of `error`: "the whole file", "events after 2026-10-14T03:00:00Z up to 2026-10-31" */
  missing?: string;
}

export interface RefreshComputed {
  result: LedgerResult;
  ctx: LedgerContext;
  /** per agent and business unit and day, from the same build (the Daily sheet, the Daily Monitor, Alerts → Today) */
  daily: DailySeries;
  /** the usage behind the cost (Usage Mix sheet) */
  usageMix?: UsageMixRow[];
  /**
   * The Daily sheet, built with the request's `dailySettings` where the ledger was (judging every agent-day against
   * its normal is the costliest sheet to build: ~0.2 s on a 1M-event month, as one block on the page)
   */
  dailySheet?: SheetSpec;
  /** input sheets to (re)write: configuration missing from the workbook, data the sources provided */
  writeInputs: ContextKey[];
  sources: SourceReport[];
  /** every rejected row of every source, in source order (at most MAX_LISTED per source) */
  rejected: RejectedRow[];
  /** records kept whose vendor figures disagree (totals vs parts, reported cost vs catalog price), at most MAX_LISTED per source */
  warnings: RejectedRow[];
  /** set when there were more work-item rows than the Ledger sheet holds one by one: `result.rows` are then aggregated */
  detail?: LedgerDetail;
}

/**
 * The per-work-item rows of an aggregated Ledger (src/workbook/README.md "Grain"), as the CSV the pane offers to
 * download. The rows are summed in the worker, so the page receives a few thousand rows and one Blob, never the
 * per-item rows (structured-cloning 130,000 row objects would block the page on arrival).
 */
export interface LedgerDetail {
  /** work-item rows (work item × month) summed into `result.rows` */
  workItemRows: number;
  /** distinct work items over every month */
  workItems: number;
  /** the download's file name: ledger-detail-2026-05-to-2026-10.csv */
  fileName: string;
  csv: Blob;
}

/** The refresh's phases, in order, as the pane shows them. */
export const REFRESH_PHASES = [
  { phase: 'read', label: 'Read the workbook’s input sheets' },
  { phase: 'import', label: 'Import the sources' },
  { phase: 'build', label: 'Cost every work item (prices, attribution, overheads, invoice true-up)' },
  { phase: 'write', label: 'Write the Ledger and data sheets' },
] as const;
export type RefreshPhase = (typeof REFRESH_PHASES)[number]['phase'];

export interface Progress {
  step: string;
  done: number;
  total: number;
  phase?: RefreshPhase;
}

export interface RunControl {
  onProgress(p: Progress): void;
  cancelled(): boolean;
  fetch?: FetchLike;
}

export class RefreshCancelled extends Error {
  constructor() {
    super('Refresh cancelled: nothing was written.');
    this.name = 'RefreshCancelled';
  }
}

export const MAX_LISTED = 2000;

interface Collected {
  events: UsageEvent[];
  workItems: WorkItem[];
  reviews: Review[];
  ctx: Partial<LedgerContext>;
  read: number;
  rejected: number;
  rejectedRows: RejectedRow[];
  /** at most MAX_LISTED of them */
  warnings: RejectedRow[];
  warningCount: number;
  error?: string;
  partial?: boolean;
  missing?: string;
  /** a canonical usage file streamed into the builder (`events` stays empty): its events and how many were linked */
  streamed?: { events: number; linked: number };
}

const START_KEYS = /^(start|from|since|start_?date|start_?time|from_?date|from_?timestamp|startTime)$/i;
const END_KEYS = /^(end|to|until|end_?date|end_?time|to_?date|to_?timestamp|endTime)$/i;

/** The window a source was asked for (its settings' start/end, when it has them), as text: " from X to Y". */
function requestedWindow(settings: Record<string, unknown> | undefined): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    if (START_KEYS.test(k)) out.from = String(v);
    else if (END_KEYS.test(k)) out.to = String(v);
  }
  return out;
}

/**
 * What a failed or partial source leaves out, for the pane's headline and the reports' "incomplete" line: everything
 * it was asked for when it failed, else what lies after the last record it read (up to the requested end).
 */
export function missingWindow(c: Pick<Collected, 'events' | 'workItems'>, settings: Record<string, unknown> | undefined, partial: boolean, kind: 'file' | 'api'): string {
  const w = requestedWindow(settings);
  const range = w.from || w.to ? ` ${w.from ? `from ${w.from} ` : ''}${w.to ? `to ${w.to}` : 'on'}`.trimEnd() : '';
  if (!partial) return kind === 'file' ? 'the whole file' : `everything it was asked for${range}`;
  let last = '';
  for (const e of c.events) if (e.timestamp > last) last = e.timestamp;
  for (const x of c.workItems) if (x.opened_at > last) last = x.opened_at;
  return last ? `records after ${last}${w.to ? ` up to ${w.to}` : ''}` : `everything it was asked for${range}`;
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

const empty = (): Collected => ({ events: [], workItems: [], reviews: [], ctx: {}, read: 0, rejected: 0, rejectedRows: [], warnings: [], warningCount: 0 });

const KIND_TO_CTX: Partial<Record<RecordKind, ContextKey>> = {
  agents: 'agents', rates: 'rates', tool_prices: 'toolPrices', prices: 'prices', overheads: 'overheads', invoices: 'invoices',
};

/**
 * A canonical usage file goes straight from the reader into the ledger builder, as the CLI's build does: the worker
 * never holds its events as objects (on a 1M-event month the renderer's peak was ~0.3 GB higher with the array).
 */
const streamsUsage = (s: SourceInput): s is Extract<SourceInput, { format: 'canonical' }> => s.type === 'file' && s.format === 'canonical' && s.kind === 'usage';

async function streamUsage(s: Extract<SourceInput, { format: 'canonical' }>, b: LedgerBuilder, itemIds: ReadonlySet<string>, ctl: RunControl, at: Progress): Promise<Collected> {
  const c = empty();
  const streamed = { events: 0, linked: 0 };
  let last = '';
  const rep = await importRecords({
    kind: 'usage', fileName: s.name, input: s.file ?? s.text, maxRejectedListed: MAX_LISTED,
    // every event the reader accepts counts as read from this source (duplicates are the builder's to count, as before)
    sink: (e) => {
      streamed.events++;
      if (e.work_item_id && itemIds.has(e.work_item_id)) streamed.linked++;
      if (e.timestamp > last) last = e.timestamp;
      b.addEvent(e);
    },
    progressEvery: 50_000, onProgress: (n) => ctl.onProgress({ ...at, step: `${at.step}: ${n.toLocaleString('en-US')} rows read` }),
  });
  c.streamed = streamed;
  c.read = rep.read;
  c.rejected = rep.rejectedCount;
  c.rejectedRows = rep.rejected;
  if (rep.fatal) {
    c.error = rep.fatal;
    c.partial = c.read > 0;
    c.missing = c.partial && last ? `records after ${last}` : 'the whole file';
  }
  return c;
}

async function collect(s: SourceInput, links: LinkRules, ctl: RunControl, at: Progress): Promise<Collected> {
  const c = empty();
  if (s.type === 'sample') {
    const d = sampleData(s.options);
    c.events = d.events;
    c.workItems = d.workItems;
    c.reviews = d.reviews;
    c.ctx = { agents: d.agents, rates: d.rates, toolPrices: d.toolPrices, prices: d.prices, overheads: d.overheads, invoices: d.invoices };
    c.read = d.events.length + d.workItems.length + d.reviews.length;
    return c;
  }
  if (s.type === 'api') {
    if (!ctl.fetch) throw new Error(`${s.name}: no fetch available for API pulls here`);
    const env: Record<string, string> = {};
    const def = PULL_SOURCES[s.format];
    if (!def) {
      c.error = `${s.name}: unknown API source "${s.format}"`;
      return c;
    }
    for (const [k, v] of Object.entries(s.credentials)) if (def.credentials[k] && v) env[def.credentials[k]] = v;
    // The base URL was entered with the credentials, in this pane: it is the credential's own host.
    if (s.baseUrl) env[def.baseUrlEnv] = s.baseUrl;
    const r = await runPull(s.format, s.settings ?? {}, env, { fetch: ctl.fetch, links });
    c.events = r.events;
    c.workItems = r.workItems;
    c.reviews = r.reviews;
    if (r.invoices.length) c.ctx.invoices = r.invoices;
    if (r.overheads.length) c.ctx.overheads = r.overheads;
    c.read = r.events.length + r.workItems.length + r.reviews.length + r.invoices.length + r.rejected.length + r.skipped;
    c.rejected = r.rejected.length;
    c.rejectedRows = r.rejected.slice(0, MAX_LISTED);
    c.warnings = (r.warnings ?? []).slice(0, MAX_LISTED);
    c.warningCount = r.warnings?.length ?? 0;
    if (r.partial) {
      c.error = `${s.name}: stopped after ${r.pages} pages (${r.error ?? 'incomplete'}); what was read is kept`;
      c.partial = true;
      c.missing = missingWindow(c, s.settings, true, 'api');
    }
    return c;
  }
  if (s.format === 'canonical') {
    const out: unknown[] = [];
    const rep = await importRecords({
      kind: s.kind, fileName: s.name, input: s.file ?? s.text, sink: (r) => { out.push(r); }, maxRejectedListed: MAX_LISTED,
      progressEvery: 50_000, onProgress: (n) => ctl.onProgress({ ...at, step: `${at.step}: ${n.toLocaleString('en-US')} rows read` }),
    });
    c.read = rep.read;
    c.rejected = rep.rejectedCount;
    c.rejectedRows = rep.rejected;
    if (rep.fatal) {
      c.error = rep.fatal;
      c.missing = missingWindow(c, undefined, c.read > 0, 'file');
      c.partial = c.read > 0;
    }
    if (s.kind === 'usage') c.events = out as UsageEvent[];
    else if (s.kind === 'work_items') c.workItems = out as WorkItem[];
    else if (s.kind === 'reviews') c.reviews = out as Review[];
    else {
      const key = KIND_TO_CTX[s.kind]!;
      (c.ctx as Record<string, unknown[]>)[key] = out;
    }
    return c;
  }
  const r = parseSourceFile(s.format, s.text ?? (await blobText(s.file)), s.name, { links, options: s.options });
  c.events = r.events;
  c.workItems = r.workItems;
  c.reviews = r.reviews;
  if (r.invoices.length) c.ctx.invoices = r.invoices;
  if (r.overheads.length) c.ctx.overheads = r.overheads;
  c.read = r.events.length + r.workItems.length + r.reviews.length + r.invoices.length + r.overheads.length + r.rejected.length + r.skipped;
  c.rejected = r.rejected.length;
  c.rejectedRows = r.rejected.slice(0, MAX_LISTED);
  c.warnings = (r.warnings ?? []).slice(0, MAX_LISTED);
  c.warningCount = r.warnings?.length ?? 0;
  return c;
}

/** Imports every source, builds the ledger, and reports per source what was read, linked and rejected. */
export async function computeRefresh(req: RefreshRequest, ctl: RunControl): Promise<RefreshComputed> {
  const total = req.sources.length + 2;
  let done = 0;
  const check = async () => {
    await tick();
    if (ctl.cancelled()) throw new RefreshCancelled();
  };
  const collected: Collected[] = [];
  const readingStep = (i: number): Progress => ({ step: `Reading ${req.sources[i].name} (${i + 1} of ${req.sources.length})`, done: i, total, phase: 'import' });
  for (const s of req.sources) {
    const at = readingStep(done);
    if (streamsUsage(s)) {
      // read below, into the builder, once the configuration and the work items are in
      collected.push(empty());
      done++;
      continue;
    }
    ctl.onProgress(at);
    await check();
    try {
      collected.push(await collect(s, req.links, ctl, at));
    } catch (e) {
      if (e instanceof RefreshCancelled) throw e;
      collected.push({ ...empty(), error: `${s.name}: ${(e as Error).message}`, missing: missingWindow(empty(), s.type === 'api' ? s.settings : undefined, false, s.type === 'api' ? 'api' : 'file') });
    }
    done++;
  }

  // Configuration: the workbook's sheet wins once it exists (the user's edits count); data: this refresh's sources win.
  const ctx = {} as LedgerContext;
  const writeInputs: ContextKey[] = [];
  for (const k of CONTEXT_KEYS) {
    const fromSources = collected.flatMap((c) => (c.ctx[k] ?? []) as unknown[]);
    const sheet = req.workbook[k];
    const useSources = CONFIG_KEYS.includes(k) ? !sheet : fromSources.length > 0 || !sheet;
    (ctx as unknown as Record<string, unknown[]>)[k] = useSources ? fromSources : (sheet as unknown[]);
    if (useSources) writeInputs.push(k);
  }

  ctl.onProgress({ step: 'Pricing usage, linking it to work items and sharing out overheads', done, total, phase: 'build' });
  await check();
  const daily = new DailyCollector();
  const mix = new UsageMixCollector();
  const streamedBytes = req.sources.reduce((n, s) => n + (streamsUsage(s) ? (s.file?.size ?? s.text?.length ?? 0) : 0), 0);
  const b = new LedgerBuilder(ctx, { priceBook: new PriceBook(ctx.prices as PriceOverride[]), expectedEvents: collected.reduce((n, c) => n + c.events.length, 0) + usageRowsIn(streamedBytes), observer: observeAll(daily, mix) });
  const itemIds = new Set<string>();
  for (const c of collected) for (const w of c.workItems) if (b.addWorkItem(w) !== 'conflict') itemIds.add(w.work_item_id);
  // events in source order, as before: a streamed file's where it stands in the list
  for (let i = 0; i < req.sources.length; i++) {
    const s = req.sources[i];
    if (!streamsUsage(s)) {
      for (const e of collected[i].events) b.addEvent(e);
      continue;
    }
    const at = readingStep(i);
    ctl.onProgress(at);
    await check();
    try {
      collected[i] = await streamUsage(s, b, itemIds, ctl, at);
    } catch (e) {
      if (e instanceof RefreshCancelled) throw e;
      collected[i] = { ...empty(), error: `${s.name}: ${(e as Error).message}`, missing: 'the whole file' };
    }
  }
  await check();
  for (const c of collected) for (const r of c.reviews) b.addReview(r);
  done++;
  ctl.onProgress({ step: 'Checking that every dollar is accounted for, and rounding to the cent', done, total, phase: 'build' });
  await check();
  let result = b.finish();
  // the daily series reads the per-item rows, so it is taken before any aggregation below
  const dailySeries = daily.series(result);
  let dailySheet: SheetSpec | undefined;
  if (req.dailySettings && dailySeries.days.length) {
    const agents = configuredAgents(result, req.workbook.agents ?? ctx.agents);
    dailySheet = dailySpecs(dailySeries, { ...result, agents }, { ...ctx, agents }, req.dailySettings).data;
  }
  done++;
  let detail: LedgerDetail | undefined;
  if (chooseGrain(result.rows.length, req.ledger) === 'aggregated') {
    const n = result.rows.length;
    ctl.onProgress({ step: `Summing ${n.toLocaleString('en-US')} work-item rows by agent, day, business unit and outcome (more than a workbook holds one by one)`, done, total, phase: 'build' });
    await check();
    const ids = new Set<string>();
    for (const r of result.rows) ids.add(r.work_item_id);
    const p = result.periods;
    detail = {
      workItemRows: n,
      workItems: ids.size,
      fileName: `ledger-detail-${p[0]}${p.length > 1 ? `-to-${p[p.length - 1]}` : ''}.csv`,
      csv: new Blob([...ledgerDetailChunks(result.rows)], { type: 'text/csv' }),
    };
    result = { ...result, rows: aggregateRows(result.rows) };
  }

  const sources: SourceReport[] = req.sources.map((s, i) => {
    const c = collected[i];
    let linked = c.streamed?.linked ?? 0;
    if (!c.streamed) for (const e of c.events) if (e.work_item_id && itemIds.has(e.work_item_id)) linked++;
    const events = c.streamed?.events ?? c.events.length;
    return {
      id: s.id, name: s.name, format: s.type === 'sample' ? 'sample' : s.type === 'api' ? `${s.format} API` : s.format,
      read: c.read, events, workItems: c.workItems.length, reviews: c.reviews.length,
      linked, unattributed: events - linked, rejected: c.rejected, rejectedRows: c.rejectedRows, warnings: c.warningCount,
      ...(c.error ? { error: c.error, missing: c.missing ?? (s.type === 'file' ? 'the whole file' : 'everything it was asked for'), ...(c.partial ? { partial: true } : {}) } : {}),
    };
  });
  const rejected: RejectedRow[] = [];
  for (const s of sources) {
    if (s.error) rejected.push({ file: s.name, line: 0, column: '', value: '', reason: s.error });
    rejected.push(...s.rejectedRows);
    if (s.rejected > s.rejectedRows.length) rejected.push({ file: s.name, line: 0, column: '', value: '', reason: `${s.rejected - s.rejectedRows.length} more rejected rows not listed` });
  }
  const warnings: RejectedRow[] = [];
  req.sources.forEach((s, i) => {
    const c = collected[i];
    warnings.push(...c.warnings);
    if (c.warningCount > c.warnings.length) warnings.push({ file: s.name, line: 0, column: '', value: '', reason: `${c.warningCount - c.warnings.length} more warnings not listed` });
  });
  ctl.onProgress({ step: 'Ledger built', done, total, phase: 'build' });
  return { result, ctx, daily: dailySeries, ...(dailySheet ? { dailySheet } : {}), usageMix: mix.rows(), writeInputs, sources, rejected, warnings, ...(detail ? { detail } : {}) };
}
