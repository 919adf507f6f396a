// The AILABOR functions inside Excel, against the documented-behaviour Excel fake (tests/excel-fake, SOURCE.md): the
// functions are registered from the functions.json the metadata generator writes (as Excel reads it), cells hold
// `=AILABOR.…` formulas, and the fake converts arguments by their declared type, runs the functions, and keeps what
// they return. The store's loader reads the sheets through the pane's blocked reader; change events, the Refresh's
// own writes, cell-edit mode, failed loads and recalculation scope behave as Microsoft documents.
import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
import * as path from 'path';
import { roundShown } from '../../src/core/ledger/rounding';
import { aggregate } from '../../src/core/ledger/aggregate';
import { installExcelLedgerLoader, loadLedgerFromWorkbook, WATCHED_SHEETS, type InstalledLoader } from '../../src/functions/excel-loader';
import * as fns from '../../src/functions/functions';
import { startInExcel } from '../../src/functions/register';
import { ledgerStore } from '../../src/functions/store';
import { ExcelHost } from '../../src/hosts/excel';
import { PreviewHost } from '../../src/hosts/preview';
import { refreshWorkbook } from '../../src/taskpane/services/refresh';
import { defaultFunctionStore, sheetsWritten } from '../../src/taskpane/services/function-store';
import { inProcessRunner } from '../../src/taskpane/services/runner';
import { DEFAULT_LINK_RULES } from '../../src/sources/links';
import type { CellValue } from '../../src/workbook';
import { demoWorkbook } from '../workbook/demo';
import { createExcelFake, type ExcelFake, type FunctionMetadata } from '../excel-fake/excel-fake';

const demo = demoWorkbook();
const { result, period } = demo;
const SRC = path.join(__dirname, '../../src/functions/functions.ts');

type Grid = (string | number | boolean)[][];
let values: Record<string, Grid>;
let metadata: { functions: FunctionMetadata[] };
let associate: { id: string; functionName: string }[];

/** The demo workbook's computed values, as Office.js returns them. */
async function workbookValues(): Promise<Record<string, Grid>> {
  const host = new PreviewHost();
  await host.writeWorkbook(demo.spec);
  const out: Record<string, Grid> = {};
  for (const s of WATCHED_SHEETS) {
    const g = (await host.readSheet(s)) as CellValue[][];
    out[s] = g.map((row) => row.map((v) => (v === null ? '' : v)));
  }
  return out;
}

beforeAll(async () => {
  values = await workbookValues();
  const r = await generateCustomFunctionsMetadata(SRC, false);
  expect(r.errors).toEqual([]);
  metadata = JSON.parse(r.metadataJson);
  associate = r.associate as { id: string; functionName: string }[];
});

let x: ExcelFake;
let undo: (() => void) | null = null;
let installed: InstalledLoader | null = null;

/** A workbook in Excel with the demo's sheets, the add-in's functions registered as its bundle does. */
function excel(sheets: Record<string, Grid> = values, opts: Parameters<typeof createExcelFake>[0] = {}): ExcelFake {
  x = createExcelFake(opts);
  for (const [name, grid] of Object.entries(sheets)) x.seedSheet(name, grid);
  x.customFunctions.register(metadata);
  for (const a of associate) x.customFunctions.CustomFunctions.associate(a.id, (fns as unknown as Record<string, (...a: unknown[]) => unknown>)[a.functionName]);
  undo = x.install();
  return x;
}

async function install(opts: Parameters<typeof installExcelLedgerLoader>[0] = {}) {
  installed = await installExcelLedgerLoader({ debounceMs: 5, retryDelaysMs: [10, 20], ...opts });
  return installed;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Lets change events, the debounce and the recalculation run, then waits for the functions' values. */
async function quiet(ms = 60) {
  await wait(ms);
  await installed?.idle().catch(() => undefined);
  await x.settled();
}

beforeEach(() => ledgerStore.reset());
afterEach(async () => {
  await installed?.uninstall();
  installed = null;
  undo?.();
  undo = null;
  ledgerStore.reset();
});

const all = (p: string) => aggregate(result, 'all', p)[0];
const agentOf = (i: number) => demo.ctx.agents[i].agent_id;

describe('loadLedgerFromWorkbook (the blocked reader)', () => {
  it('reads Ledger, Unattributed, Agents, Prices and Benchmarks back into what the build produced, in 3 syncs', async () => {
    excel();
    const snap = await loadLedgerFromWorkbook();
    // the sheet's work_items column (1 on every row of the per-item grain) is read back too
    expect(snap.rows).toEqual(result.rows.map((r) => ({ ...r, work_items: 1 })));
    expect(snap.unattributed).toEqual(result.unattributed);
    expect(snap.agents).toEqual(demo.ctx.agents);
    expect(snap.prices).toEqual(demo.ctx.prices);
    expect(snap.missing).toEqual([]);
    expect(snap.syncs).toBe(3); // existence, dimensions, then every sheet's values together
    expect(x.log.runs.every((r) => r.delayForCellEdit)).toBe(true);
  });

  it('reads in row blocks, each sync under the cell budget, with the same result', async () => {
    excel();
    const snap = await loadLedgerFromWorkbook({ maxCellsPerSync: 2_000 });
    expect(snap.rows).toEqual(result.rows.map((r) => ({ ...r, work_items: 1 })));
    expect(snap.syncs).toBeGreaterThan(5);
  });

  it('names the cell of a bad value; a missing column is named with its header row', async () => {
    const ledger = values.Ledger.map((row) => [...row]);
    ledger[6][ledger[0].indexOf('total')] = 'n/a';
    excel({ ...values, Ledger: ledger });
    await expect(loadLedgerFromWorkbook()).rejects.toThrow(/^Ledger!L7: expected a number, got "n\/a"$/);
    undo?.();
    excel({ ...values, Ledger: values.Ledger.map((row) => row.filter((_, i) => values.Ledger[0][i] !== 'success')) });
    await expect(loadLedgerFromWorkbook()).rejects.toThrow(/Ledger!A1: missing column "success" in the header row 1/);
  });
});

describe('AILABOR cells in Excel (the fake runs the registered functions)', () => {
  const model = () => [[`=AILABOR.TOTALCOST("*","${period}")`, `=AILABOR.OUTCOMES("*",A2)`, `=AILABOR.COSTPEROUTCOME("${agentOf(0)}",DATE(2026,10,1))`, `=AILABOR.COSTTREND("${agentOf(0)}","${result.periods[0]}")`], [46296]];

  it('compute the core\'s figures; a period given as a date cell or DATE() works; COSTTREND spills with to_period left out; TREND is no AILABOR function', async () => {
    excel({ ...values, Model: [...model(), ['=AILABOR.TREND("*","2026-08")']] });
    await install();
    x.user.fullCalculation();
    await quiet();
    expect(x.value('Model', 'A1')).toBe(all(period).total);
    expect(x.value('Model', 'B1')).toBe(all('2026-10').outcomes);
    const a0 = aggregate(result, 'agent', '2026-10').find((a) => a.key === agentOf(0))!;
    expect(x.value('Model', 'C1')).toBe(a0.cost_per_outcome);
    const series = aggregate(result, 'agent').filter((a) => a.key === agentOf(0));
    expect([x.value('Model', 'D1'), x.value('Model', 'D2'), x.value('Model', 'D3')]).toEqual(series.map((a) => a.cost_per_outcome));
    expect(x.value('Model', 'A3')).toBe('#NAME?');
    // the cells' sheet is known from their invocation addresses
    expect(ledgerStore.callerSheets()).toEqual(['Model']);
  });

  it('TOKENCOST takes a date cell: with `date` declared as text (before #18) Excel would pass "45566" and get #VALUE!', async () => {
    excel({ ...values, Calc: [[45566, '=AILABOR.TOKENCOST("gpt-4o",1000000,0,0,0,A1)', '=AILABOR.MODELPRICE("gpt-4o","output",A1)']] });
    await install();
    x.user.fullCalculation();
    await quiet();
    expect(x.value('Calc', 'B1')).toBeCloseTo(2.5, 10);
    expect(x.value('Calc', 'C1')).toBe(10);
    // the same call with the old declaration: Excel converts the serial to text before calling
    const old = structuredClone(metadata);
    old.functions.find((f) => f.id === 'TOKENCOST')!.parameters.find((p) => p.name === 'date')!.type = 'string';
    x.customFunctions.register(old);
    x.user.fullCalculation();
    await quiet();
    expect(x.value('Calc', 'B1')).toBe('#VALUE!');
    expect(x.message('Calc', 'B1')).toMatch(/^date: expected an Excel date or an ISO date .*got "45566"/);
  });

  it('TOKENCOST prices by the Prices sheet even before the ledger is loaded (never the catalog\'s price meanwhile)', async () => {
    const prices = values.Prices.map((r) => [...r]);
    const h = prices[0];
    const row = h.map(() => '' as string | number);
    row[h.indexOf('provider')] = '*';
    row[h.indexOf('model')] = 'gpt-4o';
    row[h.indexOf('input_mtok')] = 1;
    row[h.indexOf('output_mtok')] = 2;
    prices.push(row);
    excel({ Prices: prices, Calc: [['=AILABOR.TOKENCOST("gpt-4o",1000000,1000000)']] });
    await install();
    expect(ledgerStore.status()).toBe('empty');
    x.user.fullCalculation();
    await quiet();
    expect(x.value('Calc', 'A1')).toBeCloseTo(3, 10); // the sheet's negotiated price, not the catalog's 12.50
  });

  it('an edit of a watched sheet re-reads it and recalculates only the sheets with AILABOR cells (never every open workbook)', async () => {
    excel({ ...values, Model: [[`=AILABOR.TARGETVARIANCE("${agentOf(1)}","${period}")`]], Notes: [['=SUM(1,2)']] }, { otherOpenWorkbooks: 2 });
    await install();
    x.user.fullCalculation();
    await quiet();
    const a = aggregate(result, 'agent', period).find((v) => v.key === agentOf(1))!;
    // compared as the Chargeback shows it: cost per outcome and target in cents
    expect(x.value('Model', 'A1')).toBe(roundShown(roundShown(a.cost_per_outcome!, 2) - demo.ctx.agents[1].target_cost_per_outcome!, 2));
    // the user sets a new target on the Agents sheet
    const col = values.Agents[0].indexOf('target_cost_per_outcome');
    x.user.edit('Agents', `${String.fromCharCode(65 + col)}3`, 99);
    await quiet();
    expect(x.value('Model', 'A1')).toBe(roundShown(roundShown(a.cost_per_outcome!, 2) - 99, 2));
    expect(x.log.calculations).toEqual([{ scope: 'worksheet', sheet: 'Model', workbooks: 1, functionCells: 1 }]);
    // an edit elsewhere changes nothing
    x.user.edit('Notes', 'B1', 5);
    await quiet();
    expect(x.log.calculations).toHaveLength(1);
    expect(ledgerStore.status()).toBe('ready');
  });

  it('a Refresh\'s own writes are not taken for user edits: the functions wait while it writes, then show the new figures after one recalculation', async () => {
    excel({ Model: [[`=AILABOR.TOTALCOST("*","2026-10")`]] });
    const events: string[] = [];
    ledgerStore.subscribe((e) => e && events.push(e));
    await install();
    x.user.fullCalculation();
    await quiet();
    expect(x.message('Model', 'A1')).toMatch(/No Ledger sheet/);
    ledgerStore.invalidate(); // (as after any edit: the next use reads the sheets)
    await quiet();
    events.length = 0;
    const calcBefore = x.log.calculations.length;
    // the pane's Refresh, as in Excel: ExcelHost (events off while writing) + the functions' store
    let during: Promise<number> | null = null;
    const outcome = await refreshWorkbook({
      host: new ExcelHost({ onSheetsWritten: sheetsWritten }),
      sources: [{ id: 's', name: 'sample', type: 'sample', options: { seed: 7, scale: 0.001, months: 3, endPeriod: '2026-10' } }],
      links: DEFAULT_LINK_RULES,
      runner: inProcessRunner(),
      functionStore: defaultFunctionStore,
      onProgress: (p) => {
        // a calculation while the sheets are being written: the function waits instead of reading half a Ledger
        if (!during && /^Writing the Ledger .*: \d+%$/.test(p.step)) {
          during = fns.totalCost('*', '2026-10');
          during.catch(() => undefined);
        }
      },
    });
    await quiet();
    const total = aggregate(outcome.computed.result, 'all', '2026-10')[0].total;
    expect(during).not.toBeNull();
    expect(await during).toBe(total);
    expect(events).not.toContain('loading'); // never sent back to re-read the sheets it was handed
    expect(outcome.functionsWarning).toBeUndefined();
    expect(x.value('Model', 'A1')).toBe(total);
    expect(x.log.calculations.slice(calcBefore)).toEqual([{ scope: 'worksheet', sheet: 'Model', workbooks: 1, functionCells: 1 }]);
  });

  it('own writes arriving as events (events on) are recognised by triggerSource (ExcelApi 1.14); without it they cost one reload', async () => {
    for (const api of [17, 13]) {
      undo?.();
      await installed?.uninstall();
      ledgerStore.reset();
      excel({ ...values, Model: [[`=AILABOR.OUTCOMES("*","${period}")`]] }, { api });
      const events: string[] = [];
      ledgerStore.subscribe((e) => e && events.push(e));
      await install();
      ledgerStore.set({ rows: result.rows, unattributed: result.unattributed, agents: demo.ctx.agents, prices: demo.ctx.prices });
      await quiet();
      events.length = 0;
      // a write of the Ledger with events on (a platform where they cannot be switched off), inside the write window
      const end = ledgerStore.beginWrite();
      await x.run(async (ctx) => {
        ctx.workbook.worksheets.getItem('Ledger').getRange('A1').values = [['period']];
        await ctx.sync();
      });
      end();
      await quiet();
      expect({ api, invalidated: events.includes('invalidated') }).toEqual({ api, invalidated: api < 14 });
      // the user's edit of the same sheet always counts
      events.length = 0;
      x.user.edit('Ledger', 'ZZ1', 'note');
      await quiet();
      expect(events).toContain('invalidated');
      expect(x.value('Model', 'A1')).toBe(all(period).outcomes);
    }
  });

  it('a load while the user edits a cell waits (#BUSY!) instead of failing; the cells then show values, not #N/A', async () => {
    excel({ ...values, Model: [[`=AILABOR.WORKITEMS("*","${period}")`]] });
    await install();
    x.user.beginCellEdit();
    x.user.fullCalculation();
    await wait(50);
    expect(x.value('Model', 'A1')).toBe('#BUSY!');
    x.user.endCellEdit();
    await quiet();
    expect(x.value('Model', 'A1')).toBe(all(period).work_items);
  });

  it('a failed load does not stick: a passing failure is retried on its own, a lasting one on the next calculation', async () => {
    excel({ ...values, Model: [[`=AILABOR.WORKITEMS("*","${period}")`]] });
    await install();
    // Excel is busy once (a passing failure): the cell recovers without any user action
    x.failNextSync('GeneralException', (i) => i.loads > 0);
    x.user.fullCalculation();
    await quiet(150);
    expect(x.value('Model', 'A1')).toBe(all(period).work_items);
    // a bad cell (lasting): #N/A naming it; fixed without any event (events were off) → the next calculation reads again
    ledgerStore.reset();
    await installed!.uninstall();
    const ledger = values.Ledger.map((row) => [...row]);
    ledger[6][ledger[0].indexOf('total')] = 'n/a';
    undo?.();
    excel({ ...values, Ledger: ledger, Model: [[`=AILABOR.WORKITEMS("*","${period}")`]] });
    await install();
    x.user.fullCalculation();
    await quiet();
    expect(x.value('Model', 'A1')).toBe('#N/A');
    expect(x.message('Model', 'A1')).toMatch(/Ledger!L7: expected a number/);
    x.state.enableEvents = false;
    x.user.edit('Ledger', 'L7', values.Ledger[6][ledger[0].indexOf('total')] as number);
    x.state.enableEvents = true;
    await wait(2_100); // past the window in which one failed load answers a whole calculation pass
    x.user.fullCalculation(); // Ctrl+Alt+F9
    await quiet();
    expect(x.value('Model', 'A1')).toBe(all(period).work_items);
  });

  it('a failed recalculation is not swallowed: retried, then reported (the pane shows it, the refresh says so)', async () => {
    excel({ ...values, Model: [[`=AILABOR.WORKITEMS("*","${period}")`]] });
    await install();
    x.user.fullCalculation();
    await quiet();
    for (let i = 0; i < 3; i++) x.failNextSync('GeneralException', (s) => s.labels.length === 0 && s.loads > 0);
    ledgerStore.set({ rows: result.rows, unattributed: result.unattributed, agents: demo.ctx.agents });
    await expect(ledgerStore.notifyWorkbookRefreshed()).rejects.toMatchObject({ code: 'GeneralException' });
    expect(ledgerStore.recalcProblem()).toMatch(/Excel did not recalculate the AILABOR cells \(GeneralException: .*Ctrl\+Alt\+F9/);
    // and recovers on the next one
    await ledgerStore.notifyWorkbookRefreshed();
    expect(ledgerStore.recalcProblem()).toBeNull();
  });
});

describe('start-up with the document (Office.addin.setStartupBehavior)', () => {
  it('asks to load with the workbook, watches changes before the pane opens, and recalculates stale saved values once the ledger is read', async () => {
    excel({ ...values, Model: [[`=AILABOR.TOTALCOST("*","${period}")`]], Notes: [['text']] });
    x.cachedValue('Model', 'A1', 123.45); // the value saved with the file, from before an edit made without the add-in
    const calls: unknown[] = [];
    const g = globalThis as Record<string, unknown>;
    g.Office = { StartupBehavior: { load: 'Load', none: 'None' }, addin: { setStartupBehavior: async (b: unknown) => void calls.push(b) } };
    try {
      installed = (await startInExcel()) as InstalledLoader;
      await quiet(600);
      expect(calls).toEqual(['Load']);
      expect(x.value('Model', 'A1')).toBe(all(period).total);
      // every sheet but the data sheets, once: nothing is known yet about where the AILABOR cells are
      expect(x.log.calculations.map((c) => c.sheet).sort()).toEqual(['Agents', 'Benchmarks', 'Model', 'Notes', 'Prices']);
      expect(x.log.calculations.every((c) => c.scope === 'worksheet')).toBe(true);
    } finally {
      delete g.Office;
    }
  });
});
