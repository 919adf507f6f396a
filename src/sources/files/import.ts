// Streaming import of canonical records from CSV or JSONL (DESIGN.md §3). Pure: it reads a string, a
// Blob/File (browser) or an already-open Node readable stream; opening files is node.ts's job.
import Papa from 'papaparse';
import type { RejectedRow } from '../../core/model/records';
import { BOOLEAN_MESSAGE, REQUIRED_MESSAGE, SCHEMAS, coerceCell, columnsOf, normalizeHeader, type ColumnSpec, type RecordKind, type RecordOf } from './columns';
import { parseUsageRow, parseWorkItemRow, type UsageColumnIndex, type WorkItemColumnIndex } from './usage-fast';

export type SinkResult = 'added' | 'duplicate' | 'conflict' | void;

/** Anything papaparse can stream: text, a browser File/Blob, or a Node readable stream (opened with an encoding). */
export type ImportInput = string | Blob | { on(event: string, cb: (...a: unknown[]) => void): unknown };

export interface ImportOptions<K extends RecordKind> {
  kind: K;
  /** the name reported with every rejected row */
  fileName: string;
  input: ImportInput;
  format?: 'csv' | 'jsonl';
  /** the start of the file, for delimiter detection on streams (node.ts passes it); strings and Blobs are peeked directly */
  head?: string;
  sink: (record: RecordOf<K>, line: number) => SinkResult;
  /** called about every `progressEvery` rows with the rows read so far */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
  /** how many rejected rows are kept one by one (all are counted); default 10,000 */
  maxRejectedListed?: number;
  /** characters (strings) or bytes (Blobs) per parsed chunk; Node streams use their own read size */
  chunkSize?: number;
}

export interface ImportReport {
  file: string;
  kind: RecordKind;
  /** data rows read (blank lines not counted) */
  read: number;
  accepted: number;
  rejectedCount: number;
  /** rejected rows and conflicting duplicates, in file order (at most maxRejectedListed) */
  rejected: RejectedRow[];
  /** exact duplicates: counted and ignored */
  duplicates: number;
  /** same id, different content: the first is kept; each is also in `rejected` */
  conflicts: number;
  /** a problem with the whole file (missing required column, unreadable): nothing was imported */
  fatal?: string;
  /** header columns that are not canonical columns (ignored) */
  ignoredColumns: string[];
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The delimiter is the candidate that occurs most often in the header line outside quotes. */
export function detectDelimiter(head: string): string {
  let line = '';
  let inQuotes = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') inQuotes = !inQuotes;
    if (!inQuotes && (c === '\n' || c === '\r')) {
      if (line.trim() === '') { line = ''; continue; }
      break;
    }
    if (!inQuotes) line += c;
  }
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = line.split(d).length - 1;
    if (n > bestCount) { best = d; bestCount = n; }
  }
  return best;
}

function describeInput(fileName: string): 'csv' | 'jsonl' {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 'jsonl' : 'csv';
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Runs zod on one row of a small record type; the first issue becomes the rejection. */
function parseWithSchema(kind: RecordKind, specs: ColumnSpec[], ix: number[], cells: string[]): { record: unknown } | { column: string; reason: string } {
  const obj: Record<string, unknown> = {};
  for (let c = 0; c < specs.length; c++) {
    const i = ix[c];
    const v = coerceCell(i < 0 ? '' : (cells[i] ?? ''), specs[c]);
    if (v !== undefined) obj[specs[c].name] = v;
  }
  const r = SCHEMAS[kind].safeParse(obj);
  if (r.success) return { record: r.data };
  const first = r.error.issues[0];
  const column = String(first.path[0] ?? '');
  const spec = specs.find((s) => s.name === column);
  let reason = first.message;
  if (spec?.type === 'boolean' && first.code === 'invalid_type') reason = BOOLEAN_MESSAGE;
  else if (first.code === 'invalid_type' && obj[column] === undefined && reason.startsWith('Invalid input')) reason = REQUIRED_MESSAGE;
  return { column, reason };
}

/** Zod path used for usage events too when a caller asks (tests compare it with the fast path). */
export function parseRowWithSchema(kind: RecordKind, header: string[], cells: string[]) {
  const specs = columnsOf(kind);
  const norm = header.map(normalizeHeader);
  return parseWithSchema(kind, specs, specs.map((s) => norm.indexOf(s.name)), cells);
}

/** Blob.text(), with FileReader for older engines (and jsdom) that lack it. */
export function blobText(b: Blob): Promise<string> {
  if (typeof b.text === 'function') return b.text();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result ?? ''));
    r.onerror = () => reject(r.error);
    r.readAsText(b);
  });
}

export function importRecords<K extends RecordKind>(opts: ImportOptions<K>): Promise<ImportReport> {
  const { kind, fileName, sink, onProgress } = opts;
  const format = opts.format ?? describeInput(fileName);
  const progressEvery = opts.progressEvery ?? 100_000;
  const maxListed = opts.maxRejectedListed ?? 10_000;
  const specs = columnsOf(kind);
  const report: ImportReport = { file: fileName, kind, read: 0, accepted: 0, rejectedCount: 0, rejected: [], duplicates: 0, conflicts: 0, ignoredColumns: [] };
  const reject = (line: number, column: string, value: string, reason: string) => {
    report.rejectedCount++;
    if (report.rejected.length < maxListed) report.rejected.push({ file: fileName, line, column, value: value.length > 200 ? `${value.slice(0, 200)}…` : value, reason });
  };

  return (async () => {
    const input = opts.input;
    let head = opts.head;
    if (head === undefined) head = typeof input === 'string' ? input.slice(0, 65536) : typeof Blob !== 'undefined' && input instanceof Blob ? await blobText(input.slice(0, 65536)) : '';
    const delimiter = format === 'jsonl' ? '\u0000' : detectDelimiter(head.replace(/^\uFEFF/, ''));

    return new Promise<ImportReport>((resolve) => {
      let line = 1; // physical line where the next row starts
      let newline = '\n';
      let header: string[] | null = null;
      let colIx: number[] = [];
      let usageIx: UsageColumnIndex | null = null;
      let itemIx: WorkItemColumnIndex | null = null;
      let jsonKeys: Map<string, number> | null = null;
      let nextProgress = progressEvery;
      let finished = false;
      const finish = () => { if (!finished) { finished = true; resolve(report); } };

      const setHeader = (cells: string[], parser: Papa.Parser) => {
        header = cells.map(normalizeHeader);
        const missing = specs.filter((s) => !s.optional && !header!.includes(s.name)).map((s) => s.name);
        if (missing.length) {
          report.fatal = `${fileName}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (line 1 has: ${cells.map((c) => c.trim()).join(', ')}); nothing imported from this file`;
          parser.abort();
          return;
        }
        colIx = specs.map((s) => header!.indexOf(s.name));
        report.ignoredColumns = header.filter((h) => h !== '' && !specs.some((s) => s.name === h));
        if (kind === 'usage') usageIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as UsageColumnIndex;
        if (kind === 'work_items') itemIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as WorkItemColumnIndex;
      };

      const deliver = (record: unknown, at: number) => {
        const r = sink(record as RecordOf<K>, at);
        if (r === 'duplicate') report.duplicates++;
        else if (r === 'conflict') {
          report.conflicts++;
          const id = (record as Record<string, unknown>)[specs[0].name];
          reject(at, specs[0].name, String(id), `conflicting duplicate: ${specs[0].name} ${String(id)} was already imported with different content; the first one is kept`);
        } else report.accepted++;
      };

      const handleCsvRow = (cells: string[], at: number) => {
        report.read++;
        if (usageIx) {
          const r = parseUsageRow(cells, usageIx);
          if ('event' in r) deliver(r.event, at);
          else reject(at, r.issue.column, cellOf(cells, r.issue.column), r.issue.reason);
        } else {
          const fast = itemIx ? parseWorkItemRow(cells, itemIx) : null;
          if (fast) {
            deliver(fast, at);
            return;
          }
          const r = parseWithSchema(kind, specs, colIx, cells);
          if ('record' in r) deliver(r.record, at);
          else reject(at, r.column, cellOf(cells, r.column), r.reason);
        }
      };
      const cellOf = (cells: string[], column: string) => {
        const i = header ? header.indexOf(column) : -1;
        return i < 0 ? '' : (cells[i] ?? '');
      };

      const handleJsonRow = (text: string, at: number) => {
        report.read++;
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch (e) {
          reject(at, '', text, `expected one JSON object per line (${e instanceof Error ? e.message : String(e)})`);
          return;
        }
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
          reject(at, '', text, 'expected one JSON object per line');
          return;
        }
        // Keys are normalized like CSV headers, then the row goes through the same CSV path.
        const entries = Object.entries(obj as Record<string, unknown>);
        if (!jsonKeys) jsonKeys = new Map();
        const cells: string[] = [];
        for (const [k, v] of entries) {
          const key = normalizeHeader(k);
          let i = jsonKeys.get(key);
          if (i === undefined) { i = jsonKeys.size; jsonKeys.set(key, i); }
          cells[i] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        }
        const keys = [...jsonKeys.keys()];
        if (!header || header.length !== keys.length) {
          header = keys;
          colIx = specs.map((s) => keys.indexOf(s.name));
          if (kind === 'usage') usageIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as UsageColumnIndex;
          if (kind === 'work_items') itemIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as WorkItemColumnIndex;
        }
        for (let i = 0; i < keys.length; i++) if (cells[i] === undefined) cells[i] = '';
        handleCsvRow(cells, at);
        report.read--; // handleCsvRow counted it again
      };

      // Quoted line breaks need a quote: until one is seen, rows are one line each and the per-cell scan is skipped
      // (~10% of a large import). Streams are sniffed chunk by chunk ahead of papaparse; Blobs are scanned always.
      let quoted = format === 'csv' && (typeof input === 'string' ? input.includes('"') : !('on' in input));
      if (format === 'csv' && !quoted && typeof input !== 'string' && 'on' in input) {
        input.on('data', (chunk: unknown) => {
          if (!quoted && String(chunk).includes('"')) quoted = true;
        });
      }
      const config: Papa.ParseConfig<string[]> & Record<string, unknown> = {
        delimiter,
        // JSONL: every line is one field (no delimiter or quote char can occur in it).
        quoteChar: format === 'jsonl' ? '\u0001' : '"',
        skipEmptyLines: false,
        // Small chunks let each chunk's row strings die young (a scavenge, not a full GC): 64 KB imports 1M rows
        // ~30% faster and at half the peak memory of 1 MB chunks. Blobs are read in larger slices (each is async).
        chunkSize: opts.chunkSize ?? (typeof input === 'string' ? 1 << 16 : 1 << 20),
        chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
          if (results.meta.linebreak) newline = results.meta.linebreak === '\r' ? '\r' : '\n';
          const rows = results.data;
          for (let r = 0; r < rows.length; r++) {
            const cells = rows[r];
            const at = line;
            // A row spans 1 + the line breaks inside its quoted cells.
            let span = 1;
            if (quoted) for (let c = 0; c < cells.length; c++) if (cells[c].indexOf(newline) !== -1) span += countChar(cells[c], newline);
            line += span;
            if (cells.length === 1 && cells[0].trim() === '') continue; // blank line
            if (format === 'jsonl') {
              const text = cells.length === 1 ? cells[0] : cells.join('\u0000');
              handleJsonRow(text.replace(/^\uFEFF/, ''), at);
            } else if (!header) {
              setHeader(cells, parser);
              if (report.fatal) return;
            } else handleCsvRow(cells, at);
            if (onProgress && report.read >= nextProgress) {
              onProgress(report.read);
              nextProgress += progressEvery;
            }
          }
        },
        complete: () => {
          if (!header && !report.fatal && format === 'csv') report.fatal = `${fileName}: the file is empty (expected a header line with the columns ${specs.filter((s) => !s.optional).map((s) => s.name).join(', ')})`;
          finish();
        },
        error: (err: Error) => {
          report.fatal = `${fileName}: could not be read (${err.message})`;
          finish();
        },
      };
      (Papa.parse as (input: unknown, config: unknown) => void)(input, config);
    });
  })();
}
