// Compares a recalculated workbook (any host: HyperFormula in-process, LibreOffice via CSV) with the core's figures.
// Returns a list of mismatches ("Budget!F5: expected 362.73, got 362.74") so a failing test says exactly where.
import { aggregate } from '../../src/core/ledger/aggregate';
import { roundShown } from '../../src/core/ledger/rounding';
import type { LedgerContext, LedgerResult } from '../../src/core/ledger/types';
import {
  BUDGET,
  BUDGET_BLENDED_LABEL,
  BUDGET_SLACK,
  CB,
  PAYBACK,
  RECON,
  RECONCILIATION_SHEET,
  chargebackSheetName,
  computeBudget,
  computePayback,
  computeSlo,
  a1,
  type BudgetLine,
  type CellValue,
  type Drivers,
  type PaybackInputs,
} from '../../src/workbook';

export type Reader = (sheet: string) => CellValue[][] | null;

export const ERROR_VALUE = /^(#(NAME\?|VALUE!|REF!|DIV\/0!|N\/A|NUM!|NULL!|ERROR!|SPILL!|CALC!|CYCLE!)|Err:\d+)$/;

/** Every cell holding an error value, as "Sheet!A1 #VALUE!". */
export function errorCells(sheets: string[], read: Reader): string[] {
  const out: string[] = [];
  for (const s of sheets) {
    const g = read(s) ?? [];
    g.forEach((row, r) => row.forEach((v, c) => {
      if (typeof v === 'string' && ERROR_VALUE.test(v.trim())) out.push(`${s}!${a1(r, c)} ${v}`);
    }));
  }
  return out;
}

class Checker {
  problems: string[] = [];
  checked = 0;
  constructor(private read: Reader) {}
  grid(sheet: string): CellValue[][] {
    const g = this.read(sheet);
    if (!g) {
      this.problems.push(`sheet "${sheet}" missing`);
      return [];
    }
    return g;
  }
  private at(g: CellValue[][], sheet: string, r: number, c: number) {
    return { v: g[r]?.[c] ?? null, where: `${sheet}!${a1(r, c)}` };
  }
  money(g: CellValue[][], sheet: string, r: number, c: number, expected: number) {
    const { v, where } = this.at(g, sheet, r, c);
    this.checked++;
    if (typeof v !== 'number' || Math.round(v * 100) !== Math.round(expected * 100)) this.problems.push(`${where}: expected ${expected.toFixed(2)}, got ${JSON.stringify(v)}`);
  }
  num(g: CellValue[][], sheet: string, r: number, c: number, expected: number | null, tol = 1e-9) {
    const { v, where } = this.at(g, sheet, r, c);
    this.checked++;
    if (expected === null) {
      if (!(v === null || v === '')) this.problems.push(`${where}: expected blank, got ${JSON.stringify(v)}`);
      return;
    }
    if (typeof v !== 'number' || Math.abs(v - expected) > tol * Math.max(1, Math.abs(expected))) this.problems.push(`${where}: expected ${expected}, got ${JSON.stringify(v)}`);
  }
  text(g: CellValue[][], sheet: string, r: number, c: number, expected: string) {
    const { v, where } = this.at(g, sheet, r, c);
    this.checked++;
    const got = v === null ? '' : String(v);
    if (got !== expected) this.problems.push(`${where}: expected "${expected}", got ${JSON.stringify(v)}`);
  }
  /** a cost per outcome cell: cents, "no outcomes" when cost has no success, else blank */
  cpo(g: CellValue[][], sheet: string, r: number, c: number, total: number, outcomes: number) {
    if (outcomes > 0) this.money(g, sheet, r, c, roundShown(total / outcomes, 2));
    else if (total > 0) this.text(g, sheet, r, c, 'no outcomes');
    else this.num(g, sheet, r, c, null);
  }
}

function findRow(g: CellValue[][], col: number, label: string, from = 0): number {
  for (let r = from; r < g.length; r++) if (g[r]?.[col] === label) return r;
  return -1;
}

export interface FigureInputs {
  result: LedgerResult;
  ctx: LedgerContext;
  period: string;
  budget: { lines: BudgetLine[]; drivers: Drivers };
  payback: PaybackInputs;
  alertPct?: number;
}

/** Chargeback, Invoice Reconciliation, Budget, Migration Payback, SLO Monitor and Agent P&L against the core, to the cent. */
export function checkFigures(read: Reader, f: FigureInputs): { problems: string[]; checked: number } {
  const k = new Checker(read);
  const { result, period } = f;

  // Chargeback
  const cbName = chargebackSheetName(period);
  const cb = k.grid(cbName);
  const bus = aggregate(result, 'business_unit', period);
  const comps = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;
  bus.forEach((a, i) => {
    const r = CB.firstLine + i;
    k.text(cb, cbName, r, 0, a.key);
    k.num(cb, cbName, r, CB.cols.workItems, a.work_items);
    k.num(cb, cbName, r, CB.cols.outcomes, a.outcomes);
    comps.forEach((c, j) => k.money(cb, cbName, r, CB.cols.api + j, a[c]));
    k.money(cb, cbName, r, CB.cols.unattributed, a.unattributed);
    k.money(cb, cbName, r, CB.cols.total, a.total);
    k.cpo(cb, cbName, r, CB.cols.cpo, a.total, a.outcomes);
    k.num(cb, cbName, r, CB.cols.target, a.target_cost_per_outcome, 1e-9);
    k.num(cb, cbName, r, CB.cols.agents, result.agents.filter((g) => g.business_unit === a.key).length);
  });
  const all = aggregate(result, 'all', period)[0];
  const tr = CB.firstLine + bus.length;
  k.text(cb, cbName, tr, 0, 'Total');
  k.money(cb, cbName, tr, CB.cols.total, all.total);
  k.num(cb, cbName, tr, CB.cols.workItems, all.work_items);
  k.num(cb, cbName, tr, CB.cols.outcomes, all.outcomes);
  k.money(cb, cbName, tr + 1, CB.cols.total, all.total);
  k.money(cb, cbName, tr + 2, CB.cols.total, 0);
  k.text(cb, cbName, tr + 2, CB.cols.total + 1, 'ties');
  const agentRows = aggregate(result, 'agent', period);
  const ah = findRow(cb, 0, 'Agent', tr);
  agentRows.forEach((a, i) => {
    const r = ah + 1 + i;
    k.text(cb, cbName, r, 0, a.key);
    comps.forEach((c, j) => k.money(cb, cbName, r, CB.cols.api + j, a[c]));
    k.money(cb, cbName, r, CB.cols.unattributed, a.unattributed);
    k.money(cb, cbName, r, CB.cols.total, a.total);
    k.num(cb, cbName, r, CB.cols.outcomes, a.outcomes);
    k.cpo(cb, cbName, r, CB.cols.cpo, a.total, a.outcomes);
    k.num(cb, cbName, r, CB.cols.target, a.target_cost_per_outcome, 1e-9);
  });
  // By P&L line and agent: every business unit × agent cell, from the published rows
  const pt = findRow(cb, 0, 'By P&L line and agent', ah);
  const cellOf = new Map<string, Record<(typeof comps)[number] | 'unattributed' | 'total' | 'work_items' | 'outcomes', number>>();
  const cell = (bu: string, agent: string) => {
    const key = `${bu}\u0001${agent}`;
    let x = cellOf.get(key);
    if (!x) cellOf.set(key, (x = { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0, total: 0, work_items: 0, outcomes: 0 }));
    return x;
  };
  const cc = (x: number) => Math.round(x * 100);
  for (const r of result.rows) {
    if (r.period !== period) continue;
    const x = cell(r.business_unit, r.agent_id);
    for (const k of comps) x[k] += cc(r[k]);
    x.total += cc(r.total);
    x.work_items++;
    x.outcomes += r.success;
  }
  for (const u of result.unattributed) {
    if (u.period !== period) continue;
    const x = cell(u.business_unit, u.agent_id);
    x.trueup += cc(u.trueup);
    x.unattributed += cc(u.total) - cc(u.trueup);
    x.total += cc(u.total);
  }
  let pairs = 0;
  for (let r = pt + 2; r < cb.length && typeof cb[r]?.[0] === 'string' && cb[r][0] !== 'Journal entry'; r++) {
    const x = cellOf.get(`${cb[r][0]}\u0001${cb[r][1]}`) ?? { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0, total: 0, work_items: 0, outcomes: 0 };
    pairs++;
    k.num(cb, cbName, r, CB.cols.workItems, x.work_items);
    k.num(cb, cbName, r, CB.cols.outcomes, x.outcomes);
    comps.forEach((cmp, j) => k.money(cb, cbName, r, CB.cols.api + j, x[cmp] / 100));
    k.money(cb, cbName, r, CB.cols.unattributed, x.unattributed / 100);
    k.money(cb, cbName, r, CB.cols.total, x.total / 100);
  }
  if (pt < 0 || pairs < [...cellOf.values()].length) k.problems.push(`${cbName}: the By P&L line and agent block lists ${pairs} cells, the ledger has ${cellOf.size}`);
  const jh = findRow(cb, 0, 'Cost centre', ah);
  const jt = findRow(cb, 0, 'Total', jh);
  const c = (x: number) => Math.round(x * 100);
  const debits = (bus.reduce((s, a) => s + Math.max(0, c(a.total)), 0) + Math.max(0, -c(all.total))) / 100;
  const credits = (bus.reduce((s, a) => s + Math.max(0, -c(a.total)), 0) + Math.max(0, c(all.total))) / 100;
  k.money(cb, cbName, jt, 2, debits);
  k.money(cb, cbName, jt, 3, credits);
  k.money(cb, cbName, jt - 1, 3, Math.max(0, all.total)); // the platform's credit: the Ledger + Unattributed total
  k.text(cb, cbName, jt + 1, 0, 'balanced');

  // Invoice Reconciliation
  if (result.providers) {
    const rg = k.grid(RECONCILIATION_SHEET);
    result.providers.forEach((p, i) => {
      const r = RECON.firstRow + i;
      k.text(rg, RECONCILIATION_SHEET, r, RECON.cols.period, p.period);
      k.text(rg, RECONCILIATION_SHEET, r, RECON.cols.provider, p.provider);
      k.money(rg, RECONCILIATION_SHEET, r, RECON.cols.invoice, p.billed);
      k.money(rg, RECONCILIATION_SHEET, r, RECON.cols.computed, p.computed);
      k.money(rg, RECONCILIATION_SHEET, r, RECON.cols.trueup, p.trueup);
      k.money(rg, RECONCILIATION_SHEET, r, RECON.cols.difference, 0);
      k.text(rg, RECONCILIATION_SHEET, r, RECON.cols.check, 'ties');
    });
    const ph = findRow(rg, 0, 'Period', RECON.firstRow + result.providers.length);
    [...new Set(result.providers.map((p) => p.period))].sort().forEach((p, i) => {
      const r = ph + 1 + i;
      const ps = result.providers!.filter((x) => x.period === p);
      const trueup = [...result.rows, ...result.unattributed].filter((x) => x.period === p).reduce((t, x) => t + c(x.trueup), 0) / 100;
      k.text(rg, RECONCILIATION_SHEET, r, 0, p);
      k.money(rg, RECONCILIATION_SHEET, r, 1, ps.reduce((t, x) => t + c(x.billed), 0) / 100);
      k.money(rg, RECONCILIATION_SHEET, r, 2, ps.reduce((t, x) => t + c(x.computed), 0) / 100);
      k.money(rg, RECONCILIATION_SHEET, r, 3, trueup);
      k.money(rg, RECONCILIATION_SHEET, r, 4, 0);
      k.text(rg, RECONCILIATION_SHEET, r, 5, 'ties');
    });
  }

  // Budget
  const bg = k.grid('Budget');
  const bf = computeBudget(f.budget.lines, f.budget.drivers);
  const hb = findRow(bg, 0, 'P&L line');
  const B = BUDGET.cols;
  bf.lines.forEach((l, i) => {
    const r = hb + 1 + i;
    k.text(bg, 'Budget', r, B.line, l.business_unit);
    k.num(bg, 'Budget', r, B.agents, l.agents);
    k.num(bg, 'Budget', r, B.volume, l.volume);
    k.money(bg, 'Budget', r, B.fixed, l.fixed);
    k.money(bg, 'Budget', r, B.monthly, l.monthly);
  });
  for (let r = hb + 1 + bf.lines.length; r < hb + 1 + bf.lines.length + BUDGET_SLACK; r++) k.text(bg, 'Budget', r, B.monthly, '');
  const bt = findRow(bg, 0, 'Total AI labor');
  k.num(bg, 'Budget', bt, B.agents, bf.agents);
  k.num(bg, 'Budget', bt, B.volume, bf.volume);
  k.money(bg, 'Budget', bt, B.monthly, bf.monthly);
  // the total adds outcomes of every unit: it says so, and makes no cost per outcome of them in its own row
  k.num(bg, 'Budget', bt, B.costPerUnit, null);
  k.text(bg, 'Budget', bt, B.unit, 'mixed units');
  k.text(bg, 'Budget', bt + 1, 0, BUDGET_BLENDED_LABEL);
  k.money(bg, 'Budget', bt + 1, B.costPerUnit, bf.blended);
  const ba = findRow(bg, 0, 'Agent labor cost (variable) = monthly × 12');
  k.money(bg, 'Budget', ba, B.monthly, bf.annualLabor);
  const btot = findRow(bg, 0, 'Total annual AI labor budget');
  k.money(bg, 'Budget', btot, B.monthly, bf.annualTotal);
  k.money(bg, 'Budget', btot + 1, B.monthly, bf.margin);
  k.money(bg, 'Budget', btot + 2, B.monthly, bf.withMargin);

  // Migration Payback
  const pg = k.grid('Migration Payback');
  const ph = findRow(pg, 0, 'Agent');
  const P = PAYBACK.cols;
  const figs = new Map(computePayback(result, f.payback, f.ctx.agents).map((x) => [x.agent_id, x]));
  for (let r = ph + 1; r < pg.length; r++) {
    const id = pg[r]?.[0];
    if (typeof id !== 'string' || !id) break;
    const x = figs.get(id);
    if (!x) {
      k.problems.push(`Migration Payback!A${r + 1}: unexpected agent ${id}`);
      continue;
    }
    figs.delete(id);
    k.num(pg, 'Migration Payback', r, P.volume, x.volume);
    k.num(pg, 'Migration Payback', r, P.inputPerItem, x.inputPerItem, 1e-9);
    if (x.currentUnit === null) k.num(pg, 'Migration Payback', r, P.currentUnit, null);
    else k.num(pg, 'Migration Payback', r, P.currentUnit, x.currentUnit, 1e-9);
    k.money(pg, 'Migration Payback', r, P.ledgerSpend, x.ledgerSpend);
    k.money(pg, 'Migration Payback', r, P.spend, x.spend);
    if (x.saving === null) k.num(pg, 'Migration Payback', r, P.saving, null);
    else k.money(pg, 'Migration Payback', r, P.saving, x.saving);
    k.money(pg, 'Migration Payback', r, P.parallelCost, x.parallelCost);
    if (x.payback === null) k.text(pg, 'Migration Payback', r, P.payback, 'never');
    else k.num(pg, 'Migration Payback', r, P.payback, x.payback, 1e-9);
    k.text(pg, 'Migration Payback', r, P.why, x.why);
    if (x.rank === null) k.num(pg, 'Migration Payback', r, P.rank, null);
    else k.num(pg, 'Migration Payback', r, P.rank, x.rank);
    k.text(pg, 'Migration Payback', r, P.quarter, x.quarter);
  }
  for (const id of figs.keys()) k.problems.push(`Migration Payback: agent ${id} missing`);

  // SLO Monitor
  const sg = k.grid('SLO Monitor');
  const sh = findRow(sg, 0, 'Agent');
  computeSlo(result, f.alertPct ?? 0.05).forEach((s, i) => {
    const r = sh + 1 + i;
    k.text(sg, 'SLO Monitor', r, 0, s.agent_id);
    k.text(sg, 'SLO Monitor', r, 2, s.period);
    k.num(sg, 'SLO Monitor', r, 3, s.work_items);
    k.num(sg, 'SLO Monitor', r, 4, s.outcomes);
    k.money(sg, 'SLO Monitor', r, 5, s.total);
    if (s.cost_per_outcome === null) k.num(sg, 'SLO Monitor', r, 6, null);
    else k.money(sg, 'SLO Monitor', r, 6, s.cost_per_outcome);
    k.num(sg, 'SLO Monitor', r, 9, s.vs_target, 1e-9);
    k.num(sg, 'SLO Monitor', r, 10, s.accuracy, 1e-9);
    k.num(sg, 'SLO Monitor', r, 12, s.review_rate, 1e-9);
    k.text(sg, 'SLO Monitor', r, 14, s.status);
    k.num(sg, 'SLO Monitor', r, 15, s.above);
    k.text(sg, 'SLO Monitor', r, 16, s.twoMonths ? '2 months above target' : '');
    k.text(sg, 'SLO Monitor', r, 17, s.alert ? 'ALERT' : '');
    k.num(sg, 'SLO Monitor', r, 19, s.retireRun);
  });

  // Agent P&L
  const ag = k.grid('Agent P&L');
  const ahp = findRow(ag, 0, 'Agent');
  const runs = new Map(computeSlo(result, f.alertPct ?? 0.05).filter((s) => s.period === period).map((s) => [s.agent_id, s.retireRun]));
  agentRows.forEach((a, i) => {
    const r = ahp + 1 + i;
    k.text(ag, 'Agent P&L', r, 0, a.key);
    k.num(ag, 'Agent P&L', r, 5, a.work_items);
    comps.forEach((cmp, j) => k.money(ag, 'Agent P&L', r, 7 + j, a[cmp]));
    k.money(ag, 'Agent P&L', r, 13, a.unattributed);
    k.money(ag, 'Agent P&L', r, 14, a.total);
    k.cpo(ag, 'Agent P&L', r, 15, a.total, a.outcomes);
    if (a.human_cost_per_unit !== null) k.money(ag, 'Agent P&L', r, 18, Math.round(a.outcomes * a.human_cost_per_unit * 100) / 100 - a.total);
    const run = runs.get(a.key) ?? 0;
    k.text(ag, 'Agent P&L', r, 21, run >= f.budget.drivers.retirement_months ? 'retire or replace' : a.outcomes === 0 && a.total > 0 ? 'no outcomes' : run > 0 ? 'watch' : 'keep');
  });
  // the total row: the sums of the agents' published figures; human cost and saving over the agents with a baseline
  const pt0 = ahp + 1 + agentRows.length;
  k.text(ag, 'Agent P&L', pt0, 0, 'Total');
  k.num(ag, 'Agent P&L', pt0, 5, all.work_items);
  k.num(ag, 'Agent P&L', pt0, 6, all.outcomes);
  comps.forEach((cmp, j) => k.money(ag, 'Agent P&L', pt0, 7 + j, agentRows.reduce((t, a) => t + c(a[cmp]), 0) / 100));
  k.money(ag, 'Agent P&L', pt0, 13, agentRows.reduce((t, a) => t + c(a.unattributed), 0) / 100);
  k.money(ag, 'Agent P&L', pt0, 14, all.total);
  const based = agentRows.filter((a) => a.human_cost_per_unit !== null);
  const human = based.reduce((t, a) => t + Math.round(a.outcomes * a.human_cost_per_unit! * 100), 0);
  const saving = based.reduce((t, a) => t + Math.round(a.outcomes * a.human_cost_per_unit! * 100) - c(a.total), 0);
  if (based.length) {
    k.money(ag, 'Agent P&L', pt0, 17, human / 100);
    k.money(ag, 'Agent P&L', pt0, 18, saving / 100);
    if (human > 0) k.num(ag, 'Agent P&L', pt0, 19, saving / human, 1e-9);
  } else k.num(ag, 'Agent P&L', pt0, 17, null);
  // and its tie-out to the Ledger + Unattributed total of the period
  k.text(ag, 'Agent P&L', pt0 + 1, 0, 'Ledger + Unattributed for the period');
  k.money(ag, 'Agent P&L', pt0 + 1, 14, all.total);
  k.money(ag, 'Agent P&L', pt0 + 2, 14, 0);
  k.text(ag, 'Agent P&L', pt0 + 2, 15, 'ties');
  return { problems: k.problems, checked: k.checked };
}
