// `demo --out` and `build --out` write the workbook; an edited workbook feeds `build --workbook` again.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { XlsxHost } from '../../src/hosts/xlsx';
import { readAgents, readBudgetDrivers } from '../../src/workbook';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-wb-'));
const f = (name: string) => join(dir, name);
const events = () => ['--usage', f('usage.csv'), '--work-items', f('work_items.csv'), '--reviews', f('reviews.csv')];
const small = () => ['--tool-prices', f('tool_prices.csv'), '--overheads', f('overheads.csv'), '--invoices', f('invoices.csv'), '--prices', f('prices.csv')];

beforeAll(async () => {
  const c = io();
  expect(await main(['demo', '--out-dir', dir, '--out', f('demo.xlsx'), '--scale', '0.005', '--months', '2'], c.io)).toBe(0);
}, 60_000);

describe('workbook from the command line', () => {
  test('demo --out writes the whole workbook from the sample', async () => {
    const h = await XlsxHost.open(f('demo.xlsx'));
    expect(await h.listSheets()).toEqual([
      'Chargeback 2026-10', 'Budget', 'Migration Payback', 'SLO Monitor', 'Daily Monitor', 'Agent P&L', 'Ledger', 'Unattributed', 'Daily', 'Import Issues',
      'Agents', 'Rates', 'Tool Prices', 'Prices', 'Overheads', 'Invoices', 'Budget Drivers', 'Benchmarks',
    ]);
    const agents = readAgents(await h.readSheet('Agents'));
    expect(agents.errors).toEqual([]);
    expect(agents.records.map((a) => a.agent_id)).toContain('csr-tier1');
  });

  test('build --out writes the workbook, and an edited workbook feeds build again (bad cells by address)', async () => {
    const c = io();
    expect(await main(['build', ...events(), '--agents', f('agents.csv'), '--rates', f('rates.csv'), ...small(), '--period', '2026-10', '--out', f('book.xlsx'), '--summary', f('before.json')], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Wrote .*book\.xlsx: 18 sheets \(.*Daily Monitor.*Daily,/);
    const before = JSON.parse(readFileSync(f('before.json'), 'utf8'));

    // the user doubles every reviewer's rate on the Rates sheet and types "n/a" as a target
    const h = await XlsxHost.open(f('book.xlsx'));
    const rates = h.wb.getWorksheet('Rates')!;
    for (let r = 2; r <= 4; r++) rates.getCell(`B${r}`).value = (rates.getCell(`B${r}`).value as number) * 2;
    h.wb.getWorksheet('Agents')!.getCell('F3').value = 'n/a';
    await h.save(f('edited.xlsx'));

    const c2 = io();
    expect(await main(['build', ...events(), ...small(), '--workbook', f('edited.xlsx'), '--period', '2026-10', '--summary', f('after.json')], c2.io)).toBe(0);
    expect(c2.err.join('\n')).toContain('Agents!F3: expected a number ≥ 0, got "n/a"');
    const after = JSON.parse(readFileSync(f('after.json'), 'utf8'));
    expect(after.rejected).toEqual(expect.arrayContaining([expect.objectContaining({ file: `${f('edited.xlsx')} [Agents]`, line: 3, reason: 'expected a number ≥ 0, got "n/a"' })]));
    // review cost doubles (to the cent, up to rounding of each item) because the rates came from the workbook
    expect(before.totals.review).toBeGreaterThan(0);
    expect(Math.abs(after.totals.review - 2 * before.totals.review)).toBeLessThan(0.01 * before.work_items);
    // the agent on the bad row is unknown now: its spend moves to the Unassigned line, nothing is lost
    expect(after.totals.total).toBeGreaterThan(0);
  }, 60_000);

  test('regenerating into the same file keeps the user\'s Budget Drivers', async () => {
    const c = io();
    const args = ['build', ...events(), '--agents', f('agents.csv'), '--rates', f('rates.csv'), ...small(), '--period', '2026-10', '--out', f('keep.xlsx')];
    expect(await main(args, c.io)).toBe(0);
    const h = await XlsxHost.open(f('keep.xlsx'));
    h.wb.getWorksheet('Budget Drivers')!.getCell('D2').value = 123_456;
    await h.save(f('keep.xlsx'));
    const c2 = io();
    expect(await main(args, c2.io)).toBe(0);
    expect(c2.err.join('\n')).toMatch(/kept Budget Drivers/);
    const again = await XlsxHost.open(f('keep.xlsx'));
    expect(readBudgetDrivers(await again.readSheet('Budget Drivers')).lines[0].monthly_volume).toBe(123_456);
    expect((await again.listSheets()).filter((s) => s.startsWith('Chargeback'))).toEqual(['Chargeback 2026-10']);
  }, 60_000);

  test('demo --out refuses a Ledger too large for one .xlsx, with what to do', async () => {
    const c = io();
    expect(await main(['demo', '--out', f('huge.xlsx'), '--scale', '1', '--months', '6'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/Ledger rows .* Try --scale/);
  });
});
