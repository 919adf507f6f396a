// The Office.js calls, against office-addin-mock: the Excel global and its run/context come from OfficeMockObject
// (so load-before-read is enforced on the properties it models); worksheets and ranges are recorders that apply
// commands only when context.sync succeeds, as Excel does, and can refuse a request that is too large.
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock imports office-addin-manifest only for its OfficeApp enum; that package pulls an ESM-only
// dependency (strip-bom) jest's CommonJS runtime cannot load, so the enum is provided here.
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));
import { buildLedger } from '../../core/ledger';
import { sampleData } from '../../core/sample';
import { a1, parseA1 } from '../../workbook/address';
import { buildWorkbook, chargebackSheetName, chargebackSheet } from '../../workbook';
import { isCell, type SheetSpec } from '../../workbook/spec';
import { ExcelHost } from './index';

interface Cmd {
  sheet: string;
  path: string;
  kind: 'set' | 'call';
  value: unknown;
}

function mockExcel(opts: { refuseOverBytes?: number } = {}) {
  const applied: Cmd[] = [];
  let pending: Cmd[] = [];
  const syncs: Cmd[][] = [];
  const sheets = new Map<string, { cells: Map<string, unknown>; formats: Map<string, unknown>; tables: string[] }>();
  const names = new Map<string, string>();
  let refused = 0;

  /** Records property sets and method calls under `path`; every get returns a deeper recorder. */
  const recorder = (sheet: string, path: string): unknown =>
    new Proxy(function () {}, {
      get: (_t, prop) => (prop === 'then' ? undefined : recorder(sheet, `${path}.${String(prop)}`)),
      set: (_t, prop, value) => {
        pending.push({ sheet, path: `${path}.${String(prop)}`, kind: 'set', value });
        return true;
      },
      apply: (_t, _this, args) => {
        pending.push({ sheet, path, kind: 'call', value: args });
        return recorder(sheet, `${path}()`);
      },
    });

  const worksheet = (name: string) => ({
    name,
    isNullObject: !sheets.has(name),
    load() {},
    getRange: (addr = '') => recorder(name, `range(${addr})`),
    getRanges: (addr: string) => recorder(name, `ranges(${addr})`),
    getUsedRangeOrNullObject: () => {
      const s = sheets.get(name)!;
      let rows = 0;
      let cols = 0;
      for (const k of s.cells.keys()) {
        const p = parseA1(k);
        rows = Math.max(rows, p.row + 1);
        cols = Math.max(cols, p.col + 1);
      }
      const values = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => s.cells.get(a1(r, c)) ?? ''));
      return { isNullObject: rows === 0, rowIndex: 0, columnIndex: 0, values, load() {} };
    },
    tables: {
      load() {},
      get items() {
        return (sheets.get(name)?.tables ?? []).map((t) => ({ name: t, delete: () => pending.push({ sheet: name, path: `table(${t}).delete`, kind: 'call', value: [] }) }));
      },
      add: (ref: string, headers: boolean) => {
        pending.push({ sheet: name, path: 'tables.add', kind: 'call', value: [ref, headers] });
        return recorder(name, `table(${ref})`);
      },
    },
    freezePanes: recorder(name, 'freezePanes'),
    activate: () => pending.push({ sheet: name, path: 'activate', kind: 'call', value: [] }),
  });

  const apply = (c: Cmd) => {
    applied.push(c);
    if (c.path === 'worksheets.add') sheets.set(c.sheet, { cells: new Map(), formats: new Map(), tables: [] });
    const s = sheets.get(c.sheet);
    const m = /^range\(([A-Z]+\d+):([A-Z]+\d+)\)\.(formulas|numberFormat)$/.exec(c.path);
    if (s && m && c.kind === 'set') {
      const top = parseA1(m[1]);
      (c.value as unknown[][]).forEach((row, i) => row.forEach((v, j) => {
        if (v === null) return;
        const k = a1(top.row + i, top.col + j);
        if (m[3] === 'formulas') {
          // Excel's own parsing: a string starting with "=" in a cell not formatted as text is a formula
          s.cells.set(k, typeof v === 'string' && v.startsWith('=') && s.formats.get(k) !== '@' ? { formula: v } : v);
        } else s.formats.set(k, v);
      }));
    }
    if (s && c.path === 'range().clear') { s.cells.clear(); s.formats.clear(); }
    if (s && c.path === 'tables.add') s.tables.push((c.value as string[])[0]);
    if (s && /^table\(.*\)\.delete$/.test(c.path)) s.tables.shift();
    if (c.path === 'names.add') names.set((c.value as string[])[0], (c.value as string[])[1]);
  };

  const data = {
    context: {
      workbook: {
        application: {
          calculationMode: 'Automatic',
          suspendApiCalculationUntilNextSync: () => pending.push({ sheet: '', path: 'suspendApiCalculationUntilNextSync', kind: 'call', value: [] }),
        },
      },
    },
    run: async function (this: { context: unknown }, cb: (ctx: unknown) => Promise<unknown>) {
      return cb(this.context);
    },
  };
  // dynamic collections are plain objects: OfficeMockObject would freeze their getters into snapshots
  const worksheets = {
          getItemOrNullObject: (name: string) => worksheet(name),
          getItem: (name: string) => worksheet(name),
          add: (name: string) => {
            pending.push({ sheet: name, path: 'worksheets.add', kind: 'call', value: [name] });
            return worksheet(name);
          },
          load() {},
          get items() {
            return [...sheets.keys()].map((name) => ({ name }));
          },
        };
  const namesApi = {
          getItemOrNullObject: (name: string) => ({ isNullObject: !names.has(name), load() {}, delete: () => pending.push({ sheet: '', path: 'names.delete', kind: 'call', value: [name] }) }),
          add: (name: string, ref: string) => pending.push({ sheet: '', path: 'names.add', kind: 'call', value: [name, ref] }),
        };
  const excel = new OfficeMockObject(data) as unknown as { context: { sync(): Promise<void>; workbook: { application: { calculationMode: string } } }; run: <T>(cb: (c: Excel.RequestContext) => Promise<T>) => Promise<T> };
  const wb = excel.context.workbook as unknown as Record<string, unknown>;
  wb.worksheets = worksheets;
  wb.names = namesApi;
  // calculationMode keeps OfficeMockObject's load-before-read check; a setter logs every mode the host sets
  const appMock = wb.application as Record<string, unknown>;
  let mode = appMock.calculationMode;
  const modes: unknown[] = [];
  Object.defineProperty(appMock, 'calculationMode', {
    get: () => mode,
    set: (v) => {
      if (v === 'Manual' || v === 'Automatic') modes.push(v);
      mode = v;
    },
  });
  const mockSync = excel.context.sync.bind(excel.context);
  excel.context.sync = async () => {
    const batch = pending;
    pending = [];
    const bytes = batch.filter((c) => c.kind === 'set' && /\.(formulas|numberFormat)$/.test(c.path)).reduce((n, c) => n + JSON.stringify(c.value).length, 0);
    if (opts.refuseOverBytes !== undefined && bytes > opts.refuseOverBytes) {
      refused++;
      throw new Error('RequestPayloadSizeLimitExceeded: The request payload size has exceeded the limit.');
    }
    syncs.push(batch);
    // calculationMode is a modelled property: write the recorded sets through before the mock's own sync
    batch.forEach(apply);
    await mockSync();
    // the mock's sync updates nested objects in un-awaited callbacks: let them finish
    await new Promise((r) => setTimeout(r, 0));
  };
  return { excel, applied, syncs, sheets, names, modes, refusedCount: () => refused };
}

const sample = sampleData({ scale: 0.002, months: 2 });
const result = buildLedger(sample);
const period = result.periods[result.periods.length - 1];

function expectedCells(spec: SheetSpec): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const g of spec.grids) {
    const o = parseA1(g.at);
    g.rows.forEach((row, i) => row.forEach((c, j) => {
      if (c === null || c === undefined) return;
      const v = isCell(c) ? (c.f !== undefined ? { formula: `=${c.f}` } : c.v) : c;
      if (v !== null && v !== undefined) m.set(a1(o.row + i, o.col + j), v);
    }));
  }
  return m;
}

describe('Excel host (Office.js, office-addin-mock)', () => {
  it('writes every sheet of the workbook cell for cell; text stays text; names last', async () => {
    const m = mockExcel();
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel) });
    const rejected = [{ file: 'tickets.csv', line: 3, column: 'title', value: '=HYPERLINK("http://evil","click")', reason: 'bad' }];
    const spec = buildWorkbook({ result, ctx: sample, rejected });
    await host.writeWorkbook(spec);
    expect([...m.sheets.keys()]).toEqual(spec.sheets.map((s) => s.name));
    for (const s of spec.sheets) expect(m.sheets.get(s.name)!.cells).toEqual(expectedCells(s));
    expect(m.sheets.get('Import Issues')!.cells.get('E2')).toBe('=HYPERLINK("http://evil","click")');
    expect(m.sheets.get('Import Issues')!.formats.get('E2')).toBe('@');
    const allNames = spec.sheets.flatMap((s) => s.names ?? []);
    expect(m.names.size).toBe(allNames.length);
    expect(m.names.get('Ledger_total')).toBe(`=${allNames.find((n) => n.name === 'Ledger_total')!.ref}`);
    expect(m.applied[m.applied.length - 2].path).toBe('names.add');
    expect(await host.listSheets()).toEqual(spec.sheets.map((s) => s.name));
    expect((await host.readSheet('Rates'))![1]).toEqual(['support_specialist', 42]);
  });

  it('suspends calculation during the write, one sync per block, tables after their data, and restores the mode', async () => {
    const m = mockExcel();
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel), maxBytes: 50_000 });
    const spec = buildWorkbook({ result, ctx: sample });
    await host.writeWorkbook(spec);
    // (the mock itself sets the loaded value once on sync; the host's own sets are Manual, then the saved mode)
    expect(m.modes.filter((x) => x === 'Manual')).toHaveLength(1);
    expect(m.modes.slice(-2)).toEqual(['Manual', 'Automatic']);
    expect(m.excel.context.workbook.application.calculationMode).toBe('Automatic');
    // every sync that carries sheet content carries one block, opened by suspendApiCalculationUntilNextSync
    const blockSyncs = m.syncs.filter((b) => b.some((c) => /^(range|ranges|table|tables|freezePanes)/.test(c.path) && !c.path.startsWith('range().')));
    expect(blockSyncs.length).toBe(host.stats.blocks);
    for (const b of blockSyncs) expect(b[0].path).toBe('suspendApiCalculationUntilNextSync');
    expect(host.stats.blocks).toBeGreaterThan(spec.sheets.length * 2);
    // within the Ledger: the table is added after the last value block
    const ledger = m.applied.filter((c) => c.sheet === 'Ledger');
    const lastValues = ledger.map((c) => c.path).lastIndexOf(ledger.filter((c) => c.path.endsWith('.formulas')).pop()!.path);
    expect(ledger.findIndex((c) => c.path === 'tables.add')).toBeGreaterThan(lastValues);
    // number formats precede values in each block
    for (const b of m.syncs) {
      const nf = b.findIndex((c) => c.path.endsWith('.numberFormat'));
      const f = b.findIndex((c) => c.path.endsWith('.formulas'));
      if (nf >= 0 && f >= 0) expect(nf).toBeLessThan(f);
    }
  });

  it('retries a refused block in smaller pieces and still writes every cell', async () => {
    const m = mockExcel({ refuseOverBytes: 40_000 });
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel), maxBytes: 400_000 });
    const spec = buildWorkbook({ result, ctx: sample });
    const ledger = spec.sheets.find((s) => s.name === 'Ledger')!;
    await host.writeSheet(ledger);
    expect(m.refusedCount()).toBeGreaterThan(0);
    expect(host.stats.retries).toBe(m.refusedCount());
    expect(m.sheets.get('Ledger')!.cells).toEqual(expectedCells(ledger));
  });

  it('gives up with the sheet and range named when even one row is refused', async () => {
    const m = mockExcel({ refuseOverBytes: 10 });
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel) });
    await expect(host.writeSheet(chargebackSheet(result, period, sample.agents))).rejects.toThrow(/writing values of sheet "Chargeback \d{4}-\d{2}" \(A1:[A-Z]+\d+\) failed: RequestPayloadSizeLimitExceeded/);
    expect(m.excel.context.workbook.application.calculationMode).toBe('Automatic');
  });

  it('regenerating a chargeback for the same month clears and rewrites one sheet, never a second', async () => {
    const m = mockExcel();
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel) });
    await host.writeSheet(chargebackSheet(result, period, sample.agents));
    await host.writeSheet(chargebackSheet(result, period, sample.agents));
    expect(m.applied.filter((c) => c.path === 'worksheets.add').length).toBe(1);
    expect(m.applied.some((c) => c.path === 'range().clear')).toBe(true);
    expect(await host.listSheets()).toEqual([chargebackSheetName(period)]);
    expect(m.sheets.get(chargebackSheetName(period))!.cells).toEqual(expectedCells(chargebackSheet(result, period, sample.agents)));
  });

  it('refuses to store a secret in the workbook settings', async () => {
    const m = mockExcel();
    const host = new ExcelHost({ run: m.excel.run.bind(m.excel) });
    await expect(host.settings.set('openai_api_key', 'sk-123')).rejects.toThrow(/secrets are not stored/);
  });
});
