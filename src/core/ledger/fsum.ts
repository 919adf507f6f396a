// Compensated (Neumaier) summation for the ledger's big sums. Why: a 10M-event month adds ~10^7 costs into one figure,
// and a plain float sum drifts by a micro-dollar or more — past the conservation checks' tolerance (conserve.ts) and,
// for the rounding's cell sums, past the remainder quantum, so that engines summing in different orders broke
// near-ties differently. The SQL engines use their dialect's compensated sum (fsum / sumKahan) for the same figures.

/** f[i] += x, the low part the addition loses kept in f[c] (Neumaier); the sum is f[i] + f[c]. The one step every
 *  compensated sum of the ledger takes: FSum, the rounding's cell sums (round.ts), a line's sums (line.ts). */
export function addCompensated(f: Float64Array, i: number, c: number, x: number): void {
  const s = f[i];
  const t = s + x;
  f[c] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  f[i] = t;
}

/** One running sum. */
export class FSum {
  private readonly f = new Float64Array(2);

  add(x: number): void {
    addCompensated(this.f, 0, 1, x);
  }

  get value(): number {
    return this.f[0] + this.f[1];
  }
}
