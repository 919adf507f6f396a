import ExcelJS from 'exceljs';
import { XlsxHost } from './index';
import { AGENTS, chargebackSheet, inputSheet, readAgents } from '../../workbook';
import type { SheetSpec } from '../../workbook/spec';
import { buildLedger } from '../../core/ledger';
import { sampleData } from '../../core/sample';

const sample = sampleData({ scale: 0.0005, months: 2 });

async function reopen(h: XlsxHost): Promise<XlsxHost> {
  return XlsxHost.load(await h.toBuffer());
}

describe('xlsx host (ExcelJS)', () => {
  it('writes formulas with their computed values, styles, names, tables, validation, conditional formats and frozen panes into the file', async () => {
    const h = new XlsxHost();
    const spec: SheetSpec = {
      name: 'Report', kind: 'report', tabColor: '70AD47', columns: [{ width: 30 }, { hidden: true }], freeze: { rows: 1, cols: 1 },
      grids: [{ at: 'A1', rows: [[{ v: 'total', s: { bold: true } }, { f: 'SUM(B2:B3)', s: { numFmt: '$#,##0.00' } }], [null, 1], [null, 2]] }],
      names: [{ name: 'Report_total', ref: 'Report!$B$1' }],
      tables: [],
      validations: [{ ref: 'B2:B3', type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], error: 'expected ≥ 0' }],
      conditionalFormats: [{ ref: 'B1', rules: [{ type: 'expression', formula: 'B1>2', style: { fill: 'FFC7CE' } }] }],
    };
    await h.writeSheet(spec);
    const back = await reopen(h);
    const ws = back.wb.getWorksheet('Report')!;
    expect(ws.getCell('B1').value).toEqual({ formula: 'SUM(B2:B3)', result: 3 });
    expect(ws.getCell('B1').numFmt).toBe('$#,##0.00');
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.getColumn(1).width).toBe(30);
    expect(ws.getColumn(2).hidden).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 1 });
    expect(back.definedName('Report_total')).toBe('Report!$B$1');
    expect((ws as unknown as { dataValidations: { model: Record<string, unknown> } }).dataValidations.model.B3).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual' });
    expect((ws as unknown as { conditionalFormattings: { ref: string }[] }).conditionalFormattings[0].ref).toBe('B1');
    expect(back.wb.calcProperties.fullCalcOnLoad).toBe(true);
  });

  it('writes an input sheet as an Excel table and reads it back into the same records', async () => {
    const h = new XlsxHost();
    await h.writeSheet(inputSheet(AGENTS, sample.agents));
    const back = await reopen(h);
    const ws = back.wb.getWorksheet('Agents')!;
    const table = (ws as unknown as { tables: Record<string, { table: { name: string; tableRef: string } }> }).tables.AgentsTable;
    expect(table.table.tableRef ?? table.table.name).toBeTruthy();
    expect(readAgents(await back.readSheet('Agents')).records).toEqual(sample.agents);
  });

  it('keeps untrusted text as a string cell, never a formula', async () => {
    const h = new XlsxHost();
    await h.writeSheet({ name: 'S', kind: 'data', grids: [{ at: 'A1', rows: [['=HYPERLINK("http://x","y")', '+1', 'a\u0000b']] }] });
    const back = await reopen(h);
    const ws = back.wb.getWorksheet('S')!;
    expect(ws.getCell('A1').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('A1').value).toBe('=HYPERLINK("http://x","y")');
    expect(ws.getCell('B1').value).toBe('+1');
    expect(ws.getCell('C1').value).toBe('a\uFFFDb');
  });

  it('regenerating a chargeback for the same month leaves one sheet, in its place', async () => {
    const result = buildLedger(sample);
    const period = result.periods[result.periods.length - 1];
    const h = new XlsxHost();
    await h.writeWorkbook({ sheets: [chargebackSheet(result, period, sample.agents), inputSheet(AGENTS, sample.agents)] });
    await h.writeSheet(chargebackSheet(result, period, sample.agents));
    await h.writeSheet(chargebackSheet(result, period, sample.agents));
    const back = await reopen(h);
    expect(await back.listSheets()).toEqual([`Chargeback ${period}`, 'Agents']);
  });

  it('stores settings in a very hidden sheet and refuses secrets', async () => {
    const h = new XlsxHost();
    await h.writeSheet({ name: 'A', kind: 'data', grids: [] });
    await h.settings.set('last_period', '2026-10');
    await expect(h.settings.set('anthropic_token', 'x')).rejects.toThrow(/secrets/);
    const back = await reopen(h);
    expect(await back.settings.get('last_period')).toBe('2026-10');
    expect(await back.listSheets()).toEqual(['A']);
  });

  it('a workbook HyperFormula cannot read is still saved, its formulas without values', async () => {
    const h = new XlsxHost();
    await h.writeSheet({ name: 'S', kind: 'report', grids: [{ at: 'A1', rows: [[1, { f: 'A1*2' }]] }], names: [{ name: 'Not A Name', ref: 'S!$A$1' }] });
    const r = h.saveValues();
    expect(r).toMatchObject({ formulas: 1, saved: 0, unsaved: 1, error: expect.stringMatching(/Not A Name/) });
    const back = await reopen(h);
    expect(back.wb.getWorksheet('S')!.getCell('B1').value).toEqual({ formula: 'A1*2' });
  });
});
