// Report sheets (DESIGN.md §4): Chargeback YYYY-MM, Budget, Migration Payback, SLO Monitor, Agent P&L.
// Every figure is a native formula over the Ledger/Unattributed names and the input sheets, so a sheet mailed to
// someone without the add-in still computes and an auditor can trace each cell. Values written here are labels,
// keys (agent ids, business units, periods) and input cells.
import { aggregate } from '../core/ledger/aggregate';
import type { LedgerResult } from '../core/ledger/types';
import type { Agent } from '../core/model/records';
import { a1, abs, colLetter, sheetRef } from './address';
import { L, U } from './data';
import { countifs, gt, lookup, lt, ratio, str, sumifs } from './formulas';
import { BUDGET_LINES, driversHeaderRow, type BudgetLine } from './inputs';
import { SheetBuilder, columnRange } from './sheet';
import type { CellStyle, SheetSpec } from './spec';
import { COLORS, FMT, S } from './styles';

const money: CellStyle = { numFmt: FMT.money };
const rate: CellStyle = { numFmt: FMT.rate };
const int: CellStyle = { numFmt: FMT.int };
const pct: CellStyle = { numFmt: FMT.pct };
const input = (numFmt?: string): CellStyle => (numFmt ? { ...S.input, numFmt } : S.input);
const tot = (numFmt?: string): CellStyle => (numFmt ? { ...S.total, numFmt } : S.total);

const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;
const COMPONENT_LABELS = ['API', 'Retry', 'Tools', 'Review', 'Overhead', 'True-up'];

export const chargebackSheetName = (period: string) => `Chargeback ${period}`;
export const BUDGET_SHEET = 'Budget';
export const PAYBACK_SHEET = 'Migration Payback';
export const SLO_SHEET = 'SLO Monitor';
export const PNL_SHEET = 'Agent P&L';

/** The cost centre a business unit's chargeback debits: its first agent's cost_center, else the unit's name. */
export function costCenterOf(bu: string, agents: readonly Agent[]): string {
  return agents.find((a) => a.business_unit === bu && a.cost_center)?.cost_center || bu;
}

export interface ChargebackOptions {
  /** the cost centre credited (default "AI Platform") */
  platformCostCenter?: string;
}

/** Chargeback layout, for readers and tests: 0-based rows/cols. */
export const CB = {
  periodCell: 'B2',
  headerRow: 4,
  firstLine: 5,
  cols: { line: 0, costCenter: 1, agents: 2, workItems: 3, outcomes: 4, api: 5, unattributed: 11, total: 12, cpo: 13, target: 14, variance: 15, variancePct: 16 },
} as const;

/**
 * One row per P&L line (business unit): agents, work items, outcomes, each component, unattributed, total, cost per
 * outcome, target and variance — SUMIFS over the Ledger for the period in B2. A total row, the Ledger's own total for
 * the period and their difference (0.00); a by-agent block (whose outcome-weighted targets give each line's target);
 * a journal entry debiting each line's cost centre and crediting the AI platform, with a balance check.
 */
export function chargebackSheet(result: LedgerResult, period: string, configured: readonly Agent[], opts: ChargebackOptions = {}): SheetSpec {
  const b = new SheetBuilder(chargebackSheetName(period), 'report');
  const P = '$B$2';
  b.value(0, 0, `AI labor chargeback ${period}`, S.title);
  b.value(1, 0, 'Period', S.label).value(1, 1, period, { ...S.input, numFmt: FMT.text, align: 'right' });
  b.value(2, 0, 'Every figure is a SUMIFS over the Ledger and Unattributed tables; the total row ties to them to the cent.', S.note);
  const header = ['P&L line', 'Cost centre', 'Agents', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total', 'Cost per outcome', 'Target', 'Variance', 'Variance %'];
  b.row(CB.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const bus = aggregate(result, 'business_unit', period).map((a) => a.key);
  const n = bus.length;
  const first = CB.firstLine;
  const totalRow = first + n;
  const agentHeader = totalRow + 5;
  const agentFirst = agentHeader + 1;
  const agents = result.agents;
  const agentLast = agentFirst + agents.length - 1;
  const aCol = (c: number) => `$${colLetter(c)}$${agentFirst + 1}:$${colLetter(c)}$${Math.max(agentLast, agentFirst) + 1}`;
  // hidden helper columns of the by-agent block: outcome weight, weight × target, has-target, target or 0
  const HW = 18, HWT = 19, HH = 20, HT = 21;

  bus.forEach((bu, i) => {
    const r = first + i;
    const R = r + 1;
    const key = `$A${R}`;
    b.value(r, 0, bu, S.label);
    b.value(r, 1, costCenterOf(bu, configured));
    b.formula(r, 2, `COUNTIF(Agents_business_unit,${key})`, int);
    b.formula(r, 3, countifs(L('period'), P, L('business_unit'), key), int);
    b.formula(r, 4, sumifs(L('success'), L('period'), P, L('business_unit'), key), int);
    COMPONENTS.forEach((c, k) => b.formula(r, 5 + k, `ROUND(${sumifs(L(c), L('period'), P, L('business_unit'), key)},2)`, money));
    b.formula(r, 11, `ROUND(${sumifs(U('total'), U('period'), P, U('business_unit'), key)},2)`, money);
    b.formula(r, 12, `ROUND(SUM(F${R}:L${R}),2)`, { ...money, bold: true });
    b.formula(r, 13, ratio(`M${R}`, `E${R}`), rate);
    const w = `SUMIFS(${aCol(HW)},${aCol(1)},${key})`;
    const h = `SUMIFS(${aCol(HH)},${aCol(1)},${key})`;
    b.formula(r, 14, `IF(${w}>0,SUMIFS(${aCol(HWT)},${aCol(1)},${key})/${w},IF(${h}>0,SUMIFS(${aCol(HT)},${aCol(1)},${key})/${h},""))`, rate);
    b.formula(r, 15, `IF(ISNUMBER(N${R}),IF(ISNUMBER(O${R}),N${R}-O${R},""),"")`, rate);
    b.formula(r, 16, `IF(ISNUMBER(P${R}),${ratio(`P${R}`, `O${R}`)},"")`, pct);
  });
  const T = totalRow + 1;
  b.value(totalRow, 0, 'Total', S.total).value(totalRow, 1, null, S.total);
  for (let c = 2; c <= 12; c++) {
    const L0 = colLetter(c);
    const sum = n ? `SUM(${L0}${first + 1}:${L0}${totalRow})` : '0';
    b.formula(totalRow, c, c >= 5 ? `ROUND(${sum},2)` : sum, tot(c >= 5 ? FMT.money : FMT.int));
  }
  b.formula(totalRow, 13, ratio(`M${T}`, `E${T}`), tot(FMT.rate));
  for (let c = 14; c <= 16; c++) b.value(totalRow, c, null, S.total);
  b.value(totalRow + 1, 0, 'Ledger + Unattributed for the period');
  b.formula(totalRow + 1, 12, `ROUND(${sumifs(L('total'), L('period'), P)}+${sumifs(U('total'), U('period'), P)},2)`, money);
  b.value(totalRow + 2, 0, 'Difference (ties when 0.00)');
  b.formula(totalRow + 2, 12, `ROUND(M${T}-M${T + 1},2)`, money);
  b.conditional({ ref: `M${T + 2}`, rules: [{ type: 'expression', formula: `ROUND(M${T + 2},2)<>0`, style: { fill: COLORS.bad, color: COLORS.badText, bold: true } }] });
  b.conditional({
    ref: `P${first + 1}:Q${Math.max(totalRow, first + 1)}`,
    rules: [{ type: 'expression', formula: `AND(ISNUMBER($P${first + 1}),$P${first + 1}>0)`, style: { color: COLORS.badText } }],
  });

  // By agent
  b.value(agentHeader - 1, 0, 'By agent', S.title);
  const aHeader = ['Agent', 'P&L line', 'Name', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total', 'Cost per outcome', 'Target', 'Variance', 'Variance %'];
  b.row(agentHeader, 0, aHeader.map((h) => ({ v: h, s: S.header })));
  b.row(agentHeader, HW, ['weight', 'weight × target', 'has target', 'target or 0'].map((h) => ({ v: h, s: S.note })));
  agents.forEach((ag, i) => {
    const r = agentFirst + i;
    const R = r + 1;
    const key = `$A${R}`;
    b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.business_unit).value(r, 2, ag.name || null);
    b.formula(r, 3, countifs(L('period'), P, L('agent_id'), key), int);
    b.formula(r, 4, sumifs(L('success'), L('period'), P, L('agent_id'), key), int);
    COMPONENTS.forEach((c, k) => b.formula(r, 5 + k, `ROUND(${sumifs(L(c), L('period'), P, L('agent_id'), key)},2)`, money));
    b.formula(r, 11, `ROUND(${sumifs(U('total'), U('period'), P, U('agent_id'), key)},2)`, money);
    b.formula(r, 12, `ROUND(SUM(F${R}:L${R}),2)`, { ...money, bold: true });
    b.formula(r, 13, ratio(`M${R}`, `E${R}`), rate);
    b.formula(r, 14, lookup(key, 'Agents_agent_id', 'Agents_target_cost_per_outcome'), rate);
    b.formula(r, 15, `IF(ISNUMBER(N${R}),IF(ISNUMBER(O${R}),N${R}-O${R},""),"")`, rate);
    b.formula(r, 16, `IF(ISNUMBER(P${R}),${ratio(`P${R}`, `O${R}`)},"")`, pct);
    b.formula(r, HW, `IF(ISNUMBER(O${R}),E${R},0)`);
    b.formula(r, HWT, `IF(ISNUMBER(O${R}),O${R}*E${R},0)`);
    b.formula(r, HH, `IF(ISNUMBER(O${R}),1,0)`);
    b.formula(r, HT, `IF(ISNUMBER(O${R}),O${R},0)`);
  });

  // Journal entry
  const jHeader = agentLast + 3;
  const platform = opts.platformCostCenter ?? 'AI Platform';
  b.value(jHeader - 1, 0, 'Journal entry', S.title);
  b.row(jHeader, 0, ['Cost centre', 'Description', 'Debit', 'Credit'].map((h) => ({ v: h, s: S.header })));
  bus.forEach((bu, i) => {
    const r = jHeader + 1 + i;
    const src = first + i + 1;
    b.formula(r, 0, `B${src}`);
    b.formula(r, 1, `"AI labor chargeback "&$B$2&": "&A${src}`);
    b.formula(r, 2, `IF(M${src}>0,M${src},0)`, money);
    b.formula(r, 3, `IF(M${src}<0,-M${src},0)`, money);
  });
  const cr = jHeader + 1 + n;
  const jFirst = jHeader + 2;
  const jLast = Math.max(cr, jFirst);
  const sumD = n ? `SUM(C${jFirst}:C${cr})` : '0';
  const sumC = n ? `SUM(D${jFirst}:D${cr})` : '0';
  b.value(cr, 0, platform);
  b.formula(cr, 1, `"AI labor chargeback "&$B$2&": AI platform costs recovered"`);
  b.formula(cr, 2, `IF(${sumC}>${sumD},ROUND(${sumC}-${sumD},2),0)`, money);
  b.formula(cr, 3, `IF(${sumD}>${sumC},ROUND(${sumD}-${sumC},2),0)`, money);
  b.value(cr + 1, 0, 'Total', S.total).value(cr + 1, 1, null, S.total);
  b.formula(cr + 1, 2, `ROUND(SUM(C${jFirst}:C${jLast + 1}),2)`, tot(FMT.money));
  b.formula(cr + 1, 3, `ROUND(SUM(D${jFirst}:D${jLast + 1}),2)`, tot(FMT.money));
  b.formula(cr + 2, 0, `IF(ROUND(C${cr + 2}-D${cr + 2},2)=0,"balanced","OUT OF BALANCE")`, S.label);
  b.conditional({ ref: `A${cr + 3}`, rules: [{ type: 'expression', formula: `A${cr + 3}<>"balanced"`, style: { fill: COLORS.bad, color: COLORS.badText } }] });

  b.widths([24, 18, 8, 11, 10, 11, 10, 10, 10, 11, 10, 12, 13, 12, 10, 10, 10, 2]);
  for (let c = HW; c <= HT; c++) b.spec.columns![c] = { hidden: true, width: 8 };
  b.freeze(CB.firstLine, 1);
  return b.build();
}

/** The Budget Drivers' P&L lines from the actuals of one period: cost per unit = total ÷ work items. */
export function budgetLinesFromActuals(result: LedgerResult, period: string, configured: readonly Agent[]): BudgetLine[] {
  const byBu = aggregate(result, 'business_unit', period);
  return byBu
    .filter((a) => configured.some((g) => g.business_unit === a.key) || a.total !== 0)
    .map((a) => {
      const agents = configured.filter((g) => g.business_unit === a.key);
      return {
        business_unit: a.key,
        agents: agents.length,
        cost_per_unit: a.work_items > 0 ? a.total / a.work_items : 0,
        monthly_volume: a.work_items,
        unit_name: agents.find((g) => g.unit_name)?.unit_name ?? '',
        source: `actuals ${period}: $${a.total.toFixed(2)} over ${a.work_items} work items`,
      };
    });
}

export const BUDGET = { headerRow: 3, firstLine: 4 } as const;

/** The playbook's AI labor budget, every derived figure a formula over Budget Drivers. */
export function budgetSheet(lines: number): SheetSpec {
  const b = new SheetBuilder(BUDGET_SHEET, 'report');
  const D = sheetRef(BUDGET_LINES.sheet);
  b.value(0, 0, 'AI labor budget', S.title);
  b.value(1, 0, 'Monthly P&L impact by business unit, from Budget Drivers (edit the drivers, not this sheet).', S.note);
  b.row(BUDGET.headerRow, 0, ['P&L line', 'Agents', 'Avg cost per unit', 'Unit', 'Volume', 'Monthly cost'].map((h) => ({ v: h, s: S.header })));
  for (let i = 0; i < lines; i++) {
    const r = BUDGET.firstLine + i;
    const src = i + 2; // Budget Drivers row
    const R = r + 1;
    b.formula(r, 0, `${D}A${src}&""`, S.label);
    b.formula(r, 1, `${D}B${src}`, int);
    b.formula(r, 2, `${D}C${src}`, rate);
    b.formula(r, 3, `${D}E${src}&""`);
    b.formula(r, 4, `${D}D${src}`, int);
    b.formula(r, 5, `ROUND(C${R}*E${R},2)`, money);
  }
  const t = BUDGET.firstLine + lines;
  const T = t + 1;
  const rng = (c: string) => (lines ? `SUM(${c}${BUDGET.firstLine + 1}:${c}${t})` : '0');
  b.value(t, 0, 'Total AI labor', S.total);
  b.formula(t, 1, rng('B'), tot(FMT.int));
  b.formula(t, 2, `IF(E${T}>0,F${T}/E${T},0)`, tot(FMT.rate));
  b.value(t, 3, null, S.total);
  b.formula(t, 4, rng('E'), tot(FMT.int));
  b.formula(t, 5, `ROUND(${rng('F')},2)`, tot(FMT.money));
  b.value(t + 1, 0, 'Blended cost per unit', S.label);
  b.formula(t + 1, 2, `C${T}`, rate);

  const a = t + 3;
  b.row(a, 0, [{ v: 'Annual budget drivers', s: S.header }, { v: null, s: S.header }, { v: null, s: S.header }, { v: null, s: S.header }, { v: null, s: S.header }, { v: 'Annual', s: S.header }]);
  const rows: [string, string, CellStyle][] = [
    ['Agent labor cost (variable) = monthly × 12', `ROUND(F${T}*12,2)`, money],
    ['Model migrations and testing', `Drv_migrations`, money],
    ['Infrastructure, observability and vector search', `Drv_infrastructure`, money],
    ['Prompt engineering and retraining', `Drv_prompt`, money],
  ];
  rows.forEach(([label, f, s], i) => b.value(a + 1 + i, 0, label).formula(a + 1 + i, 5, f, s));
  const at = a + 1 + rows.length;
  b.value(at, 0, 'Total annual AI labor budget', S.total);
  for (let c = 1; c <= 4; c++) b.value(at, c, null, S.total);
  b.formula(at, 5, `ROUND(SUM(F${a + 2}:F${at}),2)`, tot(FMT.money));
  b.value(at + 1, 0, 'Margin for underestimated infrastructure, review overages, price increases');
  b.formula(at + 1, 4, 'Drv_margin', pct);
  b.formula(at + 1, 5, `ROUND(F${at + 1}*E${at + 2},2)`, money);
  b.value(at + 2, 0, 'Annual budget including margin', S.total);
  for (let c = 1; c <= 4; c++) b.value(at + 2, c, null, S.total);
  b.formula(at + 2, 5, `ROUND(F${at + 1}+F${at + 2},2)`, tot(FMT.money));
  b.value(at + 3, 0, 'Monthly run-rate including margin', S.label);
  b.formula(at + 3, 5, `ROUND(F${at + 3}/12,2)`, money);
  b.widths([52, 9, 16, 14, 14, 16]);
  b.name('Budget_monthly_total', `${BUDGET_SHEET}!$F$${T}`);
  b.name('Budget_annual_total', `${BUDGET_SHEET}!$F$${at + 1}`);
  b.freeze(BUDGET.firstLine, 0);
  void driversHeaderRow;
  return b.build();
}

export interface PaybackRowInput {
  agent_id: string;
  candidate_model: string;
  current_input_mtok: number;
  current_output_mtok: number;
  candidate_input_mtok: number;
  candidate_output_mtok: number;
  one_off_usd: number;
  parallel_months: number;
}

export interface PaybackInputs {
  period: string;
  rows: PaybackRowInput[];
  migrationsPerQuarter?: number;
  maxPaybackMonths?: number;
  /** first quarter to schedule: default the quarter after `period` */
  firstYear?: number;
  firstQuarter?: number;
}

export const PAYBACK = { headerRow: 6, firstRow: 7 } as const;

export function nextQuarter(period: string): { year: number; quarter: number } {
  const [y, m] = period.split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 4 ? { year: y + 1, quarter: 1 } : { year: y, quarter: q + 1 };
}

/**
 * Migration Payback: per agent, current vs candidate model prices (input cells), tokens per work item and monthly
 * model spend from the Ledger, saving, one-off and parallel-run cost, payback months and the quarter to migrate
 * (ranked by payback, so many migrations a quarter). Rows are written sorted by payback as computed at build time;
 * the rank column follows edits.
 */
export function paybackSheet(inputs: PaybackInputs, order: readonly string[] = inputs.rows.map((r) => r.agent_id), agents: readonly Agent[] = []): SheetSpec {
  const b = new SheetBuilder(PAYBACK_SHEET, 'report');
  const q = nextQuarter(inputs.period);
  b.value(0, 0, 'Model migration payback', S.title);
  b.value(1, 0, 'Actuals period', S.label).value(1, 1, inputs.period, { ...S.input, numFmt: FMT.text, align: 'right' });
  b.value(2, 0, 'Migrations per quarter', S.label).value(2, 1, inputs.migrationsPerQuarter ?? 2, input(FMT.int));
  b.value(3, 0, 'Schedule when payback ≤ (months)', S.label).value(3, 1, inputs.maxPaybackMonths ?? 12, input('0.0'));
  b.value(4, 0, 'First quarter: year', S.label).value(4, 1, inputs.firstYear ?? q.year, input('0')).value(4, 2, 'quarter', S.label).value(4, 3, inputs.firstQuarter ?? q.quarter, input('0'));
  b.value(5, 0, 'Yellow cells are inputs. Saving = actual monthly model spend × (1 − candidate cost per unit ÷ current cost per unit); parallel run = months × the candidate\'s monthly spend.', S.note);
  const header = [
    'Agent', 'P&L line', 'Current model', 'Candidate model', 'Monthly volume', 'Input tokens / item', 'Output tokens / item',
    'Current $/M input', 'Current $/M output', 'Candidate $/M input', 'Candidate $/M output', 'Current model cost / unit',
    'Candidate model cost / unit', 'Monthly model spend', 'Saving %', 'Monthly saving', 'One-off migration & testing',
    'Parallel-run months', 'Parallel-run cost', 'Payback months', 'Rank', 'Migrate in',
  ];
  b.row(PAYBACK.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const byId = new Map(inputs.rows.map((r) => [r.agent_id, r]));
  const ids = order.filter((id) => byId.has(id));
  const first = PAYBACK.firstRow;
  const last = first + Math.max(ids.length, 1) - 1;
  const T = `$T$${first + 1}:$T$${last + 1}`;
  const P = '$B$2';
  ids.forEach((id, i) => {
    const row = byId.get(id)!;
    const ag = agents.find((a) => a.agent_id === id);
    const r = first + i;
    const R = r + 1;
    const key = `$A${R}`;
    b.value(r, 0, id, S.label).value(r, 1, ag?.business_unit ?? null).value(r, 2, ag?.model || null);
    b.value(r, 3, row.candidate_model || null, input(FMT.text));
    b.formula(r, 4, countifs(L('agent_id'), key, L('period'), P), int);
    b.formula(r, 5, `IF(E${R}>0,${sumifs(L('input_tokens'), L('agent_id'), key, L('period'), P)}/E${R},0)`, int);
    b.formula(r, 6, `IF(E${R}>0,${sumifs(L('output_tokens'), L('agent_id'), key, L('period'), P)}/E${R},0)`, int);
    b.value(r, 7, row.current_input_mtok, input(FMT.mtok));
    b.value(r, 8, row.current_output_mtok, input(FMT.mtok));
    b.value(r, 9, row.candidate_input_mtok, input(FMT.mtok));
    b.value(r, 10, row.candidate_output_mtok, input(FMT.mtok));
    b.formula(r, 11, `(F${R}*H${R}+G${R}*I${R})/1000000`, { numFmt: '$#,##0.0000' });
    b.formula(r, 12, `(F${R}*J${R}+G${R}*K${R})/1000000`, { numFmt: '$#,##0.0000' });
    b.formula(r, 13, `ROUND(${sumifs(L('api'), L('agent_id'), key, L('period'), P)}+${sumifs(L('retry'), L('agent_id'), key, L('period'), P)},2)`, money);
    b.formula(r, 14, `IF(L${R}>0,1-M${R}/L${R},0)`, pct);
    b.formula(r, 15, `ROUND(N${R}*O${R},2)`, money);
    b.value(r, 16, row.one_off_usd, input(FMT.money0));
    b.value(r, 17, row.parallel_months, input('0.0'));
    b.formula(r, 18, `ROUND(R${R}*N${R}*(1-O${R}),2)`, money);
    b.formula(r, 19, `IF(P${R}>0,(Q${R}+S${R})/P${R},"")`, { numFmt: '0.0' });
    b.formula(r, 20, `IF(ISNUMBER(T${R}),COUNTIFS(${T},"<"&T${R})+COUNTIFS($T$${first + 1}:T${R},T${R}),"")`, int);
    const idx = `($B$5*4+$D$5-1+INT((U${R}-1)/$B$3))`;
    b.formula(r, 21, `IF(ISNUMBER(T${R}),IF(T${R}<=$B$4,INT(${idx}/4)&"-Q"&(MOD(${idx},4)+1),"not within "&$B$4&" months"),"no saving")`, S.label);
  });
  b.conditional({ ref: `T${first + 1}:T${last + 1}`, rules: [{ type: 'expression', formula: `AND(ISNUMBER(T${first + 1}),T${first + 1}<=$B$4)`, style: { fill: COLORS.good, color: COLORS.goodText } }] });
  b.widths([18, 20, 24, 24, 11, 11, 11, 10, 10, 10, 10, 12, 12, 13, 9, 12, 13, 10, 12, 10, 6, 20]);
  b.freeze(PAYBACK.firstRow, 1);
  b.validate({ ref: `H${first + 1}:K${last + 1}`, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], error: 'expected a price ≥ 0 (USD per million tokens)' });
  b.validate({ ref: `Q${first + 1}:R${last + 1}`, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], error: 'expected a number ≥ 0' });
  return b.build();
}

export const SLO = { headerRow: 3, firstRow: 4 } as const;
export const SLO_COLS = [
  'Agent', 'P&L line', 'Period', 'Work items', 'Outcomes', 'Total cost', 'Cost per outcome', 'Target', 'SLO max cost',
  'vs target', 'Accuracy', 'SLO min accuracy', 'Review rate', 'SLO max review rate', 'Status', 'Above target',
  'Two months above target', 'Alert (> threshold above target)', 'Human cost per unit', 'Months in a row: retirement condition',
] as const;

/**
 * SLO Monitor: per agent and month, cost per outcome vs target and SLO, accuracy and review rate vs their SLOs, a
 * status with conditional formatting, a flag when cost per outcome is above target two months in a row, an alert
 * when it is more than Drv_alert_pct (5%) above, and the run of months meeting the retirement condition (above the
 * human baseline or below the accuracy SLO) that Agent P&L reads.
 */
export function sloSheet(result: LedgerResult): SheetSpec {
  const b = new SheetBuilder(SLO_SHEET, 'report');
  b.value(0, 0, 'SLO monitor', S.title);
  b.value(1, 0, 'Targets, SLOs and human baselines come from the Agents sheet; the alert threshold and retirement months from Budget Drivers.', S.note);
  b.row(SLO.headerRow, 0, SLO_COLS.map((h) => ({ v: h, s: S.header })));
  let r = SLO.firstRow;
  const agents = result.agents;
  for (const ag of agents) {
    result.periods.forEach((p, pi) => {
      const R = r + 1;
      const A = `$A${R}`;
      const C = `$C${R}`;
      b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.business_unit).value(r, 2, p, { numFmt: FMT.text });
      b.formula(r, 3, countifs(L('agent_id'), A, L('period'), C), int);
      b.formula(r, 4, sumifs(L('success'), L('agent_id'), A, L('period'), C), int);
      b.formula(r, 5, `ROUND(${sumifs(L('total'), L('agent_id'), A, L('period'), C)}+${sumifs(U('total'), U('agent_id'), A, U('period'), C)},2)`, money);
      b.formula(r, 6, ratio(`F${R}`, `E${R}`), rate);
      b.formula(r, 7, lookup(A, 'Agents_agent_id', 'Agents_target_cost_per_outcome'), rate);
      b.formula(r, 8, lookup(A, 'Agents_agent_id', 'Agents_slo_max_cost_per_outcome'), rate);
      b.formula(r, 9, `IF(ISNUMBER(G${R}),IF(ISNUMBER(H${R}),IF(H${R}>0,G${R}/H${R}-1,""),""),"")`, pct);
      const reviews = sumifs(L('reviews'), L('agent_id'), A, L('period'), C);
      b.formula(r, 10, `IF(${reviews}>0,${sumifs(L('approved'), L('agent_id'), A, L('period'), C)}/${reviews},"")`, pct);
      b.formula(r, 11, lookup(A, 'Agents_agent_id', 'Agents_slo_min_accuracy'), pct);
      b.formula(r, 12, `IF(D${R}>0,${sumifs(L('reviewed'), L('agent_id'), A, L('period'), C)}/D${R},"")`, pct);
      b.formula(r, 13, lookup(A, 'Agents_agent_id', 'Agents_slo_max_review_rate'), pct);
      const breach = `${gt(`G${R}`, `I${R}`)}+${lt(`K${R}`, `L${R}`)}+${gt(`M${R}`, `N${R}`)}`;
      b.formula(r, 14, `IF(AND(D${R}=0,F${R}=0),"no activity",IF(${breach}>0,"SLO breach",IF(R${R}="ALERT","alert",IF(P${R}=1,"above target","on target"))))`, S.label);
      b.formula(r, 15, gt(`J${R}`, '0'), int);
      b.formula(r, 16, pi === 0 ? '""' : `IF(AND(P${R}=1,P${R - 1}=1),"2 months above target","")`);
      b.formula(r, 17, `IF(${gt(`J${R}`, 'Drv_alert_pct')}=1,"ALERT","")`, S.label);
      b.formula(r, 18, lookup(A, 'Agents_agent_id', 'Agents_human_cost_per_unit'), rate);
      const bad = `${gt(`G${R}`, `S${R}`)}+${lt(`K${R}`, `L${R}`)}`;
      b.formula(r, 19, pi === 0 ? `IF(${bad}>0,1,0)` : `IF(${bad}>0,T${R - 1}+1,0)`, int);
      r++;
    });
  }
  const last = Math.max(r - 1, SLO.firstRow);
  const rows = `${SLO.firstRow + 1}:${last + 1}`;
  const [f, l] = rows.split(':');
  b.conditional({
    ref: `O${f}:O${l}`,
    rules: [
      { type: 'expression', formula: `$O${f}="SLO breach"`, style: { fill: COLORS.bad, color: COLORS.badText, bold: true } },
      { type: 'expression', formula: `$O${f}="alert"`, style: { fill: COLORS.bad, color: COLORS.badText } },
      { type: 'expression', formula: `$O${f}="above target"`, style: { fill: COLORS.warn, color: COLORS.warnText } },
      { type: 'expression', formula: `$O${f}="on target"`, style: { fill: COLORS.good, color: COLORS.goodText } },
    ],
  });
  b.conditional({ ref: `G${f}:G${l}`, rules: [{ type: 'expression', formula: `$P${f}=1`, style: { color: COLORS.badText, bold: true } }] });
  b.conditional({ ref: `Q${f}:R${l}`, rules: [{ type: 'expression', formula: `LEN(Q${f})>0`, style: { fill: COLORS.bad, color: COLORS.badText } }] });
  b.name('Slo_agent', columnRange(`'${SLO_SHEET}'!`, 0, SLO.firstRow, last));
  b.name('Slo_period', columnRange(`'${SLO_SHEET}'!`, 2, SLO.firstRow, last));
  b.name('Slo_retire_run', columnRange(`'${SLO_SHEET}'!`, 19, SLO.firstRow, last));
  b.widths([18, 20, 9, 10, 10, 12, 11, 9, 10, 9, 9, 10, 9, 10, 13, 8, 20, 12, 10, 14]);
  b.freeze(SLO.firstRow, 1);
  return b.build();
}

export const PNL = { headerRow: 4, firstRow: 5 } as const;

/**
 * Agent P&L for one period (B2, editable): cost structure, volume and outcomes, the human cost of the same outcomes
 * and the saving, and the retirement trigger (the SLO Monitor's run of months above the human baseline or below the
 * accuracy SLO, against N = Drv_retire_months).
 */
export function agentPnlSheet(result: LedgerResult, period: string): SheetSpec {
  const b = new SheetBuilder(PNL_SHEET, 'report');
  const P = '$B$2';
  b.value(0, 0, 'Agent P&L', S.title);
  b.value(1, 0, 'Period', S.label).value(1, 1, period, { ...S.input, numFmt: FMT.text, align: 'right' });
  b.value(2, 0, 'Retire or replace after N months in a row above the human baseline or below the accuracy SLO; N =', S.note);
  b.formula(2, 7, 'Drv_retire_months', int);
  const header = [
    'Agent', 'Name', 'P&L line', 'Unit', 'Model', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total cost',
    'Cost per outcome', 'Human cost per unit', 'Human cost of the outcomes', 'Saving vs human', 'Saving %', 'Months in a row', 'Retirement trigger',
  ];
  b.row(PNL.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  result.agents.forEach((ag, i) => {
    const r = PNL.firstRow + i;
    const R = r + 1;
    const A = `$A${R}`;
    b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.name || null).value(r, 2, ag.business_unit).value(r, 3, ag.unit_name || null).value(r, 4, ag.model || null);
    b.formula(r, 5, countifs(L('agent_id'), A, L('period'), P), int);
    b.formula(r, 6, sumifs(L('success'), L('agent_id'), A, L('period'), P), int);
    COMPONENTS.forEach((c, k) => b.formula(r, 7 + k, `ROUND(${sumifs(L(c), L('agent_id'), A, L('period'), P)},2)`, money));
    b.formula(r, 13, `ROUND(${sumifs(U('total'), U('agent_id'), A, U('period'), P)},2)`, money);
    b.formula(r, 14, `ROUND(SUM(H${R}:N${R}),2)`, { ...money, bold: true });
    b.formula(r, 15, ratio(`O${R}`, `G${R}`), rate);
    b.formula(r, 16, lookup(A, 'Agents_agent_id', 'Agents_human_cost_per_unit'), rate);
    b.formula(r, 17, `IF(ISNUMBER(Q${R}),ROUND(G${R}*Q${R},2),"")`, money);
    b.formula(r, 18, `IF(ISNUMBER(R${R}),ROUND(R${R}-O${R},2),"")`, money);
    b.formula(r, 19, `IF(ISNUMBER(S${R}),${ratio(`S${R}`, `R${R}`)},"")`, pct);
    b.formula(r, 20, `SUMIFS(Slo_retire_run,Slo_agent,${A},Slo_period,${P})`, int);
    b.formula(r, 21, `IF(U${R}>=Drv_retire_months,"retire or replace",IF(U${R}>0,"watch","keep"))`, S.label);
  });
  const last = PNL.firstRow + Math.max(result.agents.length, 1);
  b.conditional({
    ref: `V${PNL.firstRow + 1}:V${last}`,
    rules: [
      { type: 'expression', formula: `$V${PNL.firstRow + 1}="retire or replace"`, style: { fill: COLORS.bad, color: COLORS.badText, bold: true } },
      { type: 'expression', formula: `$V${PNL.firstRow + 1}="watch"`, style: { fill: COLORS.warn, color: COLORS.warnText } },
    ],
  });
  b.widths([18, 18, 20, 11, 24, 10, 10, 10, 9, 9, 9, 10, 9, 11, 12, 11, 11, 13, 13, 9, 9, 16]);
  b.freeze(PNL.firstRow, 1);
  void a1;
  void abs;
  void str;
  return b.build();
}
