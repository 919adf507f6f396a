// Largest-remainder rounding to the cent: parts always sum exactly to the rounded whole, so no penny
// is created or lost. Hand-written because it is a dozen lines and sits on the ledger's hot path
// (integer cents, typed arrays, no per-part objects).

/**
 * Inputs are range-checked where they are read (src/core/model/ranges.ts), so a non-finite or unsafe amount here is a
 * bug upstream: fail loudly instead of rounding it (a NaN or infinite cent count never reaches zero in the loops below).
 */
function assertCents(label: string, c: number): void {
  if (!Number.isSafeInteger(c)) throw new RangeError(`rounding: ${label} is ${c}, not a whole number of cents within ±2^53; amounts must be range-checked on import`);
}

/** USD → integer cents, snapping float noise (0.29 * 100 = 28.999999999999996) before rounding. */
export function toCents(usd: number): number {
  const c = Math.round(usd * 100 + (usd >= 0 ? 1e-9 : -1e-9));
  assertCents(`the amount ${usd} USD`, c);
  return c;
}

/**
 * Cents of an exact sum in USD: toCents, except that a sum within 1e-6 cent of a half cent is that half cent (up, or
 * down below zero, as toCents rounds it). The same amounts summed in another order differ by float noise (the SQL
 * engines sum in no fixed order); this keeps a sum of round amounts — a table total, a provider's computed cost —
 * on the same cent whatever the order. Valid while the noise stays under 1e-6 cent (sums up to about $10M).
 */
export function sumToCents(usd: number): number {
  const c = usd * 100;
  const f = Math.floor(c);
  if (Math.abs(c - f - 0.5) < 1e-6) return usd >= 0 ? f + 1 : f;
  return toCents(usd);
}

/** Cents of the exact value `c` (already × 100) without the noise of a float product just below an integer. */
function floorCents(c: number): number {
  const r = Math.round(c);
  return Math.abs(c - r) < 1e-7 ? r : Math.floor(c);
}

/**
 * Splits `totalCents` (an integer) over parts in proportion to `weights` (≥ 0); when every weight is 0 the split
 * is equal. Returns integer cents that sum exactly to `totalCents`. Ties go to the earlier index, so the result
 * depends only on the order the caller gives (the ledger sorts its rows first).
 */
export function allocateCents(weights: ArrayLike<number>, totalCents: number): number[] {
  const n = weights.length;
  assertCents('the total to allocate', totalCents);
  if (n === 0) return [];
  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += weights[i];
  const exact = new Float64Array(n);
  if (sumW === 0 || !Number.isFinite(sumW)) {
    for (let i = 0; i < n; i++) exact[i] = totalCents / n;
  } else {
    for (let i = 0; i < n; i++) exact[i] = (totalCents * weights[i]) / sumW;
  }
  return roundExactCents(exact, totalCents);
}

/** Rounds exact cent values (floats) so they sum to `targetCents`, by largest remainder. */
export function roundExactCents(exact: ArrayLike<number>, targetCents: number): number[] {
  const n = exact.length;
  assertCents('the rounding target', targetCents);
  const out = new Array<number>(n);
  let floors = 0;
  const rem = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(exact[i])) throw new RangeError(`rounding: part ${i} is ${exact[i]}; amounts must be range-checked on import`);
    const f = floorCents(exact[i]) + 0; // + 0 turns -0 into 0
    out[i] = f;
    floors += f;
    rem[i] = exact[i] - f;
  }
  let k = targetCents - floors;
  if (k === 0) return out;
  // The loops below hand out |k| cents one at a time: k must be a whole, bounded count.
  assertCents('the cents left to hand out', k);
  if (n === 0) throw new RangeError(`rounding: ${k} cents to hand out over no parts`);
  if (k > 0 && n < 4194304) {
    // Give the k largest remainders a cent. Each part becomes one number — remainder quantized to 2⁻³⁰ cent in the
    // high bits, reversed index in the low 22 — so a native typed-array sort orders by remainder, ties to the
    // earlier index, without a comparator call per pair (the ledger rounds 100k+ rows per component). Quantized to the
    // nearest step, not down: equal amounts summed in another order differ by float noise, and a tie at a round
    // remainder (a half cent) must not fall on either side of a step by that noise (the SQL engines sum in no order).
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = Math.round(Math.max(0, rem[i]) * 1073741824) * 4194304 + (4194303 - i);
    keys.sort();
    for (let j = n - 1; k > 0 && j >= 0; j--, k--) out[4194303 - (keys[j] % 4194304)]++;
    if (k === 0) return out;
  }
  // k < 0 happens only when a caller's target is below the floors: take cents from the smallest remainders.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (k > 0 ? rem[b] - rem[a] : rem[a] - rem[b]) || a - b);
  // Whole rounds first, so the loop below runs fewer than n times whatever k is.
  if (Math.abs(k) >= n) {
    const whole = Math.trunc(k / n);
    for (let i = 0; i < n; i++) out[i] += whole;
    k -= whole * n;
  }
  const step = k > 0 ? 1 : -1;
  for (let j = 0; k !== 0; j = (j + 1) % n) {
    out[order[j]] += step;
    k -= step;
  }
  return out;
}

/**
 * Largest-remainder rounding in **USD**: returns the parts rounded to cents (numbers such as 33.34) whose sum,
 * taken in cents, is exactly `round(total)` to the cent.
 * - Without `total`: `amounts` are exact parts and the whole is their sum.
 * - With `total`: `amounts` are weights (≥ 0) and `total` is split pro rata (equally when every weight is 0),
 *   e.g. `largestRemainder([1, 1, 1], 100)` → `[33.34, 33.33, 33.33]`.
 */
export function largestRemainder(amounts: number[], total?: number): number[] {
  if (total === undefined) {
    let sum = 0;
    const exact = amounts.map((a) => {
      sum += a;
      return a * 100;
    });
    return roundExactCents(exact, toCents(sum)).map((c) => c / 100);
  }
  return allocateCents(amounts, toCents(total)).map((c) => c / 100);
}

/**
 * A value as the sheets display it and compare it (DESIGN §3 status logic): rounded half away from zero to `digits`
 * decimals after a nudge of 1e-9, so a value one float step below a displayed tie (2.675 is 2.67499999…) rounds the
 * way it reads. Formulas use the same nudge (`roundShown` in workbook/formulas.ts): Excel and LibreOffice round the
 * decimal text, HyperFormula the binary double, and the nudge makes all three agree with this function.
 */
export function roundShown(x: number, digits: number): number {
  const f = 10 ** digits;
  const n = (x + Math.sign(x) * 1e-9) * f;
  return (n < 0 ? -Math.round(-n) : Math.round(n)) / f + 0;
}

/** Fractions of a cent are kept as integers of 2⁻³⁰ cent, so row, column and table sums of remainders are exact. */
const Q = 1073741824;

/**
 * Controlled rounding of a two-way table (rows × columns; the ledger uses business unit × agent) of exact values in
 * cents. Returns integer cents per cell such that
 * - every cell is the floor or the ceiling of its exact value (a cell already whole stays as it is),
 * - every row sum and every column sum is the floor or the ceiling of its exact sum, and
 * - the cells sum to `targetCents`, which must be the floor or the ceiling of the exact table total.
 * Such a rounding always exists for a two-way table (Bacharach 1966; Cox & Ernst 1982): the remainders are a
 * fractional flow from rows to columns, and a flow network with integer bounds has an integer flow within the same
 * bounds. It is found as a feasible circulation with lower bounds by max-flow (Dinic), hand-written because the
 * network is small (rows + columns + non-whole cells) and a dependency for forty lines would be heavier than them.
 * Cells are `(row[i], col[i], exact[i])`, at most one per row/column pair. Returns null only when `targetCents` is not
 * the floor or ceiling of the total (a caller's error): the caller then falls back and its checks report it.
 */
export function controlledRound(rows: ArrayLike<number>, cols: ArrayLike<number>, exact: ArrayLike<number>, nRows: number, nCols: number, targetCents: number): number[] | null {
  const n = exact.length;
  const out = new Array<number>(n);
  const rem = new Array<number>(n);
  const rowQ = new Array<number>(nRows).fill(0);
  const colQ = new Array<number>(nCols).fill(0);
  let floors = 0;
  let totalQ = 0;
  for (let i = 0; i < n; i++) {
    let f = floorCents(exact[i]) + 0;
    let q = Math.round((exact[i] - f) * Q);
    if (q < 0) q = 0;
    if (q >= Q) {
      f += 1;
      q = 0;
    }
    out[i] = f;
    rem[i] = q;
    floors += f;
    rowQ[rows[i]] += q;
    colQ[cols[i]] += q;
    totalQ += q;
  }
  const need = targetCents - floors;
  const lo = Math.floor(totalQ / Q);
  const hi = Math.ceil(totalQ / Q);
  if (need < lo || need > hi) return null;
  if (need === 0) return out;

  // Nodes: 0 source, 1..R rows, R+1..R+C columns, sink, then the super source and super sink of the reduction.
  const S = 0, T = nRows + nCols + 1, SS = T + 1, TT = T + 2;
  const g = new FlowGraph(TT + 1);
  const demand = new Array<number>(TT + 1).fill(0);
  const bounded = (u: number, v: number, low: number, high: number) => {
    if (high > low) g.add(u, v, high - low);
    demand[v] += low;
    demand[u] -= low;
  };
  for (let r = 0; r < nRows; r++) bounded(S, 1 + r, Math.floor(rowQ[r] / Q), Math.ceil(rowQ[r] / Q));
  for (let c = 0; c < nCols; c++) bounded(1 + nRows + c, T, Math.floor(colQ[c] / Q), Math.ceil(colQ[c] / Q));
  bounded(T, S, need, need);
  // Larger remainders first, so the search rounds them up first (ties to the earlier cell).
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => rem[i] > 0);
  order.sort((a, b) => rem[b] - rem[a] || a - b);
  const cellEdge = new Int32Array(n).fill(-1);
  for (const i of order) cellEdge[i] = g.add(1 + rows[i], 1 + nRows + cols[i], 1);
  let required = 0;
  for (let v = 0; v <= T; v++) {
    if (demand[v] > 0) {
      g.add(SS, v, demand[v]);
      required += demand[v];
    } else if (demand[v] < 0) g.add(v, TT, -demand[v]);
  }
  if (g.maxFlow(SS, TT) !== required) return null;
  for (let i = 0; i < n; i++) if (cellEdge[i] >= 0) out[i] += g.flowOn(cellEdge[i]);
  return out;
}

/** A residual graph for Dinic's max-flow (integer capacities). */
class FlowGraph {
  private head: number[];
  private to: number[] = [];
  private cap: number[] = [];
  private next: number[] = [];
  private orig: number[] = [];
  private level: Int32Array;
  private it: number[];

  constructor(private readonly nodes: number) {
    this.head = new Array<number>(nodes).fill(-1);
    this.level = new Int32Array(nodes);
    this.it = new Array<number>(nodes).fill(-1);
  }

  /** Adds u → v with capacity c; returns the edge id. Edges keep insertion order per node (the search tries earlier ones first). */
  add(u: number, v: number, c: number): number {
    const e = this.to.length;
    this.pushEdge(u, v, c);
    this.pushEdge(v, u, 0);
    return e;
  }

  private tail: number[] = [];
  private pushEdge(u: number, v: number, c: number) {
    const e = this.to.length;
    this.to.push(v);
    this.cap.push(c);
    this.orig.push(c);
    this.next.push(-1);
    // append at the end of u's list so the search sees edges in the order they were added
    if (this.head[u] === -1) this.head[u] = e;
    else this.next[this.tail[u]] = e;
    this.tail[u] = e;
  }

  flowOn(e: number): number {
    return this.orig[e] - this.cap[e];
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const queue = [s];
    this.level[s] = 0;
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi];
      for (let e = this.head[u]; e !== -1; e = this.next[e]) {
        const v = this.to[e];
        if (this.cap[e] > 0 && this.level[v] < 0) {
          this.level[v] = this.level[u] + 1;
          queue.push(v);
        }
      }
    }
    return this.level[t] >= 0;
  }

  private dfs(u: number, t: number, f: number): number {
    if (u === t) return f;
    for (; this.it[u] !== -1; this.it[u] = this.next[this.it[u]]) {
      const e = this.it[u];
      const v = this.to[e];
      if (this.cap[e] > 0 && this.level[v] === this.level[u] + 1) {
        const d = this.dfs(v, t, Math.min(f, this.cap[e]));
        if (d > 0) {
          this.cap[e] -= d;
          this.cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    while (this.bfs(s, t)) {
      for (let v = 0; v < this.nodes; v++) this.it[v] = this.head[v];
      let f: number;
      while ((f = this.dfs(s, t, Infinity)) > 0) flow += f;
    }
    return flow;
  }
}
