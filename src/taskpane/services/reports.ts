// Report generation from the pane: each report is one sheet, written through the host (replaced, never duplicated),
// activated, and described. Inputs are read back from the workbook so the user's edits count.
import type { LedgerContext, LedgerResult } from '../../core/ledger';
import type { Agent } from '../../core/model/records';
import {
  BUDGET_SHEET, PAYBACK_SHEET, PNL_SHEET, SLO_SHEET, agentPnlSheet, budgetDriversSheet, budgetSheet, chargebackSheet, chargebackSheetName,
  computePayback, defaultPaybackInputs, paybackOrder, paybackSheet, sloSheet, BUDGET_LINES,
  type CellError, type SheetSpec, type WorkbookHost,
} from '../../workbook';
import { budgetDefaults, hasLedger, readWorkbookInputs, specRows } from './workbook-io';
import { DAILY_MONITOR_SHEET } from '../../workbook';
import type { DailySeries } from '../../core/daily';
import { configuredAgents, dailySettingsFrom, dailySpecs } from './daily';

export const REPORTS = [
  { kind: 'chargeback', button: 'Generate chargeback', monthly: true },
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

export async function generateReport(host: WorkbookHost, kind: ReportKind, period: string, refreshed: Refreshed): Promise<ReportWritten> {
  if (!(await hasLedger(host))) throw new Error('The workbook has no Ledger sheet yet: run Refresh first.');
  const { result, ctx } = refreshed;
  if (!result.periods.includes(period) && kind !== 'budget' && kind !== 'slo' && kind !== 'daily') throw new Error(`No data for ${period}: the ledger covers ${result.periods.join(', ') || 'no month'}.`);
  const read = await readWorkbookInputs(host);
  const agents = read.ctx.agents ?? ctx.agents;
  const prices = read.ctx.prices ?? ctx.prices;
  const errors = read.errors.filter((e) => e.sheet === 'Agents' || e.sheet === 'Prices' || (kind === 'budget' && e.sheet === BUDGET_LINES.sheet));
  const notes: string[] = [];
  let spec: SheetSpec;
  switch (kind) {
    case 'chargeback':
      spec = chargebackSheet(result, period, agents);
      break;
    case 'budget': {
      let lines = read.budget?.lines.length ?? 0;
      if (!read.budget) {
        const d = budgetDefaults(result, ctx);
        await host.writeSheet(budgetDriversSheet(d));
        lines = d.lines.length;
        notes.push('Budget Drivers was missing: written from the latest actuals.');
      }
      spec = budgetSheet(lines);
      break;
    }
    case 'payback': {
      const inputs = defaultPaybackInputs(result, period, agents, prices);
      spec = paybackSheet(inputs, paybackOrder(computePayback(result, inputs)), agents);
      break;
    }
    case 'slo':
      spec = sloSheet(withEditedAgents(result, read.ctx.agents));
      break;
    case 'pnl':
      spec = agentPnlSheet(withEditedAgents(result, read.ctx.agents), period);
      break;
    case 'daily': {
      if (!refreshed.daily || !refreshed.daily.days.length) throw new Error('No daily series: run Refresh (it writes the Daily sheet the monitor reads).');
      const edited = configuredAgents(result, agents);
      const d = dailySpecs(refreshed.daily, { ...result, agents: edited }, { ...ctx, agents: edited }, dailySettingsFrom(read.budget?.drivers));
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
  kind === 'chargeback' ? chargebackSheetName(period) : kind === 'budget' ? BUDGET_SHEET : kind === 'payback' ? PAYBACK_SHEET : kind === 'slo' ? SLO_SHEET : kind === 'daily' ? DAILY_MONITOR_SHEET : PNL_SHEET;
