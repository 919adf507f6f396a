import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
const cents = (x: number) => Math.round(x * 100);
const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total'] as const;

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const f = (name: string) => join(dir, name);
const allFlags = () => [
  '--usage', f('usage.csv'), '--work-items', f('work_items.csv'), '--reviews', f('reviews.csv'), '--agents', f('agents.csv'),
  '--rates', f('rates.csv'), '--tool-prices', f('tool_prices.csv'), '--overheads', f('overheads.csv'), '--invoices', f('invoices.csv'),
  '--prices', f('prices.csv'),
];

beforeAll(async () => {
  const c = io();
  expect(await main(['demo', '--out-dir', dir, '--scale', '0.02', '--months', '2', '--seed', '5'], c.io)).toBe(0);
  expect(c.out.join('')).toMatch(/usage events/);
}, 30_000);

describe('demo → build round trip', () => {
  test('writes the nine canonical files', () => {
    for (const n of ['usage', 'work_items', 'reviews', 'agents', 'rates', 'tool_prices', 'overheads', 'invoices', 'prices']) expect(existsSync(f(`${n}.csv`))).toBe(true);
  });

  test.each(['2026-09', '2026-10'])('period %s: conservation holds and chargeback lines sum to the total to the cent', async (period) => {
    const c = io();
    const out = f(`summary-${period}.json`);
    expect(await main(['build', ...allFlags(), '--period', period, '--summary', out], c.io)).toBe(0);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    expect(s.period).toBe(period);
    expect(s.rejected).toEqual([]);
    expect(s.conservation.ok).toBe(true);
    expect(s.conservation.difference).toBe(0);
    expect(s.conservation.overhead_difference).toBe(0);
    expect(s.conservation.trueup_difference).toBe(0);
    expect(s.conservation.cents_tie).toBe(true);
    expect(s.business_units.map((b: { business_unit: string }) => b.business_unit).sort()).toEqual(['Claims Underwriting', 'Customer Service', 'Loan Origination']);
    for (const k of COMPONENTS) {
      expect(s.business_units.reduce((a: number, b: Record<string, number>) => a + cents(b[k]), 0)).toBe(cents(s.totals[k]));
      expect(s.agents.reduce((a: number, b: Record<string, number>) => a + cents(b[k]), 0)).toBe(cents(s.totals[k]));
    }
    expect(cents(s.totals.total)).toBe(COMPONENTS.filter((k) => k !== 'total').reduce((a, k) => a + cents(s.totals[k]), 0));
    expect(s.totals.overhead).toBeGreaterThan(0);
    expect(s.totals.review).toBeGreaterThan(0);
    expect(s.totals.unattributed).toBeGreaterThan(0);
    const cs = s.business_units.find((b: { business_unit: string }) => b.business_unit === 'Customer Service');
    expect(cs.cost_per_outcome).toBeGreaterThan(1.2);
    expect(cs.cost_per_outcome).toBeLessThan(1.8);
  }, 30_000);

  test('re-importing the same usage file does not double count', async () => {
    const c2 = io();
    const once = f('summary-2026-10.json');
    const twice = f('twice.json');
    const base = allFlags().filter((_, i, a) => a[i] !== '--usage' && a[i - 1] !== '--usage');
    expect(await main(['build', '--usage', f('usage.csv'), f('usage.csv'), ...base, '--period', '2026-10', '--summary', twice], c2.io)).toBe(0);
    const a = JSON.parse(readFileSync(once, 'utf8'));
    const b = JSON.parse(readFileSync(twice, 'utf8'));
    expect(b.totals).toEqual(a.totals);
    expect(b.imports.filter((i: { kind: string }) => i.kind === 'usage').map((i: { duplicates: number }) => i.duplicates)).toEqual([0, expect.any(Number)]);
    expect(b.imports[b.imports.length - 2].duplicates).toBeGreaterThan(1000);
  }, 30_000);
});

test('usage read on a worker thread (the default for large files) gives the same summary, byte for byte, as in this thread', async () => {
  // The month's usage with what only the sink decides (duplicates, conflicts), a row the scanner leaves to the text
  // path (quoted, non-ASCII id), a rejected row, and a second file repeating the first (cross-file de-duplication).
  const lines = readFileSync(f('usage.csv'), 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const cell = (line: string, col: string) => line.split(',')[header.indexOf(col)];
  const withCell = (line: string, col: string, v: string) => line.split(',').map((c, i) => (i === header.indexOf(col) ? v : c)).join(',');
  const oct = lines.filter((l) => cell(l, 'timestamp')?.startsWith('2026-10'));
  const extra = [
    oct[1], // exact duplicate
    withCell(oct[2], 'cost_usd', String(Number(cell(oct[2], 'cost_usd') || 0) + 0.5)), // conflict
    withCell(oct[3], 'event_id', '"évt, 1"'), // text path, new event
    withCell(oct[5], 'event_id', '"évt, 1"'), // the same id, other content: a conflict whose message names the id
    withCell(oct[4], 'input_tokens', '-5'), // rejected
  ];
  const mixed = f('usage-mixed.csv');
  writeFileSync(mixed, [...lines, ...extra].join('\n') + '\n');
  const base = allFlags().filter((_, i, a) => a[i] !== '--usage' && a[i - 1] !== '--usage');
  const summaries: string[] = [];
  const was = process.env.AI_LEDGER_USAGE_WORKER;
  try {
    for (const w of ['0', '1']) {
      process.env.AI_LEDGER_USAGE_WORKER = w;
      const out = f(`summary-worker-${w}.json`);
      expect(await main(['build', '--usage', mixed, mixed, ...base, '--period', '2026-10', '--summary', out], io().io)).toBe(0);
      summaries.push(readFileSync(out, 'utf8'));
    }
  } finally {
    if (was === undefined) delete process.env.AI_LEDGER_USAGE_WORKER;
    else process.env.AI_LEDGER_USAGE_WORKER = was;
  }
  const s = JSON.parse(summaries[0]);
  const usage = s.imports.filter((i: { kind: string }) => i.kind === 'usage');
  expect(usage[0]).toMatchObject({ duplicates: 1, conflicts: 2 });
  expect(usage[1].duplicates).toBe(lines.length - 1 + 2);
  expect(summaries[0]).toContain('event_id évt, 1 was already imported');
  expect(s.rejected.filter((r: { column: string }) => r.column === 'input_tokens')).toHaveLength(2);
  expect(summaries[1]).toBe(summaries[0]);
}, 60_000);

test('JSONL usage and --flag=value / several files after one flag', async () => {
  const jl = f('extra.jsonl');
  writeFileSync(jl, [
    JSON.stringify({ event_id: 'j1', timestamp: '2026-10-05T09:00:00Z', agent_id: 'loan-originator', work_item_id: '', provider: 'openai', model: 'gpt-4o', kind: 'llm', input_tokens: 1000000, output_tokens: 0 }),
    '{"event_id": "j2", "timestamp": "2026-10-05T09:00:00Z", "kind": "llm", "input_tokens": "lots"}',
  ].join('\n'));
  const c = io();
  const out = f('jsonl.json');
  expect(await main(['build', `--usage=${jl}`, '--work-items', f('work_items.csv'), f('work_items.csv'), '--period', '2026-10', '--summary', out], c.io)).toBe(0);
  const s = JSON.parse(readFileSync(out, 'utf8'));
  expect(s.totals.unattributed).toBe(2.5);
  expect(s.rejected).toEqual([{ file: jl, line: 2, column: 'input_tokens', reason: 'expected a whole number ≥ 0' }]);
  expect(s.imports.filter((i: { kind: string }) => i.kind === 'work_items').map((i: { duplicates: number; accepted: number }) => i.duplicates > 0 && i.accepted === 0)).toEqual([false, true]);
});

test('build --help and demo --help print the flags', async () => {
  const c = io();
  expect(await main(['build', '--help'], c.io)).toBe(0);
  expect(c.out.join('')).toMatch(/--summary OUT\.json/);
  expect(await main(['demo', '--help'], c.io)).toBe(0);
  expect(c.out.join('')).toMatch(/--scale X/);
});

describe('bad input', () => {
  test('a file with bad rows: exit 0, the summary lists them with file, line, column and reason', async () => {
    const bad = f('bad-usage.csv');
    writeFileSync(bad, [
      'event_id;timestamp;agent_id;work_item_id;provider;model;kind;input_tokens;cached_input_tokens;output_tokens;status',
      'x1;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;1000000;0;100;ok',
      'x2;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;-3;0;100;ok',
      'x3;not a date;csr-tier1;T-0000001;openai;gpt-4o;llm;1000;0;100;ok',
      'x4;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;10;20;100;ok',
      'x5;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;chat;10;0;100;ok',
      'x6;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;10;0;100;done',
      ';2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;10;0;100;ok',
      'x1;2026-10-02T10:00:00Z;csr-tier1;T-0000001;openai;gpt-4o;llm;1000;0;999;ok',
    ].join('\n'));
    const c = io();
    const out = f('bad.json');
    expect(await main(['build', '--usage', bad, '--work-items', f('work_items.csv'), '--period', '2026-10', '--summary', out], c.io)).toBe(0);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    expect(s.rejected.map((r: { file: string; line: number; column: string }) => [r.file, r.line, r.column])).toEqual([
      [bad, 3, 'input_tokens'], [bad, 4, 'timestamp'], [bad, 5, 'cached_input_tokens'], [bad, 6, 'kind'], [bad, 7, 'status'], [bad, 8, 'event_id'], [bad, 9, 'event_id'],
    ]);
    expect(s.rejected[6].reason).toMatch(/conflicting duplicate/);
    expect(s.rejected.every((r: { reason: string }) => r.reason.length > 5)).toBe(true);
    expect(c.err.join('\n')).toMatch(/7 of 8 rows rejected/);
    expect(s.totals.api).toBe(2.5);
  });

  test('a file with nothing usable: exit ≠ 0 and a clear message', async () => {
    const bad = f('nothing.csv');
    writeFileSync(bad, 'id,when,what\n1,2,3\n');
    const c = io();
    expect(await main(['build', '--usage', bad, '--work-items', f('work_items.csv'), '--period', '2026-10', '--summary', f('nothing.json')], c.io)).not.toBe(0);
    expect(c.err.join('\n')).toMatch(/nothing\.csv: missing required columns event_id, timestamp, kind/);
    expect(existsSync(f('nothing.json'))).toBe(false);
  });

  test.each(['js', 'duckdb'])('a usage file with a header and no rows (--engine %s): exit 1, and the message names the file (before: "First problems:" and nothing)', async (engine) => {
    const empty = f('header-only.csv');
    writeFileSync(empty, `${readFileSync(f('usage.csv'), 'utf8').split('\n')[0]}\n`);
    const c = io();
    expect(await main(['build', '--engine', engine, '--usage', empty, '--work-items', f('work_items.csv'), '--period', '2026-10', '--summary', f('h.json')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/no usage event could be read; nothing written\.\n {2}.*header-only\.csv: no data rows under the header/);
    expect(c.err.join('\n')).not.toMatch(/First problems/);
    expect(existsSync(f('h.json'))).toBe(false);
  });

  test('an agent listed twice: the same row is a duplicate; another P&L line is a conflict, listed, the first row kept (before: both taken in silence)', async () => {
    const text = readFileSync(f('agents.csv'), 'utf8').trimEnd().split('\n');
    const h = text[0].split(',');
    const bu = h.indexOf('business_unit');
    const other = text[1].split(',').map((c, k) => (k === bu ? 'Somewhere Else' : c)).join(',');
    writeFileSync(f('agents-twice.csv'), [...text, text[1], other].join('\n') + '\n');
    const c = io();
    expect(await main(['build', ...allFlags().map((a) => (a === f('agents.csv') ? f('agents-twice.csv') : a)), '--period', '2026-10', '--summary', f('twice.json')], c.io)).toBe(0);
    const s = JSON.parse(readFileSync(f('twice.json'), 'utf8'));
    expect(s.imports.find((i: { kind: string }) => i.kind === 'agents')).toMatchObject({ read: text.length + 1, accepted: text.length - 1, duplicates: 1, conflicts: 1, rejected: 1 });
    expect(s.rejected).toEqual([expect.objectContaining({ line: text.length + 2, column: 'agent_id', reason: expect.stringMatching(/^conflicting duplicate: agent_id .* the first one is kept$/) })]);
    expect(s.business_units.map((b: { business_unit: string }) => b.business_unit)).not.toContain('Somewhere Else');
  });

  test('a missing file is reported by name', async () => {
    const c = io();
    expect(await main(['build', '--usage', f('nope.csv'), '--work-items', f('work_items.csv'), '--period', '2026-10', '--summary', f('x.json')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/nope\.csv: cannot open/);
  });

  test.each([
    [['--usage', 'u.csv', '--work-items', 'w.csv', '--period', '2026-13', '--summary', 's.json'], /--period "2026-13" is not a period; expected YYYY-MM/],
    [['--usage', 'u.csv', '--work-items', 'w.csv', '--summary', 's.json'], /--period YYYY-MM is required/],
    [['--usage', 'u.csv', '--work-items', 'w.csv', '--period', '2026-10', '--summry', 's.json'], /unknown flag --summry/],
    [['--usage', 'u.csv', '--work-items', 'w.csv', '--period', '2026-10', '--summary'], /--summary needs a value/],
    [['--usage', '--work-items', 'w.csv', '--period', '2026-10', '--summary', 's.json'], /--usage needs a value/],
    [['--work-items', 'w.csv', '--period', '2026-10', '--summary', 's.json'], /--usage FILE is required/],
    [['--usage', 'u.csv', '--work-items', 'w.csv', '--period', '2026-10'], /say where to write: --summary/],
  ])('bad flags %#: exit 2 with a clear message', async (args, msg) => {
    const c = io();
    expect(await main(['build', ...args], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(msg);
  });

  test.each([
    [['--months', 'x'], /--months "x": expected a whole number/],
    [['--scale', '0'], /--scale "0": expected a number > 0/],
    [['--bogus'], /unknown flag --bogus/],
  ])('demo bad flags %#', async (args, msg) => {
    const c = io();
    expect(await main(['demo', '--out-dir', join(dir, 'x'), ...args], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(msg);
  });

  test('demo without --out-dir', async () => {
    const c = io();
    expect(await main(['demo'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--out-dir DIR is required/);
  });
});
