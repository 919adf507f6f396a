// Small robust statistics for the daily detection. Hand-written: a median, a MAD and a Wilson bound are a few lines
// each, and a statistics library would be the only dependency of core besides zod.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** 1.4826 × the median absolute value: a standard deviation that one wild day cannot inflate. */
export function robustSigma(residuals: readonly number[]): number {
  if (residuals.length === 0) return NaN;
  return 1.4826 * median(residuals.map(Math.abs));
}

/**
 * Wilson score bounds of a proportion with `z` (one-sided): honest with small counts (3 approvals of 3 reviews is
 * not "100% ± 0"), unlike the plain p ± z·√(p(1−p)/n).
 */
export function wilson(successes: number, n: number, z: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return { low: Math.max(0, (centre - spread) / d), high: Math.min(1, (centre + spread) / d) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Φ⁻¹(p): the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * A count against its expectation as a signed z: the exact tail (mid-p) of a binomial(n, p) or Poisson(mean),
 * turned into the normal quantile with the same tail. The normal approximation (x − np) ÷ √(np(1−p)) is badly
 * optimistic with small counts near 0 or 1 (6 successes of 10 at a 92% normal reads −3.7 but is a 1-in-140 event,
 * z −2.4). `pmf(k)` and the ratio `next(k) = pmf(k+1)/pmf(k)` walk the tail away from x until it is negligible.
 */
function tailZ(x: number, mean: number, logPmf: (k: number) => number, up: (k: number) => number, max: number): number {
  if (x === mean) return 0;
  const upper = x > mean;
  const p0 = Math.exp(logPmf(x));
  let tail = 0;
  let pk = p0;
  for (let k = x, i = 0; i < 100_000; i++) {
    const nk = upper ? k + 1 : k - 1;
    if (nk < 0 || nk > max) break;
    pk = upper ? pk * up(k) : pk / up(nk);
    k = nk;
    tail += pk;
    if (pk < tail * 1e-14 || pk === 0) break;
  }
  const midP = Math.min(0.5, tail + 0.5 * p0);
  const z = -normalQuantile(midP);
  return upper ? z : -z;
}

export function binomialZ(x: number, n: number, p: number): number {
  x = Math.max(0, Math.min(n, Math.round(x)));
  n = Math.round(n);
  if (n <= 0) return 0;
  const pp = Math.min(1 - 1e-9, Math.max(1e-9, p));
  // Large counts away from the edges: the normal approximation (with continuity correction) is exact enough.
  if (n * Math.min(pp, 1 - pp) >= 50) {
    const mu = n * pp;
    const d = x - mu;
    return d === 0 ? 0 : (d - Math.sign(d) * 0.5) / Math.sqrt(mu * (1 - pp));
  }
  const lc = lnGamma(n + 1);
  const logPmf = (k: number) => lc - lnGamma(k + 1) - lnGamma(n - k + 1) + k * Math.log(pp) + (n - k) * Math.log(1 - pp);
  return tailZ(x, n * pp, logPmf, (k) => ((n - k) * pp) / ((k + 1) * (1 - pp)), n);
}

export function poissonZ(x: number, mean: number): number {
  x = Math.max(0, Math.round(x));
  if (mean <= 0) return x > 0 ? 10 : 0;
  if (mean >= 50) {
    const d = x - mean;
    return d === 0 ? 0 : (d - Math.sign(d) * 0.5) / Math.sqrt(mean);
  }
  const logPmf = (k: number) => k * Math.log(mean) - mean - lnGamma(k + 1);
  return tailZ(x, mean, logPmf, (k) => mean / (k + 1), Number.MAX_SAFE_INTEGER);
}
