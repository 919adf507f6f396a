// The byte scanner (usage-scan.ts) against the text path it stands in front of: on every input, the same records
// (field for field, -0 included, in the same key order), the same rejections (file, line, column, value, message) and
// the same row accounting, whatever the chunking of the bytes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemo } from '../../cli/commands/demo';
import { rng } from '../../core/sample';
import { importRecords, type ImportReport } from './import';
import { csvHeader } from './csv-write';
import { UsageRowScanner } from './usage-scan';

const HEADER = csvHeader('usage').trimEnd();
const COLS = HEADER.split(',');

/** The bytes in chunks: `cuts` positions, or every `step` bytes. */
async function* chunks(bytes: Buffer, step: number | number[]): AsyncGenerator<Buffer> {
  const cuts = typeof step === 'number' ? Array.from({ length: Math.ceil(bytes.length / step) }, (_, i) => (i + 1) * step) : [...step, bytes.length];
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(c, bytes.length);
    if (end > at) yield bytes.subarray(at, end);
    at = end;
  }
}

// -0 and undefined must show: JSON alone prints -0 as 0.
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (Object.is(v, -0) ? '-0' : v === undefined ? '(undefined)' : v));

async function importBytes(bytes: Buffer, step: number | number[], byteScan: boolean, sinkResult?: (r: { event_id: string }) => 'duplicate' | 'conflict' | undefined) {
  const got: string[] = [];
  const report: ImportReport = await importRecords({
    kind: 'usage', fileName: 'usage.csv', input: chunks(bytes, step), byteScan, maxRejectedListed: 1000,
    sink: (rec, line) => {
      got.push(`${line} ${show(rec)} ${Object.keys(rec).join('|')}`);
      return sinkResult?.(rec as { event_id: string });
    },
  });
  return { report: show(report), got };
}

let accepted = 0;
const scanSpy = () => {
  const real = UsageRowScanner.prototype.scan;
  return jest.spyOn(UsageRowScanner.prototype, 'scan').mockImplementation(function (this: UsageRowScanner, b, s, e) {
    const r = real.call(this, b, s, e);
    if (r) accepted++;
    return r;
  });
};

/** Both paths on the same bytes and chunkings; returns how many rows the scanner itself accepted. */
async function same(text: string | Buffer, steps: (number | number[])[] = [1 << 16, 7, 1]) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const dupes = new Set<string>();
  const sink = (r: { event_id: string }) => (dupes.has(r.event_id) ? 'duplicate' : (dupes.add(r.event_id), undefined));
  dupes.clear();
  const want = await importBytes(bytes, 1 << 16, false, sink);
  accepted = 0;
  const spy = scanSpy();
  try {
    for (const step of steps) {
      dupes.clear();
      const got = await importBytes(bytes, step, true, sink);
      // Like with like: the text path on the same chunks (it sniffs the encoding in the first chunk, and on a file
      // refused at its header counts the lines of the chunks it read).
      const ref = step === 1 << 16 ? want : (dupes.clear(), await importBytes(bytes, step, false, sink));
      expect(got.report).toBe(ref.report);
      expect(got.got).toEqual(ref.got);
    }
  } finally {
    spy.mockRestore();
  }
  return { accepted: accepted / steps.length, want };
}

const row = (over: Record<string, string> = {}) => {
  const base: Record<string, string> = {
    event_id: 'ev-1', timestamp: '2026-10-21T13:10:27Z', agent_id: 'csr-tier1', work_item_id: 'T-1', provider: 'openai', model: 'gpt-4o',
    kind: 'llm', input_tokens: '1200', cached_input_tokens: '200', cache_write_tokens: '100', output_tokens: '300', units: '0', status: 'ok',
    batch: 'false', cost_usd: '0.00000668', service_tier: '', context_tier: '', cache_write_1h_tokens: '0', audio_input_tokens: '0',
    cached_audio_input_tokens: '0', image_input_tokens: '0', cached_image_input_tokens: '0', audio_output_tokens: '0', image_output_tokens: '0',
    reasoning_tokens: '0', web_search_requests: '0', line_item: '',
  };
  const v = { ...base, ...over };
  return COLS.map((c) => v[c]).join(',');
};

describe('byte scanner = text path', () => {
  test('the sample organisation as demo writes it (with and without cost_usd): every row taken by the scanner, nothing differs', async () => {
    for (const withCost of [true, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'scan-demo-'));
      writeDemo({ outDir: dir, months: 1, scale: 0.01, seed: 7, endPeriod: '2026-10', withCost });
      const bytes = readFileSync(join(dir, 'usage.csv'));
      const { accepted: n, want } = await same(bytes, [1 << 16, 4093]);
      expect(want.got.length).toBeGreaterThan(5000);
      expect(n).toBe(want.got.length);
    }
  });

  test('adversarial rows: quotes, commas and newlines in quotes, odd numbers, names with * ? ~ = < >, bad values; each row alone and all together', async () => {
    const rows = [
      row(), row({ event_id: 'ev-2', cost_usd: '' }), row({ event_id: 'ev-3', cost_usd: '0' }), row({ event_id: 'ev-4', units: '2.5', kind: 'vector_search' }),
      // numbers: exponents, signs, -0, leading zeros and points, huge and tiny, past the limits, too many digits for the fast path
      ...['1e3', '1E-3', '+5', '-0', '0.0', '00012.50', '.5', '5.', '1e999', '1e-400', '0.1234567890123456789', '123456789012345678', '999999999999.99',
        '1000000000000', '1000000000000.01', '0.000000000000000000000001', '12345678901234.5', '0x1F', 'Infinity', 'NaN', '1,5', ' 3', '3 ', '-1']
        .map((c, i) => row({ event_id: `ev-c${i}`, cost_usd: c })),
      ...['0', '00', '007', '-0', '+1', '1.0', '1e2', '99999999999', '100000000000', '100000000001', '2147483647', '2147483648', '9999999999999', '', ' ']
        .map((c, i) => row({ event_id: `ev-t${i}`, input_tokens: c, cached_input_tokens: '0', cache_write_tokens: '0' })),
      ...['0', '99999999999', '100000000001', '1.5', '-0', '1e3'].map((u, i) => row({ event_id: `ev-u${i}`, kind: 'tool', units: u })),
      // names with formula and wildcard characters, spaces, tabs, non-ASCII, quotes
      row({ event_id: 'ev-n1', agent_id: '=cmd|*?~<>', model: '<script>', work_item_id: '~T*?' }), row({ event_id: 'ev-n2', agent_id: 'été-agent', model: 'モデル' }),
      row({ event_id: 'ev-n3', agent_id: ' padded ' }), row({ event_id: 'ev-n4', agent_id: 'tab\there' }), row({ event_id: '"ev-n5"' }),
      row({ event_id: 'ev-n6', model: '"gpt, 4o"' }), row({ event_id: 'ev-n7', model: '"multi\nline ""model"""' }), row({ event_id: 'ev-n8', model: 'say "hi"' }),
      row({ event_id: 'ev-n9', line_item: '"gpt-4o, input"' }), row({ event_id: 'ev-n10', provider: '\u00a0openai' }), row({ event_id: 'ev-n11', model: 'a\u2028b' }),
      // enums and flags
      ...['LLM', 'chat', '', 'embedding', 'vector_search', 'tool'].map((k, i) => row({ event_id: `ev-k${i}`, kind: k, units: '1' })),
      ...['', 'ok', 'error', 'retry', 'Retry', 'failed'].map((s, i) => row({ event_id: `ev-s${i}`, status: s })),
      ...['', 'true', 'TRUE', 'Yes', 'y', 'N', '1', '0', 'maybe', 'constructor', 'toString'].map((b, i) => row({ event_id: `ev-b${i}`, batch: b })),
      ...['', 'Priority', 'FLEX', 'default'].map((t, i) => row({ event_id: `ev-st${i}`, service_tier: t })),
      ...['', 'standard', 'long', 'Long', 'huge'].map((t, i) => row({ event_id: `ev-ct${i}`, context_tier: t })),
      // timestamps
      ...['2026-10-21T13:10:27Z', '2026-10-21', '2026-10-21T13:10Z', '2026-10-21 13:10:27Z', '2026-10-21T13:10:27.5Z', '2026-10-21T13:10:27+02:00',
        '2026-02-29T00:00:00Z', '2028-02-29T00:00:00Z', '2026-10-21T24:00:00Z', '2026-10-21T23:60:00Z', '2026-10-21T23:59:60Z', '1999-12-31T23:59:59Z',
        '2101-01-01T00:00:00Z', '2026-13-01T00:00:00Z', '2026-1a-01T00:00:00Z', '2026-10-21t13:10:27z', '', 'yesterday']
        .map((t, i) => row({ event_id: `ev-ts${i}`, timestamp: t })),
      // token nesting (usageCountsIssue), split fields
      row({ event_id: 'ev-x1', cached_input_tokens: '1201' }), row({ event_id: 'ev-x2', cache_write_tokens: '1001' }), row({ event_id: 'ev-x3', cache_write_1h_tokens: '101' }),
      row({ event_id: 'ev-x4', reasoning_tokens: '301' }), row({ event_id: 'ev-x5', audio_input_tokens: '10', cached_audio_input_tokens: '11' }),
      row({ event_id: 'ev-x6', audio_input_tokens: '300', cached_audio_input_tokens: '50', image_input_tokens: '100', cached_image_input_tokens: '50' }),
      // ids: empty, duplicates (the sink says duplicate), width
      row({ event_id: '' }), row({ event_id: 'ev-1' }), row() + ',', row() + ',,', row() + ',x', row().split(',').slice(0, -1).join(','),
      row({ event_id: 'ev-w1' }) + ', ', '', '   ', ',,,,', '"unterminated,' + row({ event_id: 'ev-q1' }),
    ];
    const lines = [HEADER, ...rows];
    for (let i = 1; i < lines.length; i++) await same(`${HEADER}\n${lines[i]}\n`, [1 << 16, 3]);
    const all = lines.join('\n');
    const { accepted: n } = await same(`${all}\n`, [1 << 16, 13, 1]);
    expect(n).toBeGreaterThan(40); // the scanner did take the plain rows
    await same(all); // last line without a line break
    await same(`${lines.join('\r\n')}\r\n`); // CRLF
    await same(lines.join('\r')); // CR only: the text path reads the whole file
    await same(`${lines.slice(0, 20).join('\r\n')}\n${lines.slice(20).join('\n')}\r`); // CRLF then LF, a stray CR at the end
    await same(`${HEADER}\n${row()}\r\r\n${row({ event_id: 'ev-cr' })}\n`); // CR inside a line
    await same(`\uFEFF${all}\n`); // a UTF-8 BOM
    await same(`\uFEFF\uFEFF${all}\n`); // two
    await same(`\n\n${all}\n`); // blank lines before the header
    await same(`  ${all}\n`); // a space before it
  });

  test('headers: another order, extra and duplicate columns, a missing one, quotes, another delimiter, UTF-16, empty file', async () => {
    const cols = [...COLS].reverse();
    const body = (h: string[], n = 30) => [h.join(','), ...Array.from({ length: n }, (_, i) => h.map((c) => row({ event_id: `ev-${i}` }).split(',')[COLS.indexOf(c)] ?? `x${i}`).join(','))].join('\n');
    expect((await same(body(cols))).accepted).toBe(30);
    expect((await same(body([...COLS, 'note', 'Other Col']))).accepted).toBe(30);
    await same(body([...COLS, 'event_id']));
    await same(body([...COLS, 'Event ID']));
    await same(body(COLS.filter((c) => c !== 'timestamp')));
    await same(body(COLS.filter((c) => c !== 'cost_usd' && c !== 'line_item')));
    await same(body(COLS).replace('event_id', '"event_id"'));
    await same(body(COLS).replace(/,/g, ';'));
    await same(body(COLS).replace(/,/g, '\t'));
    await same(Buffer.from(`\uFEFF${body(COLS)}`, 'utf16le'));
    await same('');
    await same('\n\n');
    await same(HEADER);
    await same(`${HEADER}\n`);
    await same(body([...COLS, 'x'.repeat(300_000)]), [1 << 16]); // a header of 300 KB (no argument-list limit on the way)
  });

  test('UTF-8 characters split across chunks, invalid bytes, a line longer than the scanner carries (1 MB)', async () => {
    const text = `${HEADER}\n${row({ event_id: 'ev-1', agent_id: 'agent-é€𝄞' })}\n${row({ event_id: 'ev-2' })}\n${row({ event_id: 'ev-3', model: 'm€' })}\n`;
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf(Buffer.from('€', 'utf8'));
    await same(bytes, [[at + 1], [at + 2], [at + 1, at + 2, at + 3, at + 4, at + 5], 1, 2, 5]);
    const bad = Buffer.concat([Buffer.from(`${HEADER}\n${row({ event_id: 'ev-a' })}\n`), Buffer.from([0x65, 0x76, 0xe2, 0x82, 0x0a, 0xff, 0xfe, 0x2c, 0x0a]), Buffer.from(`${row({ event_id: 'ev-b' })}\n`)]);
    await same(bad, [1 << 16, 1, 3]);
    const long = `${HEADER}\n${row({ event_id: 'ev-1' })}\n${row({ event_id: 'ev-long', line_item: 'x'.repeat(1_200_000) })}\n${row({ event_id: 'ev-after' })}\n${row({ event_id: 'ev-é' })}\n`;
    await same(long, [1 << 16, 100_000]);
  });

  test('seeded fuzz: random rows from good and bad values, random chunking', async () => {
    const rand = rng(1717);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const pools: Record<string, string[]> = {
      event_id: ['ev-1', 'ev-2', 'ev-3', 'e', '', 'ev-"q"', 'ev é'], timestamp: ['2026-10-21T13:10:27Z', '2026-10-01T00:00:00Z', '2026-10-21', '2026-02-30T00:00:00Z', 'x'],
      agent_id: ['a', 'csr-tier1', '', '=a*?', 'a,b', '"a,b"'], work_item_id: ['T-1', 'T-2', '', 'T~3'], provider: ['openai', 'anthropic', 'OpenAI', ''],
      model: ['gpt-4o', 'claude', '"m\n2"', 'm2'], kind: ['llm', 'embedding', 'tool', 'vector_search', 'chat'], input_tokens: ['1000', '0', '', '5', '-1', '1e3', '100000000001'],
      cached_input_tokens: ['0', '', '10', '2000'], cache_write_tokens: ['0', '', '5'], output_tokens: ['10', '0', '', '2.5'], units: ['0', '', '1', '2.5', '-0', '.5'],
      status: ['ok', '', 'retry', 'error', 'bad'], batch: ['false', 'true', '', 'Y', 'x'], cost_usd: ['0.00000668', '', '1.5', '0', '1e-9', '-0', '12345678901234567', '5.'],
      service_tier: ['', 'priority', 'Flex'], context_tier: ['', 'long', 'Long'],
    };
    for (let f = 0; f < 25; f++) {
      const lines = [HEADER];
      for (let r = 0; r < 60; r++) {
        const over: Record<string, string> = {};
        for (const [k, vs] of Object.entries(pools)) if (rand() < 0.5) over[k] = pick(vs);
        if (rand() < 0.05) lines.push(pick(['', ' ', row(over) + ',', row(over).slice(0, 40)]));
        else lines.push(row(over));
      }
      const nl = pick(['\n', '\r\n']);
      const text = lines.join(nl) + (rand() < 0.5 ? nl : '');
      const len = Buffer.byteLength(text);
      const cuts = Array.from({ length: 8 }, () => Math.floor(rand() * len)).sort((a, b) => a - b);
      await same(text, [cuts, 1 + Math.floor(rand() * 300)]);
    }
  });

  test('the comparison catches a scanner that reads a number wrong by one unit in the last place', async () => {
    const proto = UsageRowScanner.prototype as unknown as { amount: (...a: unknown[]) => number | null };
    const real = proto.amount;
    const wrong = jest.spyOn(proto, 'amount').mockImplementation(function (this: unknown, ...a: unknown[]) {
      const n = real.apply(this, a);
      return typeof n === 'number' && n > 0 ? n * (1 + Number.EPSILON) : n;
    });
    try {
      await expect(same(`${HEADER}\n${row()}\n`, [1 << 16])).rejects.toThrow();
    } finally {
      wrong.mockRestore();
    }
    await same(`${HEADER}\n${row()}\n`, [1 << 16]);
  });
});
