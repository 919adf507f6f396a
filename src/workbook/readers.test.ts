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

  it('report every bad cell by its address, and keep its row with that field read as empty (a required field drops the row, and says so)', async () => {
    const g = await grid(inputSheet(AGENTS, sample.agents));
    g[6][5] = 'n/a'; // F7: target_cost_per_outcome
    g[6][6] = -1; // G7: human_cost_per_unit
    g[3][2] = ''; // C4: business_unit, required
    g[4][8] = 1.5; // I5: slo_min_accuracy
    const r = readAgents(g);
    expect(r.errors.map(formatCellError)).toEqual([
      'Agents!C4: expected a non-empty text, got an empty cell; the row is left out (it cannot do without this field)',
      'Agents!I5: expected a ratio between 0 and 1, got 1.5; read as empty, the rest of the row is kept',
      'Agents!F7: expected a number ≥ 0, got "n/a"; read as empty, the rest of the row is kept',
      'Agents!G7: expected a number ≥ 0, got -1; read as empty, the rest of the row is kept',
    ]);
    // only the row without its business unit is left out; the agent with a bad target keeps its SLOs and P&L line
    expect(r.records.map((a) => a.agent_id)).toEqual(sample.agents.filter((_, i) => i !== 2).map((a) => a.agent_id));
    const kept = r.records.find((a) => a.agent_id === sample.agents[5].agent_id)!;
    expect(kept).toEqual({ ...sample.agents[5], target_cost_per_outcome: null, human_cost_per_unit: null });
    expect(r.records.find((a) => a.agent_id === sample.agents[3].agent_id)!.slo_min_accuracy).toBeNull();
    // each record's position on the sheet (sheet row − 1), for exact lookups by position
    expect(r.rows).toEqual([1, 2, 4, 5, 6, 7].slice(0, r.records.length));
  });

  it('refuse ambiguous numbers by address instead of guessing (1,70 is not 170)', async () => {
    const g = await grid(inputSheet(AGENTS, sample.agents));
    g[1][5] = '1,70'; // F2: a decimal comma or a thousands separator?
    g[2][6] = '1.234,5'; // G3: European
    g[3][5] = '1,234'; // F4: 1234 or 1.234?
    g[4][5] = '1,234.50'; // F5: unambiguous
    g[5][5] = '12,345,678'; // F6: unambiguous
    const r = readAgents(g);
    expect(r.errors.map(formatCellError)).toEqual([
      expect.stringMatching(/^Agents!F2: expected a number ≥ 0, got "1,70" \(ambiguous: .*\); read as empty/),
      expect.stringMatching(/^Agents!G3: expected a number ≥ 0, got "1\.234,5" \(ambiguous/),
      expect.stringMatching(/^Agents!F4: expected a number ≥ 0, got "1,234" \(ambiguous/),
    ]);
    expect(r.records.map((a) => a.target_cost_per_outcome).slice(0, 5)).toEqual([null, sample.agents[1].target_cost_per_outcome, null, 1234.5, 12345678]);
    expect(r.records).toHaveLength(sample.agents.length);
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
      { business_unit: 'Customer Service', agents: 4, cost_per_unit: 1.5, monthly_volume: 120000, fixed_monthly_usd: 0, unit_name: 'ticket', source: '' },
      { business_unit: 'Loan Origination', agents: 1, cost_per_unit: 1.8, monthly_volume: 2000, fixed_monthly_usd: 250.5, unit_name: 'application', source: '' },
    ];
    const g = await grid(budgetDriversSheet({ lines, drivers: { margin_pct: 0.25 } }));
    const r = readBudgetDrivers(g);
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual(lines);
    expect(r.drivers).toEqual({ ...DEFAULT_DRIVERS, margin_pct: 0.25 });
    expect(r.layout).toBe('beside');
    const m = g.findIndex((row) => row[8] === 'margin_pct');
    g[m][9] = 'lots';
    g[2][3] = -5;
    expect(readBudgetDrivers(g).errors.map(formatCellError)).toEqual([
      "'Budget Drivers'!D3: expected a number ≥ 0, got -5; the row is left out",
      `'Budget Drivers'!J${m + 1}: expected a number between 0 and 1, got "lots"; the default 0.2 is used`,
    ]);
  });

  it('read a fourth P&L line typed below the others, and Budget Drivers of the earlier layout (drivers below the lines)', async () => {
    const lines = [
      { business_unit: 'A', agents: 1, cost_per_unit: 1, monthly_volume: 10, fixed_monthly_usd: 0, unit_name: '', source: '' },
      { business_unit: 'B', agents: 1, cost_per_unit: 2, monthly_volume: 10, fixed_monthly_usd: 0, unit_name: '', source: '' },
      { business_unit: 'C', agents: 1, cost_per_unit: 3, monthly_volume: 10, fixed_monthly_usd: 0, unit_name: '', source: '' },
    ];
    const g = await grid(budgetDriversSheet({ lines }));
    g[4] = ['Fourth line', 2, 4, 100, 5];
    expect(readBudgetDrivers(g).lines.map((l) => [l.business_unit, l.cost_per_unit * l.monthly_volume + l.fixed_monthly_usd])).toEqual([['A', 10], ['B', 20], ['C', 30], ['Fourth line', 405]]);
    // the earlier layout: lines, a blank row, then "driver | value" in columns A and B
    const old: CellValue[][] = [
      ['business_unit', 'agents', 'cost_per_unit', 'monthly_volume', 'unit_name', 'source'],
      ['A', 1, 1, 10, '', ''],
      [],
      ['driver', 'value', 'description'],
      ['margin_pct', 0.3, ''],
    ];
    const r = readBudgetDrivers(old);
    expect(r).toMatchObject({ layout: 'below', errors: [], drivers: { ...DEFAULT_DRIVERS, margin_pct: 0.3 } });
    expect(r.lines).toEqual([{ business_unit: 'A', agents: 1, cost_per_unit: 1, monthly_volume: 10, fixed_monthly_usd: 0, unit_name: '', source: '' }]);
  });
});
