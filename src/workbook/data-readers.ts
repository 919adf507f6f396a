// Readers of the data sheets the add-in writes (Ledger, Unattributed) back into rows, by header name: used by the
// functions' Excel loader and by the task pane when it works from a reopened workbook.
import type { LedgerRow, UnattributedRow } from '../core/model/ledger';
import { a1 } from './address';
import { LEDGER_COLUMNS, LEDGER_SHEET, UNATTRIBUTED_COLUMNS, UNATTRIBUTED_SHEET } from './data';
import { serialToIso, type CellError } from './readers';
import type { CellValue } from './spec';

const NUMERIC_LEDGER = new Set(LEDGER_COLUMNS.filter((c) => c.fmt && c.fmt !== '@').map((c) => c.key as string));
const NUMERIC_UNATTR = new Set(UNATTRIBUTED_COLUMNS.filter((c) => c.fmt && c.fmt !== '@').map((c) => c.key as string));
const REQUIRED_LEDGER = ['period', 'work_item_id', 'agent_id', 'business_unit', 'api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'total', 'reviews', 'approved', 'reviewed', 'success'];
const REQUIRED_UNATTR = ['period', 'agent_id', 'business_unit', 'total'];
/** Columns a Ledger written before they existed lacks: left undefined on the rows, not read as 0. */
const ABSENT_OK = new Set(['work_items']);

/**
 * Rows of a data sheet (Ledger, Unattributed) by header name. Blank numeric cells read as 0 (as SUMIFS reads them);
 * text in a numeric column, or a period that is not a month, is an error naming the cell.
 */
export function readDataSheet<R>(sheet: string, grid: CellValue[][], keys: readonly string[], numeric: Set<string>, required: readonly string[], errors: CellError[]): R[] {
  const h = grid.findIndex((row, i) => i < 10 && (row ?? []).some((v) => typeof v === 'string' && v.trim().toLowerCase() === 'period'));
  if (h < 0) {
    errors.push({ sheet, cell: 'A1', column: 'period', value: '', message: 'no header row with "period" in the first 10 rows' });
    return [];
  }
  const header = (grid[h] ?? []).map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''));
  const at = new Map<string, number>();
  for (const k of keys) {
    const i = header.indexOf(k);
    if (i >= 0) at.set(k, i);
    else if (required.includes(k)) errors.push({ sheet, cell: a1(h, 0), column: k, value: '', message: `missing column "${k}" in the header row ${h + 1}` });
  }
  if (errors.length) return [];
  const out: R[] = [];
  for (let r = h + 1; r < grid.length; r++) {
    const row = grid[r];
    if (!row || row.every((v) => v === null || v === '')) continue; // the blank row an empty table keeps
    const obj: Record<string, unknown> = {};
    for (const k of keys) {
      const i = at.get(k);
      // a column an earlier version did not write stays absent (work_items: each row then counts one work item)
      if (i === undefined && ABSENT_OK.has(k)) continue;
      const v = i === undefined ? null : (row[i] ?? null);
      if (numeric.has(k)) {
        if (v === null) obj[k] = 0;
        else if (typeof v === 'number' && Number.isFinite(v)) obj[k] = v;
        else {
          errors.push({ sheet, cell: a1(r, i!), column: k, value: String(v), message: `expected a number, got ${typeof v === 'string' ? `"${v}"` : String(v)}` });
          obj[k] = 0;
        }
      } else if (k === 'period') {
        // Excel may have turned a typed 2026-10 into a date: read it back as its month.
        const p = typeof v === 'number' ? serialToIso(v).slice(0, 7) : String(v ?? '').trim();
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(p)) errors.push({ sheet, cell: a1(r, i!), column: k, value: String(v ?? ''), message: `expected a period YYYY-MM such as 2026-10, got ${v === null ? 'an empty cell' : `"${v}"`}` });
        obj[k] = p;
      } else obj[k] = v === null ? '' : String(v);
    }
    out.push(obj as R);
  }
  return out;
}

/** Whether the data sheet's header row (the first of 10 rows with "period") has `column`: an earlier version's Ledger has no work_items. */
export function headerHas(grid: CellValue[][], column: string): boolean {
  const h = grid.find((row, i) => i < 10 && (row ?? []).some((v) => typeof v === 'string' && v.trim().toLowerCase() === 'period'));
  return !!h && h.some((v) => typeof v === 'string' && v.trim().toLowerCase() === column);
}

export const readLedgerSheet = (grid: CellValue[][], errors: CellError[]): LedgerRow[] =>
  readDataSheet<LedgerRow>(LEDGER_SHEET, grid, LEDGER_COLUMNS.map((c) => c.key), NUMERIC_LEDGER, REQUIRED_LEDGER, errors);

export const readUnattributedSheet = (grid: CellValue[][], errors: CellError[]): UnattributedRow[] =>
  readDataSheet<UnattributedRow>(UNATTRIBUTED_SHEET, grid, UNATTRIBUTED_COLUMNS.map((c) => c.key), NUMERIC_UNATTR, REQUIRED_UNATTR, errors);
