// The demo workbook evaluated in-process by HyperFormula: no error value anywhere, every report figure equals the core's.
import { PreviewHost } from '../../src/hosts/preview';
import { computeSlo, type CellValue } from '../../src/workbook';
import { demoWorkbook } from './demo';
import { checkFigures, errorCells } from './figures-check';

describe('demo workbook in the preview host', () => {
  const demo = demoWorkbook();
  const host = new PreviewHost();
  const grids = new Map<string, CellValue[][] | null>();
  beforeAll(async () => {
    await host.writeWorkbook(demo.spec);
    for (const s of demo.spec.sheets) grids.set(s.name, await host.readSheet(s.name));
  });

  it('has data to check', () => {
    expect(demo.result.rows.length).toBeGreaterThan(100);
    expect(demo.result.unattributed.length).toBeGreaterThan(0);
    expect(demo.spec.sheets.map((s) => s.name)).toEqual([
      `Chargeback ${demo.period}`, 'Invoice Reconciliation', 'Budget', 'Migration Payback', 'SLO Monitor', 'Agent P&L', 'Ledger', 'Unattributed', 'Import Issues',
      'Agents', 'Rates', 'Tool Prices', 'Prices', 'Overheads', 'Invoices', 'Budget Drivers', 'Benchmarks',
    ]);
  });

  it('has no error value in any cell of any sheet', () => {
    expect(errorCells(demo.spec.sheets.map((s) => s.name), (s) => grids.get(s) ?? null)).toEqual([]);
  });

  it('computes every Chargeback, Budget, Payback, SLO and Agent P&L figure as the core does, to the cent', () => {
    const { problems, checked } = checkFigures((s) => grids.get(s) ?? null, demo.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it('ties the chargeback total to the Ledger and balances the journal entry', () => {
    const cb = grids.get(`Chargeback ${demo.period}`)!;
    const diff = cb.find((r) => r[0] === 'Difference (ties when 0.00)')!;
    expect(diff[12]).toBe(0);
    expect(cb.some((r) => r[0] === 'balanced')).toBe(true);
  });

  it('keeps untrusted text as text (a formula in a rejected value stays a string)', () => {
    const issues = grids.get('Import Issues')!;
    expect(issues[1][4]).toBe('=HYPERLINK("http://x","click")');
    expect(host.formula('Import Issues', 'E2')).toBeUndefined();
  });
});

describe('the figure check itself', () => {
  it('reports a figure that is off by a cent, and an error value, by address', async () => {
    const demo = demoWorkbook();
    const host = new PreviewHost();
    await host.writeWorkbook(demo.spec);
    const grids = new Map<string, CellValue[][] | null>();
    for (const s of demo.spec.sheets) grids.set(s.name, await host.readSheet(s.name));
    const cb = grids.get(`Chargeback ${demo.period}`)!;
    (cb[5][12] as number) += 0.01;
    grids.get('Budget')![4][5] = '#VALUE!';
    const { problems } = checkFigures((s) => grids.get(s) ?? null, demo.figures);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^Chargeback \d{4}-\d{2}!M6: expected/), expect.stringMatching(/^Budget!F5: expected/)]));
    expect(errorCells(['Budget'], (s) => grids.get(s) ?? null)).toEqual(['Budget!F5 #VALUE!']);
  });

  it('exercises the SLO flags on the demo data (alerts, two-month runs)', () => {
    const demo = demoWorkbook();
    const slo = computeSlo(demo.result);
    expect(slo.some((s) => s.alert)).toBe(true);
    expect(slo.some((s) => s.twoMonths)).toBe(true);
    expect(slo.some((s) => !s.above)).toBe(true);
  });
});
