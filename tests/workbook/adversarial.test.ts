// Issue 12 in the engines that recalculate our sheets: names that SUMIFS/COUNTIFS/MATCH would read as patterns on every
// report sheet, recalculated by HyperFormula (the preview host) and LibreOffice (the .xlsx host), every figure equal to
// the core's; then checks that can fail: a tampered Chargeback, Ledger or Invoices cell turns them red.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { aggregate } from '../../src/core/ledger/aggregate';
import { PreviewHost } from '../../src/hosts/preview';
import { XlsxHost } from '../../src/hosts/xlsx';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';
import { deriveAlerts } from '../../src/taskpane/services/alerts';
import { BUDGET, CB, PAYBACK, PNL, PNL_SHEET, RECON, RECONCILIATION_SHEET, computeSlo, pnlTotalRow, type CellValue } from '../../src/workbook';
import { adversarialWorkbook, LONG_BU, NAMES } from './adversarial';
import { checkFigures, errorCells } from './figures-check';

const wb = adversarialWorkbook();
const CBN = `Chargeback ${wb.period}`;
const names = () => wb.spec.sheets.map((s) => s.name);
const rowOf = (g: CellValue[][], col: number, v: string, from = 0) => g.findIndex((r, i) => i >= from && r[col] === v);

/** The Agent P&L's red rule on its tie-out difference (the cell under the total and the Ledger line). */
function pnlTieRule() {
  const T = pnlTotalRow(wb.result.agents.length) + 1;
  const cf = wb.spec.sheets.find((s) => s.name === PNL_SHEET)!.conditionalFormats!.find((c) => c.ref === `O${T + 2}:P${T + 2}`)!;
  expect(cf.rules[0].style.fill).toBe('FFC7CE');
  return cf.rules[0];
}

/** Assertions on the sheets' values that do not depend on the engine. */
function sameVerdicts(read: (s: string) => CellValue[][]) {
  const cb = read(CBN);
  // every business unit its own line, the pattern-like ones included, each equal to the core (checkFigures), and the
  // lines a wildcard would have merged are different figures
  const bus = aggregate(wb.result, 'business_unit', wb.period);
  for (const bu of [NAMES.star.bu, NAMES.plain.bu, NAMES.upper.bu, NAMES.eq.bu, NAMES.lt.bu, NAMES.q.bu, NAMES.quote.bu, NAMES.tilde.bu, LONG_BU, NAMES.date.bu]) {
    const r = rowOf(cb, 0, bu);
    expect(r).toBeGreaterThanOrEqual(CB.firstLine);
    expect(cb[r][CB.cols.total]).toBeCloseTo(bus.find((a) => a.key === bu)!.total, 9);
  }
  const star = cb[rowOf(cb, 0, NAMES.star.bu)][CB.cols.total] as number;
  const plain = cb[rowOf(cb, 0, NAMES.plain.bu)][CB.cols.total] as number;
  const upper = cb[rowOf(cb, 0, NAMES.upper.bu)][CB.cols.total] as number;
  expect(new Set([star, plain, upper]).size).toBe(3);
  // cost with no successful outcome: its own red status everywhere
  const starLine = rowOf(cb, 0, NAMES.star.agent, CB.firstLine + bus.length);
  expect(cb[starLine][CB.cols.cpo]).toBe('no outcomes');
  const slo = read('SLO Monitor');
  const sloRow = (agent: string, p: string) => slo.find((r) => r[0] === agent && r[2] === p)!;
  expect(sloRow(NAMES.star.agent, '2026-10').slice(14, 18)).toEqual(['no outcomes', 1, expect.anything(), 'ALERT']);
  // 6.90 / 3 = 2.3000000000000003 against a 2.30 target: on target, 0.0%, no alert
  expect(sloRow(NAMES.q.agent, '2026-10')[6]).toBe(2.3);
  expect(sloRow(NAMES.q.agent, '2026-10')[9]).toBe(0);
  expect(sloRow(NAMES.q.agent, '2026-10')[14]).toBe('on target');
  const pnl = read('Agent P&L');
  expect(pnl.find((r) => r[0] === NAMES.star.agent)![21]).toBe('no outcomes');
  // the targets found on the Agents sheet by exact id, never by a wildcard or case-insensitive match
  for (const [id, target] of [[NAMES.star.agent, 1], [NAMES.upper.agent, 3], [NAMES.plain.agent, 2], [NAMES.long.agent, 1], [NAMES.quote.agent, 1.5]] as const) {
    expect(slo.find((r) => r[0] === id)![7]).toBe(target);
  }
  // an agent on a model with no price: never pays back, and says why
  const pb = read('Migration Payback');
  const q = pb.find((r) => r[0] === NAMES.q.agent)!;
  expect([q[PAYBACK.cols.payback], q[PAYBACK.cols.why]]).toEqual(['never', 'no price for the current model: add it to Model prices']);
  // the default budget is last month's chargeback to the cent, unallocated overhead included
  const budget = read('Budget');
  const total = budget.find((r) => r[0] === 'Total AI labor')!;
  expect(total[6]).toBeCloseTo(cb[CB.firstLine + bus.length][CB.cols.total] as number, 9);
  expect(budget.some((r) => r[0] === 'Nowhere*' && r[5] === 7.77)).toBe(true);
  // each line in the Chargeback's measure: its cost per outcome (shown in cents) × its successful outcomes
  for (const a of bus.filter((x) => x.outcomes > 0 && x.total >= 0)) {
    const line = budget.find((r) => r[0] === a.key)!;
    const shown = cb[rowOf(cb, 0, a.key)][CB.cols.cpo] as number;
    expect([Math.round((line[BUDGET.cols.costPerUnit] as number) * 100) / 100, line[BUDGET.cols.volume]]).toEqual([shown, a.outcomes]);
  }
  // the invoices reconcile, the provider with a wildcard in its name included
  const rc = read(RECONCILIATION_SHEET);
  const star3 = rc.find((r) => r[1] === '*"star"*' && r[0] === '2026-10')!;
  expect([star3[RECON.cols.invoice], star3[RECON.cols.check]]).toEqual([3.01, 'ties']);
}

describe('adversarial names, recalculated by HyperFormula (preview host)', () => {
  let host: PreviewHost;
  // synchronous reads of the recalculated values (readSheet's, without the await)
  const read = (s: string): CellValue[][] =>
    host.hf.getSheetValues(host.hf.getSheetId(s)!).map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String((v as { value: unknown }).value) : (v ?? null)) as CellValue));
  beforeEach(async () => {
    host = new PreviewHost();
    await host.writeWorkbook(wb.spec);
  });

  it('has the traps: names a criterion would read as patterns or operators, and rows they would wrongly pick up', async () => {
    const ph = new PreviewHost();
    await ph.writeWorkbook({ sheets: [{ name: 'T', kind: 'report', grids: [{ at: 'A1', rows: [[NAMES.star.bu], [NAMES.plain.bu], [NAMES.upper.bu], [{ f: 'COUNTIFS(A1:A3,A1)' }], [{ f: 'COUNTIFS(A1:A3,"=Claims")' }]] }] }] });
    // what SUMIFS/COUNTIFS on the names would do: Customer* counts all three, "=Claims" is read as an operator
    expect(ph.value('T', 'A4')).toBe(3);
    expect(ph.value('T', 'A5')).toBe(0);
    expect(wb.result.rows.some((r) => r.business_unit === NAMES.star.bu && r.agent_id === NAMES.plain.agent)).toBe(true);
  });

  it('computes every report figure as the core does, with no error value anywhere', () => {
    expect(errorCells(names(), read)).toEqual([]);
    const { problems, checked } = checkFigures(read, wb.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    sameVerdicts(read);
  });

  it('overwriting one Chargeback cell unbalances the journal and breaks the tie (both are computed comparisons)', () => {
    const cb = read(CBN);
    const T = CB.firstLine + aggregate(wb.result, 'business_unit', wb.period).length;
    const jt = rowOf(cb, 0, 'Total', T + 5);
    expect(cb[jt + 1][0]).toBe('balanced');
    expect(cb[T + 2][13]).toBe('ties');
    host.setCell(CBN, `F${CB.firstLine + 1}`, 999); // the first line's API
    const after = read(CBN);
    expect(after[jt + 1][0]).toBe('OUT OF BALANCE');
    expect(after[jt + 1][2]).toBeCloseTo(999 - (cb[CB.firstLine][CB.cols.api] as number), 9);
    expect(after[T + 2][13]).toBe('DOES NOT TIE');
  });

  it('overwriting one Agent P&L figure breaks its tie to the Ledger + Unattributed total (a computed comparison)', () => {
    const t = pnlTotalRow(wb.result.agents.length);
    const pnl = read(PNL_SHEET);
    expect(pnl[t][0]).toBe('Total');
    expect(pnl[t + 1][14]).toBeCloseTo(aggregate(wb.result, 'all', wb.period)[0].total, 9);
    expect([pnl[t + 2][14], pnl[t + 2][15]]).toEqual([0, 'ties']);
    expect(host.hf.calculateFormula(`=${pnlTieRule().formula}`, host.hf.getSheetId(PNL_SHEET)!)).toBe(false);
    host.setCell(PNL_SHEET, `H${PNL.firstRow + 2}`, (pnl[PNL.firstRow + 1][7] as number) + 0.01); // the second agent's API, one cent up
    const after = read(PNL_SHEET);
    expect(after[t][14]).toBeCloseTo((pnl[t][14] as number) + 0.01, 9);
    expect(after[t + 1][14]).toBe(pnl[t + 1][14]);
    expect([after[t + 2][14], after[t + 2][15]]).toEqual([0.01, 'DOES NOT TIE']);
    // and red: the conditional format on the difference now holds (it did not before)
    const rule = pnlTieRule();
    expect(host.hf.calculateFormula(`=${rule.formula}`, host.hf.getSheetId(PNL_SHEET)!)).toBe(true);
  });

  it('a Ledger cell edited after the build breaks the chargeback tie; a true-up cell also the invoice reconciliation', () => {
    const ledger = read('Ledger');
    const col = ledger[0].indexOf('trueup');
    const r = ledger.findIndex((x, i) => i > 0 && x[0] === wb.period && x[col] !== 0);
    host.setCell('Ledger', `${String.fromCharCode(65 + col)}${r + 1}`, (ledger[r][col] as number) + 0.01);
    const rc = read(RECONCILIATION_SHEET);
    expect(rc.find((x) => x[0] === wb.period && x[5] !== null && /TIE/.test(String(x[5])))![5]).toBe('DOES NOT TIE');
    const cb = read(CBN);
    // the Ledger's total column was not touched: the chargeback (sum of components) no longer ties to it
    expect(cb.some((x) => x[13] === 'DOES NOT TIE')).toBe(true);
    expect(cb.some((x) => x[0] === 'OUT OF BALANCE')).toBe(true);
    // the Agent P&L sums the true-up column, its tie reads the Ledger's total column: it no longer ties either
    expect(read(PNL_SHEET)[pnlTotalRow(wb.result.agents.length) + 2][15]).toBe('DOES NOT TIE');
  });

  it('an invoice edited on the Invoices sheet shows as a difference for that provider', () => {
    host.setCell('Invoices', 'C5', 3.5); // *"star"*, 2026-10: 3.01 → 3.50
    const rc = read(RECONCILIATION_SHEET);
    const row = rc.find((r) => r[1] === '*"star"*' && r[0] === '2026-10')!;
    expect([row[RECON.cols.difference], row[RECON.cols.check]]).toEqual([0.49, 'DIFFERS']);
  });

  it('after the Agents rows were sorted, finds each agent\'s row by exact id, or none — never another agent\'s', () => {
    const agents = read('Agents');
    const width = agents[0].length;
    const rows = agents.slice(1, 11).reverse();
    rows.forEach((row, i) => {
      for (let c = 0; c < width; c++) host.setCell('Agents', `${String.fromCharCode(65 + c)}${i + 2}`, (row[c] ?? null) as string | number | null);
    });
    const slo = read('SLO Monitor');
    // the hint no longer holds; the escaped MATCH (and, in HyperFormula, the literal one) finds the row, EXACT checks it
    for (const [id, target] of [[NAMES.upper.agent, 3], [NAMES.plain.agent, 2], [NAMES.quote.agent, 1.5], [NAMES.eq.agent, 4], [NAMES.q.agent, 2.3], [NAMES.tilde.agent, '']] as const) {
      expect(slo.find((r) => r[0] === id)![7]).toBe(target);
    }
    // agent* and AGENT* differ only in case: MATCH (case-insensitive) now lands on AGENT* first and EXACT refuses it,
    // so agent*'s target reads as missing until the sheet is regenerated — not as AGENT*'s 3
    expect(slo.find((r) => r[0] === NAMES.star.agent)![7]).toBe('');
  });
});

describe('the JavaScript side decides the same way', () => {
  it('status, alert and the exact-target tie: no outcomes is red and alerts; 2.3000000000000003 vs 2.3 is on target', () => {
    const slo = computeSlo(wb.result);
    expect(slo.find((s) => s.agent_id === NAMES.star.agent && s.period === '2026-10')).toMatchObject({ status: 'no outcomes', above: 1, alert: true, breaches: ['cost'] });
    expect(slo.find((s) => s.agent_id === NAMES.q.agent && s.period === '2026-10')).toMatchObject({ status: 'on target', cost_per_outcome: 2.3, vs_target: 0, above: 0, alert: false });
    const alerts = deriveAlerts(wb.result);
    // agent*'s failed month, and the Unassigned line's unallocated overhead (cost that no outcome paid for either)
    expect(alerts.filter((a) => a.kind === 'noOutcomes').map((a) => a.title)).toEqual([`No successful outcome: ${NAMES.star.agent}, 2026-10`, 'No successful outcome: Unassigned, 2026-10']);
  });
});

const soffice = findSoffice();
(soffice ? describe : describe.skip)('adversarial names, recalculated by LibreOffice (.xlsx host)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-adv-'));

  it('computes every report figure as the core does; an overwritten Chargeback cell and Ledger true-up turn the checks red', async () => {
    const host = new XlsxHost();
    await host.writeWorkbook(wb.spec);
    const path = join(dir, 'adversarial.xlsx');
    await host.save(path);
    const sheets = await recalcWithLibreOffice(path, names());
    const read = (s: string) => sheets.get(s) ?? [];
    expect(errorCells(names(), (s) => sheets.get(s) ?? null)).toEqual([]);
    const { problems, checked } = checkFigures((s) => sheets.get(s) ?? null, wb.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    sameVerdicts(read);

    // as a controller would: open the file, overwrite a chargeback figure and a Ledger true-up, save, recalculate
    const edited = await XlsxHost.open(path);
    edited.wb.getWorksheet(CBN)!.getCell(`F${CB.firstLine + 1}`).value = 999;
    const ledger = edited.wb.getWorksheet('Ledger')!;
    const tu = ledger.getRow(1).values as unknown[];
    const col = tu.indexOf('trueup');
    let row = 0;
    ledger.eachRow((r, i) => {
      if (!row && i > 1 && r.getCell(1).value === wb.period && r.getCell(col).value !== 0) row = i;
    });
    ledger.getCell(row, col).value = (ledger.getCell(row, col).value as number) + 0.01;
    const path2 = join(dir, 'tampered.xlsx');
    await edited.save(path2);
    const after = await recalcWithLibreOffice(path2, [CBN, RECONCILIATION_SHEET, PNL_SHEET]);
    expect(after.get(CBN)!.some((r) => r[0] === 'OUT OF BALANCE')).toBe(true);
    expect(after.get(CBN)!.some((r) => r[13] === 'DOES NOT TIE')).toBe(true);
    expect(after.get(RECONCILIATION_SHEET)!.some((r) => r[0] === wb.period && r[5] === 'DOES NOT TIE')).toBe(true);
    const t = pnlTotalRow(wb.result.agents.length);
    expect([after.get(PNL_SHEET)![t + 2][14], after.get(PNL_SHEET)![t + 2][15]]).toEqual([0.01, 'DOES NOT TIE']);
  }, 120_000);

  it('the Agent P&L total ties to the Ledger + Unattributed total; an overwritten agent figure turns it red', async () => {
    const path = join(dir, 'pnl.xlsx');
    const host = new XlsxHost();
    await host.writeWorkbook(wb.spec);
    await host.save(path);
    const t = pnlTotalRow(wb.result.agents.length);
    const before = (await recalcWithLibreOffice(path, [PNL_SHEET])).get(PNL_SHEET)!;
    expect(before[t][0]).toBe('Total');
    expect(before[t][14]).toBeCloseTo(aggregate(wb.result, 'all', wb.period)[0].total, 9);
    expect([before[t + 2][14], before[t + 2][15]]).toEqual([0, 'ties']);
    // a controller types over one agent's review cost, saves, and LibreOffice recalculates
    const edited = await XlsxHost.open(path);
    const ws = edited.wb.getWorksheet(PNL_SHEET)!;
    ws.getCell(`K${PNL.firstRow + 1}`).value = 1234.56;
    // the red rule's own expression in a spare cell, to see LibreOffice decide it
    ws.getCell(`Z${t + 3}`).value = { formula: pnlTieRule().formula } as ExcelJS.CellFormulaValue;
    const path2 = join(dir, 'pnl-tampered.xlsx');
    await edited.save(path2);
    const after = (await recalcWithLibreOffice(path2, [PNL_SHEET])).get(PNL_SHEET)!;
    expect(after[t + 2][15]).toBe('DOES NOT TIE');
    expect(after[t + 2][25]).toBe('TRUE'); // the CSV's boolean
    expect(after[t + 2][14]).toBeCloseTo(1234.56 - (before[PNL.firstRow][10] as number), 9);
  }, 120_000);
});
