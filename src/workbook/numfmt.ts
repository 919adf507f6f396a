// How a computed value shows under an Excel number format, close enough to Excel for the formats the generated
// sheets use ($#,##0.00, #,##0, 0.0%, $#,##0.00## …). Not a general number-format engine. Shared by the workbench grid
// (what a cell shows) and the page setup (how wide a column must be for its largest value).
import type { CellValue } from './spec';

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
