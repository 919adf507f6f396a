// "Export .xlsx": the preview workbook, typed edits included, written by the same ExcelJS host the CLI uses, so
// the downloaded file carries the generated sheets' styles, tables, names and validations, and native formulas.
import type { PreviewHost } from '../../hosts/preview';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The workbook as .xlsx bytes. ExcelJS is loaded on first use (it is large and only the export needs it). */
export async function workbookXlsx(host: PreviewHost): Promise<{ data: ArrayBuffer; sheets: number }> {
  const { XlsxHost } = await import('../../hosts/xlsx');
  const spec = host.toWorkbookSpec();
  if (!spec.sheets.length) throw new Error('the preview workbook has no sheets yet: load data first');
  const x = new XlsxHost();
  await x.writeWorkbook(spec);
  for (const [k, v] of host.settingEntries()) await x.settings.set(k, v);
  // The preview has already calculated every cell (edits included): its values are saved, not computed again.
  x.saveValues((sheet, row, col) => host.valueAt(sheet, row, col));
  const data = (await x.wb.xlsx.writeBuffer()) as ArrayBuffer;
  return { data, sheets: spec.sheets.length };
}

/** Saves bytes as a file through the browser's download. */
export function download(data: ArrayBuffer, filename: string, type = XLSX_MIME): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
