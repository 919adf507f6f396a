// The SQL engines read a usage row natively only in the "simple form" (src/engines/ledger/canonical.ts); everything
// else goes through the JavaScript import. That is sound only if the simple form is a subset of what the import
// accepts, read to the same values. Here every edge of every checked column (ranges, calendar, offsets, notation) and
// a seeded fuzz of near-miss text go through both: the import of a real file (byte scanner and text path), and the
// typed relation on DuckDB and on ClickHouse (chDB). A row the database takes while the import rejects it, or reads
// to another value, is a row one engine's ledger has and the other's does not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '../../src/engines/duckdb';
import { openChdb } from '../../src/engines/clickhouse';
import type { SqlConnection } from '../../src/engines/connection';
import type { Dialect } from '../../src/engines/dialect';
import { REVIEW_TEXT_COLUMNS, TOKENS, USAGE_TEXT_COLUMNS, WORK_ITEM_TEXT_COLUMNS } from '../../src/engines/ledger/canonical';
import { typedItemsFromText, typedReviewsFromText, typedUsageFromText } from '../../src/engines/ledger/load';
import { importFile } from '../../src/sources/files/node';
import type { RecordKind } from '../../src/sources/files';
import { periodOf } from '../../src/core/ledger/period';
import type { Review, UsageEvent, WorkItem } from '../../src/core/model/records';

type Row = Record<(typeof USAGE_TEXT_COLUMNS)[number], string>;
const BASE: Omit<Row, 'event_id'> = {
  timestamp: '2026-10-05T10:00:00Z', agent_id: 'a1', work_item_id: 'T-1', provider: 'openai', model: 'gpt-4o', kind: 'llm',
  input_tokens: '1000', cached_input_tokens: '0', cache_write_tokens: '0', output_tokens: '200', units: '0', status: 'ok', batch: 'false',
  cost_usd: '0.01', service_tier: '', context_tier: '', cache_write_1h_tokens: '0', audio_input_tokens: '0', cached_audio_input_tokens: '0',
  image_input_tokens: '0', cached_image_input_tokens: '0', audio_output_tokens: '0', image_output_tokens: '0', reasoning_tokens: '0',
  web_search_requests: '0',
};

const NUMBERS = [
  '0', '1', '00', '007', '1.0', '1.', '.5', '0.5', '1e3', '1E3', '1e+3', '1e-3', '1e300', '1e400', '1e-400', '-1', '+1', ' 1', '1 ', '1_000', '0x10',
  'Infinity', 'NaN', '1,5', '99999999999', '100000000000', '100000000001', '200000000000', '999999999999', '1000000000000', '1000000000001',
  '1000000000000.5', '9007199254740991', '9007199254740993', '12345678901234567', '0000000000000001', '1e11', '1e12', '1.00000000000000000001',
  '525600', '525601', '3.5e2', '',
];
const years = ['1999', '2000', '2024', '2026', '2096', '2100', '2101', '0000', '9999'];
const DATES: string[] = [];
for (const y of years) for (const md of ['01-01', '02-28', '02-29', '02-30', '02-31', '04-30', '04-31', '06-31', '07-31', '12-31', '13-01', '00-10', '10-00', '10-32']) DATES.push(`${y}-${md}`);
const TIMES = ['T10:00:00Z', 'T23:59:59Z', 'T24:00:00Z', 'T10:60:00Z', 'T10:00:60Z', 'T10:00:00.123Z', 'T10:00:00.1234567891Z', 'T10:00:00+14:59', 'T10:00:00+15:00',
  'T10:00:00-14:00', 'T10:00:00+00:00', 'T23:30:00-01:00', 'T00:30:00+01:00', 'T10:00:00+05:30', 'T10:00:00+0530', 'T10:00Z', ' 10:00:00Z', 'T10:00:00', '', 'T10:00:00z'];
const TIMESTAMPS = [...DATES.flatMap((d) => TIMES.map((t) => d + t)), '2026-10-05 10:00:00Z', ' 2026-10-05T10:00:00Z', '2026-10-05T10:00:00Z ', '2026-1-05T10:00:00Z', ''];

/** A seeded generator (mulberry32): the same fuzz on every run, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function usageRows(): Row[] {
  const out: Row[] = [];
  const add = (over: Partial<Row>) => out.push({ ...BASE, ...over, event_id: `r${out.length}` });
  add({});
  for (const v of NUMBERS) {
    for (const c of ['input_tokens', 'output_tokens', 'reasoning_tokens', 'web_search_requests', 'cost_usd'] as const) add({ [c]: v });
    add({ kind: 'tool', units: v, cost_usd: '', input_tokens: '0', output_tokens: '0' });
  }
  for (const ts of TIMESTAMPS) add({ timestamp: ts });
  for (const v of ['', 'ok', 'OK', 'error', 'retry', ' ok', 'failed']) add({ status: v });
  for (const v of ['', 'true', 'TRUE', 'Yes', 'y', '1', '0', 'no', 'N', 'maybe', ' true']) add({ batch: v });
  for (const v of ['', 'standard', 'long', 'Long', ' long']) add({ context_tier: v });
  for (const v of ['llm', 'embedding', 'vector_search', 'tool', 'LLM', 'chat', '']) add({ kind: v });
  // the counts must nest (usageCountsIssue)
  add({ cached_input_tokens: '1001' });
  add({ cached_input_tokens: '600', cache_write_tokens: '401' });
  add({ audio_input_tokens: '10', cached_audio_input_tokens: '11' });
  add({ reasoning_tokens: '201' });
  const r = rng(17);
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  for (let k = 0; k < 1500; k++) {
    const numeric = '0123456789' + '0123456789' + '.eE+- _x';
    const len = 1 + Math.floor(r() * 14);
    let v = '';
    for (let j = 0; j < len; j++) v += pick(numeric);
    const c = (['input_tokens', 'cost_usd', 'units', 'output_tokens'] as const)[k % 4];
    if (c === 'units') add({ kind: 'tool', units: v, cost_usd: '', input_tokens: '0', output_tokens: '0' });
    else add({ [c]: v });
    const d = DATES[Math.floor(r() * DATES.length)];
    const ts = `${d}T${pick('012')}${pick('0123456789')}:${pick('0123456')}${pick('0123456789')}:${pick('0123456')}${pick('0123456789')}${pick('Z+-Z')}`;
    add({ timestamp: ts.endsWith('+') || ts.endsWith('-') ? `${ts}${pick('01')}${pick('0123456789')}:${pick('0123456')}0` : ts });
  }
  return out;
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** What the import accepted of a file, by the row's id, and how many rows it rejected. */
async function imported<R>(kind: RecordKind, columns: readonly string[], all: Record<string, string>[], idOf: (r: R) => string) {
  const file = join(mkdtempSync(join(tmpdir(), 'simple-form-')), `${kind}.csv`);
  writeFileSync(file, [columns.join(','), ...all.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n');
  const accepted = new Map<string, R>();
  const report = await importFile(file, { kind, worker: false, sink: (e) => void accepted.set(idOf(e as R), e as R), maxRejectedListed: 1e6 });
  return { accepted, rejected: report.rejectedCount };
}

async function typedRows(open: () => Promise<SqlConnection>, columns: readonly string[], all: Record<string, string>[], typed: (d: Dialect, raw: string) => string) {
  const conn = await open();
  try {
    await conn.createAndInsert('sf_raw', columns.map((name) => ({ name, type: 'text' as const })), all.map((r) => columns.map((c) => r[c])));
    return await conn.query<Record<string, string | number | null>>(`SELECT * FROM (${typed(conn.dialect, '(SELECT 0 AS src, * FROM sf_raw) AS raw')}) AS t WHERE ok = 1`);
  } finally {
    await conn.close();
  }
}

const ENGINES = [
  ['duckdb', openDuckDb],
  ['clickhouse', openChdb],
] as const;

/** The columns of a row that differ from the base row (what a failure shows). */
const edits = (row: Record<string, string>, base: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k, v]) => base[k] !== undefined && base[k] !== v)));

describe('usage: the simple form is a subset of what the JavaScript import accepts, read to the same values', () => {
  const all = usageRows();
  let js: Awaited<ReturnType<typeof imported<UsageEvent>>>;
  beforeAll(async () => {
    js = await imported<UsageEvent>('usage', USAGE_TEXT_COLUMNS, all, (e) => e.event_id);
  });

  test.each(ENGINES)('%s', async (_engine, open) => {
    const got = await typedRows(open, USAGE_TEXT_COLUMNS, all, (d, raw) => typedUsageFromText(d, raw, false));
    // not vacuous: hundreds of rows are in the simple form, thousands are not, and the import rejects thousands
    expect(got.length).toBeGreaterThan(600);
    expect(got.length).toBeLessThan(all.length - 500);
    expect(js.rejected).toBeGreaterThan(1000);
    const wrong: string[] = [];
    for (const g of got) {
      const id = String(g.event_id);
      const e = js.accepted.get(id);
      const row = all[Number(id.slice(1))];
      if (!e) {
        wrong.push(`${id}: the database reads it, the import rejects it: ${edits(row, BASE)}`);
        continue;
      }
      const same = (what: string, a: unknown, b: unknown) => {
        if (a !== b) wrong.push(`${id} ${what}: database ${String(a)}, import ${String(b)} (${edits(row, BASE)})`);
      };
      same('period', g.period, periodOf(e.timestamp));
      for (const [k, name] of TOKENS) same(name, Number(g[k]), e[name] ?? 0);
      same('cost_usd', g.cost === null ? null : Number(g.cost), e.cost_usd);
      same('units', Number(g.units), e.units);
      same('status', g.status, e.status);
      same('batch', Number(g.batch) === 1, e.batch);
      same('context_tier', g.cx, e.context_tier);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

describe('work items and reviews: the simple form is a subset of what the JavaScript import accepts, read to the same values', () => {
  const r = rng(29);
  const fuzzTs = () => {
    const d = DATES[Math.floor(r() * DATES.length)];
    return `${d}T${Math.floor(r() * 25)}:${Math.floor(r() * 61)}:${Math.floor(r() * 61)}${r() < 0.5 ? 'Z' : `+${Math.floor(r() * 16)}:00`}`.replace(/T(\d):/, 'T0$1:');
  };
  const ITEM_BASE = { agent_id: 'a1', business_unit: 'Claims', type: 'claim', opened_at: '2026-10-01T09:00:00Z', closed_at: '2026-10-02T09:00:00Z', outcome: 'success' };
  const items: Record<string, string>[] = [];
  const addItem = (over: Record<string, string>) => items.push({ ...ITEM_BASE, ...over, work_item_id: `w${items.length}` });
  for (const ts of [...TIMESTAMPS, ...Array.from({ length: 400 }, fuzzTs)]) {
    addItem({ opened_at: ts });
    addItem({ closed_at: ts });
  }
  const REVIEW_BASE = { reviewer_role: 'analyst', minutes: '12', result: 'approved', reviewed_at: '2026-10-02T09:00:00Z' };
  const reviews: Record<string, string>[] = [];
  const addReview = (over: Record<string, string>) => reviews.push({ ...REVIEW_BASE, ...over, work_item_id: `v${reviews.length}` });
  for (const m of NUMBERS) addReview({ minutes: m });
  for (const ts of [...TIMESTAMPS, ...Array.from({ length: 400 }, fuzzTs)]) addReview({ reviewed_at: ts });

  test.each(ENGINES)('%s', async (_engine, open) => {
    const ji = await imported<WorkItem>('work_items', WORK_ITEM_TEXT_COLUMNS, items, (w) => w.work_item_id);
    const jr = await imported<Review>('reviews', REVIEW_TEXT_COLUMNS, reviews, (v) => v.work_item_id);
    const gi = await typedRows(open, WORK_ITEM_TEXT_COLUMNS, items, typedItemsFromText);
    const gr = await typedRows(open, REVIEW_TEXT_COLUMNS, reviews, typedReviewsFromText);
    for (const [got, js, n] of [[gi, ji, items.length], [gr, jr, reviews.length]] as const) {
      expect(got.length).toBeGreaterThan(150);
      expect(js.rejected).toBeGreaterThan(n / 2);
    }
    const wrong: string[] = [];
    for (const g of gi) {
      const w = ji.accepted.get(String(g.wid));
      const row = items[Number(String(g.wid).slice(1))];
      if (!w) wrong.push(`${String(g.wid)}: the database reads it, the import rejects it: ${edits(row, ITEM_BASE)}`);
      else if (g.cperiod !== (w.closed_at ? periodOf(w.closed_at) : '')) wrong.push(`${String(g.wid)} closing month: database ${String(g.cperiod)}, import ${periodOf(w.closed_at)}`);
    }
    for (const g of gr) {
      const v = jr.accepted.get(String(g.wid));
      const row = reviews[Number(String(g.wid).slice(1))];
      if (!v) wrong.push(`${String(g.wid)}: the database reads it, the import rejects it: ${edits(row, REVIEW_BASE)}`);
      else if (Number(g.minutes) !== v.minutes || g.period !== periodOf(v.reviewed_at)) wrong.push(`${String(g.wid)}: database ${String(g.minutes)} min in ${String(g.period)}, import ${v.minutes} in ${periodOf(v.reviewed_at)}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});
