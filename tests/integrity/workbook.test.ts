// Issue 14, "workbooks are destroyed": every output is written beside its target and renamed over it; a target that
// is not a readable workbook is never overwritten; the user's sheets and cells are kept or the write refuses and says
// what would be lost; `build --workbook E --out NEW` carries E's own sheets over (issue 12's part, done here).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip'; // ExcelJS's own zip library (installed with it): used here only to plant a chart part
import { main } from '../../src/cli/main';
import { XlsxHost } from '../../src/hosts/xlsx';
import { readBenchmarks, readBudgetDrivers } from '../../src/workbook';

const dir = mkdtempSync(join(tmpdir(), 'wb-safety-'));
const f = (name: string) => join(dir, name);
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, all: () => [...out, ...err].join('\n') };
}
const inputs = () => ['--usage', f('usage.csv'), '--work-items', f('work_items.csv'), '--reviews', f('reviews.csv'), '--agents', f('agents.csv'), '--rates', f('rates.csv'), '--period', '2026-10'];
const build = async (out: string, ...extra: string[]) => {
  const t = io();
  const code = await main(['build', ...inputs(), '--out', out, ...extra], t.io);
  return { code, ...t };
};
const backups = (name: string) => readdirSync(dir).filter((x) => x.startsWith(`${name}.backup-`));

beforeAll(async () => {
  expect(await main(['demo', '--out-dir', dir, '--scale', '0.005', '--months', '2'], io().io)).toBe(0);
}, 60_000);

test('a write that dies half-way leaves the previous workbook whole (it used to be truncated first)', async () => {
  expect((await build(f('kill.xlsx'))).code).toBe(0);
  const before = readFileSync(f('kill.xlsx'));
  const save = XlsxHost.prototype.save;
  XlsxHost.prototype.save = async function (path: string) {
    writeFileSync(path, (await this.toBuffer()).subarray(0, 1000)); // the first KB reaches the disk, then the process dies
    throw new Error('killed');
  };
  try {
    await expect(build(f('kill.xlsx'))).rejects.toThrow('killed');
  } finally {
    XlsxHost.prototype.save = save;
  }
  expect(readFileSync(f('kill.xlsx')).equals(before)).toBe(true);
  expect(readdirSync(dir).filter((x) => x.includes('.tmp-'))).toEqual([]);
  expect(await (await XlsxHost.open(f('kill.xlsx'))).listSheets()).toContain('Ledger');
}, 60_000);

test('a file that is not a readable workbook is not overwritten; --force keeps it as a dated backup and says so', async () => {
  writeFileSync(f('notes.xlsx'), 'my own notes, saved with the wrong extension');
  const r = await build(f('notes.xlsx'));
  expect(r.code).toBe(4);
  expect(r.err.join('\n')).toMatch(/notes\.xlsx exists but is not a workbook this tool can read .*was not changed.*--force/);
  expect(readFileSync(f('notes.xlsx'), 'utf8')).toBe('my own notes, saved with the wrong extension');
  const forced = await build(f('notes.xlsx'), '--force');
  expect(forced.code).toBe(0);
  const [backup] = backups('notes');
  expect(backup).toMatch(/^notes\.backup-\d{8}-\d{6}\.xlsx$/);
  expect(readFileSync(f(backup), 'utf8')).toBe('my own notes, saved with the wrong extension');
  expect(forced.err.join('\n')).toContain(`kept the previous ${f('notes.xlsx')} as ${f(backup)}`);
  expect(await (await XlsxHost.open(f('notes.xlsx'))).listSheets()).toContain('Ledger');
  // demo --out too
  writeFileSync(f('demo-notes.xlsx'), 'not a workbook');
  const t = io();
  expect(await main(['demo', '--out', f('demo-notes.xlsx'), '--scale', '0.005', '--months', '1'], t.io)).toBe(4);
  expect(readFileSync(f('demo-notes.xlsx'), 'utf8')).toBe('not a workbook');
}, 60_000);

test("sheets the user added are kept when the workbook is regenerated (they used to be dropped)", async () => {
  expect((await build(f('own.xlsx'))).code).toBe(0);
  const h = await XlsxHost.open(f('own.xlsx'));
  const ws = h.wb.addWorksheet('My analysis');
  ws.getCell('A1').value = 'cost per ticket vs last year';
  ws.getCell('B2').value = { formula: "'Chargeback 2026-10'!B5" } as never;
  await h.save(f('own.xlsx'));
  const r = await build(f('own.xlsx'));
  expect(r.code).toBe(0);
  expect(r.out.join('\n')).toMatch(/and 1 other sheet kept/);
  const again = await XlsxHost.open(f('own.xlsx'));
  expect(await again.listSheets()).toContain('My analysis');
  expect(again.wb.getWorksheet('My analysis')!.getCell('A1').value).toBe('cost per ticket vs last year');
}, 60_000);

test('cells a user added beside a generated table, or edits to an input sheet, make the write refuse and name them', async () => {
  expect((await build(f('cells.xlsx'))).code).toBe(0);
  const h = await XlsxHost.open(f('cells.xlsx'));
  h.wb.getWorksheet('Chargeback 2026-10')!.getCell('Z3').value = 'ask Finance about this line';
  const agents = h.wb.getWorksheet('Agents')!;
  agents.getCell('B2').value = 'Tier 1 bot (renamed by me)';
  await h.save(f('cells.xlsx'));
  const before = readFileSync(f('cells.xlsx'));

  const r = await build(f('cells.xlsx'));
  expect(r.code).toBe(4);
  const msg = r.err.join('\n');
  expect(msg).toMatch(/sheet "Chargeback 2026-10": 1 cell of the user's would be lost \(Z3 "ask Finance about this line"\)/);
  expect(msg).toMatch(/sheet "Agents": 1 cell of the user's would be lost \(B2 "Tier 1 bot \(renamed by me\)" would become/);
  expect(readFileSync(f('cells.xlsx')).equals(before)).toBe(true);

  // Reading the edited inputs back (--workbook) carries the Agents edit: only the note beside the table is in the way.
  const r2t = io();
  const r2 = { code: await main(['build', '--usage', f('usage.csv'), '--work-items', f('work_items.csv'), '--workbook', f('cells.xlsx'), '--period', '2026-10', '--out', f('cells.xlsx')], r2t.io), err: r2t.err };
  expect(r2.code).toBe(4);
  expect(r2.err.join('\n')).not.toMatch(/"Agents"/);

  const forced = await build(f('cells.xlsx'), '--force');
  expect(forced.code).toBe(0);
  expect(forced.err.join('\n')).toMatch(/--force: .*Z3/);
  expect(backups('cells')).toHaveLength(1);
  expect(readFileSync(f(backups('cells')[0])).equals(before)).toBe(true);
}, 90_000);

test('build --workbook E --out NEW.xlsx keeps E\'s Budget Drivers, Benchmarks and the sheets the user added', async () => {
  expect((await build(f('e.xlsx'))).code).toBe(0);
  const h = await XlsxHost.open(f('e.xlsx'));
  h.wb.getWorksheet('Budget Drivers')!.getCell('D2').value = 424_242;
  const bench = h.wb.getWorksheet('Benchmarks')!;
  bench.getCell('A2').value = 'Our own peer group';
  h.wb.addWorksheet('Board pack').getCell('A1').value = 'Q4 narrative';
  await h.save(f('e.xlsx'));

  const t = io();
  expect(await main(['build', '--usage', f('usage.csv'), '--work-items', f('work_items.csv'), '--reviews', f('reviews.csv'), '--workbook', f('e.xlsx'), '--period', '2026-10', '--out', f('new.xlsx')], t.io)).toBe(0);
  const out = await XlsxHost.open(f('new.xlsx'));
  expect(readBudgetDrivers(await out.readSheet('Budget Drivers')).lines[0].monthly_volume).toBe(424_242);
  expect(readBenchmarks(await out.readSheet('Benchmarks')).records[0]).toMatchObject({ benchmark: 'Our own peer group' });
  expect(out.wb.getWorksheet('Board pack')!.getCell('A1').value).toBe('Q4 narrative');
  expect(existsSync(f('e.xlsx'))).toBe(true);
}, 90_000);

test('a workbook with parts the writer would drop (a chart) is not rewritten', async () => {
  expect((await build(f('chart.xlsx'))).code).toBe(0);
  const zip = await JSZip.loadAsync(readFileSync(f('chart.xlsx')));
  zip.file('xl/charts/chart1.xml', '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>');
  writeFileSync(f('chart.xlsx'), await zip.generateAsync({ type: 'nodebuffer' }));
  const before = readFileSync(f('chart.xlsx'));
  const r = await build(f('chart.xlsx'));
  expect(r.code).toBe(4);
  expect(r.err.join('\n')).toMatch(/chart\.xlsx has charts, which this writer cannot keep/);
  expect(readFileSync(f('chart.xlsx')).equals(before)).toBe(true);
}, 60_000);

test('the summary JSON is written by temporary file and rename too', async () => {
  writeFileSync(f('s.json'), '{"previous": true}');
  const writes: string[] = [];
  const fs = jest.requireActual('node:fs') as typeof import('node:fs');
  const real = fs.renameSync;
  const rename = jest.spyOn(fs, 'renameSync').mockImplementation((a, b) => {
    writes.push(`${String(a).split('/').pop()} -> ${String(b).split('/').pop()}`);
    return real(a, b);
  });
  try {
    const t = io();
    expect(await main(['build', ...inputs(), '--summary', f('s.json')], t.io)).toBe(0);
  } finally {
    rename.mockRestore();
  }
  expect(writes).toEqual([expect.stringMatching(/^\.s\.json\.tmp-\d+-\w+ -> s\.json$/)]);
  expect(JSON.parse(readFileSync(f('s.json'), 'utf8')).period).toBe('2026-10');
}, 60_000);
