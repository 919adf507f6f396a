// Report generation from the pane: each report is one sheet, written through the host (replaced, never duplicated),
// activated, and described. Inputs are read back from the workbook so the user's edits count.
import type { LedgerContext, LedgerResult } from '../../core/ledger';
import type { Agent, Invoice } from '../../core/model/records';
import {
  BUDGET_SHEET, PAYBACK_SHEET, PNL_SHEET, RECONCILIATION_SHEET, SLO_SHEET, SheetKeys, agentPnlSheet, agentRowsOf, budgetDriversSheet, budgetSheet,
  chargebackSheet, chargebackSheetName, computePayback, defaultPaybackInputs, ledgerSheet, paybackOrder, paybackSheet, reconciliationSheet, sloSheet, BUDGET_LINES,
  type CellError, type SheetSpec, type WorkbookHost,
} from '../../workbook';
import { budgetDefaults, hasLedger, readWorkbookInputs, specRows } from './workbook-io';
import { DAILY_MONITOR_SHEET } from '../../workbook';
import type { DailySeries } from '../../core/daily';
import { configuredAgents, dailySettingsFrom, dailySpecs } from './daily';

export const REPORTS = [
  { kind: 'chargeback', button: 'Generate chargeback', monthly: true },
  { kind: 'reconciliation', button: 'Generate invoice reconciliation', monthly: false },
  { kind: 'budget', button: 'Generate budget', monthly: false },
  { kind: 'payback', button: 'Generate migration payback', monthly: true },
  { kind: 'slo', button: 'Generate SLO monitor', monthly: false },
  { kind: 'pnl', button: 'Generate agent P&L', monthly: true },
  { kind: 'daily', button: 'Generate daily monitor', monthly: false },
] as const;
export type ReportKind = (typeof REPORTS)[number]['kind'];

export interface Refreshed {
  result: LedgerResult;
  ctx: LedgerContext;
  /** the daily series, for the Daily Monitor */
  daily?: DailySeries | null;
  /** set while the last refresh was incomplete (a source failed or stopped early): every report sheet says so */
  incomplete?: string;
  /** the workbook's Ledger was written before the work_items column existed (ledger-read.ts) */
  countsMissing?: boolean;
}

export interface ReportWritten {
  kind: ReportKind;
  sheet: string;
  rows: number;
  /** bad cells in the input sheets the report read (the report used the valid rows) */
  errors: CellError[];
  notes: string[];
}

/** The ledger's agents with the Agents sheet's edits (targets, SLOs, P&L line) applied, in the ledger's order. */
export function withEditedAgents(result: LedgerResult, edited: readonly Agent[] | undefined): LedgerResult {
  if (!edited?.length) return result;
  const byId = new Map(edited.map((a) => [a.agent_id, a]));
  return { ...result, agents: result.agents.map((a) => byId.get(a.agent_id) ?? a) };
}

/** For each invoice the ledger was built with, its row on the Invoices sheet now (by equal content; else where it was written). */
function invoiceSheetRows(built: readonly Invoice[], onSheet: readonly Invoice[] | undefined, rows: readonly number[] | undefined): number[] {
  const used = new Set<number>();
  return built.map((inv, i) => {
    const j = (onSheet ?? []).findIndex((x, k) => !used.has(k) && x.period === inv.period && x.provider === inv.provider && x.billed_usd === inv.billed_usd);
    if (j < 0 || !rows) return i + 2;
    used.add(j);
    return rows[j] + 1;
  });
}

/** Stored ledgers whose Ledger sheet this session already rewrote with work_items. */
const countsWritten = new WeakSet<LedgerResult>();

export async function generateReport(host: WorkbookHost, kind: ReportKind, period: string, refreshed: Refreshed): Promise<ReportWritten> {
  if (!(await hasLedger(host))) throw new Error('The workbook has no Ledger sheet yet: run Refresh first.');
  const { result, ctx } = refreshed;
  if (!result.periods.includes(period) && kind !== 'budget' && kind !== 'slo' && kind !== 'reconciliation' && kind !== 'daily') throw new Error(`No data for ${period}: the ledger covers ${result.periods.join(', ') || 'no month'}.`);
  const read = await readWorkbookInputs(host);
  const agents = read.ctx.agents ?? ctx.agents;
  const prices = read.ctx.prices ?? ctx.prices;
  const errors = read.errors.filter((e) => e.sheet === 'Agents' || e.sheet === 'Prices' || (kind === 'budget' && e.sheet === BUDGET_LINES.sheet) || (kind === 'reconciliation' && e.sheet === 'Invoices'));
  const notes: string[] = [];
  // The same numbers the Ledger sheet was written with (they depend on the data alone), and where each agent sits on
  // the Agents sheet now, so lookups are exact.
  const opts = { keys: SheetKeys.of(result), incomplete: refreshed.incomplete, agentRows: agentRowsOf(agents, read.ctx.agents ? read.rows.agents : undefined) };
  if (refreshed.incomplete) notes.push('The last refresh was incomplete: the sheet says so.');
  // Reports count work items with SUMIFS over Ledger_work_items; an earlier version's Ledger lacks that column. Its rows
  // (one per work item) are written again with it, unchanged otherwise.
  if (refreshed.countsMissing && !countsWritten.has(result)) {
    await host.writeSheet(ledgerSheet(result.rows, opts.keys));
    countsWritten.add(result);
    notes.push('The Ledger sheet was written again with its work_items column (an earlier version\'s Ledger; same rows).');
  }
  let spec: SheetSpec;
  switch (kind) {
    case 'chargeback':
      spec = chargebackSheet(result, period, agents, opts);
      break;
    case 'reconciliation': {
      if (!result.providers) throw new Error('The invoice reconciliation needs the ledger engine\'s per-provider figures, which the workbook does not keep: run Refresh in this session first.');
      spec = reconciliationSheet(result, ctx.invoices, { ...opts, invoiceRows: invoiceSheetRows(ctx.invoices, read.ctx.invoices, read.rows.invoices) });
      break;
    }
    case 'budget': {
      let lines = read.budget?.lines.length ?? 0;
      if (!read.budget) {
        const d = budgetDefaults(result, ctx);
        await host.writeSheet(budgetDriversSheet(d));
        lines = d.lines.length;
        notes.push('Budget Drivers was missing: written from the latest actuals.');
      } else if (read.budget.layout === 'below') {
        // An earlier version's layout (drivers under the lines) leaves no room for more lines: the same figures, moved.
        await host.writeSheet(budgetDriversSheet({ lines: read.budget.lines, drivers: read.budget.drivers, basis: 'Your lines and drivers, moved: the scalar drivers now sit beside the lines so lines can be added below.' }));
        notes.push('Budget Drivers rewritten with the drivers beside the lines (your figures kept).');
      }
      spec = budgetSheet(lines, opts);
      break;
    }
    case 'payback': {
      const inputs = defaultPaybackInputs(result, period, agents, prices, 40_000, 0, read.ctx.prices ? read.rows.prices : undefined);
      spec = paybackSheet(inputs, opts.keys, paybackOrder(computePayback(result, inputs, agents)), agents, opts);
      break;
    }
    case 'slo':
      spec = sloSheet(withEditedAgents(result, read.ctx.agents), opts);
      break;
    case 'pnl':
      spec = agentPnlSheet(withEditedAgents(result, read.ctx.agents), period, opts);
      break;
    case 'daily': {
      if (!refreshed.daily || !refreshed.daily.days.length) throw new Error('No daily series: run Refresh (it writes the Daily sheet the monitor reads).');
      const edited = configuredAgents(result, agents);
      const d = dailySpecs(refreshed.daily, { ...result, agents: edited }, { ...ctx, agents: edited }, dailySettingsFrom(read.budget?.drivers), refreshed.incomplete);
      // the data sheet again, judged with today's settings, so the monitor and its Daily sheet agree
      await host.writeSheet(d.data);
      spec = d.monitor;
      break;
    }
  }
  await host.writeSheet(spec, { activate: true });
  await host.activate(spec.name);
  return { kind, sheet: spec.name, rows: specRows(spec), errors, notes };
}

export const reportSheetName = (kind: ReportKind, period: string) =>
  kind === 'chargeback' ? chargebackSheetName(period) : kind === 'reconciliation' ? RECONCILIATION_SHEET : kind === 'budget' ? BUDGET_SHEET : kind === 'payback' ? PAYBACK_SHEET : kind === 'slo' ? SLO_SHEET : kind === 'daily' ? DAILY_MONITOR_SHEET : PNL_SHEET;
