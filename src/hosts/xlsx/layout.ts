// Row heights, hidden rows and the page setup of a sheet spec, as ExcelJS writes them (print area and print titles
// become the _xlnm.Print_Area / _xlnm.Print_Titles names of the sheet; ExcelJS adds those when it writes the file).
import type ExcelJS from 'exceljs';
import { colLetter } from '../../workbook/address';
import { headerFooterCode } from '../../workbook/print';
import type { SheetSpec } from '../../workbook/spec';

export function applyRows(ws: ExcelJS.Worksheet, spec: SheetSpec): void {
  for (const r of spec.rows ?? []) {
    const row = ws.getRow(r.index + 1);
    if (r.height !== undefined) row.height = r.height;
    if (r.hidden) row.hidden = true;
  }
}

export function applyPageSetup(ws: ExcelJS.Worksheet, spec: SheetSpec, generatedAt: Date): void {
  const p = spec.print;
  if (!p) return;
  ws.pageSetup = {
    ...ws.pageSetup,
    orientation: p.orientation,
    fitToPage: true,
    fitToWidth: p.fitToWidth,
    fitToHeight: p.fitToHeight,
    ...(p.area ? { printArea: p.area } : {}),
    ...(p.titleRows ? { printTitlesRow: `${p.titleRows.first}:${p.titleRows.last}` } : {}),
    ...(p.titleCols ? { printTitlesColumn: `${colLetter(p.titleCols.first)}:${colLetter(p.titleCols.last)}` } : {}),
  };
  const oddHeader = headerFooterCode(p.header, generatedAt);
  const oddFooter = headerFooterCode(p.footer, generatedAt);
  if (oddHeader || oddFooter) ws.headerFooter = { ...ws.headerFooter, ...(oddHeader ? { oddHeader } : {}), ...(oddFooter ? { oddFooter } : {}) };
}
