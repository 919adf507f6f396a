// Reading vendor files into raw records with their line numbers, and mapping records one by one so each bad
// record becomes a RejectedRow (file, line, field, what was expected) instead of stopping the file.
import Papa from 'papaparse';
import type { RejectedRow } from '../../core/model/records';
import { FieldError, show } from './normalize';

export interface RawRecord {
  value: unknown;
  /** line in the file (JSONL, CSV) or 1-based record number (JSON arrays, API pages) */
  line: number;
}

export interface RawFile {
  records: RawRecord[];
  rejected: RejectedRow[];
  /** the whole-file JSON object when the file was one (an API page saved to disk), for page-level fields */
  container?: Record<string, unknown>;
}

/**
 * JSON array, a JSON object holding the array under one of `arrayKeys` (a saved API page), JSONL, or CSV with a
 * header row. CSV values stay text; mappers convert them with the same readers as JSON values.
 */
export function readRecords(textIn: string, fileName: string, arrayKeys: string[] = []): RawFile {
  const t = textIn.replace(/^\uFEFF/, '');
  const trimmed = t.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !looksLikeJsonl(trimmed))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      return { records: [], rejected: [{ file: fileName, line: 1, column: '', value: '', reason: `expected JSON (${(e as Error).message})` }] };
    }
    if (Array.isArray(parsed)) return { records: parsed.map((value, i) => ({ value, line: i + 1 })), rejected: [] };
    const obj = parsed as Record<string, unknown>;
    for (const k of arrayKeys) {
      if (Array.isArray(obj[k])) return { records: (obj[k] as unknown[]).map((value, i) => ({ value, line: i + 1 })), rejected: [], container: obj };
    }
    // A single record saved on its own.
    return { records: [{ value: obj, line: 1 }], rejected: [], container: obj };
  }
  if (trimmed.startsWith('{')) return readJsonl(t, fileName);
  return readCsv(t, fileName);
}

function looksLikeJsonl(t: string): boolean {
  const nl = t.indexOf('\n');
  if (nl < 0) return false;
  const first = t.slice(0, nl).trim();
  if (!first.endsWith('}')) return false;
  try {
    JSON.parse(first);
    return true;
  } catch {
    return false;
  }
}

export function readJsonl(t: string, fileName: string): RawFile {
  const out: RawFile = { records: [], rejected: [] };
  const lines = t.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    try {
      out.records.push({ value: JSON.parse(l), line: i + 1 });
    } catch {
      out.rejected.push({ file: fileName, line: i + 1, column: '', value: show(l), reason: 'expected one JSON object per line (this line is not valid JSON)' });
    }
  }
  return out;
}

export function readCsv(t: string, fileName: string): RawFile {
  const res = Papa.parse<Record<string, string>>(t, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  const out: RawFile = { records: [], rejected: [] };
  // Line of each row: header is line 1; quoted line breaks shift later rows, so count them from the raw cells.
  let line = 2;
  const badRows = new Set<number>();
  for (const err of res.errors) {
    if (err.row !== undefined && err.code !== 'UndetectableDelimiter') badRows.add(err.row);
  }
  res.data.forEach((row, i) => {
    const at = line;
    for (const v of Object.values(row)) if (typeof v === 'string') line += (v.match(/\n/g) ?? []).length;
    line++;
    if (badRows.has(i)) {
      const e = res.errors.find((x) => x.row === i)!;
      out.rejected.push({ file: fileName, line: at, column: '', value: '', reason: `malformed CSV row (${e.message})` });
      return;
    }
    out.records.push({ value: row, line: at });
  });
  return out;
}

/**
 * Maps each record; FieldError → a RejectedRow naming the field; `null` = skipped on purpose (not usage).
 */
export function mapEach<T>(
  records: RawRecord[],
  file: string,
  fn: (rec: Record<string, unknown>, line: number) => T | T[] | null,
): { out: T[]; rejected: RejectedRow[]; skipped: number } {
  const out: T[] = [];
  const rejected: RejectedRow[] = [];
  let skipped = 0;
  for (const { value, line } of records) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rejected.push({ file, line, column: '', value: show(value), reason: 'expected a JSON object for one record' });
      continue;
    }
    try {
      const r = fn(value as Record<string, unknown>, line);
      if (r === null) skipped++;
      else if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    } catch (e) {
      if (e instanceof FieldError) rejected.push({ file, line, column: e.field, value: show(e.value), reason: e.expected });
      else rejected.push({ file, line, column: '', value: '', reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { out, rejected, skipped };
}
