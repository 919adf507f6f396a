// The page setup through Office.js, on a recorder standing in for Excel.Worksheet (property sets and calls).
import { applyLayout } from './page-layout';
import { SheetBuilder } from '../../workbook/sheet';

function recorder() {
  const log: string[] = [];
  const proxy = (path: string): unknown =>
    new Proxy(function () {}, {
      get: (_t, p) => proxy(`${path}.${String(p)}`),
      set: (_t, p, v) => {
        log.push(`${path}.${String(p)} = ${JSON.stringify(v)}`);
        return true;
      },
      apply: (_t, _this, args) => {
        const call = `${path}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
        log.push(call);
        return proxy(call);
      },
    });
  return { ws: proxy('ws') as Excel.Worksheet, log };
}

describe('Excel page layout (ExcelApi 1.9)', () => {
  const spec = (() => {
    const b = new SheetBuilder('Agent P&L', 'report');
    b.value(0, 0, 'Agent P&L').value(1, 1, '2026-10');
    b.row(4, 0, Array.from({ length: 14 }, (_, i) => ({ v: `Column heading ${i}`, s: { bold: true, wrap: true } })));
    b.row(5, 0, Array.from({ length: 14 }, (_, i) => i));
    b.freeze(5, 1);
    return b.build();
  })();

  it('sets orientation, fit to one page wide, print area, titles, header and footer, and the tall header row', () => {
    const { ws, log } = recorder();
    applyLayout(ws, { op: 'layout', rows: spec.rows ?? [], print: spec.print }, { pageLayout: true, generatedAt: new Date('2026-11-02T08:30:00Z') });
    expect(log).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ws\.getRange\("5:5"\)\.format\.rowHeight = \d+/),
      'ws.pageLayout.orientation = "Landscape"',
      'ws.pageLayout.zoom = {"horizontalFitToPages":1,"verticalFitToPages":0}',
      'ws.pageLayout.setPrintArea("A1:N6")',
      'ws.pageLayout.setPrintTitleRows("$1:$5")',
      'ws.pageLayout.setPrintTitleColumns("$A:$A")',
      'ws.pageLayout.headersFooters.defaultForAllPages.leftHeader = "Agent P&&L"',
      'ws.pageLayout.headersFooters.defaultForAllPages.rightFooter = "Page &P of &N"',
      'ws.pageLayout.headersFooters.defaultForAllPages.leftFooter = "Generated 2026-11-02 08:30 UTC"',
    ]));
  });

  it('without ExcelApi 1.9 writes the row heights and no page setup', () => {
    const { ws, log } = recorder();
    applyLayout(ws, { op: 'layout', rows: spec.rows ?? [], print: spec.print }, { pageLayout: false });
    expect(log.some((l) => l.includes('rowHeight'))).toBe(true);
    expect(log.some((l) => l.includes('pageLayout'))).toBe(false);
  });
});
