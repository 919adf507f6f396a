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
    // earlier index, without a comparator call per pair (the ledger rounds 100k+ rows per component).
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = Math.floor(Math.max(0, rem[i]) * 1073741824) * 4194304 + (4194303 - i);
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
