// Issue #18's points as one scenario each, written only against APIs the add-in had before the issue (ExcelHost,
// readLedgerFromHost, excelChartService, installExcelLedgerLoader, the functions and their generated functions.json),
// so the same file runs against the code before and after: before, every one of these failed against the fake (the
// run is recorded in the closing report); now they pass. The fake enforces only documented behaviour
// (SOURCE.md).
import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
import { join } from 'node:path';
import { buildLedger } from '../../src/core/ledger';
import { aggregate } from '../../src/core/ledger/aggregate';
import { sampleData } from '../../src/core/sample';
import { installExcelLedgerLoader } from '../../src/functions/excel-loader';
import * as fns from '../../src/functions/functions';
import { ledgerStore } from '../../src/functions/store';
import { ExcelHost } from '../../src/hosts/excel';
import { excelChartService } from '../../src/taskpane/services/excel-chart';
import { readLedgerFromHost } from '../../src/taskpane/services/ledger-read';
import { buildWorkbook, chargebackSheet, ledgerSheet, SheetKeys, SLO_SHEET } from '../../src/workbook';
import { isCell } from '../../src/workbook/spec';
import { createExcelFake, type ExcelFake, type FunctionMetadata } from './excel-fake';

const sample = sampleData({ scale: 0.002, months: 2 });
const result = buildLedger(sample);
const period = result.periods[result.periods.length - 1];

let x: ExcelFake;
let undo: (() => void) | null = null;
let uninstall: (() => Promise<void>) | null = null;
beforeEach(() => {
  ledgerStore.reset();
  x = createExcelFake();
  undo = x.install();
});
afterEach(async () => {
  await uninstall?.();
  uninstall = null;
  undo?.();
  ledgerStore.reset();
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The workbook the add-in writes, seeded as values (no request), plus the functions registered from functions.json. */
async function workbookWithFunctions(extra: Record<string, (string | number)[][]> = {}) {
  const seed = createExcelFake({ platform: 'windows' });
  const u = seed.install();
  try {
    await new ExcelHost().writeWorkbook(buildWorkbook({ result, ctx: sample }));
  } finally {
    u();
    undo = x.install();
  }
  for (const s of seed.state.sheets) x.state.sheets.push(s);
  for (const [name, grid] of Object.entries(extra)) x.seedSheet(name, grid);
  const meta = await generateCustomFunctionsMetadata(join(__dirname, '../../src/functions/functions.ts'), false);
  x.customFunctions.register(JSON.parse(meta.metadataJson) as { functions: FunctionMetadata[] });
  for (const a of meta.associate as { id: string; functionName: string }[]) x.customFunctions.CustomFunctions.associate(a.id, (fns as unknown as Record<string, () => unknown>)[a.functionName]);
  const inst = await installExcelLedgerLoader({ debounceMs: 5 } as never);
  uninstall = inst.uninstall;
}

it('1. a write started while the user types in a cell waits and completes (delayForCellEdit)', async () => {
  x.user.beginCellEdit();
  const p = new ExcelHost().writeSheet(chargebackSheet(result, period, sample.agents));
  const outcome = p.then(() => 'written', (e: { code?: string }) => e.code);
  await wait(20);
  x.user.endCellEdit();
  expect(await outcome).toBe('written');
});

it('2. the pane reads a Ledger larger than one 5 MB response (blocked reads)', async () => {
  // ~34,000 rows, ~5.7 MB of values
  const rows = Array.from({ length: 66 }, (_, k) => result.rows.map((r) => ({ ...r, work_item_id: `${r.work_item_id}-${k}` }))).flat();
  for (const g of ledgerSheet(rows, SheetKeys.of({ rows, unattributed: result.unattributed })).grids) x.seedSheet('Ledger', g.rows.map((row) => row.map((c) => (isCell(c) ? (c.v as never) : (c as never)))), g.at);
  const stored = await readLedgerFromHost(new ExcelHost());
  expect(stored!.result.rows.length).toBe(rows.length);
});

it('3. a block Excel refuses as too large (code, localized message) is written again in halves', async () => {
  x.failNextSync('RequestPayloadSizeLimitExceeded', (i) => i.labels.includes('formulas'));
  await new ExcelHost().writeSheet(ledgerSheet(result.rows, SheetKeys.of(result)));
  expect(x.value('Ledger', 'A2')).toBe(result.rows[0].period);
});

it('4. the trend chart waits for a cell edit instead of failing', async () => {
  x.seedSheet(SLO_SHEET, [['Agent']]);
  x.user.beginCellEdit();
  const p = excelChartService().addTrendChart([{ agent_id: 'a', points: [{ period, value: 1 }] }], [period]).then(() => 'ok', (e: { code?: string }) => e.code);
  await wait(20);
  x.user.endCellEdit();
  expect(await p).toBe('ok');
});

it('5. TOKENCOST accepts a date cell (the parameter is not converted to text)', async () => {
  await workbookWithFunctions({ Calc: [[45566, '=AILABOR.TOKENCOST("gpt-4o",1000000,0,0,0,A1)']] });
  x.user.fullCalculation();
  await x.settled();
  expect(x.value('Calc', 'B1')).toBeCloseTo(2.5, 10);
});

it('6. a ledger load during a cell edit waits: the cell shows the figure, not a lasting #N/A', async () => {
  await workbookWithFunctions({ Model: [[`=AILABOR.WORKITEMS("*","${period}")`]] });
  x.user.beginCellEdit();
  x.user.fullCalculation();
  await wait(30);
  x.user.endCellEdit();
  await wait(30);
  await x.settled();
  expect(x.value('Model', 'A1')).toBe(aggregate(result, 'all', period)[0].work_items);
});

it('7. an edit of the Agents sheet recalculates this workbook\'s AILABOR cells, not every formula of every open workbook', async () => {
  await workbookWithFunctions({ Model: [[`=AILABOR.OUTCOMES("*","${period}")`]] });
  x.user.fullCalculation();
  await x.settled();
  x.user.edit('Agents', 'Z1', 'note');
  await wait(400);
  await x.settled();
  expect(x.log.calculations.length).toBeGreaterThan(0);
  expect(x.log.calculations.filter((c) => c.scope === 'application')).toEqual([]);
});

it('8. TOKENCOST prices by the Prices sheet, also before the ledger is loaded', async () => {
  await workbookWithFunctions();
  const prices = x.sheet('Prices')!;
  const header = [...(prices.values.get(0) ?? new Map()).entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => String(v));
  const r = Math.max(...prices.values.keys()) + 1;
  x.seedSheet('Prices', [header.map((h) => ({ provider: '*', model: 'gpt-4o', input_mtok: 1, output_mtok: 2 } as Record<string, string | number>)[h] ?? '')], `A${r + 1}`);
  x.seedSheet('Calc', [['=AILABOR.TOKENCOST("gpt-4o",1000000,1000000)']]);
  x.user.fullCalculation();
  await x.settled();
  expect(x.value('Calc', 'A1')).toBeCloseTo(3, 10);
});
