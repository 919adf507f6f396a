// Consistent decimals on every report sheet (issue #15): money in cents ($#,##0.00), cost per outcome — and the
// targets, SLO maxima and human baselines it is compared with — in cents too; four decimals only where a figure is a
// price per token (Migration Payback's $/M prices and the model cost of one work item). Checked on the sheet specs the
// hosts write (the number format is part of the spec: ExcelJS, Office.js and the workbench grid apply it as written),
// for the whole demo workbook with the Daily Monitor; a sheet given the old "$#,##0.00##" shows the check failing.
import { LedgerBuilder, type LedgerContext } from '../../src/core/ledger';
import { DailyCollector } from '../../src/core/daily';
import { sampleData } from '../../src/core/sample';
import { buildWorkbook, DM, PAYBACK, type CellInput, type SheetSpec, type WorkbookSpec } from '../../src/workbook';
import { FMT } from '../../src/workbook/styles';
import { a1 } from '../../src/workbook/address';
import { isCell } from '../../src/workbook/spec';

const REPORTS = ['Chargeback 2026-10', 'Invoice Reconciliation', 'Budget', 'Migration Payback', 'SLO Monitor', 'Daily Monitor', 'Agent P&L'];

function demo(): WorkbookSpec {
  const d = sampleData({ scale: 0.002, months: 2 });
  const ctx: LedgerContext = { agents: d.agents, rates: d.rates, toolPrices: d.toolPrices, overheads: d.overheads, invoices: d.invoices, prices: d.prices };
  const daily = new DailyCollector();
  const b = new LedgerBuilder(ctx, { observer: daily });
  for (const w of d.workItems) b.addWorkItem(w);
  for (const e of d.events) b.addEvent(e);
  for (const r of d.reviews) b.addReview(r);
  const result = b.finish();
  return buildWorkbook({ result, ctx, daily: { series: daily.series(result) } });
}

/** The sheet's cells as [row, col, cell] from its A1 grid (reports are built as one grid). */
function cells(s: SheetSpec): [number, number, CellInput][] {
  const g = s.grids.find((x) => x.at === 'A1');
  const out: [number, number, CellInput][] = [];
  g?.rows.forEach((row, r) => row.forEach((c, j) => c !== null && c !== undefined && out.push([r, j, c])));
  return out;
}
const fmtOf = (c: CellInput) => (isCell(c) ? c.s?.numFmt : undefined);
const textOf = (c: CellInput) => (isCell(c) ? c.v : c);
const isFigure = (c: CellInput) => isCell(c) && (c.f !== undefined || typeof c.v === 'number');

/** Header cells (text in a header-styled cell) whose label names a per-unit cost: these columns must show cents. */
const PER_UNIT = /^(cost per outcome|target|slo max cost|human cost per unit)$/i;

/**
 * Problems with the number formats of one report sheet:
 * - any currency format other than money in cents, except the price-per-token columns of Migration Payback;
 * - a figure under a per-unit cost header (cost per outcome, target, SLO max cost, human cost per unit) or on a Daily
 *   Monitor "Cost per …" row that is not money in cents.
 */
export function formatProblems(s: SheetSpec): string[] {
  const out: string[] = [];
  const all = cells(s);
  const priceCols = new Set<number>();
  if (s.name === 'Migration Payback') {
    const P = PAYBACK.cols;
    for (const c of [P.curIn, P.curOut, P.candIn, P.candOut, P.currentUnit, P.candidateUnit]) priceCols.add(c);
  }
  // the Model prices block below the payback rows: its $/M columns (C, D) are prices per token too
  const modelBlock = all.find(([, c, x]) => c === 0 && typeof textOf(x) === 'string' && /^Model prices/.test(textOf(x) as string))?.[0] ?? Infinity;
  for (const [r, c, x] of all) {
    const f = fmtOf(x);
    if (!f || !f.includes('$')) continue;
    if (f === FMT.money) continue;
    const price = (priceCols.has(c) && r < modelBlock) || (r > modelBlock && (c === 2 || c === 3));
    if (price && (f === FMT.mtok || f === FMT.modelUnit)) continue;
    out.push(`${s.name}!${a1(r, c)}: ${f}`);
  }
  // columns under a per-unit cost header, down to the next header row of the sheet
  const headers = all.filter(([, , x]) => isCell(x) && x.s?.fill && x.s?.bold && typeof x.v === 'string');
  for (const [hr, hc, hx] of headers) {
    if (!PER_UNIT.test(String(textOf(hx)).trim())) continue;
    const next = headers.filter(([r]) => r > hr).reduce((m, [r]) => Math.min(m, r), Infinity);
    let seen = 0;
    for (const [r, c, x] of all) {
      if (c !== hc || r <= hr || r >= next || !isFigure(x)) continue;
      seen++;
      if (fmtOf(x) !== FMT.money) out.push(`${s.name}!${a1(r, c)} (${textOf(hx)}): ${fmtOf(x) ?? 'General'}`);
    }
    if (!seen) out.push(`${s.name}: no figure under "${textOf(hx)}" (${a1(hr, hc)})`);
  }
  if (s.name === 'Daily Monitor') {
    const rows = all.filter(([r, c, x]) => r >= DM.firstRow && c === DM.cols.metric && /^Cost per /.test(String(textOf(x)))).map(([r]) => r);
    if (!rows.length) out.push('Daily Monitor: no "Cost per …" row');
    for (const row of rows) {
      for (const [r, c, x] of all) {
        if (r !== row || c < DM.cols.target || c === DM.cols.vs || c === DM.cols.flag || c === DM.cols.alerts || c === DM.cols.trend || !isFigure(x)) continue;
        if (c >= DM.cols.first + DM.days) continue; // hidden helpers (min, max of the sparkline)
        if (fmtOf(x) !== FMT.money) out.push(`Daily Monitor!${a1(r, c)} (cost per outcome): ${fmtOf(x) ?? 'General'}`);
      }
    }
  }
  return out;
}

describe('number formats on the report sheets', () => {
  const spec = demo();
  const sheet = (name: string) => spec.sheets.find((s) => s.name === name)!;

  it('the demo workbook has every report sheet', () => {
    expect(spec.sheets.filter((s) => s.kind === 'report').map((s) => s.name)).toEqual(REPORTS);
  });

  it.each(REPORTS)('%s: money and cost per outcome in cents; four decimals only for prices per token', (name) => {
    expect(formatProblems(sheet(name))).toEqual([]);
  });

  it('the per-unit columns are found where they are (each report that has one)', () => {
    const found = (name: string) => cells(sheet(name)).filter(([, , x]) => isCell(x) && x.s?.fill && x.s?.bold && PER_UNIT.test(String(textOf(x)).trim())).length;
    expect(REPORTS.map((n) => [n, found(n) > 0])).toEqual(REPORTS.map((n) => [n, !['Invoice Reconciliation', 'Migration Payback'].includes(n)]));
    // (Invoice Reconciliation has no per-unit cost; Migration Payback's are prices per token)
  });

  it('can fail: the old "$#,##0.00##" on a target, a cost per outcome in General, a money column in whole dollars', () => {
    const clone = (s: SheetSpec): SheetSpec => JSON.parse(JSON.stringify(s)) as SheetSpec;
    const slo = clone(sheet('SLO Monitor'));
    const row = slo.grids[0].rows[5];
    (row[7] as { s: { numFmt: string } }).s.numFmt = '$#,##0.00##'; // Target
    delete (row[6] as { s?: unknown }).s; // Cost per outcome: General
    (row[5] as { s: { numFmt: string } }).s.numFmt = '$#,##0'; // Total cost
    expect(formatProblems(slo)).toEqual(['SLO Monitor!F6: $#,##0', 'SLO Monitor!H6: $#,##0.00##', 'SLO Monitor!G6 (Cost per outcome): General', 'SLO Monitor!H6 (Target): $#,##0.00##']);
    const dm = clone(sheet('Daily Monitor'));
    (dm.grids[0].rows[DM.firstRow][DM.cols.day] as { s: { numFmt: string } }).s.numFmt = FMT.rate;
    expect(formatProblems(dm)).toEqual([`Daily Monitor!${a1(DM.firstRow, DM.cols.day)}: ${FMT.rate}`, `Daily Monitor!${a1(DM.firstRow, DM.cols.day)} (cost per outcome): ${FMT.rate}`]);
    const pb = clone(sheet('Migration Payback'));
    (pb.grids[0].rows[PAYBACK.firstRow][PAYBACK.cols.saving] as { s: { numFmt: string } }).s.numFmt = FMT.mtok; // a saving is money, not a price
    expect(formatProblems(pb)).toEqual([`Migration Payback!${a1(PAYBACK.firstRow, PAYBACK.cols.saving)}: ${FMT.mtok}`]);
  });
});
