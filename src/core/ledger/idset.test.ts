import { IdSet } from './idset';

describe('IdSet', () => {
  test('stores each id once with its value, exactly (no hash-only matches), across growth', () => {
    const s = new IdSet();
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(s.putIfAbsent(`evt-${i}`, i % 1000)).toBe(-1);
    expect(s.size).toBe(n);
    for (let i = 0; i < n; i += 997) expect(s.putIfAbsent(`evt-${i}`, 5)).toBe(i % 1000);
    expect(s.size).toBe(n);
    expect(s.has('evt-49999')).toBe(true);
    expect(s.has('evt-50000')).toBe(false);
    expect(s.has('evt-1 ')).toBe(false);
  });

  test('non-Latin ids, the empty string and long ids', () => {
    const s = new IdSet();
    const long = 'x'.repeat(40_000);
    expect(s.putIfAbsent('ärger-✓', 1)).toBe(-1);
    expect(s.putIfAbsent('', 2)).toBe(-1);
    expect(s.putIfAbsent(long, 3)).toBe(-1);
    expect(s.putIfAbsent('ärger-✓', 9)).toBe(1);
    expect(s.putIfAbsent('', 9)).toBe(2);
    expect(s.putIfAbsent(long, 9)).toBe(3);
    expect(s.has(long + 'y')).toBe(false);
  });

  test('switching from one-byte to two-byte storage keeps earlier ids', () => {
    const s = new IdSet();
    for (let i = 0; i < 3000; i++) s.putIfAbsent(`é-${i}`, i);
    expect(s.putIfAbsent('日本-1', 7)).toBe(-1);
    for (let i = 0; i < 3000; i += 7) expect(s.putIfAbsent(`é-${i}`, 0)).toBe(i);
    expect(s.putIfAbsent('日本-1', 0)).toBe(7);
    expect(s.has('日本-2')).toBe(false);
  });
});
