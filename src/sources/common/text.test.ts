// The readers under every importer: lines, CSV records that resynchronise after a stray quote, JSON array elements,
// encodings. Each is fed in awkward chunks: the result must not depend on where a chunk ends.
import { CsvRecordReader, LineReader, sniffEncoding, decodeText, textChunks } from './text';
import { JsonArrayReader } from './json-stream';

function lines(text: string, chunk: number, max?: number) {
  const out: [string, number, number][] = [];
  const r = new LineReader((t, n, cut) => out.push([t, n, cut]), max);
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return out;
}

test('lines: \\n, \\r\\n split across chunks, \\r-only files, no final newline', () => {
  for (const chunk of [1, 2, 3, 100]) {
    expect(lines('a\r\nb\r\n\r\nc', chunk).map((x) => x[0])).toEqual(['a', 'b', '', 'c']);
    expect(lines('a\rb\rc\r', chunk).map((x) => x[0])).toEqual(['a', 'b', 'c']);
    expect(lines('a\nb\n', chunk).map((x) => [x[0], x[1]])).toEqual([['a', 1], ['b', 2]]);
  }
});

test('a line longer than the bound is cut to its start and counted, and the next line is read', () => {
  const got = lines(`${'x'.repeat(1000)}\nshort\n`, 64, 300);
  expect(got.map((x) => [x[0].length, x[1], x[2]])).toEqual([[200, 1, 800], [5, 2, 0]]);
});

function csv(text: string, chunk = 7) {
  const recs: [number, number, string[]][] = [];
  const bad: [number, string][] = [];
  const r = new CsvRecordReader(',', { record: (x) => recs.push([x.line, x.span, x.cells]), bad: (l, _t, why) => bad.push([l, why]), blank: () => undefined });
  const lr = new LineReader((t, n, cut) => r.line(t, n, cut));
  for (let i = 0; i < text.length; i += chunk) lr.push(text.slice(i, i + chunk));
  lr.end();
  r.end();
  return { recs, bad, accounted: r.accounted, lines: lr.lines };
}

test('CSV: quoted line breaks make one record; a stray quote costs its line; ragged rows are rejected', () => {
  const ok = csv('a,b,c\n1,"x\ny",3\n4,5,6\n');
  expect(ok.recs).toEqual([[1, 1, ['a', 'b', 'c']], [2, 2, ['1', 'x\ny', '3']], [4, 1, ['4', '5', '6']]]);
  const stray = csv('a,b,c\n1,"x,3\n4,5,6\n7,8,9\n');
  expect(stray.recs.map((x) => x[0])).toEqual([1, 3, 4]);
  expect(stray.bad).toEqual([[2, expect.stringMatching(/unterminated quote/)]]);
  const ragged = csv('a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n');
  expect(ragged.bad.map((x) => x[0])).toEqual([2, 3]);
  expect(ragged.recs.map((x) => x[2])).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  for (const r of [ok, stray, ragged]) expect(r.accounted).toBe(r.lines);
});

test('CSV: a quote that pairs with a later one (a stray quote) is undone when the record comes out ragged', () => {
  const r = csv('a,b,c\n1,"x,3\n4,5,6\n7,"y",9\n');
  expect(r.recs.map((x) => x[2][0])).toEqual(['a', '4', '7']);
  expect(r.bad.map((x) => x[0])).toEqual([2]);
});

function arr(text: string, chunk: number) {
  const items: [number, string][] = [];
  const bad: [number, string][] = [];
  const r = new JsonArrayReader({ item: (t, i) => items.push([i, t]), bad: (i, _t, why) => bad.push([i, why]) });
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return { items, bad, error: r.error };
}

test('JSON arrays: elements one by one across chunks (strings with brackets, escapes); a truncated file costs its last element', () => {
  const text = ' [ {"a": "x]},\\"y"}, [1, [2]], "s", 3 ,{"b":{}} ] ';
  for (const chunk of [1, 2, 5, 1000]) {
    const r = arr(text, chunk);
    expect(r.items.map((x) => JSON.parse(x[1]))).toEqual([{ a: 'x]},"y' }, [1, [2]], 's', 3, { b: {} }]);
    expect(r.error).toBeNull();
  }
  const cut = arr('[{"a":1},{"b":', 3);
  expect(cut.items).toHaveLength(1);
  expect(cut.bad).toEqual([[2, expect.stringMatching(/truncated/)]]);
  expect(arr('[1] x', 2).error).toMatch(/unexpected text after/);
});

test('encodings: UTF-8 and UTF-16 with and without a BOM', async () => {
  const t = 'event_id,é\n1,ü\n';
  const le = Buffer.from(t, 'utf16le');
  const be = Buffer.from(le);
  for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
  expect(sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toEqual({ encoding: 'utf-16le', bom: 2 });
  expect(sniffEncoding(le).encoding).toBe('utf-16le');
  expect(sniffEncoding(be).encoding).toBe('utf-16be');
  expect(sniffEncoding(Buffer.from(t)).encoding).toBe('utf-8');
  expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]))).toBe(t);
  // a stream of bytes split inside a character
  const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
  }
  let out = '';
  for await (const c of textChunks(pieces())) out += c;
  expect(out).toBe(t);
});
