// Issue 14, "rows vanish", "a number hangs the build", "big vendor files crash" and the smaller import findings: one
// test per finding, through the commands users run (`build`, `pull --file`) and the importers behind them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { importRecords, importAccounting, type ImportReport } from '../../src/sources/files';
import { importFile } from '../../src/sources/files/node';
import { detectFormat, parseSourceFile } from '../../src/sources/formats';
import { rowAccounting, type BuildOutcome } from '../../src/cli/commands/build';

const dir = mkdtempSync(join(tmpdir(), 'integrity-'));
const f = (name: string) => join(dir, name);
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, all: () => [...out, ...err].join('\n') };
}
const jsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function canonical(kind: 'usage' | 'work_items' | 'reviews' | 'rates' | 'overheads' | 'invoices', text: string, fileName = 'u.csv') {
  const got: Record<string, unknown>[] = [];
  const report = await importRecords({ kind, fileName, input: text, sink: (r) => { got.push(r as Record<string, unknown>); } });
  return { got, report };
}

const USAGE_HEADER = 'event_id,timestamp,agent_id,work_item_id,kind,model,input_tokens,output_tokens,cost_usd';
const row = (id: string, cost = '0.5', extra = '') => `${id},2026-10-01T10:00:00Z,csr,T-1,llm,gpt-4o,10,5,${cost}${extra}`;

describe('rows vanish', () => {
  test('an unterminated quote in a canonical CSV costs its own row only; every later row is imported and the accounts balance', async () => {
    const lines = [USAGE_HEADER, row('e1'), 'e2,2026-10-01T10:00:00Z,csr,T-1,llm,"gpt-4o,10,5,0.5'];
    for (let i = 3; i <= 40; i++) lines.push(row(`e${i}`));
    const { got, report } = await canonical('usage', lines.join('\n') + '\n');
    expect(got.map((e) => e.event_id)).toEqual(['e1', ...Array.from({ length: 38 }, (_, i) => `e${i + 3}`)]);
    expect(report.rejected).toEqual([expect.objectContaining({ line: 3, reason: expect.stringMatching(/unterminated quote|malformed CSV/) })]);
    expect(report).toMatchObject({ read: 40, accepted: 39, rejectedCount: 1 });
    expect(importAccounting(report)).toEqual({ ok: true, difference: 0, lines_difference: 0 });
  });

  test('the same in a vendor CSV: `pull litellm --file` keeps the rows after a stray quote (it used to exit 0 with nothing)', async () => {
    const header = 'request_id,startTime,model,spend,prompt_tokens,completion_tokens,status';
    const lines = [header, 'r1,2026-10-01T00:00:00Z,"gpt-4o,0.1,1,1,success'];
    for (let i = 2; i <= 30; i++) lines.push(`r${i},2026-10-01T00:00:00Z,gpt-4o,0.1,1,1,success`);
    writeFileSync(f('stray.csv'), lines.join('\n') + '\n');
    const t = io();
    expect(await main(['pull', 'litellm', '--file', f('stray.csv'), '--out', f('stray.jsonl')], t.io)).toBe(0);
    expect(jsonl(f('stray.jsonl')).map((e) => e.event_id)).toEqual(Array.from({ length: 29 }, (_, i) => `r${i + 2}`));
    expect(t.err.join('\n')).toMatch(/stray\.csv line 2: unterminated quote/);
    expect(t.err.join('\n')).toMatch(/30 records: 29 accepted, 0 skipped, 0 duplicates, 1 rejected/);
  });

  test('a JSONL line that starts with a control byte is rejected alone; the lines after it are read (canonical and vendor)', async () => {
    const ok = (id: string) => JSON.stringify({ event_id: id, timestamp: '2026-10-01T00:00:00Z', kind: 'llm', model: 'gpt-4o', input_tokens: 1 });
    const text = [ok('a'), `\u0001${ok('b')}`, ok('c'), ok('d')].join('\n') + '\n';
    const { got, report } = await canonical('usage', text, 'u.jsonl');
    expect(got.map((e) => e.event_id)).toEqual(['a', 'c', 'd']);
    expect(report.rejected.map((r) => r.line)).toEqual([2]);

    const lit = (id: string) => JSON.stringify({ request_id: id, startTime: '2026-10-01T00:00:00Z', model: 'gpt-4o', spend: 0.1, prompt_tokens: 1, completion_tokens: 1, status: 'success' });
    const v = parseSourceFile('litellm', [`\u0001${lit('x')}`, `\u0002${lit('y')}`, lit('z'), lit('w')].join('\n'), 'l.jsonl');
    expect(v.events.map((e) => e.event_id)).toEqual(['z', 'w']);
    expect(v.rejected.map((r) => r.line)).toEqual([1, 2]);
    expect(v.accounts?.[0]).toMatchObject({ records: 4, accepted: 2, rejected: 2, ok: true });
  });

  test("papaparse's own errors are read: a malformed quoted cell is rejected with its message, the next row is kept", async () => {
    const { got, report } = await canonical('usage', [USAGE_HEADER, 'e1,2026-10-01T10:00:00Z,csr,T-1,llm,"gpt"4o,10,5,0.5', row('e2')].join('\n'));
    expect(got.map((e) => e.event_id)).toEqual(['e2']);
    expect(report.rejected[0]).toMatchObject({ line: 2, reason: expect.stringContaining('malformed CSV: Trailing quote on quoted field is malformed') });
  });

  test('row accounting is in the build summary beside conservation, and it fails when a row is lost', async () => {
    const lines = [USAGE_HEADER, row('e1'), 'e2,2026-10-01T10:00:00Z,csr,T-1,llm,"gpt-4o,10,5,0.5', row('e3'), 'short,row'];
    writeFileSync(f('acc-usage.csv'), lines.join('\n') + '\n');
    writeFileSync(f('acc-items.csv'), 'work_item_id,agent_id,outcome,closed_at\nT-1,csr,success,2026-10-02T00:00:00Z\n');
    const t = io();
    expect(await main(['build', '--usage', f('acc-usage.csv'), '--work-items', f('acc-items.csv'), '--period', '2026-10', '--summary', f('acc.json')], t.io)).toBe(0);
    const s = JSON.parse(readFileSync(f('acc.json'), 'utf8'));
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['conservation', 'row_accounting']));
    expect(s.row_accounting.ok).toBe(true);
    expect(s.row_accounting.files.find((x: { file: string }) => x.file === f('acc-usage.csv'))).toMatchObject({ file: f('acc-usage.csv'), records: 4, accepted: 2, rejected: 2, difference: 0, lines: 5, lines_accounted: 5, ok: true });
    expect(s.row_accounting.ledger).toEqual({ handed: 3, counted: 3, ok: true });
    expect(t.out.join('\n')).toMatch(/row accounting ok/);

    // The check is computed from counters kept apart: a report that lost a row, or a ledger that counted one less, fails it.
    const report = (await importFile(f('acc-usage.csv'), { kind: 'usage', sink: () => 'added' })) as ImportReport;
    const lost = { ...report, accepted: report.accepted - 1 };
    expect(importAccounting(lost)).toMatchObject({ ok: false, difference: 1 });
    const swallowed = { ...report, linesAccounted: report.linesAccounted - 3 };
    expect(importAccounting(swallowed)).toMatchObject({ ok: false, lines_difference: 3 });
    const outcome = { reports: [lost], result: { counts: { events: 1, work_items: 0, reviews: 0, duplicates: 0, conflicts: 0, unpriced: 0 } } } as unknown as BuildOutcome;
    const ra = rowAccounting(outcome);
    expect(ra.ok).toBe(false);
    expect(ra.files[0]).toMatchObject({ ok: false, difference: 1 });
  });
});

describe('numbers and dates out of range', () => {
  test('an amount of 1.8e306 is rejected by line and column and the build finishes (it used to spin forever)', async () => {
    writeFileSync(f('huge-usage.csv'), [USAGE_HEADER, row('e1'), row('e2', '1.8e306'), row('e3', '2e12')].join('\n') + '\n');
    writeFileSync(f('huge-items.csv'), 'work_item_id,agent_id,outcome,closed_at\nT-1,csr,success,2026-10-02T00:00:00Z\n');
    writeFileSync(f('huge-rates.csv'), 'reviewer_role,hourly_rate_usd\nqa,1.8e306\n');
    writeFileSync(f('huge-overheads.csv'), 'period,category,amount_usd\n2026-10,infra,1.8e306\n2026-10,infra2,-1.8e306\n');
    writeFileSync(f('huge-invoices.csv'), 'period,provider,billed_usd\n2026-10,openai,1.8e306\n');
    const t = io();
    const code = await main(['build', '--usage', f('huge-usage.csv'), '--work-items', f('huge-items.csv'), '--rates', f('huge-rates.csv'), '--overheads', f('huge-overheads.csv'),
      '--invoices', f('huge-invoices.csv'), '--period', '2026-10', '--summary', f('huge.json')], t.io);
    expect(code).toBe(0);
    const s = JSON.parse(readFileSync(f('huge.json'), 'utf8'));
    const bad = s.rejected.map((r: { file: string; line: number; column: string }) => [r.file.split('/').pop(), r.line, r.column]);
    expect(bad).toEqual(expect.arrayContaining([
      ['huge-usage.csv', 3, 'cost_usd'], ['huge-usage.csv', 4, 'cost_usd'], ['huge-rates.csv', 2, 'hourly_rate_usd'],
      ['huge-overheads.csv', 2, 'amount_usd'], ['huge-overheads.csv', 3, 'amount_usd'], ['huge-invoices.csv', 2, 'billed_usd'],
    ]));
    expect(s.totals.api).toBe(0.5);
    expect(s.conservation.ok).toBe(true);
  });

  test('hex and other non-decimal notations are rejected, not read as numbers (0x1F is not $31)', async () => {
    const { got, report } = await canonical('usage', [USAGE_HEADER, row('e1', '0x1F'), row('e2', '0b11'), row('e3', 'Infinity'), 'e4,2026-10-01T10:00:00Z,csr,T-1,llm,gpt-4o,0x10,5,', row('e5', '1.5E-3')].join('\n'));
    expect(got.map((e) => [e.event_id, e.cost_usd])).toEqual([['e5', 0.0015]]);
    expect(report.rejected.map((r) => [r.line, r.column])).toEqual([[2, 'cost_usd'], [3, 'cost_usd'], [4, 'cost_usd'], [5, 'input_tokens']]);
    const rates = await canonical('rates', 'reviewer_role,hourly_rate_usd\nqa,0x1F\nlead,45\n', 'r.csv');
    expect(rates.got).toEqual([{ reviewer_role: 'lead', hourly_rate_usd: 45 }]);
    const v = parseSourceFile('litellm', JSON.stringify([{ request_id: 'a', startTime: '2026-10-01T00:00:00Z', model: 'gpt-4o', spend: '0x1F', status: 'success' }]), 'l.json');
    expect(v.events).toEqual([]);
    expect(v.rejected[0]).toMatchObject({ column: 'spend' });
  });

  test('impossible dates (30 February, year 0000 or 9999) are rejected in canonical and vendor files', async () => {
    const ts = ['2026-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2026-10-01T24:00:00Z', '2028-02-29T10:00:00Z'];
    const text = [USAGE_HEADER, ...ts.map((t, i) => `e${i},${t},csr,T-1,llm,gpt-4o,1,1,0.1`)].join('\n');
    const { got, report } = await canonical('usage', text);
    expect(got.map((e) => e.timestamp)).toEqual(['2028-02-29T10:00:00Z']);
    expect(report.rejected.map((r) => [r.line, r.column])).toEqual([[2, 'timestamp'], [3, 'timestamp'], [4, 'timestamp'], [5, 'timestamp']]);
    const items = await canonical('work_items', 'work_item_id,agent_id,closed_at,outcome\nW1,a,2026-02-30,success\nW2,a,2026-03-01,success\n', 'w.csv');
    expect(items.got.map((w) => w.work_item_id)).toEqual(['W2']);
    expect((await canonical('overheads', 'period,category,amount_usd\n0000-01,x,1\n9999-12,x,1\n2026-10,x,1\n', 'o.csv')).got).toHaveLength(1);
    const v = parseSourceFile('langfuse', JSON.stringify(ts.map((t, i) => ({ id: `o${i}`, type: 'GENERATION', startTime: t, model: 'gpt-4o', usageDetails: { input: 1, output: 1 } }))), 'lf.json');
    expect(v.events.map((e) => e.timestamp)).toEqual(['2028-02-29T10:00:00Z']);
    expect(v.rejected).toHaveLength(4);
  });

  test('tokens beyond what an event can hold are rejected by column', async () => {
    const { got, report } = await canonical('usage', [USAGE_HEADER, 'e1,2026-10-01T10:00:00Z,csr,T-1,llm,gpt-4o,100000000001,5,', 'e2,2026-10-01T10:00:00Z,csr,T-1,llm,gpt-4o,1000,5,'].join('\n'));
    expect(got.map((e) => e.event_id)).toEqual(['e2']);
    expect(report.rejected[0]).toMatchObject({ line: 2, column: 'input_tokens', reason: expect.stringMatching(/tokens ≤ 1e\+11/) });
  });
});

describe('big vendor files', () => {
  const N = 150_000;
  const big = () => {
    const p = f('big-litellm.jsonl');
    let s = '';
    for (let i = 0; i < N; i++) s += `{"request_id":"r${i}","startTime":"2026-10-01T00:00:00Z","model":"gpt-4o","spend":0.001,"prompt_tokens":10,"completion_tokens":5,"status":"success","metadata":{"work_item_id":"T-${i % 1000}"}}\n`;
    writeFileSync(p, s);
    return p;
  };

  test(`pull --file writes all ${N.toLocaleString('en-US')} records (no "Maximum call stack size exceeded")`, async () => {
    const p = big();
    const t = io();
    expect(await main(['pull', 'litellm', '--file', p, '--out', f('big.jsonl')], t.io)).toBe(0);
    expect(readFileSync(f('big.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(N);
    expect(t.out.join('\n')).toContain(`Wrote ${N.toLocaleString('en-US')} events`);
  }, 120_000);

  test(`build --config reads a ${N.toLocaleString('en-US')}-record vendor file (it used to exit 2, "bad config")`, async () => {
    big();
    writeFileSync(f('big-items.csv'), 'work_item_id,agent_id,outcome,closed_at\nT-1,csr,success,2026-10-02T00:00:00Z\n');
    writeFileSync(f('big-config.json'), JSON.stringify({
      period: '2026-10', sources: [{ format: 'litellm', files: ['big-litellm.jsonl'] }], inputs: { work_items: ['big-items.csv'] }, outputs: { summary: 'big-summary.json' },
    }));
    const t = io();
    expect(await main(['build', '--config', f('big-config.json')], t.io)).toBe(0);
    const s = JSON.parse(readFileSync(f('big-summary.json'), 'utf8'));
    expect(s.sources[0].files[0]).toMatchObject({ records: N, accepted: N, ok: true });
    expect(s.row_accounting).toMatchObject({ ok: true, ledger: { handed: N + 1, counted: N + 1, ok: true } });
  }, 120_000);
});

describe('smaller findings', () => {
  test('short CSV rows are rejected, not filled with defaults (canonical and vendor)', async () => {
    const { got, report } = await canonical('usage', [USAGE_HEADER, 'e1,2026-10-01T10:00:00Z,csr,T-1,llm', row('e2')].join('\n'));
    expect(got.map((e) => e.event_id)).toEqual(['e2']);
    expect(report.rejected[0]).toMatchObject({ line: 2, reason: 'short row: expected 9 cells as in the header, got 5' });
    const v = parseSourceFile('litellm', 'request_id,startTime,model,spend,status\nr1,2026-10-01T00:00:00Z,gpt-4o\nr2,2026-10-01T00:00:00Z,gpt-4o,0.1,success\n', 'l.csv');
    expect(v.events.map((e) => e.event_id)).toEqual(['r2']);
    expect(v.rejected[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^short row/) });
  });

  test('a row with a trailing empty cell past the header is read; rejected, its reason says the cells may have shifted (an unquoted 5,000)', async () => {
    const h = 'event_id,timestamp,kind,input_tokens,output_tokens,status,cost_usd';
    const { got, report } = await canonical('usage', [h, 'e1,2026-10-01T10:00:00Z,llm,5,0,ok,', 'e2,2026-10-01T10:00:00Z,llm,5,000,0,ok,', 'e3,2026-10-01T10:00:00Z,llm,5,0,ok,,'].join('\n'));
    expect(got.map((e) => e.event_id)).toEqual(['e1', 'e3']);
    expect(report.rejected).toEqual([expect.objectContaining({ line: 3, column: 'status', reason: expect.stringMatching(/^expected one of ok, error, retry \(the row has 8 cells where the header has 7: an unquoted delimiter in a value, such as 5,000, shifts the cells after it\)$/) })]);
  });

  test('two header aliases of one column ("event_id", "Event ID") are reported, and rows where they differ are rejected', async () => {
    const text = 'event_id,timestamp,kind,Event ID\ne1,2026-10-01,llm,e1\ne2,2026-10-01,llm,\ne3,2026-10-01,llm,e4\n';
    const { got, report } = await canonical('usage', text);
    expect(got.map((e) => e.event_id)).toEqual(['e1', 'e2']);
    expect(report.duplicateColumns).toEqual(['event_id ("event_id", "Event ID")']);
    expect(report.rejected[0]).toMatchObject({ line: 4, column: 'event_id', value: 'e3 / e4' });
    expect(importAccounting(report).ok).toBe(true);
    writeFileSync(f('alias.csv'), text);
    writeFileSync(f('alias-items.csv'), 'work_item_id,agent_id\nT,a\n');
    expect(await main(['build', '--usage', f('alias.csv'), '--work-items', f('alias-items.csv'), '--period', '2026-10', '--summary', f('alias.json')], io().io)).toBe(0);
    expect(JSON.parse(readFileSync(f('alias.json'), 'utf8')).imports.find((x: { kind: string }) => x.kind === 'usage').duplicate_columns).toEqual(['event_id ("event_id", "Event ID")']);
  });

  test('a 50 MB line is echoed in a few hundred characters at most (stderr, rejected rows, summary)', async () => {
    const long = 'x'.repeat(50 * 1024 * 1024);
    writeFileSync(f('long.csv'), [USAGE_HEADER, `e1,2026-10-01T10:00:00Z,csr,T-1,llm,${long},1,1,abc`, row('e2')].join('\n'));
    writeFileSync(f('long-items.csv'), 'work_item_id,agent_id\nT-1,csr\n');
    const t = io();
    expect(await main(['build', '--usage', f('long.csv'), '--work-items', f('long-items.csv'), '--period', '2026-10', '--summary', f('long.json')], t.io)).toBe(0);
    for (const line of [...t.out, ...t.err]) expect(line.length).toBeLessThan(1000);
    const summary = readFileSync(f('long.json'), 'utf8');
    expect(summary.length).toBeLessThan(20_000);
    const rep = await importFile(f('long.csv'), { kind: 'usage', sink: () => undefined });
    expect(rep.rejected[0].value.length).toBeLessThan(300);
    expect(rep.accepted).toBe(1);
    // JSONL and vendor files too
    const v = parseSourceFile('litellm', `{"request_id":"${long}"}\n{"request_id":"r2","startTime":"2026-10-01T00:00:00Z","model":"gpt-4o","status":"success"}\n`, 'l.jsonl');
    expect(JSON.stringify(v.rejected).length).toBeLessThan(1000);
  }, 60_000);

  test('UTF-16 files (LE with a BOM, as Excel saves "Unicode text"; BE; LE without BOM) are recognised', async () => {
    const text = [USAGE_HEADER, row('é1'), row('e2')].join('\r\n') + '\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    writeFileSync(f('u16le.csv'), le);
    writeFileSync(f('u16be.csv'), be);
    writeFileSync(f('u16nobom.csv'), Buffer.from(text, 'utf16le'));
    for (const name of ['u16le.csv', 'u16be.csv', 'u16nobom.csv']) {
      const got: string[] = [];
      const rep = await importFile(f(name), { kind: 'usage', sink: (e) => { got.push(e.event_id); } });
      expect([name, rep.fatal, got]).toEqual([name, undefined, ['é1', 'e2']]);
    }
    const lit = 'request_id,startTime,model,spend,status\r\nr1,2026-10-01T00:00:00Z,gpt-4o,0.1,success\r\n';
    writeFileSync(f('lit16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lit, 'utf16le')]));
    expect(await main(['pull', 'litellm', '--file', f('lit16.csv'), '--out', f('lit16.jsonl')], io().io)).toBe(0);
    expect(jsonl(f('lit16.jsonl')).map((e) => e.event_id)).toEqual(['r1']);
    // a dropped file's format is detected from its first bytes in either encoding
    expect(detectFormat('lit16.csv', readFileSync(f('lit16.csv')))).toMatchObject({ ok: true, format: 'litellm' });
    expect(detectFormat('u16be.csv', readFileSync(f('u16be.csv')))).toMatchObject({ ok: true, format: 'canonical', kind: 'usage' });
  });
});
