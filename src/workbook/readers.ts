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
}

/** Excel serial day 0 is 1899-12-30 (the 1900 leap-year bug included). */
export function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400 * 1000);
  return new Date(ms).toISOString().slice(0, 10);
}

const shown = (v: CellValue) => (typeof v === 'string' ? `"${v}"` : String(v));

type Coerced = { ok: true; value: unknown } | { ok: false };

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
      const t = v.trim().replace(/^\$/, '').replace(/,/g, '');
      const pct = t.endsWith('%');
      const n = Number(pct ? t.slice(0, -1) : t);
      if (t === '' || !Number.isFinite(n)) return { ok: false };
      return { ok: true, value: pct && c.type === 'ratio' ? n / 100 : n };
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
  if (!grid) return { records, errors: [{ sheet: def.sheet, cell: '', column: '', value: '', message: `sheet "${def.sheet}" is missing` }] };
  const h = opts.headerRow ?? findHeader(grid, def.columns[0].key);
  if (h < 0) return { records, errors: [{ sheet: def.sheet, cell: 'A1', column: def.columns[0].key, value: '', message: `no header row with "${def.columns[0].key}" in the first 10 rows` }] };
  const header = (grid[h] ?? []).map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''));
  const at = new Map<string, number>();
  for (const c of def.columns) {
    const i = header.indexOf(c.key);
    if (i >= 0) at.set(c.key, i);
    else if (c.required) errors.push({ sheet: def.sheet, cell: a1(h, 0), column: c.key, value: '', message: `missing column "${c.key}" in the header row ${h + 1}` });
  }
  if (errors.length) return { records, errors };
  const stop = Math.min(opts.stopRow ?? grid.length, grid.length);
  for (let r = h + 1; r < stop; r++) {
    const row = grid[r] ?? [];
    const used = def.columns.some((c) => {
      const v = row[at.get(c.key) ?? -1];
      return v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');
    });
    if (!used) continue;
    const obj: Record<string, unknown> = {};
    let bad = false;
    for (const c of def.columns) {
      const i = at.get(c.key);
      if (i === undefined) continue;
      const v = row[i] ?? null;
      const k = coerce(c, v);
      if (!k.ok) {
        errors.push({ sheet: def.sheet, cell: a1(r, i), column: c.key, value: String(v), message: `expected ${c.expected}, got ${shown(v)}` });
        bad = true;
      } else if (k.value !== undefined) obj[c.key] = k.value;
    }
    if (bad) continue;
    const parsed = (def.schema as z.ZodType<T>).safeParse(obj);
    if (parsed.success) {
      records.push(parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? def.columns[0].key);
      const i = at.get(key) ?? def.columns.findIndex((c) => c.key === key);
      const v = i >= 0 ? (row[i] ?? null) : null;
      const col = def.columns.find((c) => c.key === key);
      const msg = v === null || v === '' ? (col?.required ? `expected ${col.expected}, got an empty cell` : issue.message) : `${issue.message}, got ${shown(v)}`;
      errors.push({ sheet: def.sheet, cell: a1(r, Math.max(0, i)), column: key, value: v === null ? '' : String(v), message: msg });
    }
  }
  return { records, errors };
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
}

/** The Budget Drivers sheet: P&L lines, then the `driver | value` block. */
export function readBudgetDrivers(grid: CellValue[][] | null): BudgetDriversRead {
  const drivers: Drivers = { ...DEFAULT_DRIVERS };
  if (!grid) return { lines: [], drivers, errors: [{ sheet: BUDGET_LINES.sheet, cell: '', column: '', value: '', message: `sheet "${BUDGET_LINES.sheet}" is missing` }] };
  let dh = -1;
  for (let r = 0; r < grid.length; r++) if (typeof grid[r]?.[0] === 'string' && (grid[r][0] as string).trim().toLowerCase() === 'driver') dh = r;
  const lines = readInputSheet(BUDGET_LINES, grid, { stopRow: dh >= 0 ? dh : undefined });
  const errors = [...lines.errors];
  if (dh < 0) {
    errors.push({ sheet: BUDGET_LINES.sheet, cell: '', column: 'driver', value: '', message: 'no "driver" header row below the P&L lines; defaults used' });
    return { lines: lines.records, drivers, errors };
  }
  for (let r = dh + 1; r < grid.length; r++) {
    const key = grid[r]?.[0];
    if (typeof key !== 'string' || !key.trim()) continue;
    const d = DRIVER_KEYS.find((x) => x.key === key.trim());
    if (!d) continue;
    const v = grid[r]?.[1] ?? null;
    const c: InputColumn = { key: d.key, type: d.fmt.includes('%') ? 'ratio' : 'number', expected: d.max === undefined ? `a number ≥ ${d.min}` : `a number between ${d.min} and ${d.max}` };
    const k = coerce(c, v);
    const n = k.ok ? k.value : undefined;
    if (typeof n !== 'number' || n < d.min || (d.max !== undefined && n > d.max)) {
      errors.push({ sheet: BUDGET_LINES.sheet, cell: a1(r, 1), column: d.key, value: String(v), message: `expected ${c.expected}, got ${v === null ? 'an empty cell' : shown(v)}` });
      continue;
    }
    drivers[d.key] = n;
  }
  return { lines: lines.records, drivers, errors };
}
