// LibreOffice recalculates the .xlsx the ExcelJS host writes: no error value anywhere, every report figure equals the
// core's to the cent, the playbook budget reproduces, and an edited Budget Drivers cell moves the totals.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XlsxHost } from '../../src/hosts/xlsx';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';
import { buildWorkbook, computePayback, PAYBACK, readAgents, readBudgetDrivers } from '../../src/workbook';
import { demoWorkbook } from './demo';
import { checkFigures, errorCells } from './figures-check';
import { playbookBudgetWorkbook, playbookMigration } from './playbook';

const soffice = findSoffice();
// A missing oracle fails the suite (CI installs libreoffice-calc-nogui); SKIP_LIBREOFFICE=1 opts out on a dev machine.
const skip = !soffice && process.env.SKIP_LIBREOFFICE === '1';
if (!soffice && !skip) {
  test('LibreOffice is installed (the recalculation oracle)', () => {
    throw new Error('soffice not found: install Debian libreoffice-calc-nogui (or set SKIP_LIBREOFFICE=1 to skip these tests)');
  });
}
const maybe = soffice ? describe : describe.skip;

maybe('workbooks recalculated by LibreOffice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-lo-'));

  it('demo workbook: no error value in any cell, every figure equals the core to the cent', async () => {
    const demo = demoWorkbook();
    const host = new XlsxHost();
    await host.writeWorkbook(demo.spec);
    const path = join(dir, 'demo.xlsx');
    await host.save(path);
    const names = demo.spec.sheets.map((s) => s.name);
    const sheets = await recalcWithLibreOffice(path, names);
    expect([...sheets.keys()].sort()).toEqual([...names].sort());
    expect(errorCells(names, (s) => sheets.get(s) ?? null)).toEqual([]);
    const { problems, checked } = checkFigures((s) => sheets.get(s) ?? null, demo.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
    // input sheets read back from LibreOffice's values give the same records
    expect(readAgents(sheets.get('Agents')!).records).toEqual(demo.ctx.agents);
    // untrusted text stayed text
    expect(sheets.get('Import Issues')![1][4]).toBe('=HYPERLINK("http://x","click")');
  });

  it('payback ranks when a payback has more digits than COUNTIFS\'s text keeps (10.054054… months): the core\'s, one agent per rank', async () => {
    const demo = demoWorkbook();
    const figs = computePayback(demo.result, demo.figures.payback, demo.ctx.agents).filter((f) => f.saving !== null && f.saving > 0);
    expect(figs.length).toBeGreaterThanOrEqual(2);
    // one-off costs of 372/37 and 4 months of saving: the first's payback, 10.054054054054054, reads "10.0540540540541"
    // as COUNTIFS's criterion text, above itself by more than LibreOffice's comparison tolerance (2⁻⁴⁸)
    const oneOff = new Map([[figs[0].agent_id, (figs[0].saving! * 372) / 37], [figs[1].agent_id, figs[1].saving! * 4]]);
    const payback = { ...demo.figures.payback, rows: demo.figures.payback.rows.map((r) => (oneOff.has(r.agent_id) ? { ...r, one_off_usd: oneOff.get(r.agent_id)!, parallel_months: 0 } : r)) };
    const spec = buildWorkbook({ result: demo.result, ctx: demo.ctx, period: demo.period, payback });
    const host = new XlsxHost();
    await host.writeWorkbook(spec);
    const path = join(dir, 'payback-digits.xlsx');
    await host.save(path);
    const sheets = await recalcWithLibreOffice(path, ['Migration Payback']);
    const { problems } = checkFigures((s) => sheets.get(s) ?? null, { ...demo.figures, payback });
    expect(problems.filter((p) => p.includes('Migration Payback'))).toEqual([]);
    const ranks = sheets.get('Migration Payback')!.map((r) => r[PAYBACK.cols.rank]).filter((v): v is number => typeof v === 'number');
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('playbook budget: $202,000 a month, $2,724,000 a year; editing a Budget Drivers cell in the .xlsx moves the totals', async () => {
    const host = new XlsxHost();
    await host.writeWorkbook(playbookBudgetWorkbook());
    const path = join(dir, 'budget.xlsx');
    await host.save(path);
    const before = await recalcWithLibreOffice(path, ['Budget', 'Budget Drivers']);
    const b = before.get('Budget')!;
    const t = b.findIndex((r) => r[0] === 'Total AI labor');
    expect([b[t][1], b[t][4], b[t][6]]).toEqual([7, 130_000, 202_000]);
    expect([b[4][6], b[5][6], b[6][6]]).toEqual([180_000, 18_400, 3_600]);
    expect([b[t][2], b[t][3], b[t + 1][0]]).toEqual([null, 'mixed units', 'AI labor cost per outcome, all lines (mixed units)']);
    expect(Math.round((b[t + 1][2] as number) * 100) / 100).toBe(1.55);
    expect(b.find((r) => r[0] === 'Total annual AI labor budget')?.[6]).toBe(2_724_000);
    expect(b.find((r) => r[0] === 'Agent labor cost (variable) = monthly × 12')?.[6]).toBe(2_424_000);

    // edit as a user would: open the file, change Customer Service's volume and the migration driver, save
    const edited = await XlsxHost.open(path);
    const ws = edited.wb.getWorksheet('Budget Drivers')!;
    ws.getCell('D2').value = 130_000;
    const drivers = readBudgetDrivers((await edited.readSheet('Budget Drivers'))!);
    expect(drivers.errors).toEqual([]);
    let migRow = 0;
    ws.eachRow((row, r) => { if (row.getCell(9).value === 'model_migrations_usd') migRow = r; });
    ws.getCell(`J${migRow}`).value = 200_000;
    // and a fourth P&L line typed under the three
    ws.getCell('A5').value = 'Fraud Review';
    ws.getCell('B5').value = 1;
    ws.getCell('C5').value = 0.75;
    ws.getCell('D5').value = 4_000;
    ws.getCell('E5').value = 500;
    const path2 = join(dir, 'budget-edited.xlsx');
    await edited.save(path2);
    const after = (await recalcWithLibreOffice(path2, ['Budget'])).get('Budget')!;
    expect(after[4][6]).toBe(195_000);
    expect([after[7][0], after[7][6]]).toEqual(['Fraud Review', 3_500]);
    expect(after[t][6]).toBe(217_000 + 3_500);
    expect(after.find((r) => r[0] === 'Total annual AI labor budget')?.[6]).toBe((217_000 + 3_500) * 12 + 200_000 + 96_000 + 84_000);
  });

  it('playbook migration pays back in 2.0 months with the defaults (the candidate priced by a Prices row)', async () => {
    const m = playbookMigration();
    const host = new XlsxHost();
    await host.writeWorkbook(m.spec);
    const path = join(dir, 'payback.xlsx');
    await host.save(path);
    const p = (await recalcWithLibreOffice(path, ['Migration Payback'])).get('Migration Payback')!;
    expect(p[7][0]).toBe('csr-agent');
    expect([p[7][7], p[7][9]]).toEqual([3, 1.5]);
    expect(p[7].slice(13, 17)).toEqual([40_000, 40_000, 0.5, 20_000]);
    expect(p[7][20]).toBe(2);
    expect(p[7][23]).toBe('2027-Q1');
  });
});
