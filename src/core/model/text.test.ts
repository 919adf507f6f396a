import { wellFormed } from './text';

// The oracle: V8's own String.prototype.toWellFormed (Node 20), which the task pane's older webviews lack.
const toWellFormed = (s: string) => (s as unknown as { toWellFormed(): string }).toWellFormed();

test('wellFormed: lone surrogates become U+FFFD, pairs and everything else stay', () => {
  expect(wellFormed('plain')).toBe('plain');
  expect(wellFormed('a\ud800b')).toBe('a\uFFFDb');
  expect(wellFormed('\udc00x')).toBe('\uFFFDx');
  expect(wellFormed('x\udbff')).toBe('x\uFFFD');
  expect(wellFormed('😀\ud83d')).toBe('😀\uFFFD');
  expect(wellFormed('\udc00\ud800')).toBe('\uFFFD\uFFFD');
  expect(wellFormed('\ud800\ud800\udc00')).toBe('\uFFFD\ud800\udc00');
});

test('wellFormed agrees with String.prototype.toWellFormed on 20,000 random strings of surrogates and others', () => {
  let seed = 17;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const units = [0x41, 0xe9, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0xfffd, 0x20];
  for (let n = 0; n < 20_000; n++) {
    const s = String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 8) }, () => units[Math.floor(rnd() * units.length)]));
    expect(wellFormed(s)).toBe(toWellFormed(s));
  }
});
