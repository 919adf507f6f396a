// Canonical files read by the database itself (DuckDB read_csv/read_json/read_parquet; ClickHouse: uploaded into
// temporary tables) agree with the JavaScript engine reading the same files; a file the database cannot take as it is
// goes through the JavaScript import, so its rejected rows and conflicts are the JavaScript engine's, line for line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSummary } from '../../src/cli/commands/build';
import { chooseEngine } from '../../src/cli/commands/build-sql';
import { openDuckDb, readParquetTable } from '../../src/engines/duckdb';
import { expectAgree, viaFiles, viaFilesJs, writeCanonical } from './harness';
import { adversarialCase, sampleCase } from './fixtures';

const ENGINES = ['duckdb', 'clickhouse'] as const;

function sameSummary(a: ReturnType<typeof buildSummary>, b: ReturnType<typeof buildSummary>) {
  const strip = (s: ReturnType<typeof buildSummary>) => ({ ...s, conservation: { ...s.conservation, events_and_reviews: 0, ledger_plus_unattributed: 0, overhead_allocated: 0, trueup_spread: 0 } });
  expect(strip(b)).toEqual(strip(a));
}

describe.each(ENGINES)('%s reads canonical files', (engine) => {
  test.each([
    ['the sample, priced by the price book', () => sampleCase(false)],
    ['the sample, reported cost', () => sampleCase(true)],
    ['adversarial names and amounts', () => adversarialCase(9)],
  ])('%s: natively, the same ledger and summary as the JavaScript engine', async (_name, make) => {
    const files = writeCanonical(make());
    const js = await viaFilesJs(files);
    const sql = await viaFiles(files, engine);
    expect(sql.sql.native).toBe(true);
    expectAgree(js.result, sql.sql, `${engine} files`);
    for (const p of js.result.periods) sameSummary(buildSummary({ ...js, period: p }), buildSummary({ ...sql, period: p }));
    expect(sql.reports.map((r) => [r.file, r.kind, r.read, r.accepted, r.duplicates, r.rejectedCount])).toEqual(js.reports.map((r) => [r.file, r.kind, r.read, r.accepted, r.duplicates, r.rejectedCount]));
  });

  test('repeated events with the same content are duplicates, read natively; with other content, the JavaScript import decides which came first', async () => {
    const i = sampleCase(true, 0.002, 1);
    const files = writeCanonical(i);
    const text = readFileSync(files.usage[0], 'utf8').split('\n');
    const second = join(mkdtempSync(join(tmpdir(), 'dup-')), 'usage2.csv');
    writeFileSync(second, [text[0], ...text.slice(1, 40)].join('\n') + '\n'); // 39 repeats of the first file's rows
    const js = await viaFilesJs({ ...files, usage: [files.usage[0], second] });
    const sql = await viaFiles({ ...files, usage: [files.usage[0], second] }, engine);
    expect(sql.sql.native).toBe(true);
    expect(js.result.counts.duplicates).toBeGreaterThanOrEqual(39);
    expectAgree(js.result, sql.sql, `${engine} duplicates`);
    expect(sql.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates])).toEqual(js.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates]));

    // the same ids with another cost: conflicts, the first kept — the JavaScript import reads the files
    writeFileSync(second, [text[0], ...text.slice(1, 6).map((l) => l.replace(/,(ok|error|retry),(true|false),([0-9.e-]+),/, (_m, s, b) => `,${s},${b},1.5,`))].join('\n') + '\n');
    const js2 = await viaFilesJs({ ...files, usage: [files.usage[0], second] });
    const sql2 = await viaFiles({ ...files, usage: [files.usage[0], second] }, engine);
    expect(js2.result.counts.conflicts).toBe(5);
    expect(sql2.sql.native).toBe(false);
    expect(sql2.log.join('\n')).toMatch(/different content; the JavaScript import read the records/);
    expectAgree(js2.result, sql2.sql, `${engine} conflicts`);
    expect(sql2.rejected).toEqual(js2.rejected);
  });

  test('a repeat that differs only by the time of day or by an empty agent against "Unassigned" is a conflict, as in the JavaScript engine (before: a silent duplicate)', async () => {
    const i = sampleCase(true, 0.002, 1);
    const files = writeCanonical(i);
    const text = readFileSync(files.usage[0], 'utf8').split('\n');
    const h = text[0].split(',');
    const [ti, ai] = [h.indexOf('timestamp'), h.indexOf('agent_id')];
    const row = (l: string, f: (c: string[]) => void) => {
      const c = l.split(',');
      f(c);
      return c.join(',');
    };
    // no price changes at a time of day here, so the time is in no typed column: only the text tells the copies apart
    const later = row(text[1], (c) => void (c[ti] = c[ti].replace(/T(\d\d)/, (_m, hh) => `T${String((+hh + 1) % 24).padStart(2, '0')}`)));
    const unassigned = row(text[2], (c) => void (c[ai] = 'Unassigned'));
    const empty = row(text[2], (c) => void (c[ai] = ''));
    const usage = join(mkdtempSync(join(tmpdir(), 'conflict-')), 'usage.csv');
    writeFileSync(usage, [...text.slice(0, 3).map((l, k) => (k === 2 ? empty : l)), later, unassigned, ...text.slice(3)].join('\n'));
    const js = await viaFilesJs({ ...files, usage: [usage] });
    const sql = await viaFiles({ ...files, usage: [usage] }, engine);
    expect(js.result.counts.conflicts).toBe(2);
    expectAgree(js.result, sql.sql, `${engine} near repeats`);
    expect(sql.rejected).toEqual(js.rejected);
  });

  test('an unquoted \\N cell is the text \\N, as to the JavaScript import (before: NULL to ClickHouse, so a rejected cost was counted)', async () => {
    const files = writeCanonical(sampleCase(false, 0.002, 1));
    const text = readFileSync(files.usage[0], 'utf8').split('\n');
    const h = text[0].split(',');
    const set = (l: string, col: string, v: string) => l.split(',').map((c, k) => (k === h.indexOf(col) ? v : c)).join(',');
    const usage = join(mkdtempSync(join(tmpdir(), 'nullstr-')), 'usage.csv');
    writeFileSync(usage, [text[0], set(text[1], 'agent_id', '\\N'), set(text[2], 'cost_usd', '\\N'), ...text.slice(3)].join('\n'));
    const js = await viaFilesJs({ ...files, usage: [usage] });
    const sql = await viaFiles({ ...files, usage: [usage] }, engine);
    expect(js.rejected.map((r) => r.column)).toEqual(['cost_usd']);
    expectAgree(js.result, sql.sql, `${engine} \\N`);
    expect(sql.rejected).toEqual(js.rejected);
  });

  test('a quoted cell with a line break \\r\\n reads as the JavaScript import reads it (before: the database kept the \\r, so the agent missed its business unit)', async () => {
    const c = sampleCase(false, 0.002, 1);
    const id = c.agents[0].agent_id;
    const odd = `${id}\r\nx`;
    c.agents = c.agents.map((a) => (a.agent_id === id ? { ...a, agent_id: odd } : a));
    c.workItems = c.workItems.map((w) => (w.agent_id === id ? { ...w, agent_id: odd } : w));
    c.events = c.events.map((e) => (e.agent_id === id ? { ...e, agent_id: odd } : e));
    const files = writeCanonical(c);
    expect(readFileSync(files.usage[0], 'utf8')).toContain('\r\nx"');
    const js = await viaFilesJs(files);
    const sql = await viaFiles(files, engine);
    expect(js.result.rows.some((r) => r.agent_id === `${id}\nx` && r.business_unit === c.agents[0].business_unit)).toBe(true);
    expectAgree(js.result, sql.sql, `${engine} \\r\\n`);
  });

  test('an event of $10¹² (the largest cost accepted): conservation holds in both engines (before: one engine\'s micro-dollar check failed on the last place of a double)', async () => {
    const c = sampleCase(true, 0.002, 1);
    const k = c.events.findIndex((e) => e.cost_usd !== null && e.kind === 'llm' && e.status === 'ok');
    c.events[k] = { ...c.events[k], cost_usd: 1e12 };
    const files = writeCanonical(c);
    const js = await viaFilesJs(files);
    const sql = await viaFiles(files, engine);
    // past ~$10M a line's float noise may break a cent's tie either way (RULES.md "Rounding"): the engines are not
    // compared line by line here, each is checked on its own
    for (const k of [js.result.conservation, sql.sql.result.conservation]) {
      expect(k).toMatchObject({ ok: true, difference: 0, overhead_difference: 0, trueup_difference: 0, cents_tie: true, lines_within_cent: true });
    }
  });

  test('file names that are glob patterns to the database: exactly the named file is read (before: DuckDB read u1{a}x.csv for u[1]{a}?.csv, chDB u[1]ax.csv)', async () => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    const text = readFileSync(files.usage[0], 'utf8');
    // decoys with as many rows, each cost 1.5: the names each engine's pattern matches (DuckDB: [1] is a class and
    // braces are literal; ClickHouse: braces are alternatives and [ is literal; ? is one character for both)
    const decoy = text.split('\n').map((l, i) => (i === 0 ? l : l.replace(/,(ok|error|retry),(true|false),([0-9.e-]+),/, (_m, st, b) => `,${st},${b},1.5,`))).join('\n');
    expect(decoy).not.toBe(text);
    const named = join(dir, 'u[1]{a}?.csv');
    writeFileSync(named, text);
    for (const d of ['u1{a}x.csv', 'u[1]ax.csv']) writeFileSync(join(dir, d), decoy);
    const js = await viaFilesJs({ ...files, usage: [named] });
    const sql = await viaFiles({ ...files, usage: [named] }, engine);
    expectAgree(js.result, sql.sql, `${engine} glob names`);
    // Parquet, read natively by DuckDB and through the import (DuckDB's reader) for ClickHouse
    const parquet = join(dir, 'p[1]*?.parquet');
    const conn = await openDuckDb();
    try {
      await conn.exec(`COPY (SELECT * FROM read_csv('${files.usage[0]}', header = true)) TO '${parquet}' (FORMAT parquet)`);
      await conn.exec(`COPY (SELECT * FROM read_csv('${join(dir, 'u1{a}x.csv')}', header = true)) TO '${join(dir, 'p1-x.parquet')}' (FORMAT parquet)`);
    } finally {
      await conn.close();
    }
    const pq = await viaFiles({ ...files, usage: [parquet] }, engine);
    expectAgree(js.result, pq.sql, `${engine} glob names, parquet`);
  });

  test('ids with bytes that are not UTF-8 (two different ones): the ledger of the JavaScript import, which reads both as U+FFFD (before: ClickHouse kept them apart)', async () => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    const lines = readFileSync(files.usage[0], 'utf8').trimEnd().split('\n');
    const bad = join(mkdtempSync(join(tmpdir(), 'utf8-')), 'usage.csv');
    // rows 6–9: work item "W" + 0xFF or 0xFE
    const chunks = lines.map((l, i) => {
      if (i < 6 || i > 9) return Buffer.from(`${l}\n`);
      const c = l.split(',');
      return Buffer.concat([Buffer.from(`${c.slice(0, 3).join(',')},W`), Buffer.from([i % 2 ? 0xff : 0xfe]), Buffer.from(`,${c.slice(4).join(',')}\n`)]);
    });
    writeFileSync(bad, Buffer.concat(chunks));
    const js = await viaFilesJs({ ...files, usage: [bad] });
    expect(js.result.unattributed.some((u) => /unknown work item W\uFFFD$/.test(u.reason))).toBe(true);
    const sql = await viaFiles({ ...files, usage: [bad] }, engine);
    expect(sql.sql.native).toBe(false);
    expectAgree(js.result, sql.sql, `${engine} invalid UTF-8`);
  });

  // Cells that CSV readers disagree on (DuckDB, ClickHouse and papaparse each have their own rules for quotes, backslashes,
  // \N and NULL): read natively or not, every one must give the JavaScript import's ledger and rejections.
  const agentCell = (cell: string) => (l: string, i: number) => (i === 3 ? l.replace(/^([^,]*),([^,]*),([^,]*)/, (_m, a, b) => `${a},${b},${cell}`) : l);
  const costCell = (cell: string) => (l: string, i: number) => (i === 4 ? l.replace(/,(ok|error|retry),(true|false),([0-9.e-]+),/, (_m, st, b, c) => `,${st},${b},${cell.replace('$', c)},`) : l);
  test.each([
    ['a space before a quote', agentCell(' "csr-tier1"')],
    ['a space after a closing quote', agentCell('"csr-tier1" ')],
    ['text after a closing quote', agentCell('"csr"x')],
    ['a backslash-quote inside quotes', agentCell('"a\\"b"')],
    ['a backslash ending a quoted cell', agentCell('"ab\\"')],
    ['single quotes', agentCell("'csr-tier1'")],
    ['a quoted CRLF', agentCell('"a\r\nb"')],
    ['a tab', agentCell('csr\ttier1')],
    ['\\N', agentCell('\\N')],
    ['a quoted amount', costCell('"$"')],
    ['a quoted amount with spaces', costCell('" $"')],
    ['NULL as an amount', costCell('NULL')],
  ] as const)('%s: the ledger and rejections of the JavaScript import', async (name, edit) => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    const p = join(mkdtempSync(join(tmpdir(), 'cells-')), 'usage.csv');
    writeFileSync(p, readFileSync(files.usage[0], 'utf8').trimEnd().split('\n').map(edit).join('\n') + '\n');
    const js = await viaFilesJs({ ...files, usage: [p] });
    const sql = await viaFiles({ ...files, usage: [p] }, engine);
    expectAgree(js.result, sql.sql, `${engine} ${name}`);
    expect(sql.rejected).toEqual(js.rejected);
  });

  test('JSON lines whose cost_usd key first appears past the first 64 KB (omitted while empty): read natively with it (before: the database dropped the key, the reported cost lost)', async () => {
    const files = writeCanonical(sampleCase(true, 0.01, 1));
    const lines = readFileSync(files.usage[0], 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    let bytes = 0;
    const out = lines.slice(1).map((l) => {
      const o: Record<string, string> = Object.fromEntries(l.split(',').map((v, i) => [header[i], v]));
      // no cost key in the first ~70 KB; after it, a cost of its own (three times the price, plus a cent) on every line
      if (bytes < 70000) delete o.cost_usd;
      else if (o.cost_usd) o.cost_usd = String(Number(o.cost_usd) * 3 + 0.01);
      const t = JSON.stringify(o);
      bytes += t.length + 1;
      return t;
    });
    const p = join(mkdtempSync(join(tmpdir(), 'late-key-')), 'usage.jsonl');
    writeFileSync(p, out.join('\n') + '\n');
    const js = await viaFilesJs({ ...files, usage: [p] });
    const sql = await viaFiles({ ...files, usage: [p] }, engine);
    expect(sql.sql.native).toBe(true);
    expectAgree(js.result, sql.sql, `${engine} late key`);
  });

  test('JSON lines with lone surrogates (\\ud800 escapes) in a model, two work item ids and an agent: the ledger of the JavaScript import (before: ClickHouse refused the whole build, DuckDB merged the ids)', async () => {
    const files = writeCanonical(sampleCase(false, 0.002, 1));
    const lines = readFileSync(files.usage[0], 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const out = lines.slice(1).map((l, r) => {
      const o: Record<string, string> = Object.fromEntries(l.split(',').map((v, i) => [header[i], v]));
      if (r === 3) o.model = 'gpt\ud800';
      if (r === 4) o.work_item_id = 'W\ud800';
      if (r === 5) o.work_item_id = 'W\udc00';
      if (r === 6) o.agent_id = `${o.agent_id}\udbff`;
      return JSON.stringify(o);
    });
    expect(out[4]).toContain('"W\\ud800"');
    const p = join(mkdtempSync(join(tmpdir(), 'surrogate-')), 'usage.jsonl');
    writeFileSync(p, out.join('\n') + '\n');
    const js = await viaFilesJs({ ...files, usage: [p] });
    expect(js.result.unattributed.some((u) => u.reason.includes('W\uFFFD'))).toBe(true);
    const sql = await viaFiles({ ...files, usage: [p] }, engine);
    expectAgree(js.result, sql.sql, `${engine} lone surrogates`);
    expect(sql.rejected).toEqual(js.rejected);
  });

  test('repeated work items with the same content are duplicates, read natively; with another agent, the JavaScript import decides', async () => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    const text = readFileSync(files.workItems[0], 'utf8').split('\n');
    const second = join(mkdtempSync(join(tmpdir(), 'dupw-')), 'work_items2.csv');
    writeFileSync(second, [text[0], ...text.slice(1, 26)].join('\n') + '\n'); // 25 repeats of the first file's items
    const both = { ...files, workItems: [files.workItems[0], second] };
    const js = await viaFilesJs(both);
    const sql = await viaFiles(both, engine);
    expect(sql.sql.native).toBe(true);
    expect(js.result.counts.duplicates).toBe(25);
    expect(sql.result.counts.duplicates).toBe(25);
    expectAgree(js.result, sql.sql, `${engine} item duplicates`);
    expect(sql.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates])).toEqual(js.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates]));

    // an item repeated with another agent: a conflict, the first kept
    const cols = text[0].split(',');
    const agentCol = cols.indexOf('agent_id');
    writeFileSync(second, [text[0], ...text.slice(1, 4).map((l) => l.split(',').map((v, k) => (k === agentCol ? `${v}-other` : v)).join(','))].join('\n') + '\n');
    const js2 = await viaFilesJs(both);
    const sql2 = await viaFiles(both, engine);
    expect(js2.result.counts.conflicts).toBe(3);
    expect(sql2.sql.native).toBe(false);
    expectAgree(js2.result, sql2.sql, `${engine} item conflicts`);
  });

  test.each([
    [
      'rows outside the simple form (a bad timestamp, negative tokens, padded ids)',
      (cell: (line: number) => string): [number, string, string][] => [[3, 'timestamp', '2026-13-40T99:00:00Z'], [5, 'input_tokens', '-5'], [7, 'work_item_id', ` ${cell(7)} `], [9, 'input_tokens', '1_000']],
      [[4, 'timestamp'], [6, 'input_tokens'], [10, 'input_tokens']],
    ],
    [
      // before, DuckDB and ClickHouse read these rows natively while the import rejects them: the two ledgers differed
      'numbers and dates in the simple form but outside the documented ranges (tokens > 1e11, units > 1e11, a cost > 1e12, the years 1999 and 2101, 31 April)',
      (): [number, string, string][] => [[2, 'input_tokens', '200000000000'], [4, 'timestamp', '2026-04-31T10:00:00Z'], [6, 'units', '500000000000'], [8, 'timestamp', '1999-10-05T10:00:00Z'], [10, 'timestamp', '2101-01-05T10:00:00.5+01:00'], [12, 'cost_usd', '1000000000001']],
      [[3, 'input_tokens'], [5, 'timestamp'], [7, 'units'], [9, 'timestamp'], [11, 'timestamp'], [13, 'cost_usd']],
    ],
  ] as const)('a file with %s goes through the JavaScript import: the same rejected rows and ledger', async (_name, edits, rejected) => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    const lines = readFileSync(files.usage[0], 'utf8').split('\n');
    const cols = lines[0].split(',');
    for (const [line, col, v] of edits((l) => lines[l].split(',')[cols.indexOf('work_item_id')])) {
      const c = lines[line].split(',');
      c[cols.indexOf(col)] = v;
      lines[line] = c.join(',');
    }
    writeFileSync(files.usage[0], lines.join('\n'));
    const js = await viaFilesJs(files);
    const sql = await viaFiles(files, engine);
    expect(js.rejected.map((r) => [r.line, r.column])).toEqual(rejected);
    expect(sql.sql.native).toBe(false);
    expect(sql.rejected).toEqual(js.rejected);
    expectAgree(js.result, sql.sql, `${engine} dirty`);
  });

  // Before: ClickHouse read a file of CR breaks as one line (0 records, no error) and DuckDB read a lone CR between two
  // rows as a break (two records where the import reads one, rejected). The files' records are now counted by the
  // line scan and must be the ones the database read.
  test.each([
    ['CR breaks only (an old Mac "CSV (Macintosh)" export)', (t: string) => t.replace(/\n/g, '\r'), undefined],
    ['CR breaks, and a quoted agent across an LF', (t: string) => t.replace(/^([^\n]*\n[^\n]*\n[^\n]*\n[^,]*,[^,]*,)[^,]*/, '$1"agent\nX"').replace(/\n(?!X)/g, '\r'), undefined],
    ['LF breaks with a lone CR between two rows (one record, rejected)', (t: string) => t.replace(/^((?:[^\n]*\n){5}[^\n]*)\n/, '$1\r'), 6],
    ['CRLF breaks, then LF', (t: string) => t.replace(/^((?:[^\n]*\n){5})/, (m) => m.replace(/\n/g, '\r\n')), undefined],
    ['a stray quote inside a cell (data, as the import reads it)', (t: string) => t.replace(/^((?:[^\n]*\n){3}[^,]*,[^,]*,)([^,]*)/, '$1ag"ent'), undefined],
  ] as const)('%s: the records and line accounting of the JavaScript import', async (_name, edit, rejectedLine) => {
    const files = writeCanonical(sampleCase(true, 0.002, 1));
    writeFileSync(files.usage[0], edit(readFileSync(files.usage[0], 'utf8')));
    const js = await viaFilesJs(files);
    const sql = await viaFiles(files, engine);
    expect(js.rejected.map((r) => r.line)).toEqual(rejectedLine ? [rejectedLine] : []);
    expect(sql.rejected).toEqual(js.rejected);
    expectAgree(js.result, sql.sql, `${engine} line breaks`);
    const acct = (r: (typeof js.reports)[number]) => [r.file, r.read, r.accepted, r.rejectedCount, r.lines, r.linesAccounted];
    expect(sql.reports.map(acct)).toEqual(js.reports.map(acct));
  });

  test('semicolons, a byte-order mark, header case and order, an extra column, and JSONL are read natively', async () => {
    const i = sampleCase(false, 0.002, 1);
    const files = writeCanonical(i);
    const dir = mkdtempSync(join(tmpdir(), 'fmt-'));
    // work items: semicolon-separated, BOM, upper-case shuffled header with an extra column
    const items = readFileSync(files.workItems[0], 'utf8').trim().split('\n').map((l) => l.split(','));
    const order = [3, 0, 6, 1, 5, 2, 4];
    const itemsPath = join(dir, 'items.csv');
    writeFileSync(itemsPath, '\uFEFF' + items.map((c, k) => [...order.map((o) => (k === 0 ? c[o].toUpperCase().replace('_', ' ') : c[o])), k === 0 ? 'Note' : 'x'].join(';')).join('\r\n') + '\r\n');
    // usage as JSONL
    const usagePath = join(dir, 'usage.jsonl');
    writeFileSync(usagePath, i.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const f = { ...files, workItems: [itemsPath], usage: [usagePath] };
    const js = await viaFilesJs(f);
    const sql = await viaFiles(f, engine);
    expect(js.rejected).toEqual([]);
    expect(sql.sql.native).toBe(true);
    expectAgree(js.result, sql.sql, `${engine} formats`);
    expect(sql.reports.find((r) => r.kind === 'work_items')!.ignoredColumns).toEqual(js.reports.find((r) => r.kind === 'work_items')!.ignoredColumns);
  });
});

/** The usage file of `files` rewritten as Parquet by DuckDB: `select` reads the CSV as `csv` (COPY (select) TO …). */
async function usageAsParquet(files: ReturnType<typeof writeCanonical>, select: (csv: string) => string): Promise<string> {
  const parquet = join(mkdtempSync(join(tmpdir(), 'pq-')), 'usage.parquet');
  const conn = await openDuckDb();
  try {
    await conn.exec(`COPY (${select(files.usage[0])}) TO '${parquet}' (FORMAT parquet)`);
  } finally {
    await conn.close();
  }
  return parquet;
}

/** The same ledger and summary from two JavaScript builds of the same events in two files (their problems and row accounting name the file). */
function sameJs(a: Awaited<ReturnType<typeof viaFilesJs>>, b: Awaited<ReturnType<typeof viaFilesJs>>) {
  expect(b.result.rows).toEqual(a.result.rows);
  const figures = (o: typeof a, period: string) => ({ ...buildSummary({ ...o, period }), rejected: undefined, row_accounting: undefined, imports: undefined });
  for (const p of a.result.periods) expect(figures(b, p)).toEqual(figures(a, p));
}

test('Parquet usage: DuckDB reads it natively, the js engine through the import; both give the ledger of the same events in CSV', async () => {
  const files = writeCanonical(sampleCase(false, 0.002, 1));
  // typed columns, as a warehouse export would have them (timestamps as TIMESTAMPTZ, counts as integers, batch as BOOLEAN)
  const parquet = await usageAsParquet(files, (csv) => `SELECT * REPLACE (CAST(timestamp AS TIMESTAMPTZ) AS timestamp, CAST(batch AS BOOLEAN) AS batch)
    FROM read_csv('${csv}', header = true)`);
  const js = await viaFilesJs(files);
  const sql = await viaFiles({ ...files, usage: [parquet] }, 'duckdb');
  expect(sql.sql.native).toBe(true);
  expectAgree(js.result, sql.sql, 'duckdb parquet');
  // before: "a Parquet file, which only the DuckDB engine reads", and nothing was built
  const jsParquet = await viaFilesJs({ ...files, usage: [parquet] });
  expect(jsParquet.rejected).toEqual([]);
  sameJs(js, jsParquet);
  const report = jsParquet.reports.find((r) => r.kind === 'usage')!;
  expect([report.read, report.accepted, report.lines, report.linesAccounted]).toEqual([js.result.counts.events, js.result.counts.events, js.result.counts.events, js.result.counts.events]);
  // ClickHouse does not read Parquet natively: the import reads it for the build
  const ch = await viaFiles({ ...files, usage: [parquet] }, 'clickhouse');
  expect(ch.sql.native).toBe(false);
  expectAgree(js.result, ch.sql, 'clickhouse parquet');
});

test('Parquet as pandas writes it (counts as float64, a gap as NaN) is read natively: the ledger of the same events in CSV', async () => {
  const files = writeCanonical(sampleCase(false, 0.002, 1));
  // a gap in a count column turns it into float64 in pandas, the gap NaN (an empty cell in the CSV)
  const parquet = await usageAsParquet(files, (csv) => `SELECT * REPLACE (CAST(input_tokens AS DOUBLE) AS input_tokens, CAST(output_tokens AS DOUBLE) AS output_tokens,
      CASE WHEN reasoning_tokens IS NULL OR reasoning_tokens = 0 THEN CAST('NaN' AS DOUBLE) ELSE CAST(reasoning_tokens AS DOUBLE) END AS reasoning_tokens,
      CAST(cost_usd AS DECIMAL(18, 12)) AS cost_usd)
    FROM read_csv('${csv}', header = true)`);
  const js = await viaFilesJs(files);
  const sql = await viaFiles({ ...files, usage: [parquet] }, 'duckdb');
  expect(sql.sql.native).toBe(true);
  expectAgree(js.result, sql.sql, 'duckdb pandas parquet');
  sameJs(js, await viaFilesJs({ ...files, usage: [parquet] }));
  // without --engine, a Parquet input is built by duckdb, which reads it natively
  expect(chooseEngine(undefined, [parquet])).toBe('duckdb');
  expect(chooseEngine(undefined, files.usage, [parquet])).toBe('duckdb');
  expect(chooseEngine(undefined, files.usage)).toBe('js');
});

test('Parquet rows the import rejects are listed and skipped, row by row, as the same rows of a CSV are (before: the build stopped)', async () => {
  const files = writeCanonical(sampleCase(false, 0.002, 1));
  const broken = (csv: string) => `SELECT * EXCLUDE (n) REPLACE (CASE WHEN n = 3 THEN '-5' ELSE input_tokens END AS input_tokens, CASE WHEN n IN (6, 7) THEN 'NaN' ELSE cost_usd END AS cost_usd,
      CASE WHEN n = 9 THEN '2026-02-30T10:00:00Z' ELSE timestamp END AS timestamp, CASE WHEN n = 12 THEN ' gpt-4o-mini ' ELSE model END AS model)
    FROM (SELECT *, row_number() OVER () AS n FROM read_csv('${csv}', header = true, all_varchar = true)) ORDER BY n`;
  const parquet = await usageAsParquet(files, broken);
  // the same rows as CSV (text, as written): the import's verdict on them is the reference; it reads the padded model of
  // row 12 trimmed (outside the database's simple form, but not rejected)
  const csv = join(mkdtempSync(join(tmpdir(), 'pq-csv-')), 'usage.csv');
  const conn = await openDuckDb();
  try {
    await conn.exec(`COPY (${broken(files.usage[0])}) TO '${csv}' (FORMAT csv, HEADER)`);
  } finally {
    await conn.close();
  }
  const jsCsv = await viaFilesJs({ ...files, usage: [csv] });
  expect(jsCsv.rejected.map((r) => [r.line, r.column])).toEqual([[4, 'input_tokens'], [7, 'cost_usd'], [8, 'cost_usd'], [10, 'timestamp']]);
  // the Parquet rows are numbered from 1 (no header line): CSV line = row + 1
  const asRows = jsCsv.rejected.map((r) => ({ ...r, file: parquet, line: r.line - 1 }));
  const jsParquet = await viaFilesJs({ ...files, usage: [parquet] });
  expect(jsParquet.rejected).toEqual(asRows);
  sameJs(jsCsv, jsParquet);
  const sql = await viaFiles({ ...files, usage: [parquet] }, 'duckdb');
  expect(sql.sql.native).toBe(false);
  expect(sql.log.join('\n')).toMatch(/usage source 1 has 4 rows the database does not read natively; the JavaScript import read the records/);
  expect(sql.rejected).toEqual(asRows);
  expectAgree(jsParquet.result, sql.sql, 'duckdb parquet fallback');
});

test('a file named .parquet that is not Parquet: a problem naming the file, and the rest is built', async () => {
  const files = writeCanonical(sampleCase(false, 0.002, 1));
  const fake = join(mkdtempSync(join(tmpdir(), 'pq-fake-')), 'usage.parquet');
  writeFileSync(fake, readFileSync(files.usage[0]));
  for (const o of [await viaFilesJs({ ...files, usage: [files.usage[0], fake] }), await viaFiles({ ...files, usage: [files.usage[0], fake] }, 'duckdb')]) {
    expect(o.rejected).toEqual([expect.objectContaining({ file: fake, reason: expect.stringMatching(/usage\.parquet: cannot be read as Parquet \(.*parquet/i) })]);
    expect(o.partial).toBe(true);
    expect(o.result.counts.events).toBeGreaterThan(0);
  }
});

test('readParquetTable: every row of a file of many row groups, in file order, values as text, NULL and NaN empty', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pq-rg-')), 't.parquet');
  const conn = await openDuckDb();
  try {
    await conn.exec(`COPY (SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 2 END AS n, CASE WHEN i % 5 = 0 THEN CAST('NaN' AS DOUBLE) ELSE i / 4 END AS f,
        TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds(i) AS ts, i % 2 = 0 AS b,
        CASE WHEN i = 1 THEN 'a' || chr(31) || 'b\\u\\' || chr(10) || '"q",' WHEN i = 2 THEN '\\' END AS s FROM range(10000) t(i))
      TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  } finally {
    await conn.close();
  }
  const t = await readParquetTable(path);
  const rows: string[][] = [];
  try {
    for await (const batch of t.rows) rows.push(...batch);
  } finally {
    t.close();
  }
  expect(t.header).toEqual(['id', 'n', 'f', 'ts', 'b', 's']);
  expect(t.rowCount).toBe(10000);
  expect(rows.length).toBe(10000);
  expect(rows.every((r, i) => r[0] === String(i))).toBe(true);
  expect(rows.slice(0, 3)).toEqual([
    ['0', '', '', '2026-10-01T00:00:00.000000Z', 'true', ''],
    // a text cell with the separator the reader joins cells by, its escape character, a line break, quotes and a comma
    ['1', '2', '0.25', '2026-10-01T00:00:01.000000Z', 'false', 'a\x1fb\\u\\\n"q",'],
    ['2', '4', '0.5', '2026-10-01T00:00:02.000000Z', 'true', '\\'],
  ]);
  expect(rows[9999]).toEqual(['9999', '19998', '2499.75', '2026-10-01T02:46:39.000000Z', 'false', '']);
});
