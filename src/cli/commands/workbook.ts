// The workbook as a CLI output (`build --out`, `demo --out`) and as a CLI input (`build --workbook`): an edited
// workbook's input sheets feed the next build, and its Budget Drivers and Benchmarks survive regeneration.
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type ExcelJS from 'exceljs';
import { LedgerBuilder, type LedgerContext, type LedgerResult } from '../../core/ledger';
import { generateSample, type SampleOptions } from '../../core/sample';
import { DailyCollector, DEFAULT_DAILY_SETTINGS, type DailySeries } from '../../core/daily';
import { UsageMixCollector, observeAll, type UsageMixRow } from '../../core/ledger/usage-mix';
import type { RejectedRow } from '../../core/model/records';
import { fromExcel, XlsxHost } from '../../hosts/xlsx';
import { PreviewHost } from '../../hosts/preview';
import type { ComputedValue } from '../../hosts/xlsx/results';
import { parseA1 } from '../../workbook/address';
import type { SheetSpec, WorkbookSpec } from '../../workbook/spec';
import { clip } from '../../sources/common/text';
import { backupPathFor, prepareChunks, writeViaTemp } from './safe-write';
import {
  buildWorkbook,
  chooseGrain,
  ledgerDetailChunks,
  ledgerDetailName,
  LEDGER_DETAIL_MAX_ROWS,
  type LedgerGrain,
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
  /** the usage behind the cost: adds the Usage Mix sheet */
  usageMix?: UsageMixRow[];
  /** the edited workbook the inputs came from (`build --workbook`): its own sheets carry over into the output */
  base?: string;
  /** replace a target that cannot be read, or whose user content would be lost (a dated backup is kept) */
  force?: boolean;
  /** consistency warnings of the sources read (Import Issues lists them) */
  warnings?: RejectedRow[];
  /** an API source stopped early: every report sheet says so */
  incomplete?: string;
  /** the Ledger sheet's grain: 'auto' (default) = per work item up to LEDGER_DETAIL_MAX_ROWS rows, aggregated above */
  ledgerGrain?: 'auto' | LedgerGrain;
}

export const LEDGER_GRAINS = ['auto', 'work_item', 'aggregated'] as const;

/** The output was not written: writing would have lost what is in an existing file. Nothing was changed. */
export class WorkbookRefused extends Error {}

/** Parts of an .xlsx that ExcelJS (the writer) drops when it rewrites a file: a user's workbook with them is not rewritten. */
const UNKEPT_PARTS: [RegExp, string][] = [
  [/^xl\/charts\//, 'charts'], [/^xl\/chartsheets\//, 'chart sheets'], [/^xl\/pivotTables\//, 'pivot tables'], [/^xl\/pivotCache/, 'pivot tables'],
  [/^xl\/vbaProject\.bin$/, 'macros'], [/^xl\/slicers\//, 'slicers'], [/^xl\/slicerCaches\//, 'slicers'], [/^xl\/timelines\//, 'timelines'],
  [/^xl\/threadedComments\//, 'threaded comments'], [/^xl\/externalLinks\//, 'links to other workbooks'], [/^xl\/model\//, 'a data model'],
];

/**
 * The names in a zip file's central directory (an .xlsx is a zip). Hand-written because only the names are needed
 * (30 lines of the ZIP format's directory) and no zip reader is among our dependencies.
 */
export function zipEntryNames(buf: Buffer): string[] {
  const names: string[] = [];
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && p + 46 <= buf.length; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('not a zip file (bad central directory)');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

function unkeptParts(path: string): string[] {
  const found = new Set<string>();
  for (const name of zipEntryNames(readFileSync(path))) for (const [re, what] of UNKEPT_PARTS) if (re.test(name)) found.add(what);
  return [...found];
}

const LAYOUT_KEY = (sheet: string) => `layout:${sheet}`;
const WRITTEN_KEY = (sheet: string) => `written:${sheet}`;

/** The rectangles a sheet spec writes, [firstRow, firstCol, lastRow, lastCol] 1-based. */
function layoutOf(spec: SheetSpec): number[][] {
  return spec.grids.map((g) => {
    const o = parseA1(g.at);
    const width = g.rows.reduce((w, r) => Math.max(w, r.length), 0);
    return [o.row + 1, o.col + 1, o.row + Math.max(1, g.rows.length), o.col + Math.max(1, width)];
  });
}

/** A cell as comparable text: a formula as "=…", else its value. */
function cellText(cell: ExcelJS.Cell): string {
  if (cell.formula) return `=${cell.formula}`;
  const v = fromExcel(cell.value);
  return v === null ? '' : String(v);
}

/** Every non-empty cell of a sheet: address → text. */
function cellsOf(ws: ExcelJS.Worksheet): Map<string, string> {
  const m = new Map<string, string>();
  ws.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      const t = cellText(cell);
      if (t !== '') m.set(cell.address, t);
    });
  });
  return m;
}

/** A short digest of a cell's text: what was written there, recorded to tell the user's edits from ours. */
function digest(t: string): string {
  return createHash('sha1').update(t).digest('base64').slice(0, 8);
}

/** "A1=digest;B1=digest;…" of what an input sheet was written with. */
function digestsOf(cells: Map<string, string>): string {
  let s = '';
  for (const [a, t] of cells) s += `${a}=${digest(t)};`;
  return s;
}

function parseDigests(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

/** Settings cells hold at most 32,767 characters: long records are kept in numbered parts. */
const PART = 30_000;
async function setLong(host: XlsxHost, key: string, value: string) {
  const parts = Math.max(1, Math.ceil(value.length / PART));
  await host.settings.set(key, String(parts));
  for (let i = 0; i < parts; i++) await host.settings.set(`${key}#${i}`, value.slice(i * PART, (i + 1) * PART));
}
async function getLong(host: XlsxHost, key: string): Promise<string | undefined> {
  const n = Number(await host.settings.get(key));
  if (!Number.isInteger(n) || n < 1 || n > 10_000) return undefined;
  let out = '';
  for (let i = 0; i < n; i++) out += (await host.settings.get(`${key}#${i}`)) ?? '';
  return out;
}

/** What a sheet about to be replaced holds of the user's: taken before writing, compared after. */
interface Snapshot {
  name: string;
  kind: SheetSpec['kind'];
  /** input sheets: every cell (when edited since the last write); other sheets: the cells outside what we write */
  cells: Map<string, string>;
}

const inside = (addr: string, rects: number[][]) => {
  const { row, col } = parseA1(addr);
  return rects.some(([r0, c0, r1, c1]) => row + 1 >= r0 && row + 1 <= r1 && col + 1 >= c0 && col + 1 <= c1);
};

/**
 * The user's content in the sheets `spec` will replace: for an input sheet, the cells that differ from what was
 * written there last time (a digest per cell is recorded at each write; without a record, every cell); for a report or
 * data sheet, the cells outside the rectangles this tool wrote there (the layout recorded at the last write; without a
 * record, the rectangles it writes now). Report and data sheets are regenerated by design, so a figure changed inside
 * them is not the user's to keep.
 */
async function snapshot(host: XlsxHost, spec: WorkbookSpec): Promise<{ snaps: Snapshot[]; sheets: string[] }> {
  const snaps: Snapshot[] = [];
  for (const sheet of spec.sheets) {
    const ws = host.wb.getWorksheet(sheet.name);
    if (!ws) continue;
    const cells = cellsOf(ws);
    if (sheet.kind === 'input') {
      // The user's cells: those that differ from what was written there last time (all of them without a record).
      const rec = await getLong(host, WRITTEN_KEY(sheet.name));
      const written = rec === undefined ? new Map<string, string>() : parseDigests(rec);
      const mine = new Map<string, string>();
      for (const [a, t] of cells) if (written.get(a) !== digest(t)) mine.set(a, t);
      snaps.push({ name: sheet.name, kind: sheet.kind, cells: mine });
      continue;
    }
    let rects: number[][] = layoutOf(sheet);
    try {
      const l = await host.settings.get(LAYOUT_KEY(sheet.name));
      if (l) rects = JSON.parse(l) as number[][];
    } catch {
      // an unreadable record: judge by what is written now
    }
    const outside = new Map<string, string>();
    for (const [a, t] of cells) if (!inside(a, rects)) outside.set(a, t);
    snaps.push({ name: sheet.name, kind: sheet.kind, cells: outside });
  }
  return { snaps, sheets: await host.listSheets() };
}

/** The user's cells of a snapshot that the written workbook (`after`) does not hold, and its sheets that are gone. */
async function losses(before: { snaps: Snapshot[]; sheets: string[] }, after: XlsxHost, where: string): Promise<string[]> {
  const problems: string[] = [];
  for (const snap of before.snaps) {
    if (!snap.cells.size) continue;
    const ws = after.wb.getWorksheet(snap.name);
    const now = ws ? cellsOf(ws) : new Map<string, string>();
    const lost: string[] = [];
    for (const [a, t] of snap.cells) {
      if (now.get(a) === t) continue;
      lost.push(`${a} ${JSON.stringify(clip(t, 40))}${now.has(a) ? ` would become ${JSON.stringify(clip(now.get(a)!, 40))}` : ''}`);
    }
    if (lost.length) problems.push(`${where} sheet "${snap.name}": ${lost.length} cell${lost.length > 1 ? 's' : ''} of the user's would be lost (${lost.slice(0, 6).join(', ')}${lost.length > 6 ? ', …' : ''})`);
  }
  const kept = new Set(await after.listSheets());
  for (const n of before.sheets) if (!kept.has(n)) problems.push(`${where} sheet "${n}" would be lost`);
  return problems;
}

/**
 * Writes the whole workbook, safely:
 * - into the workbook it came from (`base`, else the existing target): every sheet the user added stays, and so do
 *   their Budget Drivers and Benchmarks; the sheets this tool generates are replaced;
 * - a target that exists but cannot be read as a workbook is not overwritten (refused; `force` moves it aside as
 *   a dated backup and says so), nor one with parts the writer would drop (charts, pivot tables, macros…);
 * - cells a user added to a generated sheet, or edits to an input sheet that the new content does not carry, make
 *   the write refuse and name them (`force`: written anyway, the old file kept as a dated backup);
 * - the file is written to a temporary file beside the target and renamed over it: never half-written.
 */
export async function writeWorkbookFile(a: WriteWorkbookArgs, io: CliIO): Promise<void> {
  // More work-item rows than a workbook holds one by one: the Ledger sheet is aggregated and the rows go to a CSV
  // beside the workbook, named on the sheet (src/workbook/README.md "Grain").
  const grain = chooseGrain(a.result.rows.length, { grain: a.ledgerGrain });
  const detailName = ledgerDetailName(basename(a.path));
  const detailPath = join(dirname(a.path), detailName);
  const refuse = (why: string) => {
    throw new WorkbookRefused(`${why}; ${a.path} was not changed. Write to another file, or pass --force to replace it (the old file is then kept as ${basename(backupPathFor(a.path))})`);
  };
  let backup = false;
  let target: XlsxHost | null = null;
  if (existsSync(a.path)) {
    try {
      if (!statSync(a.path).isFile()) throw new Error('a folder, not a file');
      target = await XlsxHost.open(a.path);
    } catch (e) {
      if (!a.force) refuse(`${a.path} exists but is not a workbook this tool can read (${clip((e as Error).message, 160)})`);
      backup = true;
    }
    if (target) {
      const parts = unkeptParts(a.path);
      if (parts.length && !a.force) refuse(`${a.path} has ${parts.join(', ')}, which this writer cannot keep`);
      if (parts.length) backup = true;
    }
  }
  let base = target;
  if (a.base && resolve(a.base) !== resolve(a.path)) {
    try {
      base = await XlsxHost.open(a.base);
    } catch (e) {
      throw new Error(`cannot read the workbook ${a.base}: ${(e as Error).message}`);
    }
    const parts = unkeptParts(a.base);
    if (parts.length) io.err(`workbook: ${a.base} has ${parts.join(', ')}, which ${a.path} will not have (this writer cannot copy them)`);
  }

  let budget = defaultBudget(a.result, a.ctx, a.period);
  let benchmarks;
  if (base) {
    const from = a.base ?? a.path;
    const drivers = readBudgetDrivers(await base.readSheet('Budget Drivers'));
    if (drivers.lines.length && !drivers.errors.length) {
      budget = { lines: drivers.lines, drivers: drivers.drivers, basis: `Kept from ${from}` };
      io.err(`workbook: kept Budget Drivers from ${a.base ? '' : 'the existing '}${from}`);
    } else if (drivers.errors.length) {
      io.err(`workbook: Budget Drivers in ${from} have errors, regenerated from actuals: ${drivers.errors.slice(0, 3).map(formatCellError).join('; ')}`);
    }
    const b = readBenchmarks(await base.readSheet('Benchmarks'));
    if (b.records.length && !b.errors.length) benchmarks = b.records;
  }
  // daily alert settings: the (kept) Budget Drivers' values over the defaults
  const d = budget.drivers;
  const settings = { ...DEFAULT_DAILY_SETTINGS, ...(d ? { drift_pct: d.slo_alert_pct ?? DEFAULT_DAILY_SETTINGS.drift_pct, window_days: d.daily_window_days ?? DEFAULT_DAILY_SETTINGS.window_days, baseline_days: d.daily_baseline_days ?? DEFAULT_DAILY_SETTINGS.baseline_days, min_change_pct: d.daily_min_change_pct ?? DEFAULT_DAILY_SETTINGS.min_change_pct } : {}) };
  const inputs = { result: a.result, ctx: a.ctx, period: a.period, rejected: a.rejected, warnings: a.warnings, budget, benchmarks, incomplete: a.incomplete, daily: a.daily ? { series: a.daily, settings } : undefined, usageMix: a.usageMix };
  const spec = buildWorkbook({ ...inputs, ledger: { grain, detail: `${detailName}, beside this workbook (${fmt(a.result.rows.length)} rows: one per work item and month)` } });
  // What the existing target holds of the user's, before anything is written over it.
  const before = target ? await snapshot(target, spec) : null;
  // The user's own sheets (and everything else in the base) stay: the generated sheets are written over it.
  const host = base ?? new XlsxHost();
  await host.writeWorkbook(spec);
  for (const sheet of spec.sheets) {
    await host.settings.set(LAYOUT_KEY(sheet.name), JSON.stringify(layoutOf(sheet)));
    if (sheet.kind === 'input') await setLong(host, WRITTEN_KEY(sheet.name), digestsOf(cellsOf(host.wb.getWorksheet(sheet.name)!)));
  }
  const problems = before ? await losses(before, host, a.path) : [];
  if (problems.length) {
    if (!a.force) {
      throw new WorkbookRefused(`${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}. ${a.path} was not changed: copy what you need, write to another file, or pass --force to replace it (the old file is then kept as ${basename(backupPathFor(a.path))})`);
    }
    backup = true;
    for (const p of problems.slice(0, 8)) io.err(`workbook: --force: ${p}`);
  }
  if (backup && existsSync(a.path)) {
    const to = backupPathFor(a.path);
    copyFileSync(a.path, to);
    io.err(`workbook: kept the previous ${a.path} as ${to}`);
  }
  await host.activate(spec.sheets[0].name);
  const computed = await twinValues(host, spec, grain, () => buildWorkbook({ ...inputs, ledger: { grain: 'aggregated' } }));
  // The detail goes to its temporary file first and into place after the workbook: both or neither, as far as a
  // rename goes.
  const detail = grain === 'aggregated' ? prepareChunks(detailPath, ledgerDetailChunks(a.result.rows)) : null;
  try {
    await writeViaTemp(a.path, (tmp) => host.save(tmp, computed));
  } catch (e) {
    detail?.discard();
    throw e;
  }
  detail?.commit();
  const own = (await host.listSheets()).length - spec.sheets.length;
  // the Ledger table's rows: its ref (A3:Z4212) less the header row
  const ref = spec.sheets.find((s) => s.name === 'Ledger')!.tables![0].ref;
  const sheetRows = Number(/\d+$/.exec(ref)![0]) - Number(/\d+/.exec(ref)![0]);
  const ledgerText =
    grain === 'aggregated'
      ? `Ledger of ${fmt(sheetRows)} rows by agent × day × business unit × outcome (${fmt(a.result.rows.length)} work-item rows, ${a.result.rows.length > LEDGER_DETAIL_MAX_ROWS ? `more than the ${fmt(LEDGER_DETAIL_MAX_ROWS)} a workbook holds one by one` : 'aggregated as asked'})`
      : `Ledger of ${fmt(a.result.rows.length)} rows`;
  io.out(
    `Wrote ${a.path}: ${spec.sheets.length} sheets (${spec.sheets[0].name}, Invoice Reconciliation, Budget, Migration Payback, SLO Monitor,${a.daily ? ' Daily Monitor,' : ''} Agent P&L, ${ledgerText},${a.daily ? ' Daily,' : ''}${a.usageMix ? ' Usage Mix,' : ''} input sheets)` +
      `${own > 0 ? `, and ${own} other sheet${own > 1 ? 's' : ''} kept` : ''}${a.incomplete ? ' — marked INCOMPLETE' : ''}`,
  );
  if (detail) io.out(`Wrote ${detailPath}: the per-work-item Ledger, ${fmt(a.result.rows.length)} rows (${(detail.bytes / 1e6).toFixed(1)} MB)`);
}

/**
 * The formulas' saved values (src/workbook/README.md "Saved values") for a workbook whose Ledger holds a row per work
 * item, computed by HyperFormula over the same workbook with the Ledger aggregated: every report cell has the same
 * value at either grain (tests/workbook/grain.test.ts), and HyperFormula over a per-item Ledger costs ~25 KB and
 * ~0.6 ms a row (a 52,000-row Ledger: 1.2 GB and 33 s). Not when the user's own sheets hold formulas (they may read
 * the Ledger's rows): then results.ts computes over the whole workbook as written. undefined = that default.
 */
async function twinValues(host: XlsxHost, spec: WorkbookSpec, grain: LedgerGrain, twinSpec: () => WorkbookSpec): Promise<ComputedValue | undefined> {
  if (grain !== 'work_item' || host.hasFormulasOutside(new Set(spec.sheets.map((s) => s.name)))) return undefined;
  const twin = new PreviewHost();
  await twin.writeWorkbook(twinSpec());
  // HyperFormula's own values (errors as DetailedCellError), so results.ts saves exactly what it would have computed
  return (sheet, row, col) => {
    const id = twin.hf.getSheetId(sheet);
    return id === undefined ? undefined : twin.hf.getCellValue({ sheet: id, row, col });
  };
}

/** Rough Ledger rows of the sample: ~130,000 work items a month at scale 1. */
export const estimateDemoRows = (scale: number, months: number) => Math.ceil(130_000 * scale * months * 1.02);

/**
 * The sample organisation straight into the ledger, streaming: the first pass yields the small records (invoices
 * need the month's totals, and the ledger needs invoices up front), the second streams events into the builder.
 * The generator is deterministic, so both passes see the same data.
 */
export function demoLedger(o: SampleOptions): { result: LedgerResult; ctx: LedgerContext; daily: DailySeries; usageMix: UsageMixRow[] } {
  const noop = () => {};
  const first = generateSample(o, { event: noop, workItem: noop, review: noop });
  const ctx: LedgerContext = { agents: first.agents, rates: first.rates, toolPrices: first.toolPrices, overheads: first.overheads, invoices: first.invoices, prices: first.prices };
  const daily = new DailyCollector();
  const mix = new UsageMixCollector();
  const b = new LedgerBuilder(ctx, { expectedEvents: first.stats.events, observer: observeAll(daily, mix) });
  generateSample(o, { event: (e) => b.addEvent(e), workItem: (w) => b.addWorkItem(w), review: (r) => b.addReview(r) });
  const result = b.finish();
  return { result, ctx, daily: daily.series(result), usageMix: mix.rows() };
}
