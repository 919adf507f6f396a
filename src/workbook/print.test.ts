import { defaultPrint, fitColumnsToNumbers, fitColumnsToText, headerFooterCode, periodsOf, widthFor, wrappedLines } from './print';
import { SheetBuilder } from './sheet';
import type { SheetSpec } from './spec';

describe('page setup derived from the sheet', () => {
  it('wraps words whole and counts the lines a header needs', () => {
    expect(wrappedLines('Cost per outcome', 30)).toBe(1);
    expect(wrappedLines('Cost per outcome', 12)).toBe(2);
    expect(wrappedLines('Months in a row: retirement condition', 14)).toBe(4);
    expect(wrappedLines('line one\nline two', 40)).toBe(2);
    // a word longer than the column breaks (the builder widens such columns first)
    expect(wrappedLines('review_minutes', 6)).toBeGreaterThan(1);
  });

  it('escapes & in header text and turns tokens into Excel codes', () => {
    const at = new Date('2026-11-02T08:30:00Z');
    expect(headerFooterCode({ left: 'Agent P&L', center: 'Period 2026-10', right: 'Page {page} of {pages}' }, at)).toBe('&LAgent P&&L&CPeriod 2026-10&RPage &P of &N');
    expect(headerFooterCode({ left: 'Generated {generated}', center: '{sheet}' }, at)).toBe('&LGenerated 2026-11-02 08:30 UTC&C&A');
    expect(headerFooterCode({ left: 'x'.repeat(400) }, at)).toHaveLength(255);
  });

  it('a report wider than a portrait page prints landscape, one page wide, its frozen rows and column as titles, without hidden helper columns', () => {
    const b = new SheetBuilder('Report X', 'report');
    b.value(0, 0, 'Report title').value(1, 0, 'Period').value(1, 1, '2026-10');
    b.row(3, 0, Array.from({ length: 12 }, (_, i) => ({ v: `Heading ${i}`, s: { bold: true, wrap: true } })));
    b.row(4, 0, Array.from({ length: 12 }, (_, i) => ({ f: `${i}+1`, s: { numFmt: '$#,##0.00' } })));
    b.set(4, 14, { f: '1' });
    b.freeze(4, 1);
    const spec = b.build();
    spec.columns![14] = { hidden: true };
    const p = defaultPrint(spec);
    expect(p).toMatchObject({ orientation: 'landscape', fitToWidth: 1, fitToHeight: 0, titleRows: { first: 1, last: 4 }, titleCols: { first: 0, last: 0 }, area: 'A1:L5' });
    expect(p.header).toEqual({ left: 'Report title', center: 'Period 2026-10', right: 'AI Labor Ledger' });
    expect(p.footer?.right).toBe('Page {page} of {pages}');
    // money formulas get room for a large figure; the wrapped header row is taller than 15 pt when it wraps
    expect(spec.columns![5].width).toBeGreaterThanOrEqual(widthFor('-$99,999.99'));
  });

  it('a narrow list prints portrait', () => {
    const spec = new SheetBuilder('Rates', 'input').row(0, 0, ['role', 'rate']).row(1, 0, ['a', 1]).row(2, 0, ['b', 2]).build();
    for (let r = 3; r < 80; r++) spec.grids[0].rows.push(['x', r]);
    expect(defaultPrint(spec).orientation).toBe('portrait');
  });

  it('widens a column for its largest literal number and for text its neighbour would cut, never narrows', () => {
    const spec: SheetSpec = {
      name: 'S', kind: 'report', columns: [{ width: 8 }, { width: 30 }, { width: 4 }],
      grids: [{ at: 'A1', rows: [['A label long enough to be cut', 5, 1_234_567.891], ['short', null, -3]], columnStyles: [undefined, undefined, { numFmt: '$#,##0.00' }] }],
    };
    fitColumnsToNumbers(spec);
    expect(spec.columns![2].width).toBe(widthFor('$1,234,567.89'));
    expect(spec.columns![1].width).toBe(30);
    fitColumnsToText(spec);
    expect(spec.columns![0].width).toBe(widthFor('A label long enough to be cut'));
    // text with empty cells to its right overflows and widens nothing
    const free: SheetSpec = { name: 'F', kind: 'report', columns: [{ width: 8 }], grids: [{ at: 'A1', rows: [['A label long enough to be cut']] }] };
    fitColumnsToText(free);
    expect(free.columns![0].width).toBe(8);
  });

  it('names the months a sheet covers', () => {
    expect(periodsOf({ name: 'x', kind: 'data', grids: [{ at: 'A1', rows: [['period'], ['2026-09'], ['2026-08'], ['2026-10'], ['2026-13']] }] })).toBe('2026-08 to 2026-10');
    expect(periodsOf({ name: 'x', kind: 'data', grids: [] })).toBeUndefined();
  });
});
