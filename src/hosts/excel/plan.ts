// The Office.js write planner: a pure function from a sheet spec to the blocks the Excel host sends, one
// context.sync per block. Excel on the web rejects a request over 5 MB (RequestPayloadSizeLimitExceeded), so each
// block's estimated payload — JSON in UTF-8 bytes, not characters: a CJK title is 3 bytes a character, an emoji 4 —
// stays under `maxBytes` (4 MB by default). Order: values (number formats first, so text
// is marked "@" before it lands and `=HYPERLINK(...)` in a ticket title stays a string), then cell formats, then
// tables (after their data), validation, conditional formats and layout.
import { a1, colLetter, parseA1 } from '../../workbook/address';
import { cleanText } from '../../workbook/sanitize';
import { isCell, type CellInput, type CellStyle, type ConditionalFormatSpec, type SheetSpec, type TableSpec, type ValidationSpec } from '../../workbook/spec';
import type { LayoutOp } from './page-layout';
import { jsonBytes, utf8Length } from './run';

export type OfficeCell = string | number | boolean | null;

export interface ValuesOp {
  op: 'values';
  /** A1 range of the rectangle */
  range: string;
  top: number;
  left: number;
  /** number formats, "@" on every text cell; null = leave as is */
  numberFormat: (string | null)[][];
  /** formulas ("=…"), numbers, booleans, text; null = leave the cell alone */
  formulas: OfficeCell[][];
  bytes: number;
}

export type FormatStyle = Omit<CellStyle, 'numFmt'>;

export interface StyleOp {
  op: 'style';
  /** rectangles sharing one style, for Worksheet.getRanges("A1:B1,A5:Q5") */
  ranges: string[];
  style: FormatStyle;
  bytes: number;
}

export type StructureOp =
  | { op: 'table'; table: TableSpec }
  | { op: 'validation'; validation: ValidationSpec }
  | { op: 'conditional'; format: ConditionalFormatSpec }
  | { op: 'columns'; columns: { index: number; width?: number; hidden?: boolean }[] }
  | { op: 'freeze'; rows: number; cols: number }
  | { op: 'merge'; range: string }
  | { op: 'tab'; color: string }
  | LayoutOp;

export type PlanOp = ValuesOp | StyleOp | (StructureOp & { bytes?: number });

export interface Block {
  kind: 'values' | 'formats' | 'structure';
  ops: PlanOp[];
  bytes: number;
}

export interface PlanOptions {
  /** estimated request payload per block (default 4,000,000 bytes; Excel on the web refuses 5 MB) */
  maxBytes?: number;
  /** at most this many ranges in one getRanges() call */
  maxRangesPerOp?: number;
}

export const DEFAULT_MAX_BYTES = 4_000_000;
/** Per-command envelope in the request JSON (object path, method, ids): a deliberate over-estimate. */
const OP_OVERHEAD = 400;

function officeValue(c: CellInput): { value: OfficeCell; text: boolean } {
  if (isCell(c)) {
    if (c.f !== undefined) return { value: `=${c.f}`, text: false };
    return c.v === undefined ? { value: null, text: false } : officeValue(c.v);
  }
  if (typeof c === 'string') return { value: cleanText(c), text: true };
  return { value: c, text: false };
}

const styleOfCell = (c: CellInput, col: CellStyle | undefined): CellStyle | undefined => (isCell(c) && c.s ? c.s : col);

function formatKey(s: CellStyle | undefined): string | null {
  if (!s) return null;
  const { numFmt: _n, ...rest } = s;
  const keys = Object.keys(rest).filter((k) => (rest as Record<string, unknown>)[k] !== undefined && (rest as Record<string, unknown>)[k] !== false);
  if (!keys.length) return null;
  return JSON.stringify(keys.sort().map((k) => [k, (rest as Record<string, unknown>)[k]]));
}

/** The UTF-8 JSON size of a row of cells as the request carries it (values and formats), separators included. */
export function rowBytes(formulas: OfficeCell[], formats: (string | null)[]): number {
  let n = 4;
  for (let i = 0; i < formulas.length; i++) n += jsonBytes(formulas[i]) + 1 + jsonBytes(formats[i]) + 1;
  return n;
}

/** Splits the sheet's grids into value blocks under maxBytes; empty rows split a block (nothing to send). */
function planValues(spec: SheetSpec, maxBytes: number): { blocks: Block[]; styled: Map<string, { style: FormatStyle; cells: [number, number][] }> } {
  const blocks: Block[] = [];
  const styled = new Map<string, { style: FormatStyle; cells: [number, number][] }>();
  for (const g of spec.grids) {
    const o = parseA1(g.at);
    let cur: { top: number; rows: { formulas: OfficeCell[]; formats: (string | null)[]; left: number; right: number }[]; bytes: number } | null = null;
    const flush = () => {
      if (!cur || !cur.rows.length) return;
      const left = Math.min(...cur.rows.map((r) => r.left));
      const right = Math.max(...cur.rows.map((r) => r.right));
      const width = right - left + 1;
      const formulas = cur.rows.map((r) => { const line: OfficeCell[] = new Array(width).fill(null); for (let j = r.left; j <= r.right; j++) line[j - left] = r.formulas[j]; return line; });
      const numberFormat = cur.rows.map((r) => { const line: (string | null)[] = new Array(width).fill(null); for (let j = r.left; j <= r.right; j++) line[j - left] = r.formats[j]; return line; });
      const top = cur.top;
      const bottom = top + cur.rows.length - 1;
      const op: ValuesOp = { op: 'values', range: `${a1(top, left)}:${a1(bottom, right)}`, top, left, numberFormat, formulas, bytes: cur.bytes + OP_OVERHEAD };
      blocks.push({ kind: 'values', ops: [op], bytes: op.bytes });
      cur = null;
    };
    g.rows.forEach((row, i) => {
      const r = o.row + i;
      const formulas: OfficeCell[] = [];
      const formats: (string | null)[] = [];
      let left = -1;
      let right = -1;
      for (let j = 0; j < row.length; j++) {
        const c = row[j];
        const col = o.col + j;
        if (c === null || c === undefined) continue;
        const { value, text } = officeValue(c);
        const st = styleOfCell(c, g.columnStyles?.[j]);
        const key = formatKey(st);
        if (key) {
          let e = styled.get(key);
          if (!e) {
            const { numFmt: _n, ...rest } = st!;
            styled.set(key, (e = { style: rest, cells: [] }));
          }
          e.cells.push([r, col]);
        }
        if (value === null) continue;
        formulas[col] = value;
        formats[col] = text ? '@' : (st?.numFmt ?? null);
        if (left < 0) left = col;
        right = col;
      }
      if (left < 0) {
        flush();
        return;
      }
      for (let j = left; j <= right; j++) {
        if (formulas[j] === undefined) formulas[j] = null;
        if (formats[j] === undefined) formats[j] = null;
      }
      const bytes = rowBytes(formulas.slice(left, right + 1), formats.slice(left, right + 1));
      if (cur && (cur.bytes + bytes > maxBytes - OP_OVERHEAD || r !== cur.top + cur.rows.length)) flush();
      if (!cur) cur = { top: r, rows: [], bytes: 0 };
      cur.rows.push({ formulas, formats, left, right });
      cur.bytes += bytes;
    });
    flush();
  }
  return { blocks, styled };
}

/** Cells sharing a style → rectangles: runs along each row, then identical runs on consecutive rows merged. */
export function rectangles(cells: [number, number][]): string[] {
  const byRow = new Map<number, number[]>();
  for (const [r, c] of cells) {
    let l = byRow.get(r);
    if (!l) byRow.set(r, (l = []));
    l.push(c);
  }
  const runs: { top: number; bottom: number; left: number; right: number }[] = [];
  const open = new Map<string, { top: number; bottom: number; left: number; right: number }>();
  for (const r of [...byRow.keys()].sort((a, b) => a - b)) {
    const cols = [...new Set(byRow.get(r)!)].sort((a, b) => a - b);
    const rowRuns: [number, number][] = [];
    for (const c of cols) {
      const last = rowRuns[rowRuns.length - 1];
      if (last && c === last[1] + 1) last[1] = c;
      else rowRuns.push([c, c]);
    }
    for (const [lft, rgt] of rowRuns) {
      const k = `${lft}:${rgt}`;
      const o = open.get(k);
      if (o && o.bottom === r - 1) o.bottom = r;
      else {
        const n = { top: r, bottom: r, left: lft, right: rgt };
        runs.push(n);
        open.set(k, n);
      }
    }
  }
  return runs.map((x) => (x.top === x.bottom && x.left === x.right ? a1(x.top, x.left) : `${a1(x.top, x.left)}:${a1(x.bottom, x.right)}`));
}

/**
 * Plans the write of one sheet: value blocks (each under maxBytes), format blocks, then one structure block.
 * The writer sends each block in one context.sync; it creates or clears the sheet before the first block.
 */
export function planSheet(spec: SheetSpec, opts: PlanOptions = {}): Block[] {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRanges = opts.maxRangesPerOp ?? 200;
  const { blocks, styled } = planValues(spec, maxBytes);
  let fmt: Block | null = null;
  const pushFmt = (op: StyleOp) => {
    if (!fmt || fmt.bytes + op.bytes > maxBytes) {
      fmt = { kind: 'formats', ops: [], bytes: 0 };
      blocks.push(fmt);
    }
    fmt.ops.push(op);
    fmt.bytes += op.bytes;
  };
  for (const { style, cells } of styled.values()) {
    const rects = rectangles(cells);
    for (let i = 0; i < rects.length; i += maxRanges) {
      const ranges = rects.slice(i, i + maxRanges);
      pushFmt({ op: 'style', ranges, style, bytes: OP_OVERHEAD * 4 + ranges.join(',').length });
    }
  }
  const structure: PlanOp[] = [];
  if (spec.columns?.length) {
    structure.push({ op: 'columns', columns: spec.columns.map((c, index) => ({ index, ...c })).filter((c) => c.width !== undefined || c.hidden) });
  }
  for (const t of spec.tables ?? []) structure.push({ op: 'table', table: t });
  for (const v of spec.validations ?? []) structure.push({ op: 'validation', validation: v });
  for (const c of spec.conditionalFormats ?? []) structure.push({ op: 'conditional', format: c });
  for (const m of spec.merges ?? []) structure.push({ op: 'merge', range: m });
  if (spec.freeze && (spec.freeze.rows || spec.freeze.cols)) structure.push({ op: 'freeze', rows: spec.freeze.rows, cols: spec.freeze.cols });
  if (spec.tabColor) structure.push({ op: 'tab', color: spec.tabColor });
  if (spec.rows?.length || spec.print) structure.push({ op: 'layout', rows: spec.rows ?? [], print: spec.print });
  if (structure.length) {
    const bytes = structure.reduce((s, op) => s + OP_OVERHEAD + utf8Length(JSON.stringify(op)), 0);
    blocks.push({ kind: 'structure', ops: structure, bytes });
  }
  return blocks;
}

/** Halves a values block by rows, for a retry after Excel refused it. Returns null for a single row. */
export function splitValues(op: ValuesOp): [ValuesOp, ValuesOp] | null {
  const n = op.formulas.length;
  if (n < 2) return null;
  const h = Math.ceil(n / 2);
  const width = op.formulas[0].length;
  const part = (from: number, to: number): ValuesOp => {
    const formulas = op.formulas.slice(from, to);
    const numberFormat = op.numberFormat.slice(from, to);
    const top = op.top + from;
    const bytes = formulas.reduce((s, row, i) => s + rowBytes(row, numberFormat[i]), OP_OVERHEAD);
    return { op: 'values', range: `${a1(top, op.left)}:${a1(top + formulas.length - 1, op.left + width - 1)}`, top, left: op.left, formulas, numberFormat, bytes };
  };
  return [part(0, h), part(h, n)];
}

export { colLetter };
