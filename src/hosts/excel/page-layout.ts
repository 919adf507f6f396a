// Row heights, hidden rows and the page setup of a sheet spec, through Office.js. Kept apart from the writer
// (index.ts): the planner emits one `layout` operation per sheet and the writer hands it here. Worksheet.pageLayout
// needs ExcelApi 1.9 (Excel 2019+, Excel on the web); where it is missing the sheet is written without a page
// setup rather than failing the write. Row heights and hidden rows are ExcelApi 1.1/1.2.
import { colLetter } from '../../workbook/address';
import { headerFooterSection } from '../../workbook/print';
import type { PrintSpec, RowSpec } from '../../workbook/spec';

export interface LayoutOp {
  op: 'layout';
  rows: RowSpec[];
  print?: PrintSpec;
}

/** Whether this Excel has Worksheet.pageLayout (ExcelApi 1.9). */
export function pageLayoutSupported(): boolean {
  try {
    return typeof Office !== 'undefined' && !!Office.context?.requirements?.isSetSupported('ExcelApi', '1.9');
  } catch {
    return false;
  }
}

/** Queues (no sync) the rows' heights and visibility and, where supported, the page setup. */
export function applyLayout(ws: Excel.Worksheet, op: LayoutOp, opts: { generatedAt?: Date; pageLayout?: boolean } = {}): void {
  for (const r of op.rows) {
    const row = ws.getRange(`${r.index + 1}:${r.index + 1}`);
    if (r.height !== undefined) row.format.rowHeight = r.height;
    if (r.hidden) row.rowHidden = true;
  }
  const p = op.print;
  if (!p || !(opts.pageLayout ?? pageLayoutSupported())) return;
  const at = opts.generatedAt ?? new Date();
  const pl = ws.pageLayout;
  pl.orientation = p.orientation === 'landscape' ? 'Landscape' : 'Portrait';
  // verticalFitToPages 0: as many pages down as needed (what Excel's "Fit All Columns on One Page" records).
  pl.zoom = { horizontalFitToPages: p.fitToWidth, verticalFitToPages: p.fitToHeight };
  if (p.area) pl.setPrintArea(p.area);
  if (p.titleRows) pl.setPrintTitleRows(`$${p.titleRows.first}:$${p.titleRows.last}`);
  if (p.titleCols) pl.setPrintTitleColumns(`$${colLetter(p.titleCols.first)}:$${colLetter(p.titleCols.last)}`);
  const hf = pl.headersFooters.defaultForAllPages;
  if (p.header) {
    hf.leftHeader = headerFooterSection(p.header.left, at);
    hf.centerHeader = headerFooterSection(p.header.center, at);
    hf.rightHeader = headerFooterSection(p.header.right, at);
  }
  if (p.footer) {
    hf.leftFooter = headerFooterSection(p.footer.left, at);
    hf.centerFooter = headerFooterSection(p.footer.center, at);
    hf.rightFooter = headerFooterSection(p.footer.right, at);
  }
}
