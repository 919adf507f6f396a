// Report sheets (DESIGN.md §4): Chargeback YYYY-MM, Invoice Reconciliation, Budget, Migration Payback, SLO Monitor,
// Agent P&L. Every figure is a native formula over the Ledger/Unattributed names and the input sheets, so a sheet mailed
// to someone without the add-in still computes and an auditor can trace each cell. Values written here are labels,
// keys (agent ids, business units, periods and their numeric keys) and input cells.
//
// Formulas never match a name as a criterion (RULES.md "Keys"): SUMIFS/COUNTIFS match the numeric key columns of the
// data sheets, and lookups into the Agents/Prices sheets go through `exactIndex`. Every check (ties, balanced) compares
// two figures computed independently, so overwriting either turns it red.
import { aggregate } from '../core/ledger/aggregate';
import type { LedgerResult } from '../core/ledger/types';
import type { Agent, Invoice } from '../core/model/records';
import { colLetter, sheetRef } from './address';
import { L, U } from './data';
import { countifs, exactIndex, exactText, gt, lt, numberAt, periodKeyOf, ratio, roundShown, shownOrBlank, sumifs } from './formulas';
import { BUDGET_LINES, type BudgetLine } from './inputs';
import { periodKey, SheetKeys } from './keys';
import { SheetBuilder, columnRange } from './sheet';
import type { CellStyle, SheetSpec } from './spec';
import { COLORS, FMT, S } from './styles';

const money: CellStyle = { numFmt: FMT.money };
// Per-unit figures (cost per outcome, targets, SLO maxima, human baselines) show in cents on every report: they are
// compared in cents (roundShown), and a column of $1.50 beside $1.5231 reads as two kinds of figure.
const perUnit: CellStyle = { numFmt: FMT.money };
const int: CellStyle = { numFmt: FMT.int };
const pct: CellStyle = { numFmt: FMT.pct };
const keyStyle: CellStyle = { numFmt: '0', color: '808080' };
const input = (numFmt?: string): CellStyle => (numFmt ? { ...S.input, numFmt } : S.input);
const tot = (numFmt?: string): CellStyle => (numFmt ? { ...S.total, numFmt } : S.total);
const BAD = { fill: COLORS.bad, color: COLORS.badText, bold: true };

const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;
const COMPONENT_LABELS = ['API', 'Retry', 'Tools', 'Review', 'Overhead', 'True-up'];

export const chargebackSheetName = (period: string) => `Chargeback ${period}`;
export const RECONCILIATION_SHEET = 'Invoice Reconciliation';
export const BUDGET_SHEET = 'Budget';
export const PAYBACK_SHEET = 'Migration Payback';
export const SLO_SHEET = 'SLO Monitor';
export const PNL_SHEET = 'Agent P&L';

/** The cost centre a business unit's chargeback debits: its first agent's cost_center, else the unit's name. */
export function costCenterOf(bu: string, agents: readonly Agent[]): string {
  return agents.find((a) => a.business_unit === bu && a.cost_center)?.cost_center || bu;
}

/** Options every report takes. */
export interface ReportOptions {
  /** the numbers the data sheets carry for each name (default SheetKeys.of(result): what ledgerSheet writes) */
  keys?: SheetKeys;
  /** set while a source failed or stopped early: shown on the sheet in red ("incomplete: source X failed ...") */
  incomplete?: string;
  /** agent id → its row on the Agents sheet, 1 = the first data row (default: the agents' order as written) */
  agentRows?: ReadonlyMap<string, number>;
}

/** Where an agent sits in the Agents sheet's columns (Agents_*), first row 1, first occurrence winning. */
export function agentRowsOf(agents: readonly Agent[], rows?: readonly number[]): Map<string, number> {
  const m = new Map<string, number>();
  agents.forEach((a, i) => {
    if (!m.has(a.agent_id)) m.set(a.agent_id, rows ? rows[i] : i + 1);
  });
  return m;
}

/** The "incomplete" line a report carries while a source failed (red, in the title row). */
function incompleteBanner(b: SheetBuilder, text: string | undefined, col: number) {
  if (text) b.value(0, col, `INCOMPLETE: ${text}`, { fill: COLORS.bad, color: COLORS.badText, bold: true });
}

/** The period cell (B2, text, editable) and beside it its numeric key (C2), which every formula of the sheet matches. */
function periodCells(b: SheetBuilder, label: string, period: string) {
  b.value(1, 0, label, S.label).value(1, 1, period, { ...S.input, numFmt: FMT.text, align: 'right' });
  b.formula(1, 2, periodKeyOf('$B$2'), keyStyle);
  b.value(1, 3, '← period key: the formulas match on it', S.note);
}

/** Chargeback layout, for readers and tests: 0-based rows/cols. */
export const CB = {
  periodCell: 'B2',
  periodKeyCell: 'C2',
  headerRow: 4,
  firstLine: 5,
  cols: { line: 0, costCenter: 1, agents: 2, workItems: 3, outcomes: 4, api: 5, trueup: 10, unattributed: 11, total: 12, cpo: 13, target: 14, variance: 15, variancePct: 16, key: 17 },
} as const;

/** What a cost per outcome cell shows: the ratio at cents, "no outcomes" when cost has no success, else "". */
const costPerOutcome = (total: string, outcomes: string) => `IF(${outcomes}>0,${roundShown(`${total}/${outcomes}`, 2)},IF(${total}>0,"no outcomes",""))`;

/**
 * One row per P&L line (business unit): agents, work items, outcomes, each component, unattributed, total, cost per
 * outcome, target and variance — SUMIFS over the Ledger and Unattributed by period and business-unit key. A total row,
 * the Ledger's own total for the period and a tie check; a by-agent block (whose outcome-weighted targets give each
 * line's target); a journal entry debiting each line's cost centre and crediting the AI platform with the Ledger +
 * Unattributed total (its own formula), and a balance check between the two.
 */
export function chargebackSheet(result: LedgerResult, period: string, configured: readonly Agent[], opts: ChargebackOptions & ReportOptions = {}): SheetSpec {
  const keys = opts.keys ?? SheetKeys.of(result);
  const agentRows = opts.agentRows ?? agentRowsOf(configured);
  const b = new SheetBuilder(chargebackSheetName(period), 'report');
  const P = '$C$2';
  b.value(0, 0, `AI labor chargeback ${period}`, S.title);
  incompleteBanner(b, opts.incomplete, 4);
  periodCells(b, 'Period', period);
  b.value(2, 0, 'Every figure is a SUMIFS over the Ledger and Unattributed tables by period and name key; the total row ties to them to the cent. True-up includes the true-up of unattributed usage; Unattributed is cost that reached no work item.', S.note);
  const header = ['P&L line', 'Cost centre', 'Agents', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total', 'Cost per outcome', 'Target', 'Variance', 'Variance %', 'key'];
  b.row(CB.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const bus = aggregate(result, 'business_unit', period).map((a) => a.key);
  const n = bus.length;
  const first = CB.firstLine;
  const totalRow = first + n;
  const agentHeader = totalRow + 5;
  const agentFirst = agentHeader + 1;
  const agents = result.agents;
  const agentLast = agentFirst + agents.length - 1;
  // Business unit × agent cells: every agent with cost in the line this period, and every agent whose P&L line it is
  // (the members aggregate() weighs a line's target over).
  const inPeriod = (r: { period: string }) => r.period === period;
  const pairs: { bu: string; agent: string }[] = [];
  for (const bu of bus) {
    const ids = new Set<string>();
    for (const r of result.rows) if (r.business_unit === bu && inPeriod(r)) ids.add(r.agent_id);
    for (const u of result.unattributed) if (u.business_unit === bu && inPeriod(u)) ids.add(u.agent_id);
    for (const ag of agents) if (ag.business_unit === bu) ids.add(ag.agent_id);
    for (const ag of agents) if (ids.delete(ag.agent_id)) pairs.push({ bu, agent: ag.agent_id });
    for (const id of [...ids].sort()) pairs.push({ bu, agent: id });
  }
  const pairHeader = agentLast + 3;
  const pairFirst = pairHeader + 1;
  const pairLast = pairFirst + Math.max(pairs.length, 1) - 1;
  const pCol = (c: number) => `$${colLetter(c)}$${pairFirst + 1}:$${colLetter(c)}$${pairLast + 1}`;
  const aCol = (c: number) => `$${colLetter(c)}$${agentFirst + 1}:$${colLetter(c)}$${Math.max(agentLast, agentFirst) + 1}`;
  // hidden helper columns: outcome weight, weight × target, has-target, target or 0, line key, agent key, Agents row
  const HW = 18, HWT = 19, HH = 20, HT = 21, HBU = 22, HAG = 23, HROW = 24;
  type KeyCol = 'bu_key' | 'agent_key';
  const by = (keyed: [KeyCol, string][]) => keyed.flatMap(([c, k]) => [L(c), k]);
  const byU = (keyed: [KeyCol, string][]) => keyed.flatMap(([c, k]) => [U(c), k]);
  const ledgerBy = (col: string, keyed: [KeyCol, string][]) => sumifs(L(col as 'api'), L('period_key'), P, ...by(keyed));
  const unattrBy = (col: 'total' | 'trueup', keyed: [KeyCol, string][]) => sumifs(U(col), U('period_key'), P, ...byU(keyed));
  /** work items .. total (columns D..M) of the rows matching `keyed` */
  const lineFigures = (r: number, keyed: [KeyCol, string][]) => {
    const R = r + 1;
    b.formula(r, 3, sumifs(L('work_items'), L('period_key'), P, ...by(keyed)), int);
    b.formula(r, 4, ledgerBy('success', keyed), int);
    COMPONENTS.forEach((c, k) => {
      const f = c === 'trueup' ? `${ledgerBy(c, keyed)}+${unattrBy('trueup', keyed)}` : ledgerBy(c, keyed);
      b.formula(r, 5 + k, `ROUND(${f},2)`, money);
    });
    b.formula(r, 11, `ROUND(${unattrBy('total', keyed)}-${unattrBy('trueup', keyed)},2)`, money);
    b.formula(r, 12, `ROUND(SUM(F${R}:L${R}),2)`, { ...money, bold: true });
  };
  /** cost per outcome, variance and variance % (columns N, P, Q) against the target in O */
  const versusTarget = (r: number) => {
    const R = r + 1;
    b.formula(r, 13, costPerOutcome(`M${R}`, `E${R}`), money);
    // variance at displayed precision: cost per outcome (cents) − target (cents)
    b.formula(r, 15, `IF(ISNUMBER(N${R}),IF(ISNUMBER(O${R}),ROUND(N${R}-ROUND(O${R},2),2),""),"")`, money);
    b.formula(r, 16, `IF(ISNUMBER(P${R}),IF(ROUND(O${R},2)>0,${roundShown(`P${R}/ROUND(O${R},2)`, 3)},""),"")`, pct);
  };

  bus.forEach((bu, i) => {
    const r = first + i;
    const key = `$R${r + 1}`;
    b.value(r, 0, bu, S.label);
    b.value(r, 1, costCenterOf(bu, configured));
    b.value(r, 17, keys.bu(bu), keyStyle);
    b.formula(r, 2, countifs(aCol(HBU), key), int);
    lineFigures(r, [['bu_key', key]]);
    // the line's target: outcome-weighted over its agents' targets (a plain mean while nothing succeeded)
    const w = `SUMIFS(${pCol(HW)},${pCol(HBU)},${key})`;
    const h = `SUMIFS(${pCol(HH)},${pCol(HBU)},${key})`;
    b.formula(r, 14, `IF(${w}>0,SUMIFS(${pCol(HWT)},${pCol(HBU)},${key})/${w},IF(${h}>0,SUMIFS(${pCol(HT)},${pCol(HBU)},${key})/${h},""))`, perUnit);
    versusTarget(r);
  });
  const T = totalRow + 1;
  b.value(totalRow, 0, 'Total', S.total).value(totalRow, 1, null, S.total);
  for (let c = 2; c <= 12; c++) {
    const L0 = colLetter(c);
    const sum = n ? `SUM(${L0}${first + 1}:${L0}${totalRow})` : '0';
    b.formula(totalRow, c, c >= 5 ? `ROUND(${sum},2)` : sum, tot(c >= 5 ? FMT.money : FMT.int));
  }
  b.formula(totalRow, 13, costPerOutcome(`M${T}`, `E${T}`), tot(FMT.money));
  for (let c = 14; c <= 16; c++) b.value(totalRow, c, null, S.total);
  b.value(totalRow + 1, 0, 'Ledger + Unattributed for the period');
  b.formula(totalRow + 1, 12, `ROUND(${sumifs(L('total'), L('period_key'), P)}+${sumifs(U('total'), U('period_key'), P)},2)`, money);
  b.value(totalRow + 2, 0, 'Difference (ties when 0.00)');
  b.formula(totalRow + 2, 12, `ROUND(M${T}-M${T + 1},2)`, money);
  b.formula(totalRow + 2, 13, `IF(ROUND(M${T}-M${T + 1},2)=0,"ties","DOES NOT TIE")`, S.label);
  b.conditional({ ref: `M${T + 2}:N${T + 2}`, rules: [{ type: 'expression', formula: `ROUND($M${T + 2},2)<>0`, style: BAD }] });
  b.conditional({
    ref: `N${first + 1}:Q${Math.max(totalRow, first + 1)}`,
    rules: [
      { type: 'expression', formula: `$N${first + 1}="no outcomes"`, style: BAD },
      { type: 'expression', formula: `AND(ISNUMBER($P${first + 1}),$P${first + 1}>0)`, style: { color: COLORS.badText } },
    ],
  });

  // By agent
  b.value(agentHeader - 1, 0, 'By agent', S.title);
  const aHeader = ['Agent', 'P&L line', 'Name', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total', 'Cost per outcome', 'Target', 'Variance', 'Variance %', 'key'];
  b.row(agentHeader, 0, aHeader.map((h) => ({ v: h, s: S.header })));
  b.row(agentHeader, HBU, ['line key', 'agent key', 'Agents row'].map((h) => ({ v: h, s: S.note })));
  agents.forEach((ag, i) => {
    const r = agentFirst + i;
    const R = r + 1;
    const key = `$R${R}`;
    b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.business_unit).value(r, 2, ag.name || null);
    b.value(r, 17, keys.agent(ag.agent_id), keyStyle);
    lineFigures(r, [['agent_key', key]]);
    b.formula(r, HROW, exactIndex(`$A${R}`, 'Agents_agent_id', agentRows.get(ag.agent_id)), keyStyle);
    b.formula(r, 14, numberAt(`$${colLetter(HROW)}${R}`, 'Agents_target_cost_per_outcome'), perUnit);
    versusTarget(r);
    b.value(r, HBU, keys.bu(ag.business_unit), keyStyle);
    b.value(r, HAG, keys.agent(ag.agent_id), keyStyle);
  });
  b.conditional({ ref: `N${agentFirst + 1}:N${Math.max(agentLast, agentFirst) + 1}`, rules: [{ type: 'expression', formula: `$N${agentFirst + 1}="no outcomes"`, style: BAD }] });

  // By P&L line and agent: each cell of the business unit × agent table, within a cent of its exact cost like the lines
  b.value(pairHeader - 1, 0, 'By P&L line and agent', S.title);
  b.row(pairHeader, 0, ['P&L line', 'Agent', null, 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total', null, 'Target', null, null, 'key'].map((h) => ({ v: h, s: S.header })));
  b.row(pairHeader, HW, ['weight', 'weight × target', 'has target', 'target or 0', 'line key', 'agent key', 'Agents row'].map((h) => ({ v: h, s: S.note })));
  pairs.forEach((p, i) => {
    const r = pairFirst + i;
    const R = r + 1;
    b.value(r, 0, p.bu, S.label).value(r, 1, p.agent);
    // The agent's key in the visible key column, as in the block above. (Left empty, LibreOffice draws the hidden
    // helpers' contents there when printing: "weight" and ### on the page.)
    b.value(r, 17, keys.agent(p.agent), keyStyle);
    b.value(r, HBU, keys.bu(p.bu), keyStyle).value(r, HAG, keys.agent(p.agent), keyStyle);
    lineFigures(r, [['bu_key', `$${colLetter(HBU)}${R}`], ['agent_key', `$${colLetter(HAG)}${R}`]]);
    b.formula(r, HROW, exactIndex(`$B${R}`, 'Agents_agent_id', agentRows.get(p.agent)), keyStyle);
    b.formula(r, 14, numberAt(`$${colLetter(HROW)}${R}`, 'Agents_target_cost_per_outcome'), perUnit);
    b.formula(r, HW, `IF(ISNUMBER(O${R}),E${R},0)`);
    b.formula(r, HWT, `IF(ISNUMBER(O${R}),O${R}*E${R},0)`);
    b.formula(r, HH, `IF(ISNUMBER(O${R}),1,0)`);
    b.formula(r, HT, `IF(ISNUMBER(O${R}),O${R},0)`);
  });

  // Journal entry: each line's cost centre is debited its total; the platform is credited the Ledger + Unattributed
  // total of the period (its own SUMIFS, not the sum of the debits), so the entry balances only when they agree.
  const jHeader = pairLast + 3;
  const platform = opts.platformCostCenter ?? 'AI Platform';
  b.value(jHeader - 1, 0, 'Journal entry', S.title);
  b.row(jHeader, 0, ['Cost centre', 'Description', 'Debit', 'Credit'].map((h) => ({ v: h, s: S.header })));
  bus.forEach((bu, i) => {
    const r = jHeader + 1 + i;
    const src = first + i + 1;
    b.formula(r, 0, `B${src}&""`);
    b.formula(r, 1, `"AI labor chargeback "&$B$2&": "&A${src}`);
    b.formula(r, 2, `IF(M${src}>0,M${src},0)`, money);
    b.formula(r, 3, `IF(M${src}<0,-M${src},0)`, money);
  });
  const cr = jHeader + 1 + n;
  const jFirst = jHeader + 2;
  const ledgerTotal = `M${T + 1}`;
  b.value(cr, 0, platform);
  b.formula(cr, 1, `"AI labor chargeback "&$B$2&": AI platform costs recovered (Ledger + Unattributed)"`);
  b.formula(cr, 2, `IF(${ledgerTotal}<0,-${ledgerTotal},0)`, money);
  b.formula(cr, 3, `IF(${ledgerTotal}>0,${ledgerTotal},0)`, money);
  b.value(cr + 1, 0, 'Total', S.total).value(cr + 1, 1, null, S.total);
  b.formula(cr + 1, 2, `ROUND(SUM(C${jFirst}:C${cr + 1}),2)`, tot(FMT.money));
  b.formula(cr + 1, 3, `ROUND(SUM(D${jFirst}:D${cr + 1}),2)`, tot(FMT.money));
  b.formula(cr + 2, 0, `IF(ROUND(C${cr + 2}-D${cr + 2},2)=0,"balanced","OUT OF BALANCE")`, S.label);
  b.value(cr + 2, 1, 'Debits − credits', S.note);
  b.formula(cr + 2, 2, `ROUND(C${cr + 2}-D${cr + 2},2)`, money);
  b.conditional({ ref: `A${cr + 3}`, rules: [{ type: 'expression', formula: `A${cr + 3}<>"balanced"`, style: BAD }] });

  b.widths([24, 18, 8, 11, 10, 11, 10, 10, 10, 11, 10, 12, 13, 12, 10, 10, 10, 5]);
  for (let c = HW; c <= HROW; c++) b.spec.columns![c] = { hidden: true, width: 8 };
  b.freeze(CB.firstLine, 1);
  return b.build();
}

export interface ChargebackOptions {
  /** the cost centre credited (default "AI Platform") */
  platformCostCenter?: string;
}

/** Invoice Reconciliation layout: 0-based rows/cols. */
export const RECON = {
  headerRow: 4,
  firstRow: 5,
  cols: { period: 0, provider: 1, events: 2, invoice: 3, computed: 4, trueup: 5, difference: 6, check: 7, invoiceRows: 8, periodKey: 9 },
} as const;

/**
 * Invoice Reconciliation: per period and invoiced provider, the invoice (a formula over the Invoices sheet's rows),
 * the computed cost of the provider's events and the true-up (the ledger engine's figures, written as values when it
 * built the ledger) and invoice − computed − true-up. Then per period: the invoices, the computed cost of the invoiced
 * providers' events and the true-up on the Ledger + Unattributed sheets (SUMIFS), and their difference. Each
 * difference compares figures written independently (the Invoices sheet, the engine, the Ledger rows): editing an
 * invoice, a computed cost or a Ledger true-up cell turns it red.
 * `invoiceRows[i]` is the sheet row (1-based) of ctx.invoices[i] on the Invoices sheet (default i + 2).
 */
export function reconciliationSheet(result: LedgerResult, invoices: readonly Invoice[], opts: ReportOptions & { invoiceRows?: readonly number[] } = {}): SheetSpec {
  const providers = result.providers ?? [];
  const b = new SheetBuilder(RECONCILIATION_SHEET, 'report');
  const I = sheetRef('Invoices');
  b.value(0, 0, 'Invoice reconciliation', S.title);
  incompleteBanner(b, opts.incomplete, 4);
  b.value(1, 0, 'Invoice: the Invoices sheet. Computed cost and true-up: the ledger engine (values from the build). True-up = invoice − computed cost of the provider\'s events, each to the cent.', S.note);
  b.value(2, 0, 'A difference means an invoice changed since the build, or a figure was edited: rebuild (Refresh) or find the edit.', S.note);
  const header = ['Period', 'Provider', 'Events', 'Invoice (Invoices sheet)', 'Computed cost of its events', 'True-up', 'Invoice − computed − true-up', 'Check', 'Invoices rows', 'period key'];
  b.row(RECON.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const first = RECON.firstRow;
  providers.forEach((p, i) => {
    const r = first + i;
    const R = r + 1;
    const rows = p.invoice_lines.map((k) => opts.invoiceRows?.[k] ?? k + 2);
    b.value(r, 0, p.period, { numFmt: FMT.text }).value(r, 1, p.provider, S.label).value(r, 2, p.events, int);
    b.formula(r, 3, rows.length ? `ROUND(${rows.map((x) => `N(${I}$C$${x})`).join('+')},2)` : '0', money);
    b.value(r, 4, p.computed, money).value(r, 5, p.trueup, money);
    b.formula(r, 6, `ROUND(D${R}-E${R}-F${R},2)`, money);
    // the Invoices rows read must still be this period's invoices of this provider (rows sorted or edited since)
    const same = rows.map((x, j) => `AND(${exactText(`${I}$A$${x}`, p.period)},${exactText(`${I}$B$${x}`, invoices[p.invoice_lines[j]]?.provider ?? p.provider)})`);
    b.formula(r, 7, `IF(${same.length ? `AND(${same.join(',')})` : 'TRUE'},IF(G${R}=0,"ties","DIFFERS"),"Invoices rows moved: regenerate")`, S.label);
    b.value(r, 8, rows.map((x) => `Invoices!C${x}`).join(', '), S.note);
    b.value(r, 9, periodKey(p.period), keyStyle);
  });
  const last = first + Math.max(providers.length, 1) - 1;
  b.conditional({ ref: `G${first + 1}:H${last + 1}`, rules: [{ type: 'expression', formula: `$H${first + 1}<>"ties"`, style: BAD }] });

  // Per period: invoices = computed cost of the invoiced providers' events + the true-up the Ledger carries.
  const periods = [...new Set(providers.map((p) => p.period))].sort();
  const h2 = last + 3;
  b.value(h2 - 1, 0, 'Per month: the invoices against the Ledger', S.title);
  b.row(h2, 0, ['Period', 'Invoices', 'Computed cost of the invoiced providers\' events', 'True-up on the Ledger + Unattributed', 'Invoices − computed − true-up', 'Check', 'period key'].map((h) => ({ v: h, s: S.header })));
  const keyRange = `$J$${first + 1}:$J$${last + 1}`;
  periods.forEach((p, i) => {
    const r = h2 + 1 + i;
    const R = r + 1;
    const k = `$G${R}`;
    b.value(r, 0, p, { numFmt: FMT.text }).value(r, 6, periodKey(p), keyStyle);
    b.formula(r, 1, `ROUND(SUMIFS($D$${first + 1}:$D$${last + 1},${keyRange},${k}),2)`, money);
    b.formula(r, 2, `ROUND(SUMIFS($E$${first + 1}:$E$${last + 1},${keyRange},${k}),2)`, money);
    b.formula(r, 3, `ROUND(${sumifs(L('trueup'), L('period_key'), k)}+${sumifs(U('trueup'), U('period_key'), k)},2)`, money);
    b.formula(r, 4, `ROUND(B${R}-C${R}-D${R},2)`, money);
    b.formula(r, 5, `IF(E${R}=0,"ties","DOES NOT TIE")`, S.label);
  });
  if (periods.length) b.conditional({ ref: `E${h2 + 2}:F${h2 + 1 + periods.length}`, rules: [{ type: 'expression', formula: `$F${h2 + 2}<>"ties"`, style: BAD }] });
  if (!providers.length) b.value(first, 0, 'No invoices: nothing to reconcile (add them on the Invoices sheet and rebuild).', S.note);
  b.widths([10, 16, 9, 16, 16, 14, 16, 30, 24, 9]);
  b.freeze(RECON.firstRow, 2);
  return b.build();
}

/**
 * The Budget Drivers' P&L lines from the actuals of one period. Cost per unit is the Chargeback's cost per outcome —
 * total (unattributed cost included) ÷ successful outcomes — and volume the successful outcomes, so a budget line reads
 * in the same measure as the line's chargeback and its agents' targets (failed work is paid for by the successes, as
 * on the Chargeback). A line with cost but no successful outcome (unallocated overhead, or a month where nothing
 * succeeded) or a credit gets its cost as fixed monthly. So the default budget equals the period's chargeback to the
 * cent. The unit is the line's agents' unit_name (distinct names joined with " / ": the line says what it counts).
 */
export function budgetLinesFromActuals(result: LedgerResult, period: string, configured: readonly Agent[]): BudgetLine[] {
  const byBu = aggregate(result, 'business_unit', period);
  const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const n = (x: number) => x.toLocaleString('en-US');
  return byBu
    .filter((a) => configured.some((g) => g.business_unit === a.key) || a.total !== 0)
    .map((a) => {
      const agents = configured.filter((g) => g.business_unit === a.key);
      const driven = a.outcomes > 0 && a.total >= 0;
      const units = [...new Set(agents.map((g) => g.unit_name?.trim() ?? '').filter(Boolean))];
      return {
        business_unit: a.key,
        agents: agents.length,
        cost_per_unit: driven ? a.total / a.outcomes : 0,
        monthly_volume: driven ? a.outcomes : 0,
        fixed_monthly_usd: driven ? 0 : a.total,
        unit_name: units.join(' / '),
        source: driven
          ? `actuals ${period}: ${usd(a.total)} over ${n(a.outcomes)} successful outcomes (${n(a.work_items)} work items)`
          : `actuals ${period}: ${usd(a.total)} with no successful outcome${a.work_items ? ` (${n(a.work_items)} work items)` : ' (unallocated)'}: fixed monthly`,
      };
    });
}

/** Budget lines kept beyond the Budget Drivers' lines, so lines the CFO adds there count without regenerating. */
export const BUDGET_SLACK = 20;
/** The row under the Budget's total that divides the monthly total by all outcomes, whatever their unit. */
export const BUDGET_BLENDED_LABEL = 'AI labor cost per outcome, all lines (mixed units)';
export const BUDGET = { headerRow: 3, firstLine: 4, cols: { line: 0, agents: 1, costPerUnit: 2, unit: 3, volume: 4, fixed: 5, monthly: 6 } } as const;

/** What the Budget's cost per unit is, on the sheet (row 3). */
export const BUDGET_MEASURE = 'Cost per outcome, as on the Chargeback and the targets: total cost ÷ successful outcomes (failed work included).';

/** The playbook's AI labor budget, every derived figure a formula over Budget Drivers (its lines and BUDGET_SLACK more). */
export function budgetSheet(lines: number, opts: ReportOptions = {}): SheetSpec {
  const b = new SheetBuilder(BUDGET_SHEET, 'report');
  const D = sheetRef(BUDGET_LINES.sheet);
  const col = (key: string) => colLetter(BUDGET_LINES.columns.findIndex((c) => c.key === key));
  b.value(0, 0, 'AI labor budget', S.title);
  incompleteBanner(b, opts.incomplete, 1);
  b.value(1, 0, 'Monthly P&L impact by business unit, from Budget Drivers (edit the drivers, not this sheet; lines added there appear here).', S.note);
  b.value(2, 0, BUDGET_MEASURE, S.note);
  b.row(BUDGET.headerRow, 0, ['P&L line', 'Agents', 'Cost per outcome', 'Unit', 'Outcomes a month', 'Fixed monthly', 'Monthly cost'].map((h) => ({ v: h, s: S.header })));
  const rowsN = lines + BUDGET_SLACK;
  for (let i = 0; i < rowsN; i++) {
    const r = BUDGET.firstLine + i;
    const src = i + 2; // Budget Drivers row
    const R = r + 1;
    const blank = `LEN(${D}${col('business_unit')}${src}&"")=0`;
    b.formula(r, 0, `IF(${blank},"",${D}${col('business_unit')}${src}&"")`, S.label);
    b.formula(r, 1, `IF($A${R}="","",N(${D}${col('agents')}${src}))`, int);
    b.formula(r, 2, `IF($A${R}="","",N(${D}${col('cost_per_unit')}${src}))`, perUnit);
    b.formula(r, 3, `IF($A${R}="","",${D}${col('unit_name')}${src}&"")`);
    b.formula(r, 4, `IF($A${R}="","",N(${D}${col('monthly_volume')}${src}))`, int);
    b.formula(r, 5, `IF($A${R}="","",N(${D}${col('fixed_monthly_usd')}${src}))`, money);
    b.formula(r, 6, `IF($A${R}="","",ROUND(C${R}*E${R}+F${R},2))`, money);
  }
  const t = BUDGET.firstLine + rowsN;
  const T = t + 1;
  const rng = (c: string) => `SUM(${c}${BUDGET.firstLine + 1}:${c}${t})`;
  // The total adds outcomes of different units (tickets, claims, applications): it says so rather than passing the
  // sum off as one volume, and leaves the cost per outcome column empty.
  b.value(t, 0, 'Total AI labor', S.total);
  b.formula(t, 1, rng('B'), tot(FMT.int));
  b.value(t, 2, null, S.total);
  b.value(t, 3, 'mixed units', { ...S.total, bold: false, italic: true });
  b.formula(t, 4, rng('E'), tot(FMT.int));
  b.formula(t, 5, `ROUND(${rng('F')},2)`, tot(FMT.money));
  b.formula(t, 6, `ROUND(${rng('G')},2)`, tot(FMT.money));
  // monthly cost (fixed monthly included) ÷ all outcomes, a ticket and a claim counting alike: labelled as such
  b.value(t + 1, 0, BUDGET_BLENDED_LABEL);
  b.formula(t + 1, 2, `IF(E${T}>0,G${T}/E${T},"")`, perUnit);

  const a = t + 3;
  b.row(a, 0, [{ v: 'Annual budget drivers', s: S.header }, ...[1, 2, 3, 4, 5].map(() => ({ v: null, s: S.header })), { v: 'Annual', s: S.header }]);
  const rows: [string, string, CellStyle][] = [
    ['Agent labor cost (variable) = monthly × 12', `ROUND(G${T}*12,2)`, money],
    ['Model migrations and testing', `Drv_migrations`, money],
    ['Infrastructure, observability and vector search', `Drv_infrastructure`, money],
    ['Prompt engineering and retraining', `Drv_prompt`, money],
  ];
  rows.forEach(([label, f, s], i) => b.value(a + 1 + i, 0, label).formula(a + 1 + i, 6, f, s));
  const at = a + 1 + rows.length;
  b.value(at, 0, 'Total annual AI labor budget', S.total);
  for (let c = 1; c <= 5; c++) b.value(at, c, null, S.total);
  b.formula(at, 6, `ROUND(SUM(G${a + 2}:G${at}),2)`, tot(FMT.money));
  b.value(at + 1, 0, 'Margin for underestimated infrastructure, review overages, price increases');
  b.formula(at + 1, 5, 'Drv_margin', pct);
  b.formula(at + 1, 6, `ROUND(G${at + 1}*F${at + 2},2)`, money);
  b.value(at + 2, 0, 'Annual budget including margin', S.total);
  for (let c = 1; c <= 5; c++) b.value(at + 2, c, null, S.total);
  b.formula(at + 2, 6, `ROUND(G${at + 1}+G${at + 2},2)`, tot(FMT.money));
  b.value(at + 3, 0, 'Monthly run-rate including margin', S.label);
  b.formula(at + 3, 6, `ROUND(G${at + 3}/12,2)`, money);
  b.widths([52, 9, 16, 14, 14, 14, 16]);
  b.name('Budget_monthly_total', `${BUDGET_SHEET}!$G$${T}`);
  b.name('Budget_annual_total', `${BUDGET_SHEET}!$G$${at + 1}`);
  b.freeze(BUDGET.firstLine, 0);
  return b.build();
}

export interface PaybackRowInput {
  agent_id: string;
  candidate_model: string;
  /** USD per million tokens, as the Model prices block shows them (the price book at the period) */
  current_input_mtok: number;
  current_output_mtok: number;
  candidate_input_mtok: number;
  candidate_output_mtok: number;
  one_off_usd: number;
  parallel_months: number;
  /** monthly model spend typed over the Ledger's api + retry (absent: the Ledger's) */
  monthly_spend_usd?: number | null;
}

/** One model of the Model prices block: USD per million tokens, linked to a Prices row when there is one. */
export interface ModelPriceRow {
  model: string;
  provider: string;
  input_mtok: number | null;
  output_mtok: number | null;
  /** where the price comes from, as shown */
  source: string;
  /** 1-based positions in the Prices sheet's columns (Prices_*) of the negotiated-price row and of the discount row */
  pricesRow?: number;
  discountRow?: number;
  /** the Prices rows' model text as written (the sheet checks the row still holds it) */
  pricesModel?: string;
  discountModel?: string;
  /** catalog prices, when no Prices row gives them */
  catalog_input?: number | null;
  catalog_output?: number | null;
}

export interface PaybackInputs {
  period: string;
  rows: PaybackRowInput[];
  /** the Model prices block; default: current and candidate models at the rows' prices (typed values) */
  models?: ModelPriceRow[];
  migrationsPerQuarter?: number;
  maxPaybackMonths?: number;
  /** first quarter to schedule: default the quarter after `period` */
  firstYear?: number;
  firstQuarter?: number;
}

/** Migration Payback layout: 0-based rows/cols. */
export const PAYBACK = {
  headerRow: 6,
  firstRow: 7,
  cols: {
    agent: 0, line: 1, current: 2, candidate: 3, volume: 4, inputPerItem: 5, outputPerItem: 6, curIn: 7, curOut: 8, candIn: 9, candOut: 10,
    currentUnit: 11, candidateUnit: 12, ledgerSpend: 13, spend: 14, savingPct: 15, saving: 16, oneOff: 17, parallelMonths: 18, parallelCost: 19,
    payback: 20, why: 21, rank: 22, quarter: 23, agentKey: 24, curRow: 25, candRow: 26,
  },
  /** blank rows of the Model prices block for models the user adds */
  spareModels: 5,
} as const;

export function nextQuarter(period: string): { year: number; quarter: number } {
  const [y, m] = period.split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 4 ? { year: y + 1, quarter: 1 } : { year: y, quarter: q + 1 };
}

/** The Model prices block the rows default to: every current and candidate model at the rows' prices. */
export function defaultModelRows(inputs: PaybackInputs, agents: readonly Agent[]): ModelPriceRow[] {
  const m = new Map<string, ModelPriceRow>();
  const add = (model: string, input: number, output: number) => {
    if (model && !m.has(model)) m.set(model, { model, provider: '', input_mtok: input, output_mtok: output, source: 'typed' });
  };
  for (const r of inputs.rows) {
    add(agents.find((a) => a.agent_id === r.agent_id)?.model ?? '', r.current_input_mtok, r.current_output_mtok);
    add(r.candidate_model, r.candidate_input_mtok, r.candidate_output_mtok);
  }
  return [...m.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

/**
 * Migration Payback: per agent, current vs candidate model, tokens per work item and model spend from the Ledger, the
 * monthly spend to use (an input defaulting to the Ledger's), saving, one-off and parallel-run cost, payback months
 * ("never" and why when there is no saving) and the quarter to migrate (ranked by payback, so many migrations a
 * quarter). Model prices come from the Model prices block below the rows, found by model name; its cells link to the
 * Prices sheet where it has a row for the model, else hold the catalog price. Rows are written sorted by payback as
 * computed at build time; the rank column follows edits.
 */
export function paybackSheet(inputs: PaybackInputs, keys: SheetKeys, order: readonly string[] = inputs.rows.map((r) => r.agent_id), agents: readonly Agent[] = [], opts: ReportOptions = {}): SheetSpec {
  const b = new SheetBuilder(PAYBACK_SHEET, 'report');
  const C = PAYBACK.cols;
  const q = nextQuarter(inputs.period);
  b.value(0, 0, 'Model migration payback', S.title);
  incompleteBanner(b, opts.incomplete, 4);
  periodCells(b, 'Actuals period', inputs.period);
  b.value(2, 0, 'Migrations per quarter', S.label).value(2, 1, inputs.migrationsPerQuarter ?? 2, input(FMT.int));
  b.value(3, 0, 'Schedule when payback ≤ (months)', S.label).value(3, 1, inputs.maxPaybackMonths ?? 12, input('0.0'));
  b.value(4, 0, 'First quarter: year', S.label).value(4, 1, inputs.firstYear ?? q.year, input('0')).value(4, 2, 'quarter', S.label).value(4, 3, inputs.firstQuarter ?? q.quarter, input('0'));
  b.value(5, 0, 'Yellow cells are inputs. Saving = monthly model spend × (1 − candidate cost per unit ÷ current cost per unit); parallel run = months × the candidate\'s monthly spend. Prices: the Model prices block below.', S.note);
  const header = [
    'Agent', 'P&L line', 'Current model', 'Candidate model', 'Monthly volume', 'Input tokens / item', 'Output tokens / item',
    'Current $/M input', 'Current $/M output', 'Candidate $/M input', 'Candidate $/M output', 'Current model cost / unit',
    'Candidate model cost / unit', 'Model spend in the Ledger (api + retry)', 'Monthly model spend (defaults to the Ledger\'s)', 'Saving %', 'Monthly saving',
    'One-off migration & testing', 'Parallel-run months', 'Parallel-run cost', 'Payback months', 'Why never', 'Rank', 'Migrate in', 'agent key', 'current price row', 'candidate price row',
  ];
  b.row(PAYBACK.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const byId = new Map(inputs.rows.map((r) => [r.agent_id, r]));
  const ids = order.filter((id) => byId.has(id));
  const first = PAYBACK.firstRow;
  const last = first + Math.max(ids.length, 1) - 1;
  const Urange = `$U$${first + 1}:$U$${last + 1}`;
  const P = '$C$2';

  // The Model prices block, two rows below the agents.
  const models = inputs.models ?? defaultModelRows(inputs, agents);
  const mHeader = last + 3;
  const mFirst = mHeader + 1;
  const mLast = mFirst + models.length + PAYBACK.spareModels - 1;
  const modelRange = `$A$${mFirst + 1}:$A$${mLast + 1}`;
  const modelIndex = new Map(models.map((m, i) => [m.model, i + 1]));
  const priceAt = (rowCell: string, col: 'C' | 'D') => `IF(${rowCell}>0,IF(ISNUMBER(INDEX($${col}$${mFirst + 1}:$${col}$${mLast + 1},${rowCell})),INDEX($${col}$${mFirst + 1}:$${col}$${mLast + 1},${rowCell}),""),"")`;

  ids.forEach((id, i) => {
    const row = byId.get(id)!;
    const ag = agents.find((a) => a.agent_id === id);
    const r = first + i;
    const R = r + 1;
    const key = `$Y${R}`;
    const ledger = (col: 'input_tokens' | 'output_tokens' | 'api' | 'retry') => sumifs(L(col), L('agent_key'), key, L('period_key'), P);
    b.value(r, C.agent, id, S.label).value(r, C.line, ag?.business_unit ?? null).value(r, C.current, ag?.model || null);
    b.value(r, C.candidate, row.candidate_model || null, input(FMT.text));
    b.value(r, C.agentKey, keys.agent(id), keyStyle);
    b.formula(r, C.curRow, exactIndex(`$C${R}`, modelRange, modelIndex.get(ag?.model ?? '')), keyStyle);
    b.formula(r, C.candRow, exactIndex(`$D${R}`, modelRange, modelIndex.get(row.candidate_model)), keyStyle);
    b.formula(r, C.volume, sumifs(L('work_items'), L('agent_key'), key, L('period_key'), P), int);
    b.formula(r, C.inputPerItem, `IF(E${R}>0,${ledger('input_tokens')}/E${R},0)`, int);
    b.formula(r, C.outputPerItem, `IF(E${R}>0,${ledger('output_tokens')}/E${R},0)`, int);
    b.formula(r, C.curIn, priceAt(`$Z${R}`, 'C'), { numFmt: FMT.mtok });
    b.formula(r, C.curOut, priceAt(`$Z${R}`, 'D'), { numFmt: FMT.mtok });
    b.formula(r, C.candIn, priceAt(`$AA${R}`, 'C'), { numFmt: FMT.mtok });
    b.formula(r, C.candOut, priceAt(`$AA${R}`, 'D'), { numFmt: FMT.mtok });
    b.formula(r, C.currentUnit, `IF(AND(ISNUMBER(H${R}),ISNUMBER(I${R})),(F${R}*H${R}+G${R}*I${R})/1000000,"")`, { numFmt: FMT.modelUnit });
    b.formula(r, C.candidateUnit, `IF(AND(ISNUMBER(J${R}),ISNUMBER(K${R})),(F${R}*J${R}+G${R}*K${R})/1000000,"")`, { numFmt: FMT.modelUnit });
    b.formula(r, C.ledgerSpend, `ROUND(${ledger('api')}+${ledger('retry')},2)`, money);
    if (row.monthly_spend_usd !== undefined && row.monthly_spend_usd !== null) b.value(r, C.spend, row.monthly_spend_usd, input(FMT.money));
    else b.formula(r, C.spend, `N${R}`, input(FMT.money));
    b.formula(r, C.savingPct, `IF(ISNUMBER(L${R}),IF(ISNUMBER(M${R}),IF(L${R}>0,1-M${R}/L${R},""),""),"")`, pct);
    b.formula(r, C.saving, `IF(ISNUMBER(P${R}),ROUND(O${R}*P${R},2),"")`, money);
    b.value(r, C.oneOff, row.one_off_usd, input(FMT.money));
    b.value(r, C.parallelMonths, row.parallel_months, input('0.0'));
    b.formula(r, C.parallelCost, `ROUND(S${R}*O${R}*(1-N(P${R})),2)`, money);
    // to a millionth of a month: the rank below compares paybacks through COUNTIFS's "<"&U text, which Excel and
    // LibreOffice write with 15 digits; a payback with more (10.054054054054054) read as above itself, so two agents
    // shared a rank and a migration fell into the next quarter
    b.formula(r, C.payback, `IF(ISNUMBER(Q${R}),IF(Q${R}>0,${roundShown(`(R${R}+T${R})/Q${R}`, 6)},"never"),"never")`, { numFmt: '0.0', align: 'right' });
    b.formula(
      r,
      C.why,
      `IF(ISNUMBER(U${R}),"",IF(NOT(AND(ISNUMBER(H${R}),ISNUMBER(I${R}))),"no price for the current model: add it to Model prices",IF(NOT(AND(ISNUMBER(J${R}),ISNUMBER(K${R}))),"no price for the candidate model: add it to Model prices",` +
        `IF(N(L${R})<=0,"no tokens for this agent in the period",IF(N(O${R})<=0,"no model spend in the period",IF(N(P${R})<=0,"the candidate costs as much or more per unit","the saving rounds to $0.00"))))))`,
      S.note,
    );
    b.formula(r, C.rank, `IF(ISNUMBER(U${R}),COUNTIFS(${Urange},"<"&U${R})+COUNTIFS($U$${first + 1}:U${R},U${R}),"")`, int);
    const idx = `($B$5*4+$D$5-1+INT((W${R}-1)/$B$3))`;
    b.formula(r, C.quarter, `IF(ISNUMBER(U${R}),IF(U${R}<=$B$4,INT(${idx}/4)&"-Q"&(MOD(${idx},4)+1),"not within "&$B$4&" months"),"never")`, S.label);
  });
  b.conditional({
    ref: `U${first + 1}:U${last + 1}`,
    rules: [
      { type: 'expression', formula: `AND(ISNUMBER(U${first + 1}),U${first + 1}<=$B$4)`, style: { fill: COLORS.good, color: COLORS.goodText } },
      { type: 'expression', formula: `U${first + 1}="never"`, style: { fill: COLORS.warn, color: COLORS.warnText } },
    ],
  });

  b.value(mHeader - 1, 0, 'Model prices (USD per million tokens): linked to the Prices sheet where it has a row for the model, else the catalog price at the period (add a Prices row to negotiate)', S.title);
  b.row(mHeader, 0, ['Model', 'Provider', '$/M input', '$/M output', 'Source'].map((h) => ({ v: h, s: S.header })));
  models.forEach((m, i) => {
    const r = mFirst + i;
    b.value(r, 0, m.model, S.label).value(r, 1, m.provider || null);
    const discount = m.discountRow ? `*(1-N(INDEX(Prices_discount_pct,${m.discountRow}))/100)` : '';
    const guard = (row: number, text: string, then: string) => `IF(${exactText(`INDEX(Prices_model,${row})`, text)},${then},"Prices row moved: regenerate")`;
    const cell = (c: number, negotiatedCol: string, catalog: number | null | undefined, typed: number | null) => {
      const fallback = catalog === undefined || catalog === null ? '""' : `${catalog}${discount}`;
      if (m.pricesRow) b.formula(r, c, guard(m.pricesRow, m.pricesModel ?? m.model, `IF(ISNUMBER(INDEX(${negotiatedCol},${m.pricesRow})),INDEX(${negotiatedCol},${m.pricesRow})${discount},${fallback})`), { numFmt: FMT.mtok });
      else if (m.discountRow && catalog !== undefined && catalog !== null) b.formula(r, c, guard(m.discountRow, m.discountModel ?? m.model, `${catalog}${discount}`), { numFmt: FMT.mtok });
      else b.value(r, c, typed ?? catalog ?? null, input(FMT.mtok));
    };
    cell(2, 'Prices_input_mtok', m.catalog_input, m.input_mtok);
    cell(3, 'Prices_output_mtok', m.catalog_output, m.output_mtok);
    b.value(r, 4, m.source, S.note);
  });
  for (let i = 0; i < PAYBACK.spareModels; i++) {
    const r = mFirst + models.length + i;
    b.value(r, 0, null, input(FMT.text)).value(r, 1, null, input(FMT.text)).value(r, 2, null, input(FMT.mtok)).value(r, 3, null, input(FMT.mtok));
    b.value(r, 4, '← a model of your own: its name and prices', S.note);
  }

  b.widths([18, 20, 24, 24, 11, 11, 11, 10, 10, 10, 10, 12, 12, 13, 14, 9, 12, 13, 10, 12, 10, 30, 6, 20, 6, 6, 6]);
  for (let c = C.agentKey; c <= C.candRow; c++) b.spec.columns![c] = { hidden: true, width: 6 };
  b.freeze(PAYBACK.firstRow, 1);
  b.validate({ ref: `O${first + 1}:O${last + 1}`, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], error: 'expected a monthly spend ≥ 0' });
  b.validate({ ref: `R${first + 1}:S${last + 1}`, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], error: 'expected a number ≥ 0' });
  return b.build();
}

export const SLO = { headerRow: 3, firstRow: 4 } as const;
export const SLO_COLS = [
  'Agent', 'P&L line', 'Period', 'Work items', 'Outcomes', 'Total cost', 'Cost per outcome', 'Target', 'SLO max cost',
  'vs target', 'Accuracy', 'SLO min accuracy', 'Review rate', 'SLO max review rate', 'Status', 'Above target',
  'Two months above target', 'Alert (> threshold above target)', 'Human cost per unit', 'Months in a row: retirement condition',
  'agent key', 'period key', 'Agents row',
] as const;
/** The SLO Monitor's statuses, in the order they take precedence. */
export const SLO_STATUSES = ['no activity', 'no outcomes', 'SLO breach', 'alert', 'above target', 'no target', 'on target'] as const;
export type SloStatus = (typeof SLO_STATUSES)[number];

/**
 * SLO Monitor: per agent and month, cost per outcome vs target and SLO, accuracy and review rate vs their SLOs, a
 * status with conditional formatting, a flag when cost per outcome is above target two months in a row, an alert
 * when it is more than Drv_alert_pct (5%) above, and the run of months meeting the retirement condition (above the
 * human baseline or below the accuracy SLO) that Agent P&L reads. Every comparison is at displayed precision (cost
 * per outcome and targets in cents, shares in tenths of a percent), as figures.ts's computeSlo does. Cost with no
 * successful outcome is its own status ("no outcomes"): above target, an alert, above any cost SLO and baseline.
 */
export function sloSheet(result: LedgerResult, opts: ReportOptions = {}): SheetSpec {
  const keys = opts.keys ?? SheetKeys.of(result);
  const agentRows = opts.agentRows ?? agentRowsOf(result.agents);
  const b = new SheetBuilder(SLO_SHEET, 'report');
  b.value(0, 0, 'SLO monitor', S.title);
  incompleteBanner(b, opts.incomplete, 4);
  b.value(1, 0, 'Targets, SLOs and human baselines come from the Agents sheet; the alert threshold and retirement months from Budget Drivers. Compared as shown: cents and tenths of a percent.', S.note);
  b.row(SLO.headerRow, 0, SLO_COLS.map((h) => ({ v: h, s: S.header })));
  let r = SLO.firstRow;
  for (const ag of result.agents) {
    result.periods.forEach((p, pi) => {
      const R = r + 1;
      const A = `$U${R}`;
      const C = `$V${R}`;
      const at = (col: string) => numberAt(`$W${R}`, col);
      b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.business_unit).value(r, 2, p, { numFmt: FMT.text });
      b.value(r, 20, keys.agent(ag.agent_id), keyStyle).value(r, 21, periodKey(p), keyStyle);
      b.formula(r, 22, exactIndex(`$A${R}`, 'Agents_agent_id', agentRows.get(ag.agent_id)), keyStyle);
      b.formula(r, 3, sumifs(L('work_items'), L('agent_key'), A, L('period_key'), C), int);
      b.formula(r, 4, sumifs(L('success'), L('agent_key'), A, L('period_key'), C), int);
      b.formula(r, 5, `ROUND(${sumifs(L('total'), L('agent_key'), A, L('period_key'), C)}+${sumifs(U('total'), U('agent_key'), A, U('period_key'), C)},2)`, money);
      b.formula(r, 6, `IF(E${R}>0,${roundShown(`F${R}/E${R}`, 2)},"")`, money);
      b.formula(r, 7, at('Agents_target_cost_per_outcome'), perUnit);
      b.formula(r, 8, at('Agents_slo_max_cost_per_outcome'), perUnit);
      b.formula(r, 9, `IF(ISNUMBER(G${R}),IF(ISNUMBER(H${R}),IF(ROUND(H${R},2)>0,${roundShown(`G${R}/ROUND(H${R},2)-1`, 3)},""),""),"")`, pct);
      const reviews = sumifs(L('reviews'), L('agent_key'), A, L('period_key'), C);
      b.formula(r, 10, `IF(${reviews}>0,${roundShown(`${sumifs(L('approved'), L('agent_key'), A, L('period_key'), C)}/${reviews}`, 3)},"")`, pct);
      b.formula(r, 11, at('Agents_slo_min_accuracy'), pct);
      b.formula(r, 12, `IF(D${R}>0,${roundShown(`${sumifs(L('reviewed'), L('agent_key'), A, L('period_key'), C)}/D${R}`, 3)},"")`, pct);
      b.formula(r, 13, at('Agents_slo_max_review_rate'), pct);
      const noOutcomes = `AND(E${R}=0,F${R}>0)`;
      const breach = `${gt(`G${R}`, shownOrBlank(`I${R}`, 2))}+${lt(`K${R}`, shownOrBlank(`L${R}`, 3))}+${gt(`M${R}`, shownOrBlank(`N${R}`, 3))}+IF(AND(${noOutcomes},ISNUMBER(I${R})),1,0)`;
      b.formula(r, 14, `IF(AND(D${R}=0,F${R}=0),"no activity",IF(${noOutcomes},"no outcomes",IF(${breach}>0,"SLO breach",IF(R${R}="ALERT","alert",IF(P${R}=1,"above target",IF(ISNUMBER(H${R}),"on target","no target"))))))`, S.label);
      b.formula(r, 15, `IF(${noOutcomes},1,${gt(`G${R}`, shownOrBlank(`H${R}`, 2))})`, int);
      b.formula(r, 16, pi === 0 ? '""' : `IF(AND(P${R}=1,P${R - 1}=1),"2 months above target","")`);
      b.formula(r, 17, `IF(OR(${noOutcomes},${gt(`J${R}`, shownOrBlank('Drv_alert_pct', 3))}=1),"ALERT","")`, S.label);
      b.formula(r, 18, at('Agents_human_cost_per_unit'), perUnit);
      const bad = `${gt(`G${R}`, shownOrBlank(`S${R}`, 2))}+${lt(`K${R}`, shownOrBlank(`L${R}`, 3))}+IF(AND(${noOutcomes},ISNUMBER(S${R})),1,0)`;
      b.formula(r, 19, pi === 0 ? `IF(${bad}>0,1,0)` : `IF(${bad}>0,T${R - 1}+1,0)`, int);
      r++;
    });
  }
  const last = Math.max(r - 1, SLO.firstRow);
  const f = SLO.firstRow + 1;
  const l = last + 1;
  b.conditional({
    ref: `O${f}:O${l}`,
    rules: [
      { type: 'expression', formula: `OR($O${f}="SLO breach",$O${f}="no outcomes")`, style: BAD },
      { type: 'expression', formula: `$O${f}="alert"`, style: { fill: COLORS.bad, color: COLORS.badText } },
      { type: 'expression', formula: `$O${f}="above target"`, style: { fill: COLORS.warn, color: COLORS.warnText } },
      { type: 'expression', formula: `$O${f}="on target"`, style: { fill: COLORS.good, color: COLORS.goodText } },
    ],
  });
  b.conditional({ ref: `G${f}:G${l}`, rules: [{ type: 'expression', formula: `$P${f}=1`, style: { color: COLORS.badText, bold: true } }] });
  b.conditional({ ref: `Q${f}:R${l}`, rules: [{ type: 'expression', formula: `LEN(Q${f})>0`, style: { fill: COLORS.bad, color: COLORS.badText } }] });
  b.name('Slo_agent', columnRange(`'${SLO_SHEET}'!`, 0, SLO.firstRow, last));
  b.name('Slo_period', columnRange(`'${SLO_SHEET}'!`, 2, SLO.firstRow, last));
  b.name('Slo_agent_key', columnRange(`'${SLO_SHEET}'!`, 20, SLO.firstRow, last));
  b.name('Slo_period_key', columnRange(`'${SLO_SHEET}'!`, 21, SLO.firstRow, last));
  b.name('Slo_retire_run', columnRange(`'${SLO_SHEET}'!`, 19, SLO.firstRow, last));
  b.widths([18, 20, 9, 10, 10, 12, 11, 9, 10, 9, 9, 10, 9, 10, 13, 8, 20, 12, 10, 14]);
  for (let c = 20; c <= 22; c++) b.spec.columns![c] = { hidden: true, width: 6 };
  b.freeze(SLO.firstRow, 1);
  return b.build();
}

export const PNL = { headerRow: 4, firstRow: 5 } as const;
/** The Agent P&L's total row (0-based) for `agents` agent rows; the Ledger + Unattributed total and the tie follow it. */
export const pnlTotalRow = (agents: number) => PNL.firstRow + agents;

/**
 * Agent P&L for one period (B2, editable): cost structure, volume and outcomes, the human cost of the same outcomes
 * and the saving, and the retirement trigger (the SLO Monitor's run of months above the human baseline or below the
 * accuracy SLO, against N = Drv_retire_months). A month with cost and no successful outcome says "no outcomes".
 */
export function agentPnlSheet(result: LedgerResult, period: string, opts: ReportOptions = {}): SheetSpec {
  const keys = opts.keys ?? SheetKeys.of(result);
  const agentRows = opts.agentRows ?? agentRowsOf(result.agents);
  const b = new SheetBuilder(PNL_SHEET, 'report');
  const P = '$C$2';
  b.value(0, 0, 'Agent P&L', S.title);
  incompleteBanner(b, opts.incomplete, 4);
  periodCells(b, 'Period', period);
  b.value(2, 0, 'Retire or replace after N months in a row above the human baseline or below the accuracy SLO; N =', S.note);
  b.formula(2, 7, 'Drv_retire_months', int);
  const header = [
    'Agent', 'Name', 'P&L line', 'Unit', 'Model', 'Work items', 'Outcomes', ...COMPONENT_LABELS, 'Unattributed', 'Total cost',
    'Cost per outcome', 'Human cost per unit', 'Human cost of the outcomes', 'Saving vs human', 'Saving %', 'Months in a row', 'Retirement trigger', 'agent key', 'Agents row',
  ];
  b.row(PNL.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  result.agents.forEach((ag, i) => {
    const r = PNL.firstRow + i;
    const R = r + 1;
    const A = `$W${R}`;
    b.value(r, 0, ag.agent_id, S.label).value(r, 1, ag.name || null).value(r, 2, ag.business_unit).value(r, 3, ag.unit_name || null).value(r, 4, ag.model || null);
    b.value(r, 22, keys.agent(ag.agent_id), keyStyle);
    b.formula(r, 23, exactIndex(`$A${R}`, 'Agents_agent_id', agentRows.get(ag.agent_id)), keyStyle);
    b.formula(r, 5, sumifs(L('work_items'), L('agent_key'), A, L('period_key'), P), int);
    b.formula(r, 6, sumifs(L('success'), L('agent_key'), A, L('period_key'), P), int);
    COMPONENTS.forEach((c, k) => {
      const f = sumifs(L(c), L('agent_key'), A, L('period_key'), P);
      b.formula(r, 7 + k, `ROUND(${c === 'trueup' ? `${f}+${sumifs(U('trueup'), U('agent_key'), A, U('period_key'), P)}` : f},2)`, money);
    });
    b.formula(r, 13, `ROUND(${sumifs(U('total'), U('agent_key'), A, U('period_key'), P)}-${sumifs(U('trueup'), U('agent_key'), A, U('period_key'), P)},2)`, money);
    b.formula(r, 14, `ROUND(SUM(H${R}:N${R}),2)`, { ...money, bold: true });
    b.formula(r, 15, costPerOutcome(`O${R}`, `G${R}`), money);
    b.formula(r, 16, numberAt(`$X${R}`, 'Agents_human_cost_per_unit'), perUnit);
    b.formula(r, 17, `IF(ISNUMBER(Q${R}),ROUND(G${R}*Q${R},2),"")`, money);
    b.formula(r, 18, `IF(ISNUMBER(R${R}),ROUND(R${R}-O${R},2),"")`, money);
    b.formula(r, 19, `IF(ISNUMBER(S${R}),${ratio(`S${R}`, `R${R}`)},"")`, pct);
    b.formula(r, 20, `SUMIFS(Slo_retire_run,Slo_agent_key,${A},Slo_period_key,${P})`, int);
    b.formula(r, 21, `IF(U${R}>=Drv_retire_months,"retire or replace",IF(AND(G${R}=0,O${R}>0),"no outcomes",IF(U${R}>0,"watch","keep")))`, S.label);
  });
  const n = result.agents.length;
  const last = PNL.firstRow + Math.max(n, 1);
  b.conditional({
    ref: `V${PNL.firstRow + 1}:V${last}`,
    rules: [
      { type: 'expression', formula: `OR($V${PNL.firstRow + 1}="retire or replace",$V${PNL.firstRow + 1}="no outcomes")`, style: BAD },
      { type: 'expression', formula: `$V${PNL.firstRow + 1}="watch"`, style: { fill: COLORS.warn, color: COLORS.warnText } },
    ],
  });
  b.conditional({ ref: `P${PNL.firstRow + 1}:P${last}`, rules: [{ type: 'expression', formula: `$P${PNL.firstRow + 1}="no outcomes"`, style: BAD }] });

  // The total row: sums of the rows as published (each row within a cent of its exact cost, the total the sum of what
  // is shown). Outcomes of different units (tickets, claims) add up to a count, but no cost per outcome is made of
  // them. Human cost and saving cover the agents with a human baseline.
  const t = pnlTotalRow(n);
  const T = t + 1;
  const rows = (c: string) => `${c}${PNL.firstRow + 1}:${c}${t}`;
  const sum = (c: string) => (n ? `SUM(${rows(c)})` : '0');
  b.value(t, 0, 'Total', S.total);
  for (const c of [1, 2, 4, 15, 16, 20, 21]) b.value(t, c, null, S.total);
  b.value(t, 3, 'mixed units', { ...S.total, bold: false, italic: true });
  b.formula(t, 5, sum('F'), tot(FMT.int));
  b.formula(t, 6, sum('G'), tot(FMT.int));
  for (let c = 7; c <= 14; c++) b.formula(t, c, `ROUND(${sum(colLetter(c))},2)`, tot(FMT.money));
  const withBaseline = n ? `COUNT(${rows('R')})>0` : 'FALSE';
  b.formula(t, 17, `IF(${withBaseline},ROUND(${sum('R')},2),"")`, tot(FMT.money));
  b.formula(t, 18, `IF(${withBaseline},ROUND(${sum('S')},2),"")`, tot(FMT.money));
  b.formula(t, 19, `IF(ISNUMBER(S${T}),${ratio(`S${T}`, `R${T}`)},"")`, tot(FMT.pct));
  // The tie-out: the Ledger + Unattributed total for the period, a SUMIFS over their total columns (which the rows
  // above never read: they sum the component columns), against the total row. Overwriting a row's figure, or a
  // Ledger component after the build, makes the difference non-zero and the check red.
  b.value(t + 1, 0, 'Ledger + Unattributed for the period');
  b.formula(t + 1, 14, `ROUND(${sumifs(L('total'), L('period_key'), P)}+${sumifs(U('total'), U('period_key'), P)},2)`, money);
  b.value(t + 2, 0, 'Difference (ties when 0.00)');
  b.formula(t + 2, 14, `ROUND(O${T}-O${T + 1},2)`, money);
  b.formula(t + 2, 15, `IF(ROUND(O${T}-O${T + 1},2)=0,"ties","DOES NOT TIE")`, S.label);
  b.conditional({ ref: `O${T + 2}:P${T + 2}`, rules: [{ type: 'expression', formula: `ROUND($O${T + 2},2)<>0`, style: BAD }] });
  b.value(t + 3, 0, 'Total: every agent\'s work items, outcomes and cost (outcomes of different units are counted, not priced together); human cost and saving over the agents with a human baseline.', S.note);
  b.widths([18, 18, 20, 11, 24, 10, 10, 10, 9, 9, 9, 10, 9, 11, 12, 11, 11, 13, 13, 9, 9, 16]);
  for (let c = 22; c <= 23; c++) b.spec.columns![c] = { hidden: true, width: 6 };
  b.freeze(PNL.firstRow, 1);
  return b.build();
}
