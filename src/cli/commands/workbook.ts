// The workbook as a CLI output (`build --out`, `demo --out`) and as a CLI input (`build --workbook`): an edited
// workbook's input sheets feed the next build, and its Budget Drivers and Benchmarks survive regeneration.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerBuilder, type LedgerContext, type LedgerResult } from '../../core/ledger';
import { generateSample, type SampleOptions } from '../../core/sample';
import { DailyCollector, DEFAULT_DAILY_SETTINGS, type DailySeries } from '../../core/daily';
import type { RejectedRow } from '../../core/model/records';
import { XlsxHost } from '../../hosts/xlsx';
import {
  buildWorkbook,
  defaultBudget,
  formatCellError,
  readAgents,
  readBenchmarks,
  readBudgetDrivers,
  readInvoices,
  readOverheads,
  readPrices,
  readRates,
  readToolPrices,
  type CellError,
} from '../../workbook';
import { fmt } from './args';
import type { CliIO } from './index';

/** Above this many Ledger rows ExcelJS needs several GB of memory (it holds every cell as an object). */
export const MAX_XLSX_LEDGER_ROWS = 150_000;

export interface WorkbookInputSheets {
  ctx: Partial<LedgerContext>;
  errors: CellError[];
}

/** Reads the input sheets of an (edited) workbook. A missing sheet is simply not returned; bad cells are errors. */
export async function readWorkbookInputs(path: string, io?: CliIO): Promise<WorkbookInputSheets> {
  let host: XlsxHost;
  try {
    host = await XlsxHost.open(path);
  } catch (e) {
    throw new Error(`cannot read the workbook ${path}: ${(e as Error).message}`);
  }
  const sheets = new Set(await host.listSheets());
  const ctx: Partial<LedgerContext> = {};
  const errors: CellError[] = [];
  const take = async <T>(name: string, read: (g: Awaited<ReturnType<XlsxHost['readSheet']>>) => { records: T[]; errors: CellError[] }) => {
    if (!sheets.has(name)) return undefined;
    const r = read(await host.readSheet(name));
    errors.push(...r.errors);
    return r.records;
  };
  ctx.agents = await take('Agents', readAgents);
  ctx.rates = await take('Rates', readRates);
  ctx.toolPrices = await take('Tool Prices', readToolPrices);
  ctx.prices = await take('Prices', readPrices);
  ctx.overheads = await take('Overheads', readOverheads);
  ctx.invoices = await take('Invoices', readInvoices);
  for (const k of Object.keys(ctx) as (keyof LedgerContext)[]) if (ctx[k] === undefined) delete ctx[k];
  if (io) {
    for (const e of errors.slice(0, 20)) io.err(`${path}: ${formatCellError(e)}`);
    if (errors.length > 20) io.err(`${path}: ${fmt(errors.length - 20)} more bad cells; listed in the outputs`);
  }
  return { ctx, errors };
}

/** Reader errors as rejected rows (file = the workbook, line = the sheet row, column = the cell). */
export function cellErrorsAsRejected(path: string, errors: CellError[]): RejectedRow[] {
  return errors.map((e) => ({ file: `${path} [${e.sheet}]`, line: Number(/\d+$/.exec(e.cell)?.[0] ?? 0), column: e.cell ? `${e.cell} ${e.column}` : e.column, value: e.value, reason: e.message }));
}

export interface WriteWorkbookArgs {
  path: string;
  result: LedgerResult;
  ctx: LedgerContext;
  period: string;
  rejected: RejectedRow[];
  /** the daily series: adds the Daily Monitor and Daily sheets */
  daily?: DailySeries;
  /** consistency warnings of the sources read (Import Issues lists them) */
  warnings?: RejectedRow[];
  /** an API source stopped early: every report sheet says so */
  incomplete?: string;
}

/**
 * Writes the whole workbook. When `path` already holds a workbook, its Budget Drivers and Benchmarks (the user's
 * own figures) are kept; everything else is regenerated from the ledger.
 */
export async function writeWorkbookFile(a: WriteWorkbookArgs, io: CliIO): Promise<void> {
  if (a.result.rows.length > MAX_XLSX_LEDGER_ROWS) {
    throw new Error(
      `the Ledger has ${fmt(a.result.rows.length)} rows; writing more than ${fmt(MAX_XLSX_LEDGER_ROWS)} to .xlsx needs several GB of memory. ` +
        'Build fewer months or a smaller --scale for the workbook (the summary JSON has no such limit).',
    );
  }
  let budget = defaultBudget(a.result, a.ctx, a.period);
  let benchmarks;
  if (existsSync(a.path)) {
    try {
      const old = await XlsxHost.open(a.path);
      const drivers = readBudgetDrivers(await old.readSheet('Budget Drivers'));
      if (drivers.lines.length && !drivers.errors.length) {
        budget = { lines: drivers.lines, drivers: drivers.drivers, basis: `Kept from the previous ${a.path}` };
        io.err(`workbook: kept Budget Drivers from the existing ${a.path}`);
      } else if (drivers.errors.length) {
        io.err(`workbook: Budget Drivers in ${a.path} have errors, regenerated from actuals: ${drivers.errors.slice(0, 3).map(formatCellError).join('; ')}`);
      }
      const b = readBenchmarks(await old.readSheet('Benchmarks'));
      if (b.records.length && !b.errors.length) benchmarks = b.records;
    } catch (e) {
      io.err(`workbook: could not read the existing ${a.path} (${(e as Error).message}); writing a new one`);
    }
  }
  // daily alert settings: the (kept) Budget Drivers' values over the defaults
  const d = budget.drivers;
  const settings = { ...DEFAULT_DAILY_SETTINGS, ...(d ? { drift_pct: d.slo_alert_pct ?? DEFAULT_DAILY_SETTINGS.drift_pct, window_days: d.daily_window_days ?? DEFAULT_DAILY_SETTINGS.window_days, baseline_days: d.daily_baseline_days ?? DEFAULT_DAILY_SETTINGS.baseline_days, min_change_pct: d.daily_min_change_pct ?? DEFAULT_DAILY_SETTINGS.min_change_pct } : {}) };
  const spec = buildWorkbook({ result: a.result, ctx: a.ctx, period: a.period, rejected: a.rejected, warnings: a.warnings, budget, benchmarks, incomplete: a.incomplete, daily: a.daily ? { series: a.daily, settings } : undefined });
  const host = new XlsxHost();
  await host.writeWorkbook(spec);
  await host.activate(spec.sheets[0].name);
  mkdirSync(dirname(a.path), { recursive: true });
  await host.save(a.path);
  io.out(`Wrote ${a.path}: ${spec.sheets.length} sheets (${spec.sheets[0].name}, Invoice Reconciliation, Budget, Migration Payback, SLO Monitor,${a.daily ? ' Daily Monitor,' : ''} Agent P&L, Ledger of ${fmt(a.result.rows.length)} rows,${a.daily ? ' Daily,' : ''} input sheets)${a.incomplete ? ' — marked INCOMPLETE' : ''}`);
}

/** Rough Ledger rows of the sample: ~130,000 work items a month at scale 1. */
export const estimateDemoRows = (scale: number, months: number) => Math.ceil(130_000 * scale * months * 1.02);

/**
 * The sample organisation straight into the ledger, streaming: the first pass yields the small records (invoices
 * need the month's totals, and the ledger needs invoices up front), the second streams events into the builder.
 * The generator is deterministic, so both passes see the same data.
 */
export function demoLedger(o: SampleOptions): { result: LedgerResult; ctx: LedgerContext; daily: DailySeries } {
  const noop = () => {};
  const first = generateSample(o, { event: noop, workItem: noop, review: noop });
  const ctx: LedgerContext = { agents: first.agents, rates: first.rates, toolPrices: first.toolPrices, overheads: first.overheads, invoices: first.invoices, prices: first.prices };
  const daily = new DailyCollector();
  const b = new LedgerBuilder(ctx, { expectedEvents: first.stats.events, observer: daily });
  generateSample(o, { event: (e) => b.addEvent(e), workItem: (w) => b.addWorkItem(w), review: (r) => b.addReview(r) });
  const result = b.finish();
  return { result, ctx, daily: daily.series(result) };
}
