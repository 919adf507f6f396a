// Everything the pane reads from and writes to the workbook, through the WorkbookHost contract only.
import type { LedgerContext, LedgerResult } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import {
  AGENTS, BENCHMARKS, BUDGET_LINES, INVOICES, OVERHEADS, PLAYBOOK_BENCHMARKS, PRICES, RATES, TOOL_PRICES,
  budgetDriversSheet, defaultBudget, importIssuesSheet, inputSheet, issueRows, ledgerSheet, unattributedSheet, usageMixSheet,
  readAgents, readBenchmarks, readBudgetDrivers, readInvoices, readOverheads, readPrices, readRates, readToolPrices,
  LEDGER_SHEET, SheetKeys, type Benchmark, type BudgetDriversRead, type CellError, type InputSheetDef, type SheetSpec, type WorkbookHost, type CellValue,
} from '../../workbook';
import type { ContextKey, RefreshComputed } from './refresh-core';
import { configuredAgents, dailySettingsFrom, dailySpecs } from './daily';
import { refreshMark } from './marks';

export const INPUT_DEFS: Record<ContextKey, InputSheetDef<unknown>> = {
  agents: AGENTS as InputSheetDef<unknown>, rates: RATES as InputSheetDef<unknown>, toolPrices: TOOL_PRICES as InputSheetDef<unknown>,
  prices: PRICES as InputSheetDef<unknown>, overheads: OVERHEADS as InputSheetDef<unknown>, invoices: INVOICES as InputSheetDef<unknown>,
};

const READERS: Record<ContextKey, (g: CellValue[][] | null) => { records: unknown[]; errors: CellError[]; rows: number[] }> = {
  agents: readAgents, rates: readRates, toolPrices: readToolPrices, prices: readPrices, overheads: readOverheads, invoices: readInvoices,
};

export interface WorkbookInputsRead {
  /** records of the input sheets that exist */
  ctx: Partial<LedgerContext>;
  /** per sheet read, each record's position among the sheet's data rows (sheet row 2 = 1), for exact lookups */
  rows: Partial<Record<ContextKey, number[]>>;
  /** bad cells of those sheets, by address */
  errors: CellError[];
  /** null when the workbook has no Budget Drivers sheet */
  budget: BudgetDriversRead | null;
  benchmarksPresent: boolean;
  /** the Benchmarks sheet's valid rows (null without the sheet): the functions' store gets what the sheet holds */
  benchmarks: Benchmark[] | null;
  sheets: string[];
}

/** Reads the input sheets back (a user's edits to Agents, Prices, Budget Drivers... count). Missing sheets are left out. */
export async function readWorkbookInputs(host: WorkbookHost): Promise<WorkbookInputsRead> {
  const sheets = await host.listSheets();
  const has = new Set(sheets);
  const ctx: Partial<LedgerContext> = {};
  const rows: Partial<Record<ContextKey, number[]>> = {};
  const errors: CellError[] = [];
  for (const k of Object.keys(INPUT_DEFS) as ContextKey[]) {
    const name = INPUT_DEFS[k].sheet;
    if (!has.has(name)) continue;
    const r = READERS[k](await host.readSheet(name));
    (ctx as Record<string, unknown[]>)[k] = r.records;
    rows[k] = r.rows;
    errors.push(...r.errors);
  }
  let budget: BudgetDriversRead | null = null;
  if (has.has(BUDGET_LINES.sheet)) {
    budget = readBudgetDrivers(await host.readSheet(BUDGET_LINES.sheet));
    errors.push(...budget.errors);
  }
  let benchmarksPresent = false;
  let benchmarks: Benchmark[] | null = null;
  if (has.has(BENCHMARKS.sheet)) {
    benchmarksPresent = true;
    const b = readBenchmarks(await host.readSheet(BENCHMARKS.sheet));
    errors.push(...b.errors);
    benchmarks = b.records;
  }
  return { ctx, rows, errors, budget, benchmarksPresent, benchmarks, sheets };
}

/** Reader errors as Import Issues rows: file = the sheet, line = the sheet row, column = cell and column. */
export function cellErrorsAsRejected(errors: readonly CellError[]): RejectedRow[] {
  return errors.map((e) => ({ file: `workbook [${e.sheet}]`, line: Number(/\d+$/.exec(e.cell)?.[0] ?? 0), column: e.cell ? `${e.cell} ${e.column}`.trim() : e.column, value: e.value, reason: e.message }));
}

export interface WrittenRefresh {
  sheets: string[];
  /** Import Issues: rows 2.. hold these rejected rows first, then the unpriced events (alerts link into it) */
  issuesRejected: number;
}

/** The rows a sheet spec fills (its last used row, 1-based). */
export function specRows(spec: SheetSpec): number {
  let n = 0;
  for (const g of spec.grids) {
    const row = Number(/\d+$/.exec(g.at)?.[0] ?? 1);
    n = Math.max(n, row - 1 + g.rows.length);
  }
  return n;
}

/** Writes the data sheets, the input sheets the refresh owns, and Budget Drivers/Benchmarks when missing. */
export async function writeRefresh(host: WorkbookHost, c: RefreshComputed, read: WorkbookInputsRead, onProgress?: (done: number, total: number) => void): Promise<WrittenRefresh> {
  const rejected = [...cellErrorsAsRejected(read.errors), ...c.rejected];
  const keys = SheetKeys.of(c.result);
  // Each sheet's spec is built in its own turn of the page (the Ledger's alone is a few thousand rows of cells).
  const build: (() => SheetSpec)[] = [
    () => (c.detail ? ledgerSheet(c.result.rows, keys, { workItemRows: c.detail.workItemRows, detail: detailWhere(c.detail.fileName) }) : ledgerSheet(c.result.rows, keys)),
    () => unattributedSheet(c.result.unattributed, keys),
    () => importIssuesSheet(issueRows(rejected, c.result.unpriced, c.result.conflicts, c.warnings ?? [])),
  ];
  // Configuration sheets exist before any report reads their names (Agents_target_cost_per_outcome...).
  for (const k of c.writeInputs) build.push(() => inputSheet(INPUT_DEFS[k], (c.ctx as unknown as Record<string, unknown[]>)[k]));
  const keepBudget = read.budget && read.budget.lines.length > 0 && read.budget.errors.length === 0;
  if (!keepBudget) build.push(() => budgetDriversSheet(budgetDefaults(c.result, c.ctx)));
  if (!read.benchmarksPresent) build.push(() => inputSheet(BENCHMARKS, PLAYBOOK_BENCHMARKS));
  // The daily series as a data sheet (the Daily Monitor report and Alerts → Today read it), judged with the
  // workbook's own settings; last, so the sheets above keep their order.
  if (c.dailySheet) {
    const daily = c.dailySheet;
    build.push(() => daily);
  } else if (c.daily && c.daily.days.length) {
    const agents = configuredAgents(c.result, read.ctx.agents ?? c.ctx.agents);
    const daily = c.daily;
    build.push(() => dailySpecs(daily, { ...c.result, agents }, { ...c.ctx, agents }, dailySettingsFrom(read.budget?.drivers)).data);
  }
  if (c.usageMix) {
    const mix = c.usageMix;
    build.push(() => usageMixSheet(mix));
  }
  const sheets: SheetSpec[] = [];
  for (const b of build) {
    sheets.push(b());
    refreshMark(`spec:${sheets[sheets.length - 1].name}`);
    await new Promise<void>((r) => setTimeout(r, 0));
  }
  await host.writeWorkbook({ sheets }, { onProgress });
  return { sheets: sheets.map((s) => s.name), issuesRejected: rejected.length };
}

/** What an aggregated Ledger written by the pane says about its detail (the file is not stored in the workbook). */
export const detailWhere = (fileName: string) => `${fileName}, offered as a download in the task pane's Refresh tab after each refresh (it is not stored in the workbook)`;

export function budgetDefaults(result: LedgerResult, ctx: LedgerContext) {
  const p = result.periods[result.periods.length - 1];
  return p ? defaultBudget(result, ctx, p) : { lines: [], basis: 'No actuals yet: enter your P&L lines.' };
}

export async function hasLedger(host: WorkbookHost): Promise<boolean> {
  return (await host.listSheets()).includes(LEDGER_SHEET);
}
