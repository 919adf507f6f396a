import { codePointCmp, wellFormed } from './text';

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

test('codePointCmp orders as the UTF-8 bytes do (the databases\' ORDER BY), unlike JavaScript\'s <', () => {
  // U+FF01 sorts after U+1F600 by UTF-16 units, before it by code point
  expect('\uff01' < '😀').toBe(false);
  expect(codePointCmp('\uff01', '😀')).toBe(-1);
  expect(codePointCmp('a', 'a')).toBe(0);
  expect(codePointCmp('a', 'ab')).toBe(-1);
  expect(codePointCmp('b', 'ab')).toBe(1);
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const chars = ['a', 'B', '~', 'é', '\ud7ff', '\ue000', '\uff01', '\uffff', '😀', '𝒳', '\u{10ffff}', ''];
  const word = () => Array.from({ length: Math.floor(rnd() * 4) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  for (let n = 0; n < 20_000; n++) {
    const a = word();
    const b = word();
    expect(codePointCmp(a, b)).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
  }
});
