import { allocateCents, largestRemainder, roundExactCents, toCents } from './rounding';

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
