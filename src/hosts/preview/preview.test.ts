import { PreviewHost, sheetMatrix } from './index';
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
