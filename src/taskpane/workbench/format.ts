// How the workbench reads what the user types (the display formats are in src/workbook/numfmt.ts).
import type { CellInput, CellValue } from '../../workbook/spec';

export { formatValue } from '../../workbook/numfmt';

/**
 * What the formula bar shows for a cell: its formula ("=…"), else its value as it would be typed. Text that typing
 * would turn into something else ("=HYPERLINK(…)" from a ticket title, "123", "TRUE") gets Excel's leading
 * apostrophe, so committing it unchanged keeps it text: outside text never becomes a formula.
 */
export function editText(value: CellValue, formula: string | undefined): string {
  if (formula !== undefined) return formula.startsWith('=') ? formula : `=${formula}`;
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string' && (value.startsWith("'") || parseInput(value) !== value)) return `'${value}`;
  return String(value);
}

const NUMBER = /^[-+]?\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?(e[-+]?\d+)?%?$/i;

/**
 * What the user typed as cell content, as Excel reads it: "=…" a formula, "1,234.5" / "$12" / "5%" a number,
 * TRUE/FALSE a boolean, empty clears the cell, "'…" and anything else literal text (the host keeps it text).
 */
export function parseInput(text: string): CellInput {
  // A leading apostrophe means "this is text" (Excel's convention); it is not part of the value.
  if (text.startsWith("'")) return text.slice(1);
  const t = text.trim();
  if (t === '') return null;
  if (t.startsWith('=') && t.length > 1) return { f: t.slice(1) };
  if (/\d/.test(t) && NUMBER.test(t)) {
    const pct = t.endsWith('%');
    const n = Number(t.replace(/[$,%]/g, ''));
    if (Number.isFinite(n)) return pct ? n / 100 : n;
  }
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  return text;
}
