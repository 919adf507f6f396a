// The Excel host (src/hosts/excel) against the documented-behaviour fake: sheet writes cell for cell, text kept as
// text, names; calculation mode and events put back even when Excel refuses the last batch; a block refused as too
// large is split by error.code (the message is localized); UTF-8 sizes; a Refresh started while the user types in a
// cell waits; the pane's reads go through the blocked reader; settings.
import { buildLedger } from '../../src/core/ledger';
import { sampleData } from '../../src/core/sample';
import { ExcelHost, planSheet, readSheetsBlocked } from '../../src/hosts/excel';
import { a1, parseA1 } from '../../src/workbook/address';
import { buildWorkbook, chargebackSheet, chargebackSheetName, importIssuesSheet, ledgerSheet, SheetKeys } from '../../src/workbook';
import { isCell, type SheetSpec } from '../../src/workbook/spec';
import { readLedgerFromHost } from '../../src/taskpane/services/ledger-read';
import { createExcelFake, MB5, type ExcelFake } from './excel-fake';

const sample = sampleData({ scale: 0.002, months: 2 });
const result = buildLedger(sample);
const period = result.periods[result.periods.length - 1];

/** Every cell a spec writes: "=formula" or the value. */
function expectedCells(spec: SheetSpec): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const g of spec.grids) {
    const o = parseA1(g.at);
    g.rows.forEach((row, i) => row.forEach((c, j) => {
      if (c === null || c === undefined) return;
      const v = isCell(c) ? (c.f !== undefined ? `=${c.f}` : c.v) : c;
      if (v !== null && v !== undefined && v !== '') m.set(a1(o.row + i, o.col + j), v);
    }));
  }
  return m;
}

/** What the fake's sheet holds: formulas as "=…", values as they are. */
function cellsOf(x: ExcelFake, name: string): Map<string, unknown> {
  const s = x.sheet(name)!;
  const m = new Map<string, unknown>();
  for (const [r, row] of s.values) for (const [c, v] of row) m.set(a1(r, c), v);
  for (const [k, f] of s.formulas) {
    const [r, c] = k.split(',').map(Number);
    m.set(a1(r, c), f);
  }
  return m;
}

// The fake stands in for Office.js's Excel global: the host runs its batches exactly as in Excel (run.ts's excelRun).
let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});
function fake(opts: Parameters<typeof createExcelFake>[0] = {}): ExcelFake {
  undo?.();
  const x = createExcelFake(opts);
  undo = x.install();
  return x;
}
const host = (_x: ExcelFake, opts: ConstructorParameters<typeof ExcelHost>[0] = {}) => new ExcelHost(opts);

describe('ExcelHost writes (documented-behaviour fake, Excel on the web)', () => {
  it('writes every sheet cell for cell; untrusted text stays text; names last; every batch with delayForCellEdit', async () => {
    const x = fake();
    const rejected = [{ file: 'tickets.csv', line: 3, column: 'title', value: '=HYPERLINK("http://evil","click")', reason: 'bad' }];
    const spec = buildWorkbook({ result, ctx: sample, rejected });
    const written: string[][] = [];
    await host(x, { onSheetsWritten: (n) => written.push(n) }).writeWorkbook(spec);
    expect(x.state.sheets.map((s) => s.name)).toEqual(spec.sheets.map((s) => s.name));
    for (const s of spec.sheets) expect(cellsOf(x, s.name)).toEqual(expectedCells(s));
    expect(x.formula('Import Issues', 'E2')).toBeUndefined();
    expect(x.value('Import Issues', 'E2')).toBe('=HYPERLINK("http://evil","click")');
    const allNames = spec.sheets.flatMap((s) => s.names ?? []);
    expect(x.state.names.size).toBe(allNames.length);
    expect(x.log.runs.every((r) => r.delayForCellEdit)).toBe(true);
    expect(written).toEqual([spec.sheets.map((s) => s.name)]);
    expect(x.log.syncs.every((s) => s.requestBytes <= MB5)).toBe(true);
  });

  it('switches events off and calculation to Manual while writing, and puts both back', async () => {
    const x = fake();
    const changes: unknown[] = [];
    await x.run(async (ctx) => {
      ctx.workbook.worksheets.onChanged.add(async (e: unknown) => void changes.push(e));
      await ctx.sync();
    });
    let modeDuringWrite = '';
    let eventsDuringWrite: boolean | null = null;
    await host(x).writeWorkbook(buildWorkbook({ result, ctx: sample }), {
      onProgress: () => {
        modeDuringWrite = x.state.calculationMode;
        eventsDuringWrite = x.state.enableEvents;
      },
    });
    await new Promise((r) => setTimeout(r, 10));
    expect([modeDuringWrite, eventsDuringWrite]).toEqual(['Manual', false]);
    expect([x.state.calculationMode, x.state.enableEvents]).toEqual(['Automatic', true]);
    expect(changes).toEqual([]); // nothing the functions' watcher could take for a user edit
    expect(x.log.suspends).toBeGreaterThan(0);
  });

  it('restores calculation mode and events in a new batch when Excel refuses the write\'s last one, and says what failed', async () => {
    const x = fake();
    const ledger = ledgerSheet(result.rows, SheetKeys.of(result));
    // a block write fails (a sheet protected meanwhile), and so does the restore in the same batch
    x.failNextSync('AccessDenied', (i) => i.labels.includes('formulas'));
    x.failNextSync('GeneralException', (i) => i.labels.includes('calculationMode=Automatic'));
    await expect(host(x).writeSheet(ledger)).rejects.toThrow(/writing values of sheet "Ledger" .* failed: AccessDenied/);
    expect([x.state.calculationMode, x.state.enableEvents]).toEqual(['Automatic', true]);
  });

  it('says so when Excel cannot be put back in automatic calculation at all (never leaves it silently in Manual)', async () => {
    const x = fake();
    // every batch that would put the mode back fails: the one of the write, and the host's three more tries
    for (let i = 0; i < 4; i++) x.failNextSync('GeneralException', (info) => info.labels.includes('calculationMode=Automatic'));
    await expect(host(x).writeSheet(chargebackSheet(result, period, sample.agents))).rejects.toThrow(/could not be put back in Automatic calculation: GeneralException.*Calculation Options/);
  });

  it('retries a block Excel refuses as too large in halves, by error.code (the message is localized)', async () => {
    const x = fake();
    const ledger = ledgerSheet(result.rows, SheetKeys.of(result));
    // the planner thinks 400 kB blocks are fine; the fake refuses the first values block once
    x.failNextSync('RequestPayloadSizeLimitExceeded', (i) => i.labels.includes('formulas'));
    const h = host(x, { maxBytes: 400_000 });
    await h.writeSheet(ledger);
    expect(h.stats.retries).toBe(1);
    expect(cellsOf(x, 'Ledger')).toEqual(expectedCells(ledger));
  });

  it('plans in UTF-8 bytes: 3,000 rows of CJK and emoji text stay under 5 MB a request', async () => {
    const x = fake();
    const title = '費用報告🚀'.repeat(120); // 600 characters, 2,280 bytes
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ file: 'tickets.csv', line: i + 2, column: 'title', value: title, reason: 'bad' }));
    const spec = importIssuesSheet(rows.map((r) => ({ ...r })) as never);
    const h = host(x);
    await h.writeSheet(spec);
    expect(x.log.syncs.every((s) => s.requestBytes <= MB5)).toBe(true);
    expect(h.stats.retries).toBe(0);
    expect(x.value('Import Issues', 'E2')).toBe(title);
    // the old estimate (characters × 1.1) put more than 5 MB in one block
    const oldBytes = (spec.grids[0].rows.length * title.length * 1.1);
    expect(oldBytes).toBeLessThan(4_000_000 * 2);
    expect(planSheet(spec).filter((b) => b.kind === 'values').length).toBeGreaterThan(1);
  });

  it('a write started while the user types in a cell waits for the edit, then completes', async () => {
    const x = fake();
    x.user.beginCellEdit();
    const p = host(x).writeSheet(chargebackSheet(result, period, sample.agents));
    await new Promise((r) => setTimeout(r, 30));
    expect(x.sheet(chargebackSheetName(period))).toBeUndefined();
    x.user.endCellEdit();
    await p;
    expect(cellsOf(x, chargebackSheetName(period))).toEqual(expectedCells(chargebackSheet(result, period, sample.agents)));
    expect(x.log.syncs.some((s) => s.delayed)).toBe(true);
  });

  it('regenerating a chargeback clears and rewrites one sheet, never a second', async () => {
    const x = fake();
    const h = host(x);
    await h.writeSheet(chargebackSheet(result, period, sample.agents));
    await h.writeSheet(chargebackSheet(result, period, sample.agents));
    expect(await h.listSheets()).toEqual([chargebackSheetName(period)]);
    expect(cellsOf(x, chargebackSheetName(period))).toEqual(expectedCells(chargebackSheet(result, period, sample.agents)));
  });
});

describe('ExcelHost reads (the pane) through the blocked reader', () => {
  it('reads a Ledger too big for one 5 MB response in blocks; the pane gets every row', async () => {
    // 34,000 Ledger rows (the sample's rows repeated under new work item ids), as the add-in writes them: ~5.7 MB of values
    const rows = Array.from({ length: Math.ceil(34_000 / result.rows.length) }, (_, k) => result.rows.map((r) => ({ ...r, work_item_id: `${r.work_item_id}-${k}` }))).flat().slice(0, 34_000);
    const x = fake();
    const spec = ledgerSheet(rows, SheetKeys.of({ rows, unattributed: result.unattributed }));
    for (const g of spec.grids) x.seedSheet('Ledger', g.rows.map((row) => row.map((c) => (isCell(c) ? (c.f !== undefined ? `=${c.f}` : (c.v as never)) : (c as never)))), g.at);
    const one = await x.run(async (ctx) => {
      const u = ctx.workbook.worksheets.getItem('Ledger').getUsedRange(true);
      u.load('values');
      return ctx.sync().then(() => 'ok', (e: { code: string }) => e.code);
    });
    expect(one).toBe('ResponsePayloadSizeLimitExceeded'); // the pane's old single-request read
    const before = x.log.syncs.length;
    const stored = await readLedgerFromHost(host(x));
    expect(stored!.result.rows.length).toBe(rows.length);
    // the sheet's work_items column reads back as 1 on a per-item row (the core leaves it out); toEqual on 34,000 rows takes seconds
    expect(JSON.stringify(stored!.result.rows)).toBe(JSON.stringify(rows.map((r) => ({ ...r, work_items: 1 }))));
    expect(stored!.errors).toEqual([]);
    const reads = x.log.syncs.slice(before).filter((s) => s.responseBytes > 1_000);
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.filter((s) => s.error)).toEqual([]); // the default block size fits: no refused request
    expect(Math.max(...reads.map((s) => s.responseBytes))).toBeLessThanOrEqual(MB5);
  });

  it('halves a block Excel refuses (long texts) until it fits', async () => {
    const x = fake();
    const row = Array.from({ length: 10 }, (_, j) => `${'long text '.repeat(20)}${j}`);
    x.seedSheet('Notes', Array.from({ length: 5_000 }, () => row));
    const read: Awaited<ReturnType<typeof readSheetsBlocked>> = await x.Excel.run({ delayForCellEdit: true }, (ctx: Excel.RequestContext) => readSheetsBlocked(ctx, ["Notes", "Missing"]));
    expect(read.retries).toBeGreaterThan(0);
    expect(read.grids.get('Notes')!.length).toBe(5_000);
    expect(read.grids.get('Notes')![4_999][9]).toBe(row[9]);
    expect(read.grids.has('Missing')).toBe(false);
  });
});

describe('ExcelHost settings', () => {
  it('stores and reads back a setting; refuses secrets and oversized values with the key named', async () => {
    const x = fake();
    const h = host(x);
    await h.settings.set('ailabor.linkRules', JSON.stringify({ rules: [] }));
    expect(await h.settings.get('ailabor.linkRules')).toBe('{"rules":[]}');
    expect(await h.settings.get('nothing')).toBeUndefined();
    await expect(h.settings.set('openai_api_key', 'sk-123')).rejects.toThrow(/secrets are not stored/);
    await expect(h.settings.set('ailabor.sources', 'x'.repeat(1_200_000))).rejects.toThrow(/setting "ailabor.sources": 1,200,002 bytes is more than/);
    expect(x.state.settings.has('ailabor.sources')).toBe(false);
  });

  it('a settings write waits for a cell edit to end', async () => {
    const x = fake();
    x.user.beginCellEdit();
    const p = host(x).settings.set('k', 'v');
    await new Promise((r) => setTimeout(r, 20));
    expect(x.state.settings.has('k')).toBe(false);
    x.user.endCellEdit();
    await p;
    expect(x.state.settings.get('k')).toBe('v');
  });
});
