// Compares a recalculated workbook (any host: HyperFormula in-process, LibreOffice via CSV) with the core's figures.
// Returns a list of mismatches ("Budget!F5: expected 362.73, got 362.74") so a failing test says exactly where.
import { aggregate } from '../../src/core/ledger/aggregate';
import type { LedgerContext, LedgerResult } from '../../src/core/ledger/types';
import {
  CB,
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

/** Chargeback, Budget, Migration Payback, SLO Monitor and Agent P&L against the core, to the cent. */
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
    if (a.cost_per_outcome === null) k.num(cb, cbName, r, CB.cols.cpo, null);
    else k.money(cb, cbName, r, CB.cols.cpo, a.cost_per_outcome);
    k.num(cb, cbName, r, CB.cols.target, a.target_cost_per_outcome, 1e-9);
    k.num(cb, cbName, r, CB.cols.agents, f.ctx.agents.filter((g) => g.business_unit === a.key).length);
  });
  const all = aggregate(result, 'all', period)[0];
  const tr = CB.firstLine + bus.length;
  k.text(cb, cbName, tr, 0, 'Total');
  k.money(cb, cbName, tr, CB.cols.total, all.total);
  k.num(cb, cbName, tr, CB.cols.workItems, all.work_items);
  k.num(cb, cbName, tr, CB.cols.outcomes, all.outcomes);
  k.money(cb, cbName, tr + 1, CB.cols.total, all.total);
  k.money(cb, cbName, tr + 2, CB.cols.total, 0);
  const agentRows = aggregate(result, 'agent', period);
  const ah = findRow(cb, 0, 'Agent', tr);
  agentRows.forEach((a, i) => {
    const r = ah + 1 + i;
    k.text(cb, cbName, r, 0, a.key);
    k.money(cb, cbName, r, CB.cols.total, a.total);
    k.num(cb, cbName, r, CB.cols.outcomes, a.outcomes);
  });
  const jh = findRow(cb, 0, 'Cost centre', ah);
  const jt = findRow(cb, 0, 'Total', jh);
  const debits = bus.reduce((s, a) => s + Math.max(0, Math.round(a.total * 100)), 0) / 100;
  const credits = bus.reduce((s, a) => s + Math.max(0, -Math.round(a.total * 100)), 0) / 100;
  const gross = Math.max(debits, credits);
  k.money(cb, cbName, jt, 2, gross);
  k.money(cb, cbName, jt, 3, gross);
  k.text(cb, cbName, jt + 1, 0, 'balanced');

  // Budget
  const bg = k.grid('Budget');
  const bf = computeBudget(f.budget.lines, f.budget.drivers);
  const hb = findRow(bg, 0, 'P&L line');
  bf.lines.forEach((l, i) => {
    const r = hb + 1 + i;
    k.text(bg, 'Budget', r, 0, l.business_unit);
    k.num(bg, 'Budget', r, 1, l.agents);
    k.num(bg, 'Budget', r, 4, l.volume);
    k.money(bg, 'Budget', r, 5, l.monthly);
  });
  const bt = hb + 1 + bf.lines.length;
  k.num(bg, 'Budget', bt, 1, bf.agents);
  k.num(bg, 'Budget', bt, 4, bf.volume);
  k.money(bg, 'Budget', bt, 5, bf.monthly);
  k.money(bg, 'Budget', bt, 2, bf.blended);
  const ba = findRow(bg, 0, 'Agent labor cost (variable) = monthly × 12');
  k.money(bg, 'Budget', ba, 5, bf.annualLabor);
  const btot = findRow(bg, 0, 'Total annual AI labor budget');
  k.money(bg, 'Budget', btot, 5, bf.annualTotal);
  k.money(bg, 'Budget', btot + 1, 5, bf.margin);
  k.money(bg, 'Budget', btot + 2, 5, bf.withMargin);

  // Migration Payback
  const pg = k.grid('Migration Payback');
  const ph = findRow(pg, 0, 'Agent');
  const figs = new Map(computePayback(result, f.payback).map((x) => [x.agent_id, x]));
  for (let r = ph + 1; r < pg.length; r++) {
    const id = pg[r]?.[0];
    if (typeof id !== 'string' || !id) continue;
    const x = figs.get(id);
    if (!x) {
      k.problems.push(`Migration Payback!A${r + 1}: unexpected agent ${id}`);
      continue;
    }
    figs.delete(id);
    k.num(pg, 'Migration Payback', r, 4, x.volume);
    k.num(pg, 'Migration Payback', r, 5, x.inputPerItem, 1e-9);
    k.money(pg, 'Migration Payback', r, 11, x.currentUnit);
    k.money(pg, 'Migration Payback', r, 13, x.spend);
    k.money(pg, 'Migration Payback', r, 15, x.saving);
    k.money(pg, 'Migration Payback', r, 18, x.parallelCost);
    if (x.payback === null) k.num(pg, 'Migration Payback', r, 19, null);
    else k.num(pg, 'Migration Payback', r, 19, x.payback, 1e-9);
    if (x.rank === null) k.num(pg, 'Migration Payback', r, 20, null);
    else k.num(pg, 'Migration Payback', r, 20, x.rank);
    k.text(pg, 'Migration Payback', r, 21, x.quarter);
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
    k.num(sg, 'SLO Monitor', r, 15, s.above);
    k.text(sg, 'SLO Monitor', r, 16, s.twoMonths ? '2 months above target' : '');
    k.text(sg, 'SLO Monitor', r, 17, s.alert ? 'ALERT' : '');
    k.num(sg, 'SLO Monitor', r, 19, s.retireRun);
  });

  // Agent P&L
  const ag = k.grid('Agent P&L');
  const ahp = findRow(ag, 0, 'Agent');
  agentRows.forEach((a, i) => {
    const r = ahp + 1 + i;
    k.text(ag, 'Agent P&L', r, 0, a.key);
    k.num(ag, 'Agent P&L', r, 5, a.work_items);
    k.money(ag, 'Agent P&L', r, 14, a.total);
    if (a.human_cost_per_unit !== null) k.money(ag, 'Agent P&L', r, 18, Math.round(a.outcomes * a.human_cost_per_unit * 100) / 100 - a.total);
  });
  return { problems: k.problems, checked: k.checked };
}
