import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importAccounting, importRecords, detectDelimiter } from './import';
import { importFile } from './node';
import type { RecordKind } from './columns';

async function run(kind: RecordKind, text: string, fileName = 'f.csv', sinkResult?: (r: any) => any) {
  const got: { rec: any; line: number }[] = [];
  const report = await importRecords({ kind, fileName, input: text, sink: (rec, line) => { got.push({ rec, line }); return sinkResult?.(rec); } });
  return { report, got };
}

describe('CSV import', () => {
  test('semicolon, BOM, free header order, case and spaces in headers, quoted newlines, blank lines: physical line numbers', async () => {
    const csv = '\uFEFF Kind ;EVENT_ID; timestamp ;model;input_tokens\r\n' +
      'llm;e1;2026-10-01T00:00:00Z;"gpt-4o\r\nnote";10\r\n' +
      '\r\n' +
      'llm;e2;2026-10-02T00:00:00Z;gpt-4o;-5\r\n' +
      'llm;e3;2026-10-03;gpt-4o;7\r\n';
    const { report, got } = await run('usage', csv);
    expect(got.map((g) => [g.rec.event_id, g.line])).toEqual([['e1', 2], ['e3', 6]]);
    expect(got[1].rec).toMatchObject({ kind: 'llm', input_tokens: 7, status: 'ok', batch: false, cost_usd: null, work_item_id: '' });
    expect(report).toMatchObject({ read: 3, accepted: 2, rejectedCount: 1 });
    expect(report.rejected).toEqual([{ file: 'f.csv', line: 5, column: 'input_tokens', value: '-5', reason: 'expected a whole number ≥ 0' }]);
  });

  test('tab delimiter and every kind of bad usage row is rejected and the import goes on', async () => {
    const rows = [
      ['event_id', 'timestamp', 'kind', 'status', 'input_tokens', 'cached_input_tokens', 'batch'],
      ['', '2026-10-01', 'llm', 'ok', '1', '0', ''],
      ['a', 'yesterday', 'llm', 'ok', '1', '0', ''],
      ['b', '2026-10-01', 'chat', 'ok', '1', '0', ''],
      ['c', '2026-10-01', 'llm', 'done', '1', '0', ''],
      ['d', '2026-10-01', 'llm', 'ok', '10', '11', ''],
      ['e', '2026-10-01', 'llm', 'ok', '10', '1', 'maybe'],
      ['f', '2026-10-01', 'llm', 'retry', '10', '1', 'YES'],
    ];
    const { report, got } = await run('usage', rows.map((r) => r.join('\t')).join('\n'));
    expect(report.rejected.map((r) => [r.line, r.column, r.value])).toEqual([
      [2, 'event_id', ''], [3, 'timestamp', 'yesterday'], [4, 'kind', 'chat'], [5, 'status', 'done'],
      [6, 'cached_input_tokens', '11'], [7, 'batch', 'maybe'],
    ]);
    expect(report.rejected[4].reason).toBe('expected cached_input_tokens ≤ input_tokens (10)');
    expect(got).toHaveLength(1);
    expect(got[0].rec).toMatchObject({ event_id: 'f', status: 'retry', batch: true });
  });

  test('missing required column is one clear error for the file', async () => {
    const { report, got } = await run('usage', 'event_id,kind\n1,llm\n', 'usage.csv');
    expect(got).toHaveLength(0);
    expect(report.fatal).toMatch(/usage\.csv: missing required column timestamp/);
  });

  test('empty file is fatal', async () => {
    const { report } = await run('work_items', '', 'w.csv');
    expect(report.fatal).toMatch(/empty/);
  });

  test('small record types go through zod with coercion and defaults', async () => {
    const { report, got } = await run('work_items', 'work_item_id,agent_id,outcome,closed_at\nW1,a1,,2026-10-05T10:00:00Z\nW2,,success,\nW3,a1,won,\n');
    expect(got.map((g) => g.rec)).toEqual([{ work_item_id: 'W1', agent_id: 'a1', business_unit: '', type: '', opened_at: '', closed_at: '2026-10-05T10:00:00Z', outcome: 'pending' }]);
    expect(report.rejected.map((r) => [r.line, r.column, r.reason])).toEqual([
      [3, 'agent_id', 'expected a non-empty id'],
      [4, 'outcome', 'expected one of success, failure, pending'],
    ]);
    const rv = await run('reviews', 'work_item_id,reviewer_role,minutes,result,reviewed_at\nW1,qa,abc,approved,2026-10-01\nW1,qa,,approved,2026-10-01\nW1,qa,6.5,approved,2026-10-01\n');
    expect(rv.report.rejected.map((r) => [r.line, r.column, r.reason])).toEqual([[2, 'minutes', 'expected a number'], [3, 'minutes', 'expected a number']]);
    expect(rv.got[0].rec.minutes).toBe(6.5);
  });

  test('duplicates are counted, conflicts are reported with file and line', async () => {
    const seen = new Map<string, string>();
    const sink = (r: any) => {
      const k = JSON.stringify(r);
      const prev = seen.get(r.event_id);
      if (prev === undefined) { seen.set(r.event_id, k); return 'added'; }
      return prev === k ? 'duplicate' : 'conflict';
    };
    const csv = 'event_id,timestamp,kind,input_tokens\n1,2026-10-01,llm,5\n1,2026-10-01,llm,5\n1,2026-10-01,llm,6\n';
    const { report } = await run('usage', csv, 'u.csv', sink);
    expect(report).toMatchObject({ read: 3, accepted: 1, duplicates: 1, conflicts: 1 });
    expect(report.rejected[0]).toMatchObject({ file: 'u.csv', line: 4, column: 'event_id', value: '1' });
    expect(report.rejected[0].reason).toMatch(/conflicting duplicate/);
  });

  test('JSONL with typed values and bad lines', async () => {
    const text = '{"event_id":"a","timestamp":"2026-10-01","kind":"llm","input_tokens":5,"batch":true}\nnot json\n\n{"Event ID":"b","timestamp":"2026-10-01","kind":"tool","units":-1}\n';
    const { report, got } = await run('usage', text, 'u.jsonl');
    expect(got.map((g) => [g.rec.event_id, g.rec.batch, g.rec.input_tokens, g.line])).toEqual([['a', true, 5, 1]]);
    expect(report.rejected.map((r) => [r.line, r.column])).toEqual([[2, ''], [4, 'units']]);
    expect(report.read).toBe(3);
  });

  test('delimiter detection ignores quoted text', () => {
    expect(detectDelimiter('"a,b,c";x;y\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectDelimiter('a,b\n')).toBe(',');
  });

  test('Node file stream, chunked: lines stay right across chunks; progress reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imp-'));
    const p = join(dir, 'usage.csv');
    const lines = ['event_id,timestamp,kind,model,input_tokens'];
    for (let i = 0; i < 30000; i++) lines.push(i === 20000 ? `e${i},2026-10-01,llm,"multi\nline",x` : `e${i},2026-10-01,llm,"m, ${i}",${i}`);
    writeFileSync(p, lines.join('\n'));
    const progress: number[] = [];
    let n = 0;
    const report = await importFile(p, { kind: 'usage', sink: () => { n++; }, onProgress: (r) => progress.push(r), progressEvery: 10000 });
    expect(report.read).toBe(30000);
    expect(n).toBe(29999);
    expect(report.rejected).toEqual([{ file: 'usage.csv', line: 20002, column: 'input_tokens', value: 'x', reason: 'expected a whole number ≥ 0' }]);
    expect(progress).toEqual([10000, 20000, 30000]);
    const missing = await importFile(join(dir, 'nope.csv'), { kind: 'usage', sink: () => undefined });
    expect(missing.fatal).toMatch(/nope\.csv: cannot open/);
  });
});

describe('a table source (Parquet as the command line reads it)', () => {
  const header = ['Event ID', 'timestamp', 'agent_id', 'work_item_id', 'provider', 'model', 'kind', 'input_tokens', 'output_tokens', 'extra'];
  const row = (i: number, tokens = '10') => [`ev-${i}`, '2026-10-03T14:05:00Z', 'a1', 'W-1', 'openai', 'gpt-4o-mini', 'llm', tokens, '5', 'x'];
  async function* batches(rows: string[][], size: number, failAfter = Infinity) {
    for (let i = 0; i < rows.length; i += size) {
      if (i >= failAfter) throw new Error('the reader failed');
      yield rows.slice(i, i + size);
    }
  }
  const run = (rows: string[][], rowCount: number, opts: { failAfter?: number; header?: string[] } = {}) => {
    const ids: string[] = [];
    return importRecords({
      kind: 'usage', fileName: 'u.parquet', input: { header: opts.header ?? header, rowCount, rows: batches(rows, 3, opts.failAfter) },
      sink: (e) => void ids.push(e.event_id),
    }).then((report) => ({ report, ids }));
  };

  test('rows go through the CSV row path: headers normalized, rejections named by row number from 1, accounting balanced', async () => {
    const rows = [row(1), row(2, '-4'), row(3), row(4), row(5, 'x'), row(6), row(7)];
    const { report, ids } = await run(rows, rows.length);
    expect(ids).toEqual(['ev-1', 'ev-3', 'ev-4', 'ev-6', 'ev-7']);
    expect(report.rejected.map((r) => [r.file, r.line, r.column, r.value])).toEqual([['u.parquet', 2, 'input_tokens', '-4'], ['u.parquet', 5, 'input_tokens', 'x']]);
    expect(report.ignoredColumns).toEqual(['extra']);
    expect(importAccounting(report)).toEqual({ ok: true, difference: 0, lines_difference: 0 });
  });

  test('fewer rows than the file says it holds: the accounting does not balance', async () => {
    const rows = [row(1), row(2), row(3), row(4)];
    const { report } = await run(rows, 5);
    expect(report.read).toBe(4);
    expect(importAccounting(report)).toEqual({ ok: false, difference: 0, lines_difference: 1 });
  });

  test('a missing required column is fatal and names the columns; a reader failing part-way is fatal and names the last row', async () => {
    const missing = await run([row(1)], 1, { header: header.filter((h) => h !== 'kind') });
    expect(missing.report.fatal).toMatch(/^u\.parquet: missing required column kind \(its columns are: Event ID, timestamp, .*\); nothing imported/);
    const failing = await run([row(1), row(2), row(3), row(4), row(5)], 5, { failAfter: 3 });
    expect(failing.ids).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(failing.report.fatal).toBe('u.parquet: could not be read after row 3 (the reader failed)');
  });
});
