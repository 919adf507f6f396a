// `demo --out` and `build --out` write the workbook; an edited workbook feeds `build --workbook` again.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
      'Chargeback 2026-10', 'Invoice Reconciliation', 'Budget', 'Migration Payback', 'SLO Monitor', 'Daily Monitor', 'Agent P&L', 'Ledger', 'Unattributed', 'Daily', 'Import Issues',
      'Agents', 'Rates', 'Tool Prices', 'Prices', 'Overheads', 'Invoices', 'Budget Drivers', 'Benchmarks',
    ]);
    const agents = readAgents(await h.readSheet('Agents'));
    expect(agents.errors).toEqual([]);
    expect(agents.records.map((a) => a.agent_id)).toContain('csr-tier1');
  });

  test('build --out writes the workbook, and an edited workbook feeds build again (bad cells by address)', async () => {
    const c = io();
    expect(await main(['build', ...events(), '--agents', f('agents.csv'), '--rates', f('rates.csv'), ...small(), '--period', '2026-10', '--out', f('book.xlsx'), '--summary', f('before.json')], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Wrote .*book\.xlsx: 19 sheets \(.*Daily Monitor.*Daily,/);
    const before = JSON.parse(readFileSync(f('before.json'), 'utf8'));

    // the user doubles every reviewer's rate on the Rates sheet, types "n/a" as one agent's target and the ambiguous
    // "1,70" as another's SLO cost (a decimal comma? a thousands separator?)
    const h = await XlsxHost.open(f('book.xlsx'));
    const rates = h.wb.getWorksheet('Rates')!;
    for (let r = 2; r <= 4; r++) rates.getCell(`B${r}`).value = (rates.getCell(`B${r}`).value as number) * 2;
    const agentsWs = h.wb.getWorksheet('Agents')!;
    const badAgent = String(agentsWs.getCell('A3').value);
    const ambiguousAgent = String(agentsWs.getCell('A4').value);
    agentsWs.getCell('F3').value = 'n/a';
    agentsWs.getCell('H4').value = '1,70';
    await h.save(f('edited.xlsx'));

    const c2 = io();
    expect(await main(['build', ...events(), ...small(), '--workbook', f('edited.xlsx'), '--period', '2026-10', '--summary', f('after.json')], c2.io)).toBe(0);
    const err = c2.err.join('\n');
    expect(err).toContain('Agents!F3: expected a number ≥ 0, got "n/a"; read as empty, the rest of the row is kept');
    expect(err).toMatch(/Agents!H4: expected a number ≥ 0, got "1,70" \(ambiguous: .*\); read as empty/);
    const after = JSON.parse(readFileSync(f('after.json'), 'utf8'));
    expect(after.rejected).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: `${f('edited.xlsx')} [Agents]`, line: 3, reason: 'expected a number ≥ 0, got "n/a"; read as empty, the rest of the row is kept' }),
      expect.objectContaining({ file: `${f('edited.xlsx')} [Agents]`, line: 4, column: 'H4 slo_max_cost_per_outcome' }),
    ]));
    // review cost doubles (to the cent, up to rounding of each item) because the rates came from the workbook
    expect(before.totals.review).toBeGreaterThan(0);
    expect(Math.abs(after.totals.review - 2 * before.totals.review)).toBeLessThan(0.01 * before.work_items);
    // the agents on the bad rows are still themselves: same P&L line, same work items, only the bad field is missing
    const was = (s: { agents: { agent_id: string }[] }, id: string) => s.agents.find((a) => a.agent_id === id) as Record<string, unknown>;
    for (const id of [badAgent, ambiguousAgent]) {
      expect(was(after, id)).toMatchObject({ business_unit: was(before, id).business_unit, work_items: was(before, id).work_items });
    }
    expect(was(after, badAgent).target_cost_per_outcome).toBeNull();
    expect(was(after, ambiguousAgent).target_cost_per_outcome).toBe(was(before, ambiguousAgent).target_cost_per_outcome);
    expect(after.agents.some((a: { agent_id: string }) => a.agent_id === 'Unassigned' && (a as unknown as { work_items: number }).work_items > 0)).toBe(false);
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

  test('demo --out F.xlsx with no other flag writes a workbook and says which scale and months it chose', async () => {
    const c = io();
    expect(await main(['demo', '--out', f('defaults.xlsx')], c.io)).toBe(0);
    expect(c.err.join('\n')).toMatch(/writing the workbook with --scale 0\.05 --months 3 \(defaults for --out/);
    const h = await XlsxHost.open(f('defaults.xlsx'));
    expect(await h.listSheets()).toContain('Chargeback 2026-10');
    const periods = new Set(((await h.readSheet('Ledger')) ?? []).slice(1).map((r) => r[0]));
    expect([...periods].sort()).toEqual(['2026-08', '2026-09', '2026-10']);
  }, 120_000);

  test('a usage file that cannot be read makes the build incomplete: exit 3, said on stderr and on every report sheet', async () => {
    writeFileSync(f('usage-broken.csv'), 'id,when,what\n1,2,3\n');
    const c = io();
    const code = await main(['build', '--usage', f('usage.csv'), f('usage-broken.csv'), '--work-items', f('work_items.csv'), ...small(), '--agents', f('agents.csv'), '--period', '2026-10', '--out', f('incomplete.xlsx'), '--summary', f('incomplete.json')], c.io);
    expect(code).toBe(3);
    expect(c.err.join('\n')).toMatch(/PARTIAL: .*usage-broken\.csv could not be read \(missing the whole file\); the figures cover only what was read/);
    expect(c.out.join('\n')).toMatch(/incomplete\.xlsx: 19 sheets .* — marked INCOMPLETE/);
    expect(JSON.parse(readFileSync(f('incomplete.json'), 'utf8')).partial).toBe(true);
    const h = await XlsxHost.open(f('incomplete.xlsx'));
    for (const sheet of ['Chargeback 2026-10', 'Invoice Reconciliation', 'Budget', 'Migration Payback', 'SLO Monitor', 'Daily Monitor', 'Agent P&L']) {
      expect((await h.readSheet(sheet))![0].join(' ')).toMatch(/INCOMPLETE: .*usage-broken\.csv could not be read/);
    }
  }, 60_000);

  test('demo --out at the aggregated grain: a smaller Ledger, every report figure as per work item, the detail in a CSV named on the sheet', async () => {
    const c = io();
    // a sheet of the user's in the target stays (safe write), as at the per-item grain
    const prior = new XlsxHost();
    prior.wb.addWorksheet('My notes').getCell('A1').value = 'keep me';
    await prior.save(f('agg.xlsx'));
    expect(await main(['demo', '--out', f('agg.xlsx'), '--scale', '0.005', '--months', '2', '--ledger-grain', 'aggregated'], c.io)).toBe(0);
    const out = c.out.join('\n');
    expect(out).toMatch(/Wrote .*agg\.xlsx: 19 sheets .*Ledger of [\d,]+ rows by agent × day × business unit × outcome \(([\d,]+) work-item rows.*, and 1 other sheet kept/);
    expect(out).toMatch(/Wrote .*agg\.ledger-detail\.csv: the per-work-item Ledger, [\d,]+ rows/);
    const item = await XlsxHost.open(f('demo.xlsx'));
    const agg = await XlsxHost.open(f('agg.xlsx'));
    expect((await agg.readSheet('My notes'))![0][0]).toBe('keep me');
    // the saved (computed) value of every report cell is the per-item workbook's
    for (const sheet of ['Chargeback 2026-10', 'Invoice Reconciliation', 'Budget', 'Migration Payback', 'SLO Monitor', 'Agent P&L']) {
      expect(await agg.readSheet(sheet)).toEqual(await item.readSheet(sheet));
    }
    const itemLedger = (await item.readSheet('Ledger'))!;
    const aggLedger = (await agg.readSheet('Ledger'))!;
    expect(aggLedger.length).toBeLessThan(itemLedger.length);
    expect(aggLedger[1][0]).toBe('Per-work-item detail: agg.ledger-detail.csv, beside this workbook (' + (itemLedger.length - 1).toLocaleString('en-US') + ' rows: one per work item and month)');
    // the detail file holds the per-item Ledger's rows, column for column
    const csv = readFileSync(f('agg.ledger-detail.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0].split(',')).toEqual(itemLedger[0].slice(0, 25));
    expect(csv.length).toBe(itemLedger.length);
    const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    for (const i of [1, 2, Math.floor(csv.length / 2), csv.length - 1]) expect(csv[i]).toBe(itemLedger[i].slice(0, 25).map(cell).join(','));
  }, 120_000);

  test('demo --ledger-grain takes only auto, work_item or aggregated', async () => {
    const c = io();
    expect(await main(['demo', '--out', f('x.xlsx'), '--ledger-grain', 'daily'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--ledger-grain "daily": expected auto, work_item, aggregated/);
  });
});
