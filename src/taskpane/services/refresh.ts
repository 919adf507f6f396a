// Month-end refresh: read the input sheets, run the import + ledger build in the runner (a Web Worker in the browser,
// so the page stays responsive), write the data and input sheets through the host (in slices that yield to the
// page), hand the ledger to the functions' store.
import type { CellError } from '../../workbook';
import type { LinkRules } from '../../sources/links';
import type { FunctionStoreHook } from './function-store';
import type { Progress, RefreshComputed, RefreshPhase, SourceInput } from './refresh-core';
import type { RefreshRunner } from './runner';
import { readWorkbookInputs, writeRefresh, type WrittenRefresh } from './workbook-io';
import type { WorkbookHost } from '../../workbook';
import { PLAYBOOK_BENCHMARKS } from '../../workbook';
import { linkedShare } from './linked-share';
import { refreshMark } from './marks';
import { dailySettingsFrom } from './daily';

export interface RefreshSummary {
  periods: string[];
  /** over all months, cents-exact sums of the ledger and unattributed rows */
  total: number;
  components: { api: number; retry: number; tools: number; review: number; overhead: number; trueup: number };
  workItems: number;
  events: number;
  /** share of total cost linked to a work item (linked-share.ts: the one definition) */
  linkedShare: number;
  unattributedCost: number;
  unattributedEvents: number;
  rejected: number;
  unpriced: number;
  conservationOk: boolean;
  /** sources that failed or stopped early: the refresh is incomplete while any is listed */
  incomplete: IncompleteSource[];
}

export interface IncompleteSource {
  source: string;
  /** failed (nothing imported) or partial (stopped early, what was read is kept) */
  state: 'failed' | 'partial';
  reason: string;
  /** what the ledger lacks: "the whole file", "records after 2026-10-14T03:00:00Z" */
  missing: string;
}

/** The "incomplete" line report sheets carry while a source failed: names each source and what is missing. */
export function incompleteText(list: readonly IncompleteSource[]): string | undefined {
  if (!list.length) return undefined;
  return list.map((x) => `source ${x.source} ${x.state === 'failed' ? 'failed' : 'stopped early'} (missing ${x.missing})`).join('; ') + ' — these figures leave that out';
}

export interface RefreshOutcome {
  computed: RefreshComputed;
  summary: RefreshSummary;
  written: WrittenRefresh;
  /** bad cells found in the input sheets (their rows were left out and listed on Import Issues) */
  inputErrors: CellError[];
  at: string;
  /** the sheets were written but Excel did not recalculate the AILABOR cells: they may show old values */
  functionsWarning?: string;
}

const c = (x: number) => Math.round(x * 100);


export function summarizeRefresh(r: RefreshComputed): RefreshSummary {
  const comp = { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0 };
  let total = 0;
  let unattr = 0;
  let unattrEvents = 0;
  const keys = Object.keys(comp) as (keyof typeof comp)[];
  for (const row of r.result.rows) {
    total += c(row.total);
    for (const k of keys) comp[k] += c(row[k]);
  }
  for (const u of r.result.unattributed) {
    unattr += c(u.total);
    unattrEvents += u.events;
    for (const k of keys) comp[k] += c(u[k]);
  }
  total += unattr;
  for (const k of keys) comp[k] /= 100;
  return {
    periods: r.result.periods, total: total / 100, components: comp,
    workItems: r.detail?.workItems ?? new Set(r.result.rows.map((x) => x.work_item_id)).size, events: r.result.counts.events,
    linkedShare: linkedShare(r.result), unattributedCost: unattr / 100, unattributedEvents: unattrEvents,
    // a failed source is not a rejected row: it is an incomplete refresh, said in the headline
    rejected: r.sources.reduce((n, s) => n + s.rejected, 0), unpriced: r.result.counts.unpriced,
    conservationOk: r.result.conservation.ok,
    incomplete: r.sources.filter((s) => s.error).map((s) => ({ source: s.name, state: s.partial ? 'partial' : 'failed', reason: s.error!, missing: s.missing ?? 'unknown' })),
  };
}

export interface RefreshArgs {
  host: WorkbookHost;
  sources: SourceInput[];
  links: LinkRules;
  runner: RefreshRunner;
  onProgress: (p: Progress) => void;
  functionStore?: FunctionStoreHook | null;
}

/** From this share of the progress on the sheets are being written: Cancel no longer applies (a half-written workbook is worse). */
export const WRITING_FROM = 0.7;

/** Overall progress: reading sheets 0–5%, the worker 5–70%, writing 70–100%. */
export async function refreshWorkbook(a: RefreshArgs): Promise<RefreshOutcome> {
  const scale = (phase: RefreshPhase, lo: number, hi: number, step: string, done: number, total: number) =>
    a.onProgress({ step, phase, done: Math.round((lo + ((hi - lo) * done) / Math.max(total, 1)) * 10), total: 1000 });
  refreshMark('start');
  scale('read', 0, 5, 'Reading the input sheets (Agents, Rates, Prices, Budget Drivers…)', 0, 1);
  const read = await readWorkbookInputs(a.host);
  refreshMark('sheets-read');
  const computed = await a.runner.run({ sources: a.sources, links: a.links, workbook: read.ctx, dailySettings: dailySettingsFrom(read.budget?.drivers) }, (p) => scale(p.phase ?? 'import', 5, 70, p.step, p.done, p.total));
  refreshMark('computed');
  const rows = computed.result.rows.length;
  const writing = `Writing the Ledger (${rows.toLocaleString('en-US')} rows${computed.detail ? ` by agent × day × business unit × outcome, for ${computed.detail.workItemRows.toLocaleString('en-US')} work-item rows` : ''}) and data sheets`;
  scale('write', 70, 100, writing, 0, 1);
  // While the sheets are written the functions wait (no read of a half-written Ledger); the store then holds exactly
  // what was written, so the add-in's own writes never send it back to re-read the sheets.
  const fs = a.functionStore;
  const endWrite = fs?.beginWrite?.();
  let written: WrittenRefresh;
  try {
    written = await writeRefresh(a.host, computed, read, (done, total) => scale('write', 70, 100, `${writing}: ${Math.round((100 * done) / Math.max(total, 1))}%`, done, total));
    refreshMark('written');
    fs?.set({ rows: computed.result.rows, unattributed: computed.result.unattributed, agents: computed.result.agents, prices: computed.ctx.prices, benchmarks: read.benchmarks ?? PLAYBOOK_BENCHMARKS });
  } catch (e) {
    endWrite?.();
    fs?.invalidate(); // part of the sheets may be written: the functions read what is there
    throw e;
  }
  endWrite?.();
  let functionsWarning: string | undefined;
  try {
    await fs?.notifyWorkbookRefreshed?.();
  } catch (e) {
    functionsWarning = `The sheets are written, but Excel did not recalculate the AILABOR cells (${e instanceof Error ? e.message : String(e)}): press Ctrl+Alt+F9.`;
  }
  refreshMark('functions-notified');
  a.onProgress({ step: 'Done', done: 1000, total: 1000, phase: 'write' });
  return { computed, summary: summarizeRefresh(computed), written, inputErrors: read.errors, at: new Date().toISOString(), functionsWarning };
}
