import { sampleData } from '../core/sample';
import { PreviewHost } from '../hosts/preview';
import {
  AGENTS,
  budgetDriversSheet,
  DEFAULT_DRIVERS,
  formatCellError,
  inputSheet,
  INVOICES,
  OVERHEADS,
  PRICES,
  readAgents,
  readBudgetDrivers,
  readInvoices,
  readOverheads,
  readPrices,
  serialToIso,
  type CellValue,
} from './index';

const sample = sampleData({ scale: 0.0005, months: 2 });

async function grid(spec: Parameters<PreviewHost['writeSheet']>[0]): Promise<CellValue[][]> {
  const h = new PreviewHost();
  await h.writeSheet(spec);
  return (await h.readSheet(spec.name))!;
}

describe('input sheet readers', () => {
  it('read back exactly the records the sheet was built from', async () => {
    expect(readAgents(await grid(inputSheet(AGENTS, sample.agents))).records).toEqual(sample.agents);
    expect(readOverheads(await grid(inputSheet(OVERHEADS, sample.overheads))).records).toEqual(sample.overheads);
    expect(readInvoices(await grid(inputSheet(INVOICES, sample.invoices))).records).toEqual(sample.invoices);
    expect(readPrices(await grid(inputSheet(PRICES, sample.prices))).records).toEqual(sample.prices);
  });

  it('report every bad cell by its address, with what was expected and what was found', async () => {
    const g = await grid(inputSheet(AGENTS, sample.agents));
    g[6][5] = 'n/a'; // F7: target_cost_per_outcome
    g[6][6] = -1; // G7: human_cost_per_unit
    g[3][2] = ''; // C4: business_unit, required
    g[4][8] = 1.5; // I5: slo_min_accuracy
    const r = readAgents(g);
    expect(r.errors.map(formatCellError)).toEqual([
      'Agents!C4: expected a non-empty text, got an empty cell',
      'Agents!I5: expected a ratio between 0 and 1, got 1.5',
      'Agents!F7: expected a number ≥ 0, got "n/a"',
    ]);
    // a row with a bad cell is left out; the others are read (G7 is reported once F7 is fixed)
    expect(r.records.map((a) => a.agent_id)).toEqual(sample.agents.filter((_, i) => ![2, 3, 5].includes(i)).map((a) => a.agent_id));
    g[6][5] = 1.5;
    expect(readAgents(g).errors.map(formatCellError)).toContain('Agents!G7: expected a number ≥ 0, got -1');
  });

  it('accept what Excel does to typed values: percentages as text, a period turned into a date, money with $ and commas', async () => {
    const g = await grid(inputSheet(OVERHEADS, sample.overheads));
    g[1][0] = 46296; // Excel's serial for 2026-10-01: a typed "2026-10" becomes a date
    g[1][2] = '$1,234.50';
    expect(serialToIso(46296)).toBe('2026-10-01');
    const r = readOverheads(g);
    expect(r.errors).toEqual([]);
    expect(r.records[0]).toMatchObject({ period: '2026-10', amount_usd: 1234.5 });
    const a = await grid(inputSheet(AGENTS, sample.agents));
    a[1][8] = '92%';
    expect(readAgents(a).records[0].slo_min_accuracy).toBe(0.92);
  });

  it('find columns by header name, so reordered columns still read; a missing required column is one clear error', async () => {
    const g = await grid(inputSheet(INVOICES, sample.invoices));
    const swapped = g.map((row) => [row[2], row[1], row[0]]);
    expect(readInvoices(swapped).records).toEqual(sample.invoices);
    const noProvider = g.map((row) => [row[0], null, row[2]]);
    expect(readInvoices(noProvider).errors.map(formatCellError)).toEqual(['Invoices!A1: missing column "provider" in the header row 1']);
    expect(readInvoices(null).errors.map(formatCellError)).toEqual(['Invoices: sheet "Invoices" is missing']);
  });

  it('read Budget Drivers: the P&L lines and the scalar drivers, bad drivers by address', async () => {
    const lines = [
      { business_unit: 'Customer Service', agents: 4, cost_per_unit: 1.5, monthly_volume: 120000, unit_name: 'ticket', source: '' },
      { business_unit: 'Loan Origination', agents: 1, cost_per_unit: 1.8, monthly_volume: 2000, unit_name: 'application', source: '' },
    ];
    const g = await grid(budgetDriversSheet({ lines, drivers: { margin_pct: 0.25 } }));
    const r = readBudgetDrivers(g);
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual(lines);
    expect(r.drivers).toEqual({ ...DEFAULT_DRIVERS, margin_pct: 0.25 });
    const m = g.findIndex((row) => row[0] === 'margin_pct');
    g[m][1] = 'lots';
    g[2][3] = -5;
    expect(readBudgetDrivers(g).errors.map(formatCellError)).toEqual([
      "'Budget Drivers'!D3: expected a number ≥ 0, got -5",
      `'Budget Drivers'!B${m + 1}: expected a number between 0 and 1, got "lots"`,
    ]);
  });
});
