// Canonical records → CSV text (the inverse of the import). Hand-written rather than Papa.unparse per row because
// the demo and the benchmark write millions of rows; the quoting rule is RFC 4180's.
import { columnsOf, type RecordKind, type RecordOf } from './columns';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(kind: RecordKind): string {
  return columnsOf(kind).map((c) => c.name).join(',') + '\n';
}

/** One record as a CSV line (with its newline), columns in canonical order. */
export function csvLine<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  const cols = columnsOf(kind);
  const r = record as Record<string, unknown>;
  let line = csvCell(r[cols[0].name]);
  for (let i = 1; i < cols.length; i++) line += ',' + csvCell(r[cols[i].name]);
  return line + '\n';
}

export function toCsv<K extends RecordKind>(kind: K, records: readonly RecordOf<K>[]): string {
  let s = csvHeader(kind);
  for (const r of records) s += csvLine(kind, r);
  return s;
}
