// Issue 14: "a number hangs the build". Rounding hands out cents one at a time; with a non-finite or unsafe amount
// that count never reached zero. Amounts are range-checked on import (ranges.ts); here the rounding itself refuses
// them, and a large but finite gap is handed out in whole rounds, so no loop can run unbounded.
import { allocateCents, largestRemainder, roundExactCents, toCents } from './rounding';

const within = (ms: number, f: () => unknown) => {
  const t = Date.now();
  try {
    return f();
  } finally {
    expect(Date.now() - t).toBeLessThan(ms);
  }
};

test('non-finite or unsafe amounts throw instead of looping', () => {
  expect(() => within(1000, () => toCents(1.8e306))).toThrow(RangeError);
  expect(() => within(1000, () => largestRemainder([1, 1, 1], 1.8e306))).toThrow(/not a whole number of cents/);
  expect(() => within(1000, () => largestRemainder([1.8e306, 1.8e306]))).toThrow(RangeError);
  expect(() => within(1000, () => allocateCents([1, 2], NaN))).toThrow(RangeError);
  expect(() => within(1000, () => allocateCents([1, 2], Infinity))).toThrow(RangeError);
  expect(() => within(1000, () => roundExactCents([NaN, 1], 1))).toThrow(/part 0 is NaN/);
  expect(() => within(1000, () => roundExactCents([0.4, 0.6], 1.5))).toThrow(RangeError);
  expect(() => within(1000, () => roundExactCents([], 5))).toThrow(/over no parts/);
});

test('a target far from the parts is handed out in whole rounds (bounded), still summing exactly', () => {
  const out = within(1000, () => roundExactCents([0.2, 0.3, 0.5], -1e12)) as number[];
  expect(out.reduce((a, b) => a + b, 0)).toBe(-1e12);
  const up = roundExactCents([0.2, 0.3], 1e12 + 1);
  expect(up.reduce((a, b) => a + b, 0)).toBe(1e12 + 1);
});

test('amounts at the documented bound (±1e12 USD) still round exactly', () => {
  expect(toCents(1e12)).toBe(1e14);
  const parts = largestRemainder([1, 1, 1], 1e12);
  expect(parts.reduce((s, x) => s + Math.round(x * 100), 0)).toBe(1e14);
});
