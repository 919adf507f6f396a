// The per-work-item detail of an aggregated Ledger (README "Grain") as CSV: the Ledger sheet's own columns, one line
// per work item and period, in chunks so a CLI can stream millions of rows to disk and the pane can make a Blob.
// CSV rather than Parquet: Excel (our users' tool) opens a CSV and not a Parquet file (short of Power Query), and
// Parquet would mean a new dependency (@dsnp/parquetjs or hyparquet-writer) for the CLI and the pane bundle; DuckDB
// turns the CSV into Parquet in one statement (COPY (FROM 'x.csv') TO 'x.parquet').
import type { LedgerRow } from '../core/model/ledger';
import { LEDGER_COLUMNS } from './data';

const NEEDS_QUOTES = /[",\r\n]/;
/** Text a spreadsheet would run as a formula when it opens the file (OWASP "CSV injection"): kept text with a leading '. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180 quoting); text that would start a formula gets a leading apostrophe, as papaparse's escapeFormulae does. */
export function detailCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const LEDGER_DETAIL_HEADER = LEDGER_COLUMNS.map((c) => c.key).join(',') + '\n';

const GETTERS = LEDGER_COLUMNS.map((c) => (c.value ? c.value : (r: LedgerRow) => r[c.key])) as ((r: LedgerRow) => unknown)[];

/** One row as a CSV line with its newline, the Ledger sheet's columns in order. */
export function ledgerDetailLine(r: LedgerRow): string {
  const cells = new Array<string>(GETTERS.length);
  for (let i = 0; i < GETTERS.length; i++) {
    const v = GETTERS[i](r);
    // numbers (most cells) need no quoting or escaping
    cells[i] = typeof v === 'number' && Number.isFinite(v) ? String(v) : detailCell(v);
  }
  return cells.join(',') + '\n';
}

/** The header, then the rows, in flat text chunks of about `rowsPerChunk` lines. */
export function* ledgerDetailChunks(rows: readonly LedgerRow[], rowsPerChunk = 8192): Generator<string> {
  yield LEDGER_DETAIL_HEADER;
  for (let i = 0; i < rows.length; i += rowsPerChunk) {
    const end = Math.min(rows.length, i + rowsPerChunk);
    const lines = new Array<string>(end - i);
    for (let j = i; j < end; j++) lines[j - i] = ledgerDetailLine(rows[j]);
    yield lines.join('');
  }
}

/** The detail file's name for a workbook: `month-end.xlsx` → `month-end.ledger-detail.csv`. */
export function ledgerDetailName(workbookName: string): string {
  return `${workbookName.replace(/\.xlsx$/i, '')}.ledger-detail.csv`;
}
