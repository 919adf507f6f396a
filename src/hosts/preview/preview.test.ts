import { PreviewHost, sheetMatrix, styleAt } from './index';
import type { SheetSpec } from '../../workbook/spec';

const sheet = (name: string, rows: SheetSpec['grids'][0]['rows'], names: SheetSpec['names'] = []): SheetSpec => ({ name, kind: 'report', grids: [{ at: 'A1', rows }], names });

describe('preview host (HyperFormula)', () => {
  it('evaluates formulas across sheets and names, and recomputes after an edit', async () => {
    const h = new PreviewHost();
    await h.writeWorkbook({
      sheets: [
        sheet('Report', [[{ f: 'SUM(Data_x)' }, { f: "'Input Data'!B1*2" }]]),
        sheet('Input Data', [[1, 5], [2], [3]], [{ name: 'Data_x', ref: "'Input Data'!$A$1:$A$3" }]),
      ],
    });
    expect(h.value('Report', 'A1')).toBe(6);
    expect(h.value('Report', 'B1')).toBe(10);
    h.setCell('Input Data', 'A2', 20);
    expect(h.value('Report', 'A1')).toBe(24);
    h.setCell('Input Data', 'B1', { f: 'A1+A3' });
    expect(h.value('Report', 'B1')).toBe(8);
  });

  it('never parses a string value: formulas, numbers and dates in text stay text', async () => {
    const h = new PreviewHost();
    await h.writeSheet(sheet('S', [['=HYPERLINK("http://x","y")', '123', '2026-10', "'quoted", { f: 'ISTEXT(B1)' }]]));
    expect((await h.readSheet('S'))![0]).toEqual(['=HYPERLINK("http://x","y")', '123', '2026-10', "'quoted", true]);
    expect(h.formula('S', 'A1')).toBeUndefined();
    h.setCell('S', 'A1', '=1+1');
    expect(h.value('S', 'A1')).toBe('=1+1');
  });

  it('replaces a sheet on regeneration (one sheet, new content) and keeps references to it valid', async () => {
    const h = new PreviewHost();
    await h.writeWorkbook({ sheets: [sheet('Chargeback 2026-10', [[1]]), sheet('Summary', [[{ f: "'Chargeback 2026-10'!A1+1" }]])] });
    await h.writeSheet(sheet('Chargeback 2026-10', [[41]]));
    expect(await h.listSheets()).toEqual(['Chargeback 2026-10', 'Summary']);
    expect(h.value('Summary', 'A1')).toBe(42);
  });

  it('overlays grids: a null cell leaves what an earlier grid wrote', () => {
    const m = sheetMatrix({ name: 'S', kind: 'data', grids: [{ at: 'A1', rows: [[1, 2]] }, { at: 'B1', rows: [[null, 3]] }] });
    expect(m).toEqual([[1, 2, 3]]);
  });

  it('stores settings but refuses anything that looks like a secret', async () => {
    const h = new PreviewHost();
    await h.settings.set('period', '2026-10');
    expect(await h.settings.get('period')).toBe('2026-10');
    await expect(h.settings.set('openai_api_key', 'x')).rejects.toThrow(/secrets are not stored/);
    await expect(h.settings.set('note', 'sk-abc123')).rejects.toThrow(/secrets are not stored/);
  });
});

describe('preview host as the workbench model', () => {
  it('tells subscribers about every write, edit and activation, and stops when unsubscribed', async () => {
    const h = new PreviewHost();
    const seen: number[] = [];
    const off = h.subscribe(() => seen.push(h.version));
    await h.writeSheet(sheet('S', [[1]]));
    h.setCell('S', 'A1', 2);
    await h.activate('S', 'A1');
    await h.writeWorkbook({ sheets: [sheet('T', [[3]])] });
    expect(seen).toEqual([1, 2, 3, 4]);
    off();
    h.setCell('S', 'A1', 5);
    expect(seen).toHaveLength(4);
    expect(h.active).toEqual({ sheet: 'S', cell: 'A1' });
  });

  it('reports the used size of a sheet', async () => {
    const h = new PreviewHost();
    await h.writeSheet(sheet('S', [[1, 2, 3], [4]]));
    expect(h.dimensions('S')).toEqual({ rows: 2, cols: 3 });
    expect(() => h.dimensions('Nope')).toThrow(/no sheet "Nope"/);
  });

  it('finds a cell style: its own, else the column style of the grid that holds it', () => {
    const bold = { bold: true };
    const money = { numFmt: '$#,##0.00' };
    const spec: SheetSpec = {
      name: 'S',
      kind: 'report',
      grids: [
        { at: 'A1', rows: [[1, { v: 2, s: bold }], [3, 4]], columnStyles: [money] },
        { at: 'A2', rows: [[null, { f: 'A1' }]] },
      ],
    };
    expect(styleAt(spec, 0, 0)).toBe(money);
    expect(styleAt(spec, 0, 1)).toBe(bold);
    expect(styleAt(spec, 1, 0)).toBe(money); // the later grid's null leaves the earlier cell
    expect(styleAt(spec, 1, 1)).toBeUndefined(); // the later grid's cell has no style
    expect(styleAt(spec, 5, 5)).toBeUndefined();
  });

  it('gives back the workbook with typed cells laid over the last spec, styles and names kept; a rewrite drops them', async () => {
    const h = new PreviewHost();
    const input = { fill: 'FFF2CC', numFmt: '#,##0' };
    await h.writeWorkbook({
      sheets: [
        { name: 'Drivers', kind: 'input', grids: [{ at: 'A1', rows: [['volume', { v: 10, s: input }]] }], names: [{ name: 'Vol', ref: 'Drivers!$B$1' }] },
        sheet('Budget', [[{ f: 'Vol*2' }]]),
      ],
      names: [{ name: 'Twice', ref: 'Budget!$A$1' }],
    });
    h.setCell('Drivers', 'B1', 25);
    h.setCell('Budget', 'B1', { f: 'A1+1' });
    const spec = h.toWorkbookSpec();
    expect(spec.sheets.map((s) => s.name)).toEqual(['Drivers', 'Budget']);
    expect(spec.names).toEqual([{ name: 'Twice', ref: 'Budget!$A$1' }]);
    const again = new PreviewHost();
    await again.writeWorkbook(spec);
    expect(again.value('Budget', 'A1')).toBe(50);
    expect(again.value('Budget', 'B1')).toBe(51);
    expect(styleAt(spec.sheets[0], 0, 1)).toEqual(input);
    await h.writeSheet(sheet('Budget', [[7]]));
    expect(h.toWorkbookSpec().sheets[1].grids).toEqual([{ at: 'A1', rows: [[7]] }]);
  });
});
