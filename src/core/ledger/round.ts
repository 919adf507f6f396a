// Phase 5 — round (RULES.md "Rounding"): per period and per component table, the business unit × agent table of exact
// sums by controlled rounding (every cell, business unit and agent within a cent, the table to its target), then each
// cell's cents over its lines by largest remainder (ties to the earlier line). Integer cents throughout.
import { controlledRound, roundExactCents, sumToCents } from './rounding';
import { FSum, addCompensated } from './fsum';
import type { Line } from './line';

/**
 * The rounding tables (RULES.md "Rounding"): 0–4 api, retry, tools, review, overhead over the work-item rows; 5 the
 * true-up over rows and unattributed lines together; 6 the unattributed lines' own cost (everything but true-up).
 */
export const TABLES = 7;
export const TRUEUP = 5;
export const UNATTR = 6;

/** Which lines table k covers: the first `nLedger` lines are work-item rows, the rest unattributed. */
export const inTable = (k: number, i: number, nLedger: number) => (k < TRUEUP ? i < nLedger : k === UNATTR ? i >= nLedger : true);

/**
 * Exact cents of every table for every line, one typed array per table (0 where a line is not in the table). Read in
 * one pass with direct field access: a per-line, per-table accessor measured several times slower on 130k rows.
 */
function exactCentsOf(lines: Line[], nLedger: number): Float64Array[] {
  const n = lines.length;
  const t = Array.from({ length: TABLES }, () => new Float64Array(n));
  const [api, retry, tools, review, overhead, trueup, unattr] = t;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    trueup[i] = l.trueup * 100;
    if (i < nLedger) {
      api[i] = l.api * 100;
      retry[i] = l.retry * 100;
      tools[i] = l.tools * 100;
      review[i] = l.review * 100;
      overhead[i] = l.overhead * 100;
    } else unattr[i] = (l.api + l.retry + l.tools + l.review + l.overhead) * 100;
  }
  return t;
}

export interface CellIndex {
  /** cell of each line */
  cellOf: Int32Array;
  /** business unit (table row) and agent (table column) of each cell */
  cellRow: number[];
  cellCol: number[];
  nRows: number;
  nCols: number;
  /** line indices grouped by cell (cell c's lines are order[start[c] .. start[c + 1]), in line order) */
  order: Int32Array;
  start: Int32Array;
}

/** Business unit × agent cells of a period's lines. */
export function cellIndex(lines: readonly Pick<Line, 'bu' | 'agent'>[]): CellIndex {
  const buIds = new Map<string, number>();
  const agentIds = new Map<string, number>();
  const cells = new Map<number, Map<number, number>>();
  const n = lines.length;
  const cellOf = new Int32Array(n);
  const cellRow: number[] = [];
  const cellCol: number[] = [];
  // rows come sorted by work item, so consecutive lines often share a business unit and agent: skip the lookups then
  let lastBu = '\u0000', lastAgent = '\u0000', lastCell = -1;
  for (let i = 0; i < n; i++) {
    const bu = lines[i].bu;
    const agent = lines[i].agent;
    if (bu === lastBu && agent === lastAgent) {
      cellOf[i] = lastCell;
      continue;
    }
    let b = buIds.get(bu);
    if (b === undefined) buIds.set(bu, (b = buIds.size));
    let a = agentIds.get(agent);
    if (a === undefined) agentIds.set(agent, (a = agentIds.size));
    let row = cells.get(b);
    if (!row) cells.set(b, (row = new Map()));
    let c = row.get(a);
    if (c === undefined) {
      row.set(a, (c = cellRow.length));
      cellRow.push(b);
      cellCol.push(a);
    }
    cellOf[i] = c;
    lastBu = bu;
    lastAgent = agent;
    lastCell = c;
  }
  // counting sort of the lines by cell, stable
  const nCells = cellRow.length;
  const start = new Int32Array(nCells + 1);
  for (let i = 0; i < n; i++) start[cellOf[i] + 1]++;
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCells);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[cellOf[i]]++] = i;
  return { cellOf, cellRow, cellCol, nRows: buIds.size, nCols: agentIds.size, order, start };
}

/** What the rounding of a period worked from, kept for the checks: the lines' cells and exact cents per table. */
export interface PeriodRounding {
  ix: CellIndex;
  exact: Float64Array[];
}

/**
 * Σ of a table's exact cents, per cell and in total, compensated (fsum.ts): a cell of a 10M-event month sums ~10^6
 * lines, and a plain sum's error (~10⁻⁸ cent there) is larger than the remainder quantum the rounding compares
 * (2⁻³⁰ cent), so the JS and SQL engines, summing in different orders, broke near-ties differently (one agent a cent
 * up, another a cent down). checkPublished uses this same function, so the targets it checks are these. (Hot loops
 * live in small functions: V8 optimizes them sooner.)
 */
export function sumByCell(ex: Float64Array, cellOf: Int32Array, nCells: number): { cells: Float64Array; sum: number } {
  // cell c's sum in f[c], its compensation in f[nCells + c]
  const f = new Float64Array(2 * nCells);
  const total = new FSum();
  for (let i = 0; i < ex.length; i++) {
    total.add(ex[i]);
    addCompensated(f, cellOf[i], nCells + cellOf[i], ex[i]);
  }
  const cells = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) cells[c] = f[c] + f[nCells + c];
  return { cells, sum: total.value };
}

/** Each cell's cents over its lines of table k by largest remainder (lines in line order: ties to the earlier). */
function roundCellsToLines(k: number, ex: Float64Array, ix: CellIndex, nLedger: number, cellCents: ArrayLike<number>, out: Float64Array) {
  const nCells = ix.cellRow.length;
  for (let c = 0; c < nCells; c++) {
    const from = ix.start[c];
    const to = ix.start[c + 1];
    const members = new Int32Array(to - from);
    let m = 0;
    for (let j = from; j < to; j++) {
      const i = ix.order[j];
      if (inTable(k, i, nLedger)) members[m++] = i;
    }
    if (m === 0) continue;
    const parts = new Float64Array(m);
    for (let j = 0; j < m; j++) parts[j] = ex[members[j]];
    const cents = roundExactCents(parts, cellCents[c]);
    for (let j = 0; j < m; j++) out[members[j]] = cents[j];
  }
}

function writeCents(all: Line[], nLedger: number, out: Float64Array[]) {
  const [api, retry, tools, review, overhead, trueup, unattr] = out;
  for (let i = 0; i < nLedger; i++) {
    const l = all[i];
    l.cApi = api[i];
    l.cRetry = retry[i];
    l.cTools = tools[i];
    l.cReview = review[i];
    l.cOverhead = overhead[i];
    l.cTrueup = trueup[i];
  }
  // An unattributed line's own cost, now in cents, over its components (most lines have only one).
  for (let i = nLedger; i < all.length; i++) {
    const l = all[i];
    l.cTrueup = trueup[i];
    const cents = roundExactCents([l.api * 100, l.retry * 100, l.tools * 100, l.review * 100, l.overhead * 100], unattr[i]);
    l.cApi = cents[0];
    l.cRetry = cents[1];
    l.cTools = cents[2];
    l.cReview = cents[3];
    l.cOverhead = cents[4];
  }
}

/**
 * Rounds a period's lines to the cent, table by table: the business unit × agent table by controlled rounding (cells,
 * business units and agents each within a cent, the table to its rounded total; the true-up table to `trueupCents`,
 * the invoices minus the computed costs), then each cell's cents over its lines by largest remainder (ties to the
 * earlier line). Unattributed lines get their own cost as one figure, then split over its components.
 */
export function roundPeriod(rows: Line[], unattributed: Line[], trueupCents: number): PeriodRounding {
  const all = rows.length ? rows.concat(unattributed) : unattributed;
  const n = all.length;
  const nLedger = rows.length;
  const ix = cellIndex(all);
  const exact = exactCentsOf(all, nLedger);
  const out = Array.from({ length: TABLES }, () => new Float64Array(n));
  for (let k = 0; k < TABLES; k++) {
    const { cells, sum } = sumByCell(exact[k], ix.cellOf, ix.cellRow.length);
    const target = k === TRUEUP ? trueupCents : sumToCents(sum / 100);
    // null only if the target were not the floor or ceiling of the exact total; plain largest remainder over the
    // cells then still ties the total, and the within-a-cent check (lines_within_cent) reports what it gives up.
    const cellCents = controlledRound(ix.cellRow, ix.cellCol, cells, ix.nRows, ix.nCols, target) ?? roundExactCents(cells, target);
    roundCellsToLines(k, exact[k], ix, nLedger, cellCents, out[k]);
  }
  writeCents(all, nLedger, out);
  return { ix, exact };
}
