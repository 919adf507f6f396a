// The playbook's numbers reproduce from Budget Drivers, and editing a driver moves the totals (preview host).
import { PreviewHost } from '../../src/hosts/preview';
import { BUDGET_MEASURE, computePayback } from '../../src/workbook';
import { PLAYBOOK_LINES, playbookBudgetWorkbook, playbookMigration } from './playbook';

const cents = (v: unknown) => Math.round((v as number) * 100) / 100;

async function budgetHost() {
  const host = new PreviewHost();
  await host.writeWorkbook(playbookBudgetWorkbook());
  return host;
}

/** The Budget's total row (it follows the lines and their slack rows). */
async function totalRow(h: PreviewHost) {
  return (await h.readSheet('Budget'))!.findIndex((r) => r[0] === 'Total AI labor') + 1;
}

describe('the playbook budget from Budget Drivers (preview host)', () => {
  it('reproduces $180,000 + $18,400 + $3,600 = $202,000 a month, and the blended $1.55 labelled as mixed units', async () => {
    const h = await budgetHost();
    const T = await totalRow(h);
    // header row 4, lines 5-7, then blank lines for lines the CFO adds, then the total row
    expect([h.value('Budget', 'A5'), h.value('Budget', 'A6'), h.value('Budget', 'A7')]).toEqual(PLAYBOOK_LINES.map((l) => l.business_unit));
    expect([h.value('Budget', 'G5'), h.value('Budget', 'G6'), h.value('Budget', 'G7')]).toEqual([180_000, 18_400, 3_600]);
    expect([h.value('Budget', 'A8'), h.value('Budget', 'G8')]).toEqual(['', '']);
    expect(h.value('Budget', `B${T}`)).toBe(7);
    expect(h.value('Budget', `E${T}`)).toBe(130_000);
    expect(h.value('Budget', `G${T}`)).toBe(202_000);
    // the playbook's "blended $1.55 per unit" adds tickets, claims and applications: the sheet says so in its label
    expect(h.value('Budget', `C${T}`)).toBeNull();
    expect(h.value('Budget', `D${T}`)).toBe('mixed units');
    expect(h.value('Budget', `A${T + 1}`)).toBe('AI labor cost per outcome, all lines (mixed units)');
    expect(cents(h.value('Budget', `C${T + 1}`))).toBe(1.55);
    // each line's volume with its unit, and the measure the cost per unit is
    expect([h.value('Budget', 'D5'), h.value('Budget', 'D6'), h.value('Budget', 'D7')]).toEqual(['ticket', 'claim', 'application']);
    expect([h.value('Budget', 'C4'), h.value('Budget', 'D4'), h.value('Budget', 'E4')]).toEqual(['Cost per outcome', 'Unit', 'Outcomes a month']);
    expect(h.value('Budget', 'A3')).toBe(BUDGET_MEASURE);
    expect(h.formula('Budget', `G${T}`)).toBe(`=ROUND(SUM(G5:G${T - 1}),2)`);
    expect(h.formula('Budget', 'G5')).toBe('=IF($A5="","",ROUND(C5*E5+F5,2))');
  });

  it('reproduces $2,424,000 + $120,000 + $96,000 + $84,000 = $2,724,000 a year', async () => {
    const h = await budgetHost();
    const rows = (await h.readSheet('Budget'))!;
    const annual = (label: string) => rows.find((r) => r[0] === label)?.[6];
    expect(annual('Agent labor cost (variable) = monthly × 12')).toBe(2_424_000);
    expect(annual('Model migrations and testing')).toBe(120_000);
    expect(annual('Infrastructure, observability and vector search')).toBe(96_000);
    expect(annual('Prompt engineering and retraining')).toBe(84_000);
    expect(annual('Total annual AI labor budget')).toBe(2_724_000);
    // margin: the playbook's 20% by default
    expect(annual('Margin for underestimated infrastructure, review overages, price increases')).toBe(544_800);
    expect(annual('Annual budget including margin')).toBe(3_268_800);
  });

  it('moves the totals as the formulas say when a Budget Drivers cell is edited, and grows with a fourth line', async () => {
    const h = await budgetHost();
    const T = await totalRow(h);
    h.setCell('Budget Drivers', 'D2', 130_000); // Customer Service volume
    expect(h.value('Budget', 'G5')).toBe(195_000);
    expect(h.value('Budget', `G${T}`)).toBe(217_000);
    h.setCell('Budget Drivers', 'C3', 2.5); // Claims cost per unit
    expect(h.value('Budget', 'G6')).toBe(20_000);
    expect(h.value('Budget', `G${T}`)).toBe(218_600);
    const rows = (await h.readSheet('Budget'))!;
    const annual = (label: string) => rows.find((r) => r[0] === label)?.[6];
    expect(annual('Agent labor cost (variable) = monthly × 12')).toBe(2_623_200);
    expect(annual('Total annual AI labor budget')).toBe(2_623_200 + 300_000);
    // an annual driver, found by its key in the drivers block beside the lines
    const drivers = (await h.readSheet('Budget Drivers'))!;
    const r = drivers.findIndex((row) => row[8] === 'model_migrations_usd');
    h.setCell('Budget Drivers', `J${r + 1}`, 200_000);
    expect((await h.readSheet('Budget'))!.find((x) => x[0] === 'Total annual AI labor budget')?.[6]).toBe(2_623_200 + 380_000);
    // a fourth P&L line typed under the three: the Budget picks it up without regenerating
    h.setCell('Budget Drivers', 'A5', 'Fraud Review');
    h.setCell('Budget Drivers', 'B5', 1);
    h.setCell('Budget Drivers', 'C5', 0.75);
    h.setCell('Budget Drivers', 'D5', 4_000);
    h.setCell('Budget Drivers', 'E5', 500);
    expect(h.value('Budget', 'A8')).toBe('Fraud Review');
    expect(h.value('Budget', 'G8')).toBe(3_500);
    expect(h.value('Budget', `B${T}`)).toBe(8);
    expect(h.value('Budget', `G${T}`)).toBe(218_600 + 3_500);
  });
});

describe('the playbook migration (preview host)', () => {
  it('pays back in 2.0 months with the defaults: $40,000 one-off, no parallel run, cost halved through a Prices row', async () => {
    const m = playbookMigration();
    const h = new PreviewHost();
    await h.writeWorkbook(m.spec);
    // header row 7, the agent on row 8
    expect(h.value('Migration Payback', 'A8')).toBe('csr-agent');
    expect(h.value('Migration Payback', 'D8')).toBe('claude-3-5-sonnet'); // the suggested candidate is the playbook's
    expect([h.value('Migration Payback', 'H8'), h.value('Migration Payback', 'J8')]).toEqual([3, 1.5]); // $/M input: catalog, Prices row
    expect(h.value('Migration Payback', 'N8')).toBe(40_000); // model spend in the Ledger
    expect(h.value('Migration Payback', 'O8')).toBe(40_000); // the spend used: defaults to the Ledger's
    expect(h.value('Migration Payback', 'P8')).toBe(0.5);
    expect(h.value('Migration Payback', 'Q8')).toBe(20_000);
    expect(h.value('Migration Payback', 'S8')).toBe(0);
    expect(h.value('Migration Payback', 'U8')).toBe(2);
    expect(h.value('Migration Payback', 'X8')).toBe('2027-Q1');
    expect(computePayback(m.result, m.inputs, [m.agent])[0].payback).toBe(2);
    // the candidate's price is a link to the Prices sheet: a renegotiated price moves the payback
    h.setCell('Prices', 'D2', 2.25); // input $/M 1.5 → 2.25: a 25% cut, $10,000 a month
    expect(h.value('Migration Payback', 'Q8')).toBe(10_000);
    expect(h.value('Migration Payback', 'U8')).toBe(4);
    h.setCell('Prices', 'D2', 1.5);
    // a month of parallel run at the candidate's $20,000 adds a month
    h.setCell('Migration Payback', 'S8', 1);
    expect(h.value('Migration Payback', 'T8')).toBe(20_000);
    expect(h.value('Migration Payback', 'U8')).toBe(3);
    // the monthly spend is an input: half the spend, twice the payback
    h.setCell('Migration Payback', 'S8', 0);
    h.setCell('Migration Payback', 'O8', 20_000);
    expect(h.value('Migration Payback', 'U8')).toBe(4);
    // a candidate that costs more than today: "never", and why
    h.setCell('Prices', 'D2', 4);
    h.setCell('Prices', 'G2', 20);
    expect(h.value('Migration Payback', 'U8')).toBe('never');
    expect(h.value('Migration Payback', 'V8')).toBe('the candidate costs as much or more per unit');
    expect(h.value('Migration Payback', 'X8')).toBe('never');
    // a candidate model with no price anywhere: never, because of that
    h.setCell('Migration Payback', 'D8', 'house-model-9');
    expect(h.value('Migration Payback', 'U8')).toBe('never');
    expect(h.value('Migration Payback', 'V8')).toBe('no price for the candidate model: add it to Model prices');
  });
});
