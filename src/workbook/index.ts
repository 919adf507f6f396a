// Generated workbooks (DESIGN.md §4): one declarative WorkbookSpec from the ledger and its inputs; hosts write it.
import type { LedgerContext, LedgerResult } from '../core/ledger/types';
import type { RejectedRow } from '../core/model/records';
import { importIssuesSheet, issueRows, unattributedSheet } from './data';
import { ledgerSheetAtGrain, type LedgerGrainOptions } from './grain';
import { computePayback, defaultPaybackInputs, paybackOrder } from './figures';
import {
  AGENTS,
  BENCHMARKS,
  budgetDriversSheet,
  INVOICES,
  inputSheet,
  OVERHEADS,
  PLAYBOOK_BENCHMARKS,
  PRICES,
  RATES,
  TOOL_PRICES,
  type Benchmark,
  type BudgetDriversInput,
} from './inputs';
import { agentPnlSheet, agentRowsOf, budgetLinesFromActuals, budgetSheet, chargebackSheet, paybackSheet, reconciliationSheet, sloSheet, type ChargebackOptions, type PaybackInputs } from './reports';
import { SheetKeys } from './keys';
import type { WorkbookSpec } from './spec';
import { DEFAULT_DAILY_SETTINGS, monitorSeries, type DailySeries, type DailySettings } from '../core/daily';
import { dailyMonitorSheet, dailyRows, dailySheet } from './daily';

export * from './spec';
export * from './host';
export * from './inputs';
export * from './readers';
export * from './data-readers';
export * from './data';
export * from './reports';
export * from './figures';
export * from './sanitize';
export * from './address';
export * from './daily';
export * from './keys';
export * from './grain';
export * from './detail';

export interface WorkbookInputs {
  result: LedgerResult;
  /** the configured records (the Agents sheet holds these, not the ledger's placeholders) */
  ctx: LedgerContext;
  /** the Chargeback's period and the actuals the drivers default from; default the last period */
  period?: string;
  /** more chargeback months (each its own sheet) */
  chargebackPeriods?: string[];
  rejected?: RejectedRow[];
  /** records kept whose vendor figures disagree (listed on Import Issues after the rejected rows) */
  warnings?: RejectedRow[];
  benchmarks?: Benchmark[];
  /** Budget Drivers; default: last month's actuals and the playbook's annual drivers */
  budget?: BudgetDriversInput;
  payback?: PaybackInputs;
  chargeback?: ChargebackOptions;
  /** the daily series (core/daily) when the ledger was built from events: adds the Daily Monitor and Daily sheets */
  daily?: { series: DailySeries; settings?: DailySettings };
  /** a source failed or stopped early: every report sheet says so in red ("incomplete: …") */
  incomplete?: string;
  /** the Ledger sheet's grain (grain.ts): per work item up to LEDGER_DETAIL_MAX_ROWS rows, else aggregated */
  ledger?: LedgerGrainOptions;
}

/** The Daily Monitor and Daily sheets: the agents as configured (alert_* columns), judged on every day. */
export function dailySheets(daily: { series: DailySeries; settings?: DailySettings }, result: LedgerResult, ctx: LedgerContext, incomplete?: string) {
  const settings = daily.settings ?? DEFAULT_DAILY_SETTINGS;
  const configured = new Map(ctx.agents.map((a) => [a.agent_id, a]));
  const monitors = monitorSeries(daily.series, result.agents.map((a) => configured.get(a.agent_id) ?? a), settings);
  const rows = dailyRows(daily.series, monitors);
  return { monitor: dailyMonitorSheet({ series: daily.series, monitors, settings, rows, agentsSheet: ctx.agents, incomplete }), data: dailySheet(rows), monitors, rows };
}

export function lastPeriod(result: LedgerResult): string {
  const p = result.periods[result.periods.length - 1];
  if (!p) throw new Error('the ledger has no period: nothing to report');
  return p;
}

export function defaultBudget(result: LedgerResult, ctx: LedgerContext, period: string): BudgetDriversInput {
  return { lines: budgetLinesFromActuals(result, period, ctx.agents), basis: `Defaults from the actuals of ${period} (cost per unit = the Chargeback's cost per outcome: total cost ÷ successful outcomes; volume = successful outcomes; cost with no successful outcome as fixed monthly): the monthly total equals that month's chargeback to the cent.` };
}

/** The whole workbook: reports, data sheets, input sheets. */
export function buildWorkbook(i: WorkbookInputs): WorkbookSpec {
  const period = i.period ?? lastPeriod(i.result);
  const periods = [...new Set([...(i.chargebackPeriods ?? []), period])].sort();
  const budget = i.budget ?? defaultBudget(i.result, i.ctx, period);
  const payback = i.payback ?? defaultPaybackInputs(i.result, period, i.ctx.agents, i.ctx.prices);
  const order = paybackOrder(computePayback(i.result, payback, i.ctx.agents));
  // The data sheets and every report number names the same way; the Agents sheet is written from ctx.agents in order.
  const keys = SheetKeys.of(i.result);
  const opts = { keys, incomplete: i.incomplete, agentRows: agentRowsOf(i.ctx.agents) };
  const daily = i.daily ? dailySheets(i.daily, i.result, i.ctx, i.incomplete) : null;
  return {
    sheets: [
      ...periods.map((p) => chargebackSheet(i.result, p, i.ctx.agents, { ...i.chargeback, ...opts })),
      reconciliationSheet(i.result, i.ctx.invoices, opts),
      budgetSheet(budget.lines.length, opts),
      paybackSheet(payback, keys, order, i.ctx.agents, opts),
      sloSheet(i.result, opts),
      ...(daily ? [daily.monitor] : []),
      agentPnlSheet(i.result, period, opts),
      ledgerSheetAtGrain(i.result.rows, keys, i.ledger).spec,
      unattributedSheet(i.result.unattributed, keys),
      ...(daily ? [daily.data] : []),
      importIssuesSheet(issueRows(i.rejected ?? [], i.result.unpriced, i.result.conflicts, i.warnings ?? [])),
      inputSheet(AGENTS, i.ctx.agents),
      inputSheet(RATES, i.ctx.rates),
      inputSheet(TOOL_PRICES, i.ctx.toolPrices),
      inputSheet(PRICES, i.ctx.prices),
      inputSheet(OVERHEADS, i.ctx.overheads),
      inputSheet(INVOICES, i.ctx.invoices),
      budgetDriversSheet(budget),
      inputSheet(BENCHMARKS, i.benchmarks ?? PLAYBOOK_BENCHMARKS),
    ],
  };
}
