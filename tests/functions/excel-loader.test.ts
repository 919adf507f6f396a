// The ledger store's Excel loader against office-addin-mock: every worksheet, used range and block range is an
// OfficeMockObject, so reading a property before load() + context.sync() gives the mock's "not loaded" value and
// the figures come out wrong. The sheets hold the values the demo workbook computes (the Ledger as the add-in writes it).
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock imports office-addin-manifest only for its OfficeApp enum; that package pulls an ESM-only
// dependency jest's CommonJS runtime cannot load, so the enum is provided here (as in src/hosts/excel/excel.test.ts).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));
import { aggregate } from '../../src/core/ledger/aggregate';
import { roundShown } from '../../src/core/ledger/rounding';
import { installExcelLedgerLoader, loadLedgerFromWorkbook, WATCHED_SHEETS } from '../../src/functions/excel-loader';
import * as fns from '../../src/functions/functions';
import { ledgerStore, notifyWorkbookRefreshed } from '../../src/functions/store';
import { PreviewHost } from '../../src/hosts/preview';
import type { CellValue } from '../../src/workbook';
import { demoWorkbook } from '../workbook/demo';

const demo = demoWorkbook();
const { result, period } = demo;

type Grid = (string | number | boolean)[][];
type Handler = (args: { worksheetId: string; triggerSource?: string }) => Promise<void>;

/** A workbook of plain value grids behind Office.js-shaped mock objects. */
function mockExcel(initial: Record<string, Grid>) {
  const sheets = new Map(Object.entries(initial));
  const ids = new Map([...sheets.keys()].map((n, i) => [n, `{sheet-${i}}`]));
  const objects: OfficeMockObject[] = [];
  const track = (o: OfficeMockObject) => (objects.push(o), o);
  const stats = { syncs: 0, calculations: [] as string[], largestSync: 0 };
  const handlers = { changed: [] as Handler[], added: [] as Handler[], deleted: [] as Handler[] };
  let cellsThisSync = 0;

  const usedRange = (grid: Grid) => {
    let top = Infinity, left = Infinity, bottom = -1, right = -1;
    grid.forEach((row, r) => row.forEach((v, c) => {
      if (v === '' || v === null || v === undefined) return;
      top = Math.min(top, r); left = Math.min(left, c); bottom = Math.max(bottom, r); right = Math.max(right, c);
    }));
    const empty = bottom < 0;
    return track(new OfficeMockObject({ isNullObject: empty, rowIndex: empty ? 0 : top, columnIndex: empty ? 0 : left, rowCount: empty ? 0 : bottom - top + 1, columnCount: empty ? 0 : right - left + 1 }));
  };
  const block = (grid: Grid, r: number, c: number, nr: number, nc: number) => {
    const values = Array.from({ length: nr }, (_, i) => Array.from({ length: nc }, (_, j) => grid[r + i]?.[c + j] ?? ''));
    const o = track(new OfficeMockObject({ values }));
    const load = o.load.bind(o);
    o.load = (p: string) => ((cellsThisSync += nr * nc), load(p));
    return o;
  };
  const worksheet = (name: string) => {
    const grid = sheets.get(name);
    return track(new OfficeMockObject({
      isNullObject: grid === undefined,
      getUsedRangeOrNullObject: () => usedRange(grid ?? []),
      getRangeByIndexes: (r: number, c: number, nr: number, nc: number) => block(grid ?? [], r, c, nr, nc),
    }));
  };
  const event = (list: Handler[]) => ({ add: (h: Handler) => (list.push(h), { remove: () => list.splice(list.indexOf(h), 1), context: { sync: async () => undefined } }) });
  const context = {
    workbook: {
      worksheets: {
        getItemOrNullObject: worksheet,
        load() {},
        get items() {
          return [...sheets.keys()].map((name) => ({ name, id: ids.get(name)! }));
        },
        onChanged: event(handlers.changed),
        onAdded: event(handlers.added),
        onDeleted: event(handlers.deleted),
      },
      application: track(new OfficeMockObject({ calculate: (t: string) => stats.calculations.push(t) })),
    },
    async sync() {
      stats.syncs++;
      stats.largestSync = Math.max(stats.largestSync, cellsThisSync);
      cellsThisSync = 0;
      // every object created so far (a load queued before an earlier sync still completes at a later one)
      for (const o of objects) await o.sync();
      await new Promise((r) => setTimeout(r, 0)); // the mock settles nested properties in un-awaited callbacks
    },
  };
  const run = async <T,>(cb: (c: Excel.RequestContext) => Promise<T>) => cb(context as unknown as Excel.RequestContext);
  const change = (name: string, triggerSource = 'Unknown') => Promise.all(handlers.changed.map((h) => h({ worksheetId: ids.get(name) ?? `{new-${name}}`, triggerSource })));
  return { run, stats, handlers, sheets, change };
}

/** The demo workbook's computed values, as Office.js returns them ('' for an empty cell). */
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

let values: Record<string, Grid>;
beforeAll(async () => {
  values = await workbookValues();
});
beforeEach(() => ledgerStore.reset());

describe('loadLedgerFromWorkbook (Office.js, office-addin-mock)', () => {
  it('reads Ledger, Unattributed, Agents, Prices and Benchmarks back into what the build produced, in 3 syncs', async () => {
    const m = mockExcel(values);
    const snap = await loadLedgerFromWorkbook({ run: m.run });
    expect(snap.rows).toEqual(result.rows);
    expect(snap.unattributed).toEqual(result.unattributed);
    expect(snap.agents).toEqual(demo.ctx.agents);
    expect(snap.prices).toEqual(demo.ctx.prices);
    expect(snap.benchmarks!.length).toBeGreaterThan(3);
    expect(snap.missing).toEqual([]);
    // existence, dimensions, then every sheet's values together
    expect(snap.syncs).toBe(3);
    expect(m.stats.syncs).toBe(3);
  });

  it('reads a large Ledger in row blocks, each sync under the cell budget, with the same result', async () => {
    const m = mockExcel(values);
    const snap = await loadLedgerFromWorkbook({ run: m.run, maxCellsPerSync: 2_000 });
    expect(snap.rows).toEqual(result.rows);
    expect(snap.unattributed).toEqual(result.unattributed);
    expect(snap.syncs).toBeGreaterThan(5);
    expect(m.stats.largestSync).toBeLessThanOrEqual(2_000);
  });

  it('finds columns by header name (reordered columns read the same) and a period Excel turned into a date', async () => {
    const ledger = values.Ledger.map((row) => [...row].reverse());
    const pCol = ledger[0].indexOf('period');
    ledger[1] = [...ledger[1]];
    ledger[1][pCol] = 46296; // 2026-10-01 as Excel stores a typed 2026-10
    const m = mockExcel({ ...values, Ledger: ledger });
    const snap = await loadLedgerFromWorkbook({ run: m.run });
    expect(snap.rows[0]).toEqual({ ...result.rows[0], period: '2026-10' });
    expect(result.rows[0].period).toBe(result.periods[0]);
    expect(snap.rows.slice(1)).toEqual(result.rows.slice(1));
  });

  it('names the cell of a bad value; the functions show it as #N/A, never a number', async () => {
    const ledger = values.Ledger.map((row) => [...row]);
    const tCol = ledger[0].indexOf('total');
    ledger[6][tCol] = 'n/a';
    const m = mockExcel({ ...values, Ledger: ledger });
    await expect(loadLedgerFromWorkbook({ run: m.run })).rejects.toThrow(/^Ledger!L7: expected a number, got "n\/a"$/);
    ledgerStore.setLoader(() => loadLedgerFromWorkbook({ run: m.run }));
    await expect(fns.totalCost('*', period)).rejects.toMatchObject({ code: 'notAvailable', message: 'The ledger could not be read: Ledger!L7: expected a number, got "n/a"' });
  });

  it('a missing column is named with its header row', async () => {
    const ledger = values.Ledger.map((row) => row.filter((_, i) => values.Ledger[0][i] !== 'success'));
    await expect(loadLedgerFromWorkbook({ run: mockExcel({ ...values, Ledger: ledger }).run })).rejects.toThrow(/Ledger!A1: missing column "success" in the header row 1/);
  });

  it('a workbook without a Ledger sheet: #N/A saying so; without Benchmarks: the playbook figures', async () => {
    const { Ledger: _l, Benchmarks: _b, ...rest } = values;
    const m = mockExcel(rest);
    const snap = await loadLedgerFromWorkbook({ run: m.run });
    expect(snap.missing).toEqual(['Ledger', 'Benchmarks']);
    ledgerStore.setLoader(() => loadLedgerFromWorkbook({ run: m.run }));
    await expect(fns.outcomes('*')).rejects.toMatchObject({ code: 'notAvailable', message: expect.stringMatching(/No Ledger sheet/) });
    expect(await fns.peerBenchmark('Intercom Fin')).toBe(0.99);
  });
});

describe('installExcelLedgerLoader', () => {
  const all = (p: string) => aggregate(result, 'all', p)[0];

  it('loads on first use; a closed and reopened workbook gives the same values', async () => {
    const session1 = mockExcel(values);
    const inst1 = await installExcelLedgerLoader({ run: session1.run, debounceMs: 5 });
    const v1 = [await fns.totalCost('*', period), await fns.costPerOutcome(demo.ctx.agents[0].agent_id), await fns.sloStatus(demo.ctx.agents[1].agent_id)];
    expect(v1[0]).toBe(all(period).total);
    await inst1.uninstall();
    // reopen: a new runtime (fresh store) over the saved sheets
    ledgerStore.reset();
    const session2 = mockExcel(values);
    const inst2 = await installExcelLedgerLoader({ run: session2.run, debounceMs: 5 });
    expect([await fns.totalCost('*', period), await fns.costPerOutcome(demo.ctx.agents[0].agent_id), await fns.sloStatus(demo.ctx.agents[1].agent_id)]).toEqual(v1);
    // and the same as from the rows the build produced
    ledgerStore.set({ rows: result.rows, unattributed: result.unattributed, agents: demo.ctx.agents });
    expect(await fns.totalCost('*', period)).toBe(v1[0]);
    await inst2.uninstall();
  });

  it('an edit on a watched sheet invalidates the store and requests a full calculation; other sheets do not', async () => {
    const m = mockExcel({ ...values, Model: [['=AILABOR.TOTALCOST("*")']] });
    const inst = await installExcelLedgerLoader({ run: m.run, debounceMs: 5 });
    expect(m.handlers.changed).toHaveLength(1);
    expect(await fns.outcomes('*', period)).toBe(all(period).outcomes);
    await m.change('Model');
    await inst.flush();
    expect(ledgerStore.status()).toBe('ready');
    expect(m.stats.calculations).toEqual([]);
    // the user edits an Agents target
    const agents = values.Agents.map((r) => [...r]);
    const tCol = agents[0].indexOf('target_cost_per_outcome');
    agents[1][tCol] = 99;
    m.sheets.set('Agents', agents);
    await m.change('Agents');
    await inst.flush();
    expect(ledgerStore.status()).toBe('empty');
    await inst.idle();
    expect(m.stats.calculations).toEqual(['Full']);
    const agent = String(agents[1][0]);
    const a = aggregate(result, 'agent', period).find((x) => x.key === agent)!;
    // the new target counts, compared as the Chargeback shows it: cost per outcome and target in cents
    expect(await fns.targetVariance(agent, period)).toBe(roundShown(roundShown(a.cost_per_outcome!, 2) - 99, 2));
    await inst.uninstall();
    expect(m.handlers.changed).toHaveLength(0);
  });

  it('the task pane\'s own writes right after set() keep the snapshot; notifyWorkbookRefreshed recalculates once', async () => {
    let t = 1_000_000;
    const m = mockExcel(values);
    const inst = await installExcelLedgerLoader({ run: m.run, debounceMs: 5, now: () => t });
    // the pane wrote the sheets (events queued), then hands over the rows
    t = Date.now();
    ledgerStore.set({ rows: result.rows, unattributed: result.unattributed, agents: demo.ctx.agents });
    await m.change('Ledger', 'ThisLocalAddin');
    await inst.flush();
    expect(ledgerStore.status()).toBe('ready');
    await notifyWorkbookRefreshed();
    expect(m.stats.calculations).toEqual(['Full']); // the set() and the notification coalesce into one
    // later, the same kind of event without a recent set() is an edit: re-read
    t += 60_000;
    await m.change('Ledger', 'ThisLocalAddin');
    await inst.flush();
    expect(ledgerStore.status()).toBe('empty');
    await inst.idle();
    expect(m.stats.calculations).toEqual(['Full', 'Full']);
    expect(await fns.totalCost('*', period)).toBe(all(period).total);
    await inst.uninstall();
  });

  it('a sheet added later (the first refresh creates the Ledger) is picked up', async () => {
    const { Ledger: _l, ...rest } = values;
    const m = mockExcel(rest);
    const inst = await installExcelLedgerLoader({ run: m.run, debounceMs: 5 });
    await expect(fns.outcomes('*')).rejects.toMatchObject({ message: expect.stringMatching(/No Ledger sheet/) });
    m.sheets.set('Ledger', values.Ledger);
    await Promise.all(m.handlers.added.map((h) => h({ worksheetId: '{new}' })));
    await inst.flush();
    expect(await fns.outcomes('*', period)).toBe(all(period).outcomes);
    await inst.uninstall();
  });
});
