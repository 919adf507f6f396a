// How the workbench grid shows a computed value and reads what the user types, close enough to Excel for the
// formats the generated sheets use ($#,##0.00, #,##0, 0.0%, $#,##0.00## …). Not a general number-format engine.
import type { CellInput, CellValue } from '../../workbook/spec';

interface NumberFormat {
  percent: boolean;
  dollar: boolean;
  grouping: boolean;
  minDecimals: number;
  maxDecimals: number;
}

const cache = new Map<string, NumberFormat | null>();

/** The first section of an Excel number format as Intl options; null for General and text ("@"). */
function parseFormat(numFmt: string): NumberFormat | null {
  const hit = cache.get(numFmt);
  if (hit !== undefined) return hit;
  const section = numFmt.split(';')[0];
  let f: NumberFormat | null = null;
  if (section !== '@' && /[0#]/.test(section)) {
    const dot = section.indexOf('.');
    const frac = dot >= 0 ? section.slice(dot + 1).replace(/[^0#]/g, '') : '';
    f = {
      percent: section.includes('%'),
      dollar: section.includes('$'),
      grouping: section.includes(','),
      minDecimals: (frac.match(/0/g) ?? []).length,
      maxDecimals: frac.length,
    };
  }
  cache.set(numFmt, f);
  return f;
}

const intl = new Map<string, Intl.NumberFormat>();
function formatter(f: NumberFormat): Intl.NumberFormat {
  const key = `${f.grouping}|${f.minDecimals}|${f.maxDecimals}`;
  let nf = intl.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat('en-US', { useGrouping: f.grouping, minimumFractionDigits: f.minDecimals, maximumFractionDigits: f.maxDecimals });
    intl.set(key, nf);
  }
  return nf;
}

/** Excel's General: up to 10 significant digits, no grouping. */
function general(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(10)));
}

/** The text a cell shows for its computed value under its number format. */
export function formatValue(v: CellValue, numFmt?: string): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '#NUM!';
  const f = numFmt ? parseFormat(numFmt) : null;
  if (!f) return general(v);
  const n = f.percent ? v * 100 : v;
  const body = formatter(f).format(Math.abs(n));
  // "-0.00" reads as a debt that is not there: a value that rounds to zero shows unsigned.
  const negative = n < 0 && /[1-9]/.test(body);
  return `${negative ? '-' : ''}${f.dollar ? '$' : ''}${body}${f.percent ? '%' : ''}`;
}

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
