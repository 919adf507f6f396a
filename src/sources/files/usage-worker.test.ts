// Reading a usage file on a worker thread gives the sink the same events in the same order and the same report as
// reading it in this thread, including what only the sink knows (duplicates, conflicts and their rejections).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvHeader } from './csv-write';
import { importFile } from './node';
import { importUsageInWorker } from './usage-worker';

const HEADER = csvHeader('usage').trimEnd();
const COLS = HEADER.split(',');
const row = (i: number, over: Record<string, string> = {}) => {
  const v: Record<string, string> = {
    event_id: `ev-${i}`, timestamp: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T13:10:27Z`, agent_id: `agent-${i % 5}`, work_item_id: `T-${Math.floor(i / 4)}`,
    provider: i % 3 ? 'openai' : 'pinecone', model: i % 3 ? 'gpt-4o' : 'vector-search', kind: i % 3 ? 'llm' : 'vector_search', input_tokens: String(i % 1000),
    cached_input_tokens: '0', cache_write_tokens: '0', output_tokens: String(i % 7), units: i % 3 ? '0' : '2', status: i % 11 ? 'ok' : 'retry', batch: i % 13 ? 'false' : 'true',
    cost_usd: i % 17 ? `0.0000${i % 97}` : '', service_tier: '', context_tier: '', line_item: '', ...over,
  };
  return COLS.map((c) => v[c] ?? '0').join(',');
};

const show = (x: unknown) => JSON.stringify(x, (_k, v) => (Object.is(v, -0) ? '-0' : v));

async function read(path: string, worker: boolean, maxRejectedListed: number) {
  const seen = new Map<string, string>();
  const got: string[] = [];
  // The worker side called directly: it fails rather than falling back to this thread, so the comparison is real.
  const read = worker ? (o: Parameters<typeof importUsageInWorker>[1]) => importUsageInWorker(path, o) : (o: Parameters<typeof importUsageInWorker>[1]) => importFile(path, { ...o, worker: false });
  const report = await read({
    kind: 'usage', fileName: path.endsWith('.jsonl') ? 'usage.jsonl' : 'usage.csv', maxRejectedListed, progressEvery: 5000,
    sink: (e, line) => {
      got.push(`${line} ${show(e)} ${Object.keys(e).join('|')}`);
      const body = show({ ...e, event_id: '' });
      const prev = seen.get(e.event_id);
      if (prev === undefined) {
        seen.set(e.event_id, body);
        return 'added';
      }
      return prev === body ? 'duplicate' : 'conflict';
    },
  });
  return { report, got };
}

test('worker thread = this thread: 30,000 rows with bad rows, quoted rows, duplicates and conflicts (the sink decides), a capped rejection list', async () => {
  const lines = [HEADER];
  for (let i = 0; i < 30_000; i++) {
    if (i % 997 === 5) lines.push(row(i, { input_tokens: '-1' })); // rejected by the reader
    else if (i % 1009 === 7) lines.push(row(i, { model: '"gpt, ""4o""\nsecond line"' })); // the text path, over two lines
    else if (i % 101 === 3) lines.push(row(i - 50)); // an exact duplicate
    else if (i % 103 === 4) lines.push(row(i - 60, { output_tokens: '999' })); // same id, other content: a conflict
    else lines.push(row(i));
  }
  const dir = mkdtempSync(join(tmpdir(), 'usage-worker-'));
  const path = join(dir, 'usage.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  for (const cap of [10_000, 40]) {
    const here = await read(path, false, cap);
    const there = await read(path, true, cap);
    expect(here.report.conflicts).toBeGreaterThan(100);
    expect(here.report.duplicates).toBeGreaterThan(100);
    expect(here.report.rejectedCount).toBeGreaterThan(here.report.conflicts);
    expect(show(there.report)).toBe(show(here.report));
    expect(there.got).toEqual(here.got);
  }
}, 60_000);

test('a sink that throws on the worker path: the import ends with the error as fatal, as in this thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-worker-'));
  const path = join(dir, 'usage.csv');
  writeFileSync(path, `${[HEADER, row(1), row(2), row(3)].join('\n')}\n`);
  let n = 0;
  const r = await importUsageInWorker(path, { kind: 'usage', fileName: 'usage.csv', sink: () => { if (++n === 2) throw new Error('sink broke'); } });
  expect(r).toMatchObject({ read: 2, accepted: 1, fatal: 'usage.csv: could not be read (sink broke)' });
});

test('JSONL usage with ids beyond ASCII (a lone surrogate from a JSON escape, read as U+FFFD; emoji; accents): the same strings both ways', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-worker-'));
  const path = join(dir, 'usage.jsonl');
  const ids = ['ev-\ud800-lone', 'ev-😀', 'évènement', 'ev-plain'];
  const lines = ids.map((id, i) => {
    const cells = Object.fromEntries(COLS.map((c, k) => [c, row(i).split(',')[k]]));
    return JSON.stringify({ ...cells, event_id: id, input_tokens: Number(cells.input_tokens), output_tokens: Number(cells.output_tokens) });
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
  const here = await read(path, false, 100);
  const there = await read(path, true, 100);
  expect(here.report.rejected).toEqual([]);
  expect(here.report.accepted).toBe(ids.length);
  expect(there.got).toEqual(here.got);
  expect(there.got.join('\n')).toContain('"event_id":"ev-\uFFFD-lone"');
  expect(there.got.join('\n')).not.toMatch(/\\ud800/);
});
