// Compensated (Neumaier) summation for the ledger's big sums. Why: a 10M-event month adds ~10^7 costs into one figure,
// and a plain float sum drifts by a micro-dollar or more — past the conservation checks' tolerance (conserve.ts) and,
// for the rounding's cell sums, past the remainder quantum, so that engines summing in different orders broke
// near-ties differently. The SQL engines use their dialect's compensated sum (fsum / sumKahan) for the same figures.

/** One running sum. */
export class FSum {
  private s = 0;
  private c = 0;

  add(x: number): void {
    const s = this.s;
    const t = s + x;
    this.c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    this.s = t;
  }

  get value(): number {
    return this.s + this.c;
  }
}

/** sums[i] += x, the lost low part kept in comps[i]; the sum is sums[i] + comps[i] (see fsumsOf). */
export function faddAt(sums: Float64Array, comps: Float64Array, i: number, x: number): void {
  const s = sums[i];
  const t = s + x;
  comps[i] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  sums[i] = t;
}

/** Folds the compensations into the sums (in place) and returns them. */
export function fsumsOf(sums: Float64Array, comps: Float64Array): Float64Array {
  for (let i = 0; i < sums.length; i++) sums[i] += comps[i];
  return sums;
}
