// How a generated sheet looks on screen and on paper, derived from the sheet itself so every builder (and every
// sheet added later) gets it without code of its own: column widths that fit the numbers they hold, header rows tall
// enough for their wrapped titles, and a page setup (landscape when wider than a portrait page, one page wide,
// repeated titles, a header and footer naming the report, its period, the page and the time it was generated, the
// print area without helper columns). Builders may override parts of the page setup (SheetBuilder.print()).
import { colLetter, parseA1 } from './address';
import { formatValue } from './numfmt';
import { isCell, type CellInput, type CellStyle, type HeaderFooterSpec, type PrintSpec, type RowSpec, type SheetSpec } from './spec';

/** Excel's default row height (points). */
export const DEFAULT_ROW_PT = 15;
/** Excel's default column width (characters). */
export const DEFAULT_COL_WIDTH = 8.43;
/** Printable width of a portrait Letter/A4 page with Excel's normal margins (0.7"), in points. */
export const PORTRAIT_WIDTH_PT = 8.27 * 72 - 2 * 0.7 * 72;

/** A column's width in points as Excel lays it out (width in characters of the default font's digit, 7 px, plus 5 px padding). */
export const columnPoints = (width: number | undefined): number => ((width ?? DEFAULT_COL_WIDTH) * 7 + 5) * 0.75;

/**
 * Column width (in characters) that shows `text` in full. Renderers differ: LibreOffice without Calibri substitutes a
 * wider font (DejaVu Sans, ~15% wider), and bold is wider again, so this errs on the wide side: a number that does
 * not fit prints as ###.
 */
export function widthFor(text: string, bold = false): number {
  return Math.ceil(text.length * (bold ? 1.25 : 1.15) + 2);
}

/** Lines a wrapped text takes in a column of `width` characters (words kept whole where they fit). */
export function wrappedLines(text: string, width: number, bold = false): number {
  const cap = Math.max(1, Math.floor((width - 1) / (bold ? 1.25 : 1.15)));
  let lines = 0;
  for (const para of text.split('\n')) {
    let used = 0;
    lines++;
    for (const word of para.split(/\s+/).filter(Boolean)) {
      let w = word.length;
      if (used > 0 && used + 1 + w <= cap) {
        used += 1 + w;
        continue;
      }
      if (used > 0) lines++;
      while (w > cap) {
        lines++;
        w -= cap;
      }
      used = w;
    }
  }
  return lines;
}

/** The period(s) a sheet reports: "2026-10", or "2026-08 to 2026-10" when it spans several months. */
export function periodsOf(spec: SheetSpec): string | undefined {
  const seen = new Set<string>();
  for (const g of spec.grids) {
    for (const row of g.rows) {
      for (const c of row) {
        const v = isCell(c) ? c.v : c;
        if (typeof v === 'string' && v.length === 7 && /^\d{4}-(0[1-9]|1[0-2])$/.test(v)) seen.add(v);
      }
    }
  }
  const list = [...seen].sort();
  if (!list.length) return undefined;
  return list.length === 1 ? list[0] : `${list[0]} to ${list[list.length - 1]}`;
}

function firstText(spec: SheetSpec): string | undefined {
  const g = spec.grids.find((x) => x.at === 'A1');
  const c = g?.rows[0]?.[0];
  const v = c === undefined || c === null ? undefined : isCell(c) ? c.v : c;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** Rows used (1-based count) and, per column, whether any cell holds something. */
function usedRange(spec: SheetSpec): { rows: number; cols: boolean[] } {
  let rows = 0;
  const cols: boolean[] = [];
  for (const g of spec.grids) {
    const { row: top, col: left } = parseA1(g.at);
    g.rows.forEach((row, i) => {
      let any = false;
      for (let j = 0; j < row.length; j++) {
        if (row[j] === null || row[j] === undefined) continue;
        cols[left + j] = true;
        any = true;
      }
      if (any) rows = Math.max(rows, top + i + 1);
    });
  }
  return { rows, cols };
}

const styleOf = (c: CellInput, col: CellStyle | undefined): CellStyle | undefined => (isCell(c) && c.s ? c.s : col);
const valueOf = (c: CellInput) => (isCell(c) ? c.v : c);

/** The widest a number of this format gets for the figures these sheets hold (used where the value is a formula). */
function formulaSample(numFmt: string): string {
  if (numFmt.includes('%')) return formatValue(-1, numFmt);
  return formatValue(-99_999.99, numFmt);
}

/**
 * Widens columns (never narrows them) so their numbers fit: literal numbers by their largest and smallest value
 * under their format; with `formulas`, formula cells by a typical large figure of their format, recording the width
 * the column needs without that room as `minWidth` (a host that knows the computed values sizes the column to them:
 * src/hosts/xlsx). Text is left to overflow or wrap, as in Excel.
 */
export function fitColumnsToNumbers(spec: SheetSpec, formulas = true): void {
  const need: number[] = [];
  const literal: number[] = [];
  for (const g of spec.grids) {
    const { col: left } = parseA1(g.at);
    // Per column: the extremes of its literal numbers and the formats seen, so a 100,000-row column costs two
    // comparisons a cell and a handful of format calls.
    const width = g.rows.reduce((n, r) => Math.max(n, r.length), 0);
    for (let j = 0; j < width; j++) {
      const colStyle = g.columnStyles?.[j];
      let lo = Infinity;
      let hi = -Infinity;
      let loFmt: CellStyle | undefined;
      let hiFmt: CellStyle | undefined;
      const formulaFmts = new Map<string, boolean>();
      for (const row of g.rows) {
        const c = row[j];
        if (c === null || c === undefined) continue;
        if (isCell(c) && c.f !== undefined) {
          const st = c.s ?? colStyle;
          if (st?.numFmt && st.numFmt !== '@') formulaFmts.set(st.numFmt, formulaFmts.get(st.numFmt) || !!st.bold);
          continue;
        }
        const v = valueOf(c);
        if (typeof v !== 'number') continue;
        const st = styleOf(c, colStyle);
        if (v < lo) {
          lo = v;
          loFmt = st;
        }
        if (v > hi) {
          hi = v;
          hiFmt = st;
        }
      }
      let w = 0;
      if (lo !== Infinity) w = Math.max(w, widthFor(formatValue(lo, loFmt?.numFmt), !!loFmt?.bold));
      if (hi !== -Infinity) w = Math.max(w, widthFor(formatValue(hi, hiFmt?.numFmt), !!hiFmt?.bold));
      if (w) literal[left + j] = Math.max(literal[left + j] ?? 0, w);
      if (formulas) for (const [fmt, bold] of formulaFmts) w = Math.max(w, widthFor(formulaSample(fmt), bold));
      if (w) need[left + j] = Math.max(need[left + j] ?? 0, w);
    }
  }
  const cols = (spec.columns ??= []);
  need.forEach((w, i) => {
    if (w === undefined) return;
    while (cols.length <= i) cols.push({});
    const c = cols[i];
    if (c.hidden) return;
    const before = c.width ?? DEFAULT_COL_WIDTH;
    if (before >= w) return;
    const own = Math.max(before, literal[i] ?? 0);
    cols[i] = { ...c, width: w, ...(own < w ? { minWidth: own } : {}) };
  });
}

/** Text never widens a column past this: longer text beside a neighbour wraps in its cell (its row grows). */
export const MAX_TEXT_WIDTH = 36;

/**
 * Text overflows into empty cells to its right, as in Excel; where the next cell holds something the text would be
 * cut ("Schedule when payba…" beside its input): that column widens to fit it, up to MAX_TEXT_WIDTH, and text
 * longer than that wraps in its cell (fitWrappedRows gives the row its height). Wrapped and right-aligned text is
 * left alone (headers get taller rows instead).
 */
export function fitColumnsToText(spec: SheetSpec): void {
  const cols = (spec.columns ??= []);
  const widthOf = (i: number) => (cols[i]?.hidden ? 0 : (cols[i]?.width ?? DEFAULT_COL_WIDTH));
  for (const g of spec.grids) {
    const { col: left } = parseA1(g.at);
    for (const row of g.rows) {
      let next = -1; // index of the next non-empty cell to the right of j, scanning leftwards
      for (let j = row.length - 1; j >= 0; j--) {
        const c = row[j];
        if (c === null || c === undefined) continue;
        const v = isCell(c) ? c.v : c;
        const st = isCell(c) ? (c.s ?? g.columnStyles?.[j]) : g.columnStyles?.[j];
        const blocked = next;
        next = j;
        if (blocked < 0 || typeof v !== 'string' || (isCell(c) && c.f !== undefined)) continue;
        if (st?.wrap || st?.align === 'right' || st?.align === 'center') continue;
        const col = left + j;
        if (cols[col]?.hidden) continue;
        let available = 0;
        for (let k = j; k < blocked; k++) available += widthOf(left + k);
        const want = widthFor(v, !!st?.bold);
        if (want <= available) continue;
        while (cols.length <= col) cols.push({});
        const old = widthOf(col);
        const grown = Math.max(old, Math.min(MAX_TEXT_WIDTH, old + (want - available)));
        cols[col] = { ...cols[col], width: grown };
        // Still too long: on a report it wraps in its cell rather than being cut (data and input sheets keep one
        // line a row, as tables do).
        if (spec.kind === 'report' && want > available - old + grown) row[j] = { ...(isCell(c) ? c : { v }), s: { ...(st ?? {}), wrap: true } };
      }
    }
  }
}

/**
 * Rows holding wrapped text (headers) get the height their longest cell needs in its column's width; a column first
 * widens so the longest word of its wrapped cells fits (a header never breaks mid-word: "review_mi / nutes").
 */
export function fitWrappedRows(spec: SheetSpec, step: { widen?: boolean; heights?: boolean } = { widen: true, heights: true }): void {
  const wrapped: { row: number; col: number; text: string; bold: boolean }[] = [];
  for (const g of spec.grids) {
    const { row: top, col: left } = parseA1(g.at);
    // Wrapping is a header's style: only per-cell styles carry it, so rows with no cell objects are skipped fast.
    g.rows.forEach((row, i) => {
      for (let j = 0; j < row.length; j++) {
        const c = row[j];
        if (!isCell(c) || !c.s?.wrap || typeof c.v !== 'string') continue;
        if (spec.columns?.[left + j]?.hidden) continue;
        wrapped.push({ row: top + i, col: left + j, text: c.v, bold: !!c.s.bold });
      }
    });
  }
  if (!wrapped.length) return;
  const cols = (spec.columns ??= []);
  for (const w of step.widen ? wrapped : []) {
    const longest = w.text.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
    const need = Math.min(widthFor(longest, w.bold), MAX_TEXT_WIDTH);
    while (cols.length <= w.col) cols.push({});
    if ((cols[w.col].width ?? DEFAULT_COL_WIDTH) < need) cols[w.col] = { ...cols[w.col], width: need };
  }
  if (!step.heights) return;
  const heights = new Map<number, number>();
  for (const w of wrapped) {
    const lines = wrappedLines(w.text, cols[w.col]?.width ?? DEFAULT_COL_WIDTH, w.bold);
    if (lines > 1) heights.set(w.row, Math.max(heights.get(w.row) ?? 0, lines * DEFAULT_ROW_PT + 2));
  }
  if (!heights.size) return;
  const rows: RowSpec[] = [...(spec.rows ?? [])];
  for (const [index, height] of heights) {
    const at = rows.findIndex((r) => r.index === index);
    if (at < 0) rows.push({ index, height });
    else if ((rows[at].height ?? DEFAULT_ROW_PT) < height) rows[at] = { ...rows[at], height };
  }
  spec.rows = rows.sort((a, b) => a.index - b.index);
}

/** The page setup a sheet gets unless its builder says otherwise. */
export function defaultPrint(spec: SheetSpec): PrintSpec {
  const used = usedRange(spec);
  const hidden = (i: number) => !!spec.columns?.[i]?.hidden;
  // The print area ends at the last visible column that holds something: hidden helper columns (the chargeback's
  // outcome weights) and their notes stay off the page.
  let lastCol = 0;
  used.cols.forEach((any, i) => {
    if (any && !hidden(i)) lastCol = i;
  });
  const rows = Math.max(used.rows, 1);
  let width = 0;
  for (let i = 0; i <= lastCol; i++) if (!hidden(i)) width += columnPoints(spec.columns?.[i]?.width);
  const custom = new Map((spec.rows ?? []).map((r) => [r.index, r.hidden ? 0 : (r.height ?? DEFAULT_ROW_PT)]));
  let height = rows * DEFAULT_ROW_PT;
  for (const [index, h] of custom) if (index < rows) height += h - DEFAULT_ROW_PT;
  const title = (spec.kind === 'report' ? firstText(spec) : undefined) ?? spec.name;
  const period = periodsOf(spec);
  const f = spec.freeze;
  return {
    orientation: width > height || width > PORTRAIT_WIDTH_PT ? 'landscape' : 'portrait',
    fitToWidth: 1,
    fitToHeight: 0,
    ...(f && f.rows > 0 ? { titleRows: { first: 1, last: f.rows } } : {}),
    ...(f && f.cols > 0 ? { titleCols: { first: 0, last: f.cols - 1 } } : {}),
    area: `A1:${colLetter(lastCol)}${rows}`,
    header: { left: title.length > 80 ? `${title.slice(0, 79)}…` : title, center: period ? (period.includes(' to ') ? `Periods ${period}` : `Period ${period}`) : undefined, right: 'AI Labor Ledger' },
    footer: { left: 'Generated {generated}', center: '{sheet}', right: 'Page {page} of {pages}' },
  };
}

/** Widths (literal numbers, text beside a neighbour, wrapped words, then room for formula results), row heights and page setup. */
export function layoutSheet(spec: SheetSpec, printOverrides: Partial<PrintSpec> = {}): void {
  fitColumnsToNumbers(spec, false);
  fitColumnsToText(spec);
  fitWrappedRows(spec, { widen: true });
  // Room for formula results last: minWidth then records what the column's own content needs. Heights follow the
  // final widths (the xlsx host fits them again to the widths its computed values give).
  fitColumnsToNumbers(spec, true);
  fitWrappedRows(spec, { heights: true });
  spec.print = { ...defaultPrint(spec), ...printOverrides };
}

/** "2026-11-29 18:20 UTC": the generation time as the footer shows it. */
export function generatedText(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * One header/footer section in Excel's code language: `&` escaped, tokens replaced (`{page}` → &P, `{pages}` → &N,
 * `{sheet}` → &A, `{generated}` → the time). Excel caps a whole header at 255 characters.
 */
export function headerFooterSection(text: string | undefined, generatedAt: Date): string {
  if (!text) return '';
  return text
    .split(/(\{page\}|\{pages\}|\{sheet\}|\{generated\})/)
    .map((part) => {
      switch (part) {
        case '{page}':
          return '&P';
        case '{pages}':
          return '&N';
        case '{sheet}':
          return '&A';
        case '{generated}':
          return generatedText(generatedAt);
        default:
          return part.replace(/&/g, '&&');
      }
    })
    .join('');
}

/** A whole header or footer for the file format: "&Lleft&Ccenter&Rright". */
export function headerFooterCode(hf: HeaderFooterSpec | undefined, generatedAt: Date): string {
  if (!hf) return '';
  const parts = [
    ['&L', headerFooterSection(hf.left, generatedAt)],
    ['&C', headerFooterSection(hf.center, generatedAt)],
    ['&R', headerFooterSection(hf.right, generatedAt)],
  ].filter(([, t]) => t);
  return parts
    .map(([k, t]) => `${k}${t}`)
    .join('')
    .slice(0, 255);
}
