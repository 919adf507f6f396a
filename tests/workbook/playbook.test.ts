// The playbook's numbers reproduce from Budget Drivers, and editing a driver moves the totals (preview host).
import { PreviewHost } from '../../src/hosts/preview';
import { computePayback } from '../../src/workbook';
import { PLAYBOOK_LINES, playbookBudgetWorkbook, playbookMigration } from './playbook';

const cents = (v: unknown) => Math.round((v as number) * 100) / 100;

async function budgetHost() {
  const host = new PreviewHost();
  await host.writeWorkbook(playbookBudgetWorkbook());
  return host;
}

describe('the playbook budget from Budget Drivers (preview host)', () => {
  it('reproduces $180,000 + $18,400 + $3,600 = $202,000 a month and a blended $1.55 per unit', async () => {
    const h = await budgetHost();
    // header row 4, lines 5-7, total row 8
    expect([h.value('Budget', 'A5'), h.value('Budget', 'A6'), h.value('Budget', 'A7')]).toEqual(PLAYBOOK_LINES.map((l) => l.business_unit));
    expect([h.value('Budget', 'F5'), h.value('Budget', 'F6'), h.value('Budget', 'F7')]).toEqual([180_000, 18_400, 3_600]);
    expect(h.value('Budget', 'A8')).toBe('Total AI labor');
    expect(h.value('Budget', 'B8')).toBe(7);
    expect(h.value('Budget', 'E8')).toBe(130_000);
    expect(h.value('Budget', 'F8')).toBe(202_000);
    expect(cents(h.value('Budget', 'C8'))).toBe(1.55);
    expect(h.formula('Budget', 'F8')).toBe('=ROUND(SUM(F5:F7),2)');
    expect(h.formula('Budget', 'F5')).toBe('=ROUND(C5*E5,2)');
  });

  it('reproduces $2,424,000 + $120,000 + $96,000 + $84,000 = $2,724,000 a year', async () => {
    const h = await budgetHost();
    const rows = (await h.readSheet('Budget'))!;
    const annual = (label: string) => rows.find((r) => r[0] === label)?.[5];
    expect(annual('Agent labor cost (variable) = monthly × 12')).toBe(2_424_000);
    expect(annual('Model migrations and testing')).toBe(120_000);
    expect(annual('Infrastructure, observability and vector search')).toBe(96_000);
    expect(annual('Prompt engineering and retraining')).toBe(84_000);
    expect(annual('Total annual AI labor budget')).toBe(2_724_000);
    // margin: the playbook's 20% by default
    expect(annual('Margin for underestimated infrastructure, review overages, price increases')).toBe(544_800);
    expect(annual('Annual budget including margin')).toBe(3_268_800);
  });

  it('moves the totals as the formulas say when a Budget Drivers cell is edited', async () => {
    const h = await budgetHost();
    h.setCell('Budget Drivers', 'D2', 130_000); // Customer Service volume
    expect(h.value('Budget', 'F5')).toBe(195_000);
    expect(h.value('Budget', 'F8')).toBe(217_000);
    h.setCell('Budget Drivers', 'C3', 2.5); // Claims cost per unit
    expect(h.value('Budget', 'F6')).toBe(20_000);
    expect(h.value('Budget', 'F8')).toBe(218_600);
    const rows = (await h.readSheet('Budget'))!;
    const annual = (label: string) => rows.find((r) => r[0] === label)?.[5];
    expect(annual('Agent labor cost (variable) = monthly × 12')).toBe(2_623_200);
    expect(annual('Total annual AI labor budget')).toBe(2_623_200 + 300_000);
    // an annual driver, found by its key in column A of the drivers block
    const drivers = (await h.readSheet('Budget Drivers'))!;
    const r = drivers.findIndex((row) => row[0] === 'model_migrations_usd');
    h.setCell('Budget Drivers', `B${r + 1}`, 200_000);
    expect((await h.readSheet('Budget'))!.find((x) => x[0] === 'Total annual AI labor budget')?.[5]).toBe(2_623_200 + 380_000);
  });
});

describe('the playbook migration (preview host)', () => {
  it('pays back in 2.0 months: $40,000 one-off, cost halved on an agent spending $40,000 a month', async () => {
    const m = playbookMigration();
    const h = new PreviewHost();
    await h.writeWorkbook(m.spec);
    // header row 7, the agent on row 8
    expect(h.value('Migration Payback', 'A8')).toBe('csr-agent');
    expect(h.value('Migration Payback', 'N8')).toBe(40_000); // monthly model spend from the Ledger
    expect(h.value('Migration Payback', 'O8')).toBe(0.5);
    expect(h.value('Migration Payback', 'P8')).toBe(20_000);
    expect(h.value('Migration Payback', 'T8')).toBe(2);
    expect(h.value('Migration Payback', 'V8')).toBe('2027-Q1');
    expect(computePayback(m.result, m.inputs)[0].payback).toBe(2);
    // a month of parallel run at the candidate's $20,000 adds a month
    h.setCell('Migration Payback', 'R8', 1);
    expect(h.value('Migration Payback', 'S8')).toBe(20_000);
    expect(h.value('Migration Payback', 'T8')).toBe(3);
    // a candidate that costs more than today: no saving, nothing scheduled
    h.setCell('Migration Payback', 'J8', 4);
    h.setCell('Migration Payback', 'K8', 20);
    expect(h.value('Migration Payback', 'T8')).toBe('');
    expect(h.value('Migration Payback', 'V8')).toBe('no saving');
  });
});
