// Readers: an edited input sheet (computed values from any host, row 0 = sheet row 1) back into core records,
// with every bad cell reported by address: `Agents!D7: expected a number ≥ 0, got "n/a"`.
import type { z } from 'zod';
import { a1 } from './address';
import {
  AGENTS,
  BENCHMARKS,
  BUDGET_LINES,
  DEFAULT_DRIVERS,
  DRIVER_KEYS,
  INVOICES,
  OVERHEADS,
  PRICES,
  RATES,
  TOOL_PRICES,
  type BudgetLine,
  type Drivers,
  type InputColumn,
  type InputSheetDef,
} from './inputs';
import type { CellValue } from './spec';

export interface CellError {
  sheet: string;
  /** "D7", or "" for a sheet-level problem */
  cell: string;
  column: string;
  value: string;
  message: string;
}

export const formatCellError = (e: CellError) => `${sheetLabel(e.sheet)}${e.cell ? `!${e.cell}` : ''}: ${e.message}`;
const sheetLabel = (s: string) => (/\s/.test(s) ? `'${s}'` : s);

export interface ReadResult<T> {
  records: T[];
  errors: CellError[];
  /** per record, its position among the sheet's data rows as the defined names count them (sheet row 2 = 1) */
  rows: number[];
}

/** Excel serial day 0 is 1899-12-30 (the 1900 leap-year bug included). */
export function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400 * 1000);
  return new Date(ms).toISOString().slice(0, 10);
}

const shown = (v: CellValue) => (typeof v === 'string' ? `"${v}"` : String(v));

type Coerced = { ok: true; value: unknown } | { ok: false; why?: string };

/**
 * A number typed as text. Accepted: 1234.5, -0.5, 1e3, $12, 12%, and thousands separators in groups of three when
 * that cannot be a decimal comma (1,234.50 or 12,345,678). Refused as ambiguous rather than guessed: 1,70 (a
 * decimal comma?), 1,234 (1234 or 1.234?), 1.234,5 (European). Returns NaN for anything else.
 */
export function parseNumberText(text: string): { value: number } | { ambiguous: true } | null {
  let t = text.trim().replace(/^([-+]?)\$/, '$1');
  const pctSign = t.endsWith('%');
  if (pctSign) t = t.slice(0, -1).trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return { value: Number(t) };
  const grouped = /^([-+]?)(\d{1,3}(,\d{3})+)(\.\d+)?$/.exec(t);
  if (grouped && (grouped[4] !== undefined || grouped[2].split(',').length > 2)) return { value: Number(grouped[1] + grouped[2].replace(/,/g, '') + (grouped[4] ?? '')) };
  if (/^[-+]?[\d.,]+$/.test(t) && t.includes(',')) return { ambiguous: true };
  return null;
}

function coerce(c: InputColumn, v: CellValue): Coerced {
  if (v === null || (typeof v === 'string' && v.trim() === '')) return { ok: true, value: undefined };
  switch (c.type) {
    case 'text':
      return { ok: true, value: typeof v === 'string' ? v : String(v) };
    case 'number':
    case 'integer':
    case 'ratio': {
      if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : { ok: false };
      if (typeof v === 'boolean') return { ok: false };
      const parsed = parseNumberText(v);
      if (parsed === null) return { ok: false };
      if ('ambiguous' in parsed) return { ok: false, why: 'ambiguous: a decimal comma or a thousands separator? Type it with a dot for decimals and no separators (1.70 or 170)' };
      const n = parsed.value;
      if (!Number.isFinite(n)) return { ok: false };
      return { ok: true, value: v.trim().endsWith('%') && c.type === 'ratio' ? n / 100 : n };
    }
    case 'date':
      if (typeof v === 'number') return { ok: true, value: serialToIso(v) };
      return { ok: true, value: String(v).trim() };
    case 'period':
      // Excel turns a typed 2026-10 into a date: read it back as its month.
      if (typeof v === 'number') return { ok: true, value: serialToIso(v).slice(0, 7) };
      return { ok: true, value: String(v).trim() };
  }
}

/** Row index of the header: the first of the first 10 rows whose cells include the first column's key. */
function findHeader(grid: CellValue[][], key: string, from = 0): number {
  for (let r = from; r < Math.min(grid.length, from + 10); r++) {
    if ((grid[r] ?? []).some((v) => typeof v === 'string' && v.trim().toLowerCase() === key)) return r;
  }
  return -1;
}

/**
 * Reads the rows under the header until `stopRow` (exclusive) or the first row whose cells are all empty after
 * which only empty rows follow. Columns are found by header name, so the user may reorder them.
 */
export function readInputSheet<T>(def: InputSheetDef<T>, grid: CellValue[][] | null, opts: { headerRow?: number; stopRow?: number } = {}): ReadResult<T> {
  const errors: CellError[] = [];
  const records: T[] = [];
  const rows: number[] = [];
  if (!grid) return { records, errors: [{ sheet: def.sheet, cell: '', column: '', value: '', message: `sheet "${def.sheet}" is missing` }], rows };
  const h = opts.headerRow ?? findHeader(grid, def.columns[0].key);
  if (h < 0) return { records, errors: [{ sheet: def.sheet, cell: 'A1', column: def.columns[0].key, value: '', message: `no header row with "${def.columns[0].key}" in the first 10 rows` }], rows };
  const header = (grid[h] ?? []).map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''));
  const at = new Map<string, number>();
  for (const c of def.columns) {
    const i = header.indexOf(c.key);
    if (i >= 0) at.set(c.key, i);
    else if (c.required) errors.push({ sheet: def.sheet, cell: a1(h, 0), column: c.key, value: '', message: `missing column "${c.key}" in the header row ${h + 1}` });
  }
  if (errors.length) return { records, errors, rows };
  const stop = Math.min(opts.stopRow ?? grid.length, grid.length);
  for (let r = h + 1; r < stop; r++) {
    const row = grid[r] ?? [];
    const used = def.columns.some((c) => {
      const v = row[at.get(c.key) ?? -1];
      return v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');
    });
    if (!used) continue;
    // A bad cell is reported by address and read as empty: the row stays (an agent keeps its other targets and SLOs)
    // unless the field is one the record cannot do without, which the message then says.
    const obj: Record<string, unknown> = {};
    const bad = new Map<string, CellError>();
    const cellError = (key: string, message: string): CellError => {
      const i = at.get(key) ?? def.columns.findIndex((c) => c.key === key);
      const v = i >= 0 ? (row[i] ?? null) : null;
      return { sheet: def.sheet, cell: a1(r, Math.max(0, i)), column: key, value: v === null ? '' : String(v), message };
    };
    for (const c of def.columns) {
      const i = at.get(c.key);
      if (i === undefined) continue;
      const v = row[i] ?? null;
      const k = coerce(c, v);
      if (!k.ok) bad.set(c.key, cellError(c.key, `expected ${c.expected}, got ${shown(v)}${k.why ? ` (${k.why})` : ''}`));
      else if (k.value !== undefined) obj[c.key] = k.value;
    }
    let parsed = (def.schema as z.ZodType<T>).safeParse(obj);
    for (let pass = 0; !parsed.success && pass < def.columns.length; pass++) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? def.columns[0].key);
        if (bad.has(key)) continue;
        const i = at.get(key) ?? def.columns.findIndex((c) => c.key === key);
        const v = i >= 0 ? (row[i] ?? null) : null;
        const col = def.columns.find((c) => c.key === key);
        const msg = v === null || v === '' ? (col?.required ? `expected ${col.expected}, got an empty cell` : issue.message) : `${issue.message}, got ${shown(v)}`;
        bad.set(key, cellError(key, msg));
      }
      for (const key of bad.keys()) delete obj[key];
      parsed = (def.schema as z.ZodType<T>).safeParse(obj);
    }
    const kept = parsed.success;
    for (const e of bad.values()) {
      const required = def.columns.find((c) => c.key === e.column)?.required;
      errors.push({ ...e, message: `${e.message}; ${kept ? 'read as empty, the rest of the row is kept' : required ? 'the row is left out (it cannot do without this field)' : 'the row is left out'}` });
    }
    if (!kept) continue;
    records.push(parsed.data);
    rows.push(r);
  }
  return { records, errors, rows };
}

export const readAgents = (g: CellValue[][] | null) => readInputSheet(AGENTS, g);
export const readRates = (g: CellValue[][] | null) => readInputSheet(RATES, g);
export const readToolPrices = (g: CellValue[][] | null) => readInputSheet(TOOL_PRICES, g);
export const readPrices = (g: CellValue[][] | null) => readInputSheet(PRICES, g);
export const readOverheads = (g: CellValue[][] | null) => readInputSheet(OVERHEADS, g);
export const readInvoices = (g: CellValue[][] | null) => readInputSheet(INVOICES, g);
export const readBenchmarks = (g: CellValue[][] | null) => readInputSheet(BENCHMARKS, g);

export interface BudgetDriversRead {
  lines: BudgetLine[];
  drivers: Drivers;
  errors: CellError[];
  /** where the scalar drivers were: beside the lines (this version) or below them (workbooks of earlier versions) */
  layout: 'beside' | 'below' | 'none';
}

/** The Budget Drivers sheet: P&L lines, and the `driver | value` block beside them (or below, in older workbooks). */
export function readBudgetDrivers(grid: CellValue[][] | null): BudgetDriversRead {
  const drivers: Drivers = { ...DEFAULT_DRIVERS };
  if (!grid) return { lines: [], drivers, errors: [{ sheet: BUDGET_LINES.sheet, cell: '', column: '', value: '', message: `sheet "${BUDGET_LINES.sheet}" is missing` }], layout: 'none' };
  let dh = -1;
  let dc = -1;
  for (let r = 0; r < grid.length && dh < 0; r++) {
    const row = grid[r] ?? [];
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (typeof v === 'string' && v.trim().toLowerCase() === 'driver' && (typeof row[c + 1] === 'string' && (row[c + 1] as string).trim().toLowerCase() === 'value')) {
        dh = r;
        dc = c;
        break;
      }
    }
  }
  const below = dh >= 0 && dc === 0;
  const lines = readInputSheet(BUDGET_LINES, grid, { stopRow: below ? dh : undefined });
  const errors = [...lines.errors];
  if (dh < 0) {
    errors.push({ sheet: BUDGET_LINES.sheet, cell: '', column: 'driver', value: '', message: 'no "driver | value" header for the scalar drivers; defaults used' });
    return { lines: lines.records, drivers, errors, layout: 'none' };
  }
  for (let r = dh + 1; r < grid.length; r++) {
    const key = grid[r]?.[dc];
    if (typeof key !== 'string' || !key.trim()) continue;
    const d = DRIVER_KEYS.find((x) => x.key === key.trim());
    if (!d) continue;
    const v = grid[r]?.[dc + 1] ?? null;
    const c: InputColumn = { key: d.key, type: d.fmt.includes('%') ? 'ratio' : 'number', expected: d.max === undefined ? `a number ≥ ${d.min}` : `a number between ${d.min} and ${d.max}` };
    const k = coerce(c, v);
    const n = k.ok ? k.value : undefined;
    if (typeof n !== 'number' || n < d.min || (d.max !== undefined && n > d.max)) {
      errors.push({ sheet: BUDGET_LINES.sheet, cell: a1(r, dc + 1), column: d.key, value: String(v), message: `expected ${c.expected}, got ${v === null ? 'an empty cell' : shown(v)}${!k.ok && k.why ? ` (${k.why})` : ''}; the default ${d.def} is used` });
      continue;
    }
    drivers[d.key] = n;
  }
  return { lines: lines.records, drivers, errors, layout: below ? 'below' : 'beside' };
}
