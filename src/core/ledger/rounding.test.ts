import { allocateCents, controlledRound, largestRemainder, roundExactCents, roundShown, toCents } from './rounding';

const sumCents = (xs: number[]) => xs.reduce((s, x) => s + Math.round(x * 100), 0);

describe('largest-remainder rounding', () => {
  test('$100 over three equal weights is 33.34 + 33.33 + 33.33', () => {
    expect(largestRemainder([1, 1, 1], 100)).toEqual([33.34, 33.33, 33.33]);
  });

  test('exact parts round so that they sum to the rounded whole (naive rounding would give 0.03)', () => {
    // 0.005 × 3 = 0.015 → 0.02; each part alone would round to 0.01.
    const parts = largestRemainder([0.005, 0.005, 0.005]);
    expect(parts).toEqual([0.01, 0.01, 0]);
    expect(sumCents(parts)).toBe(2);
  });

  test('the largest remainders get the extra cents, ties to the earlier index', () => {
    // $10 pro rata 1:2:4 = 1.428571, 2.857142, 5.714285 → floors 1.42, 2.85, 5.71 (9.98); remainders .86, .71, .43
    expect(largestRemainder([1, 2, 4], 10)).toEqual([1.43, 2.86, 5.71]);
  });

  test('zero weights split equally; negative totals split too', () => {
    expect(largestRemainder([0, 0], 0.05)).toEqual([0.03, 0.02]);
    const neg = largestRemainder([1, 1, 1], -1);
    expect(sumCents(neg)).toBe(-100);
    expect(neg).toEqual([-0.33, -0.33, -0.34]);
  });

  test('float noise does not lose a cent (0.29 × 100 = 28.999…)', () => {
    expect(toCents(0.29)).toBe(29);
    expect(largestRemainder([0.29, 0.57])).toEqual([0.29, 0.57]);
  });

  test('allocateCents sums exactly to its source on awkward weights', () => {
    const w = Array.from({ length: 97 }, (_, i) => (i * 7919) % 13 + 0.1);
    const out = allocateCents(w, 123457);
    expect(out.reduce((s, x) => s + x, 0)).toBe(123457);
    expect(out.every((x) => Number.isInteger(x))).toBe(true);
    expect(allocateCents([], 5)).toEqual([]);
  });

  test('roundExactCents hits its target', () => {
    expect(roundExactCents([33.333, 33.333, 33.334], 100)).toEqual([33, 33, 34]);
  });
});

describe('controlled rounding of a two-way table', () => {
  const sums = (keys: number[], xs: number[], n: number) => {
    const out = new Array<number>(n).fill(0);
    keys.forEach((k, i) => (out[k] += xs[i]));
    return out;
  };

  test('a table where rounding cells alone drifts a row and a column by a cent still ties every row and column', () => {
    // 2 × 2 of 0.6 cents: each cell rounds to 0 or 1; rows and columns must be 1 (1.2 → 1 or 2), the total round(2.4) = 2
    const out = controlledRound([0, 0, 1, 1], [0, 1, 0, 1], [0.6, 0.6, 0.6, 0.6], 2, 2, 2)!;
    expect(out.reduce((a, b) => a + b, 0)).toBe(2);
    expect(sums([0, 0, 1, 1], out, 2)).toEqual([1, 1]);
    expect(sums([0, 1, 0, 1], out, 2)).toEqual([1, 1]);
  });

  test('random tables (negative values, whole cells, empty cells): cells, rows, columns within a cent, total on target', () => {
    let seed = 3;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let t = 0; t < 400; t++) {
      const R = 1 + Math.floor(rnd() * 6);
      const C = 1 + Math.floor(rnd() * 12);
      const rows: number[] = [], cols: number[] = [], ex: number[] = [];
      for (let r = 0; r < R; r++) {
        for (let c = 0; c < C; c++) {
          if (rnd() < 0.3) continue;
          rows.push(r);
          cols.push(c);
          ex.push(rnd() < 0.15 ? Math.round((rnd() - 0.3) * 50) : (rnd() - 0.2) * 1000);
        }
      }
      const total = ex.reduce((a, b) => a + b, 0);
      const target = rnd() < 0.5 ? Math.floor(total) : Math.ceil(total);
      const out = controlledRound(rows, cols, ex, R, C, target)!;
      expect(out.reduce((a, b) => a + b, 0)).toBe(target);
      ex.forEach((x, i) => {
        expect(Math.abs(out[i] - x)).toBeLessThan(1);
        if (Number.isInteger(x)) expect(out[i] - x).toBe(0);
      });
      const er = sums(rows, ex, R), pr = sums(rows, out, R);
      const ec = sums(cols, ex, C), pc = sums(cols, out, C);
      for (let r = 0; r < R; r++) expect(Math.abs(pr[r] - er[r])).toBeLessThan(1 + 1e-9);
      for (let c = 0; c < C; c++) expect(Math.abs(pc[c] - ec[c])).toBeLessThan(1 + 1e-9);
    }
  });

  test('refuses a target that is not the floor or ceiling of the exact total', () => {
    expect(controlledRound([0, 0], [0, 1], [0.5, 0.5], 1, 2, 3)).toBeNull();
  });
});

describe('values at displayed precision', () => {
  test('a float one step below a displayed tie rounds the way it reads; half away from zero', () => {
    expect(roundShown(2.675, 2)).toBe(2.68); // 2.67499999… as a double
    expect(roundShown(-2.675, 2)).toBe(-2.68);
    expect(roundShown(6.9 / 3, 2)).toBe(2.3); // 2.3000000000000003
    expect(roundShown(0.0504999, 3)).toBe(0.05);
    expect(roundShown(0.0505, 3)).toBe(0.051);
    expect(roundShown(0, 2)).toBe(0);
  });
});
