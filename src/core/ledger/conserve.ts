// Phase 6 — conserve (RULES.md "Conservation"): the checks of every build, each comparing two independently computed
// figures — exact sums of what came in against exact sums of what the ledger holds, and the published cents read back
// from the output rows against the exact cents the rounding started from.
import type { Conservation, LedgerRow } from '../model/ledger';
import type { ExactComponents } from './types';
import type { Line } from './line';
import { sumByCell, TABLES, TRUEUP, UNATTR, type PeriodRounding } from './round';
import { FSum } from './fsum';
import { sumToCents, toCents } from './rounding';

/** Tolerance of the conservation checks: one micro-dollar. */
export const MICRO = 1e-6;

/**
 * Whether two sums of the same money agree: within a micro-dollar, or within 2⁻⁴⁵ (2.8·10⁻¹⁴) of their size when that
 * is coarser, i.e. past $35M. A double's last place at $10¹², the largest cost an event may carry, is 1.2·10⁻⁴ USD, and
 * a true-up spread pro rata over a month of that size lands ~20 last places from its source (2.4·10⁻³ USD): with a
 * fixed micro-dollar one engine's check failed where another's, summing in another order, passed. A cent apart still
 * fails up to $3.5·10¹¹; the cents checks (cents_tie, lines_within_cent) are exact at any size.
 */
export function agrees(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(MICRO, Math.max(Math.abs(a), Math.abs(b)) * 2 ** -45);
}

/** Each component summed over the lines, compensated (fsum.ts). */
export function exactSums(lines: Line[]) {
  const s = Array.from({ length: 6 }, () => new FSum());
  for (const l of lines) {
    s[0].add(l.api);
    s[1].add(l.retry);
    s[2].add(l.tools);
    s[3].add(l.review);
    s[4].add(l.overhead);
    s[5].add(l.trueup);
  }
  return { api: s[0].value, retry: s[1].value, tools: s[2].value, review: s[3].value, overhead: s[4].value, trueup: s[5].value };
}

export const exactOf = (l: Line): ExactComponents => ({ api: l.api + 0, retry: l.retry + 0, tools: l.tools + 0, review: l.review + 0, overhead: l.overhead + 0, trueup: l.trueup + 0 });

export type Published = Pick<LedgerRow, 'api' | 'retry' | 'tools' | 'review' | 'overhead' | 'trueup' | 'total'>;

/**
 * The cents checks, on the published numbers against the exact lines they came from:
 * - tie: every row's total is the sum of its components; each table's published total is its target (the rounded
 *   exact total; for the true-up, the invoices minus the computed costs to the cent);
 * - withinCent: in every table, every business unit, agent and business unit × agent cell is within one cent of its
 *   exact value.
 * The exact cents are those the rounding started from; the published cents are read back from the output rows.
 */
export function checkPublished(rounded: PeriodRounding, outRows: Published[], outU: Published[], trueupCents: number): { tie: boolean; withinCent: boolean } {
  const out = outRows.concat(outU);
  const n = out.length;
  const nLedger = outRows.length;
  const { exact, ix } = rounded;
  const pub = Array.from({ length: TABLES }, () => new Float64Array(n));
  let tie = true;
  for (let i = 0; i < n; i++) {
    const r = out[i];
    const a = toCents(r.api), b = toCents(r.retry), t = toCents(r.tools), v = toCents(r.review), o = toCents(r.overhead), u = toCents(r.trueup);
    if (toCents(r.total) !== a + b + t + v + o + u) tie = false;
    pub[TRUEUP][i] = u;
    if (i < nLedger) {
      pub[0][i] = a;
      pub[1][i] = b;
      pub[2][i] = t;
      pub[3][i] = v;
      pub[4][i] = o;
    } else pub[UNATTR][i] = a + b + t + v + o;
  }
  // the same lines in the same order as the rounding's (rows, then unattributed lines sorted), so its cells apply
  if (ix.cellOf.length !== n) return { tie: false, withinCent: false };
  const nCells = ix.cellRow.length;
  let withinCent = true;
  const off = (p: number, e: number) => Math.abs(p - e) >= 1 + 1e-6;
  for (let k = 0; k < TABLES; k++) {
    // the exact side as the rounding summed it (the same function); the published side is whole cents, exact as it is
    const { cells: cellE, sum: sumE } = sumByCell(exact[k], ix.cellOf, nCells);
    const cellP = new Float64Array(nCells);
    let sumP = 0;
    for (let i = 0; i < n; i++) {
      sumP += pub[k][i];
      cellP[ix.cellOf[i]] += pub[k][i];
    }
    if (sumP !== (k === TRUEUP ? trueupCents : sumToCents(sumE / 100))) tie = false;
    const rowE = new Float64Array(ix.nRows), rowP = new Float64Array(ix.nRows);
    const colE = new Float64Array(ix.nCols), colP = new Float64Array(ix.nCols);
    for (let c = 0; c < nCells; c++) {
      if (off(cellP[c], cellE[c])) withinCent = false;
      rowE[ix.cellRow[c]] += cellE[c];
      rowP[ix.cellRow[c]] += cellP[c];
      colE[ix.cellCol[c]] += cellE[c];
      colP[ix.cellCol[c]] += cellP[c];
    }
    for (let r = 0; r < ix.nRows; r++) if (off(rowP[r], rowE[r])) withinCent = false;
    for (let c = 0; c < ix.nCols; c++) if (off(colP[c], colE[c])) withinCent = false;
  }
  return { tie, withinCent };
}

/** The whole build's conservation: each period's figures summed, its flags all true (the JS and SQL engines alike). */
export function conservationOverPeriods(all: readonly Conservation[]): Conservation {
  const sum = (f: (c: Conservation) => number) => all.reduce((s, c) => s + f(c), 0);
  return makeConservation(
    sum((c) => c.events_and_reviews),
    sum((c) => c.ledger_plus_unattributed),
    sum((c) => c.overhead_imported),
    sum((c) => c.overhead_allocated),
    sum((c) => c.overhead_unallocated),
    sum((c) => c.invoice_minus_computed),
    sum((c) => c.trueup_spread),
    all.every((c) => c.cents_tie),
    all.every((c) => c.lines_within_cent),
  );
}

export function makeConservation(
  ear: number,
  lpu: number,
  imported: number,
  allocated: number,
  unallocated: number,
  invoiceMinusComputed: number,
  spread: number,
  centsTie: boolean,
  withinCent: boolean,
): Conservation {
  // Two sums that agree (above) differ by 0 as published, whatever their order left in the last place; a difference
  // that fails the check is reported at the micro-dollar.
  const micro = (x: number) => Math.round(x * 1e6) / 1e6 + 0;
  const okDifference = agrees(lpu, ear);
  const okOverhead = agrees(imported, allocated + unallocated);
  const okTrueup = agrees(invoiceMinusComputed, spread);
  const difference = okDifference ? 0 : micro(lpu - ear);
  const overheadDifference = okOverhead ? 0 : micro(imported - allocated - unallocated);
  const trueupDifference = okTrueup ? 0 : micro(invoiceMinusComputed - spread);
  return {
    events_and_reviews: ear,
    ledger_plus_unattributed: lpu,
    difference,
    overhead_imported: imported,
    overhead_allocated: allocated,
    overhead_unallocated: unallocated,
    overhead_difference: overheadDifference,
    invoice_minus_computed: invoiceMinusComputed,
    trueup_spread: spread,
    trueup_difference: trueupDifference,
    cents_tie: centsTie,
    lines_within_cent: withinCent,
    ok: okDifference && okOverhead && okTrueup && centsTie && withinCent,
  };
}
