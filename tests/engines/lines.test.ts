// Line accounting for files the database reads natively (build-sql.ts scanLines): the same physical lines the
// JavaScript import counts, and a difference when the database read other than the records the lines hold.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../src/sources/files/node';
import { SCANS_AT_ONCE, limiter, scanLines } from '../../src/cli/commands/build-sql';

const dir = mkdtempSync(join(tmpdir(), 'lines-'));
const HEADER = 'event_id,timestamp,agent_id,work_item_id,provider,model,kind,input_tokens,output_tokens,status\n';
const row = (i: number, model = 'gpt-4o') => `e${i},2026-10-01T00:00:0${i}Z,a1,w1,openai,${model},llm,10,5,ok\n`;

test.each([
  ['plain, trailing newline', HEADER + row(1) + row(2)],
  ['BOM, CRLF, no trailing newline', '\uFEFF' + (HEADER + row(1) + row(2)).replace(/\n/g, '\r\n').replace(/\r\n$/, '')],
  ['blank and whitespace-only lines', HEADER + '\n' + row(1) + '   \n\n' + row(2) + '\n'],
  ['a quoted cell across lines', HEADER + row(1, '"gpt\n4o"') + row(2)],
  ['CR breaks only (an old Mac "CSV (Macintosh)" export), a blank line and a quoted cell across lines', (HEADER + row(1) + '\n' + row(2, '"gpt\n4o"') + row(3)).replace(/\n/g, '\r')],
  ['CR breaks, with LF bytes as data', (HEADER + row(1) + row(2)).replace(/\n/g, '\r').replace('openai', 'open\nai')],
  ['a stray quote inside a cell is data; a quoted cell with a doubled quote, a comma and a line break', HEADER + row(1, 'gpt"4o') + row(2, '"gpt ""4o"", mini\n2"') + row(3, '5" screen') + row(4)],
  ['LF breaks with a lone CR between two rows (one record for the import)', HEADER + row(1) + row(2).replace(/\n$/, '\r') + row(3)],
  ['past the 1 MB chunk: plain lines, then a blank line and a quoted cell across lines', HEADER + Array.from({ length: 20_000 }, (_, i) => row(i)).join('') + '\n' + row(1, '"gpt\n\n4o"') + row(2)],
])('%s: the lines the JavaScript import counts, every one accounted for', async (_name, text) => {
  const path = join(dir, `${_name.replace(/\W+/g, '_')}.csv`);
  writeFileSync(path, text);
  const js = await importFile(path, { kind: 'usage', fileName: path, sink: () => undefined });
  const l = await scanLines(path, 'csv');
  expect(l.lines).toBe(js.lines);
  expect(l.records - 1).toBe(js.read);
  expect(l.blank + l.recordLines).toBe(js.linesAccounted);
});

test('JSONL: blank lines and records; Parquet has none', async () => {
  const path = join(dir, 'u.jsonl');
  writeFileSync(path, '{"a":1}\n\n{"a":2}\n{"a":3}');
  expect(await scanLines(path, 'jsonl')).toEqual({ lines: 4, blank: 1, records: 3, recordLines: 3 });
  expect(await scanLines(path, 'parquet')).toEqual({ lines: 0, blank: 0, records: 0, recordLines: 0 });
});

test('limiter: at most n runs at a time, in order; a run that fails still hands its place on', async () => {
  const run = limiter(3);
  let active = 0;
  let most = 0;
  const started: number[] = [];
  const task = (i: number) => async () => {
    started.push(i);
    active++;
    most = Math.max(most, active);
    await new Promise((r) => setTimeout(r, 5 + (i % 4) * 3));
    active--;
    if (i % 5 === 0) throw new Error(`task ${i}`);
    return i;
  };
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => run(task(i))));
  expect(most).toBe(3);
  expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(
    Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? `task ${i}` : i)),
  );
  expect(SCANS_AT_ONCE).toBeLessThanOrEqual(8);
});
