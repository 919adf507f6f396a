// Streaming import of canonical records from CSV or JSONL (DESIGN.md §3), or from a table of text cells (a Parquet file
// as the CLI reads it). Pure: it reads a string, a Blob/File (browser), an already-open Node readable stream or a table
// source; opening files is node.ts's job.
import type { RejectedRow } from '../../core/model/records';
import { wellFormed } from '../../core/model/text';
import { clip, CsvRecordReader, detectDelimiter, LineReader, MAX_LINE_CHARS, sniffEncoding, textChunks, type ChunkSource, type TextSource } from '../common/text';
import { BOOLEAN_MESSAGE, REQUIRED_MESSAGE, SCHEMAS, coerceCell, columnsOf, normalizeHeader, type ColumnSpec, type RecordKind, type RecordOf } from './columns';
import { parseUsageRow, parseWorkItemRow, type UsageColumnIndex, type WorkItemColumnIndex } from './usage-fast';
import { ascii as asciiText, UsageRowScanner } from './usage-scan';

export type SinkResult = 'added' | 'duplicate' | 'conflict' | void;

/** Anything the importer can read: text, a browser File/Blob, or a Node readable stream (bytes or text). */
export type ImportInput = TextSource;

/**
 * A file that is a table rather than text (Parquet): its column names, then its rows as text cells ('' for a missing
 * value), in file order. Its rows are numbered from 1, and a rejection's `line` is that row number (there are no
 * lines). `rowCount` is what the file says it holds (Parquet metadata): the rows read must come to it.
 */
export interface TableSource {
  header: string[];
  rowCount: number;
  /** batches of rows */
  rows: AsyncIterable<string[][]>;
}

export interface ImportOptions<K extends RecordKind> {
  kind: K;
  /** the name reported with every rejected row */
  fileName: string;
  input: ImportInput | TableSource;
  format?: 'csv' | 'jsonl';
  /** unused (the delimiter is read from the header line); kept for callers that pass it */
  head?: string;
  sink: (record: RecordOf<K>, line: number) => SinkResult;
  /** called about every `progressEvery` rows with the rows read so far */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
  /** how many rejected rows are kept one by one (all are counted); default 10,000 */
  maxRejectedListed?: number;
  /** characters (strings) or bytes (Blobs) per chunk; Node streams use their own read size */
  chunkSize?: number;
  /**
   * Usage CSV from a byte stream is read by the byte scanner (usage-scan.ts) where it can be, the text path elsewhere;
   * false: the text path only (the tests compare the two).
   */
  byteScan?: boolean;
  /**
   * Usage rows the byte scanner accepted go here instead of to `sink`, as the scanner holding the row's fields (the
   * usage worker packs them into columns without making objects); they count as accepted. Every other row goes to `sink`.
   */
  scanned?: (row: UsageRowScanner, bytes: Uint8Array, line: number) => void;
}

export interface ImportReport {
  file: string;
  kind: RecordKind;
  /** physical records read: data rows (a quoted cell may span lines), unreadable rows included; blank lines not */
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
  /** canonical columns the header names more than once ("Event ID" and "event_id"): rows where they differ are rejected */
  duplicateColumns: string[];
  /** physical lines of the file that were read (a table: the rows it says it holds) */
  lines: number;
  /** lines the records account for: the header, blank lines, and every line of every record (a table: rows read) */
  linesAccounted: number;
}

/**
 * The row accounting of an import: every physical record read is accepted, a duplicate or rejected (conflicts are
 * rejections), and every physical line belongs to the header, a blank line or a record. Each side is counted where
 * it happens (the line reader, the record reader, the outcome of each row), so a row lost anywhere shows here.
 */
export function importAccounting(r: ImportReport): { ok: boolean; difference: number; lines_difference: number } {
  const difference = r.read - (r.accepted + r.duplicates + r.rejectedCount);
  const lines_difference = r.fatal ? 0 : r.lines - r.linesAccounted;
  return { ok: difference === 0 && lines_difference === 0, difference, lines_difference };
}

export { detectDelimiter };

/** The report of a file that could not be read at all: nothing read, and why. */
export function fatalReport(fileName: string, kind: RecordKind, why: string): ImportReport {
  return {
    file: fileName, kind, read: 0, accepted: 0, rejectedCount: 0, rejected: [], duplicates: 0, conflicts: 0, ignoredColumns: [], duplicateColumns: [], lines: 0, linesAccounted: 0,
    fatal: `${fileName}: ${why}`,
  };
}

/**
 * A table source that `open` opens (the command line: DuckDB reading a Parquet file), imported and closed. A file it
 * cannot open is a fatal report with the first line of the reason.
 */
export async function importTable<K extends RecordKind>(open: () => Promise<TableSource & { close(): void }>, opts: Omit<ImportOptions<K>, 'input'>, format = 'Parquet'): Promise<ImportReport> {
  let table: TableSource & { close(): void };
  try {
    table = await open();
  } catch (e) {
    return fatalReport(opts.fileName, opts.kind, `cannot be read as ${format} (${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)})`);
  }
  try {
    return await importRecords({ ...opts, input: table } as ImportOptions<K>);
  } finally {
    table.close();
  }
}

function describeInput(fileName: string): 'csv' | 'jsonl' {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 'jsonl' : 'csv';
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

/** A Blob's text in the encoding its first bytes show (UTF-8, or UTF-16 as Excel's "Unicode text" saves it). */
export async function blobText(b: Blob): Promise<string> {
  let out = '';
  for await (const c of textChunks(b, 1 << 20)) out += c;
  return out;
}

export function importRecords<K extends RecordKind>(opts: ImportOptions<K>): Promise<ImportReport> {
  const { kind, fileName, sink, onProgress, scanned } = opts;
  const format = opts.format ?? describeInput(fileName);
  const progressEvery = opts.progressEvery ?? 100_000;
  const maxListed = opts.maxRejectedListed ?? 10_000;
  const specs = columnsOf(kind);
  const report: ImportReport = {
    file: fileName, kind, read: 0, accepted: 0, rejectedCount: 0, rejected: [], duplicates: 0, conflicts: 0, ignoredColumns: [], duplicateColumns: [],
    lines: 0, linesAccounted: 0,
  };
  const reject = (line: number, column: string, value: string, reason: string) => {
    report.rejectedCount++;
    if (report.rejected.length < maxListed) report.rejected.push({ file: fileName, line, column, value: clip(value), reason: clip(reason, 300) });
  };

  let header: string[] | null = null;
  let colIx: number[] = [];
  let usageIx: UsageColumnIndex | null = null;
  let itemIx: WorkItemColumnIndex | null = null;
  /** canonical columns named more than once: [the index the readers use, the other indexes] */
  let dupes: { name: string; ix: number[] }[] = [];
  let jsonKeys: Map<string, number> | null = null;
  let nextProgress = progressEvery;

  const index = (names: string[]) => {
    header = names;
    colIx = specs.map((s) => names.indexOf(s.name));
    if (kind === 'usage') usageIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as UsageColumnIndex;
    if (kind === 'work_items') itemIx = Object.fromEntries(specs.map((s, i) => [s.name, colIx[i]])) as WorkItemColumnIndex;
  };

  const setHeader = (cells: string[]): boolean => {
    const names = cells.map(normalizeHeader);
    const missing = specs.filter((s) => !s.optional && !names.includes(s.name)).map((s) => s.name);
    if (missing.length) {
      report.fatal = clip(`${fileName}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${isTableSource(opts.input) ? 'its columns are' : 'line 1 has'}: ${cells.map((c) => c.trim()).join(', ')}); nothing imported from this file`, 400);
      return false;
    }
    index(names);
    report.ignoredColumns = names.filter((h) => h !== '' && !specs.some((s) => s.name === h));
    dupes = specs
      .map((s) => ({ name: s.name, ix: names.flatMap((n, i) => (n === s.name ? [i] : [])) }))
      .filter((d) => d.ix.length > 1);
    report.duplicateColumns = dupes.map((d) => `${d.name} (${d.ix.map((i) => JSON.stringify(cells[i].trim())).join(', ')})`);
    return true;
  };

  const deliver = (record: unknown, at: number) => {
    const r = sink(record as RecordOf<K>, at);
    if (r === 'duplicate') report.duplicates++;
    else if (r === 'conflict') {
      report.conflicts++;
      report.rejectedCount++;
      if (report.rejected.length < maxListed) report.rejected.push(conflictRejection(fileName, kind, at, record));
    } else report.accepted++;
  };

  const cellOf = (cells: string[], column: string) => {
    const i = header ? header.indexOf(column) : -1;
    return i < 0 ? '' : (cells[i] ?? '');
  };

  /** Columns named twice must agree: the value the readers use is the non-empty one, else the row is rejected. */
  const reconcile = (cells: string[], at: number): boolean => {
    for (const d of dupes) {
      let value = '';
      for (const i of d.ix) {
        const v = (cells[i] ?? '').trim();
        if (v === '') continue;
        if (value !== '' && v !== value) {
          reject(at, d.name, `${value} / ${v}`, `the header names ${d.name} ${d.ix.length} times (columns ${d.ix.map((i) => i + 1).join(', ')}) and this row's values differ`);
          return false;
        }
        value = v;
      }
      cells[d.ix[0]] = value;
    }
    return true;
  };

  const handleRow = (cells: string[], at: number, extra = 0) => {
    if (dupes.length && !reconcile(cells, at)) return;
    // a row with trailing empty cells past the header is read (spreadsheets add delimiters); when it is then rejected,
    // the likelier cause is a value with an unquoted delimiter that shifted every cell after it: say so
    const why = (reason: string) =>
      extra > 0 ? `${reason} (the row has ${cells.length + extra} cells where the header has ${cells.length}: an unquoted delimiter in a value, such as 5,000, shifts the cells after it)` : reason;
    if (usageIx) {
      const r = parseUsageRow(cells, usageIx);
      if ('event' in r) deliver(r.event, at);
      else reject(at, r.issue.column, cellOf(cells, r.issue.column), why(r.issue.reason));
      return;
    }
    const fast = itemIx ? parseWorkItemRow(cells, itemIx) : null;
    if (fast) return deliver(fast, at);
    const r = parseWithSchema(kind, specs, colIx, cells);
    if ('record' in r) deliver(r.record, at);
    else reject(at, r.column, cellOf(cells, r.column), why(r.reason));
  };

  const progress = () => {
    if (onProgress && report.read >= nextProgress) {
      onProgress(report.read);
      nextProgress += progressEvery;
    }
  };

  const jsonLine = (text: string, at: number, cut: number) => {
    if (cut === 0 && text.trim() === '') {
      report.linesAccounted++;
      return;
    }
    report.read++;
    report.linesAccounted++;
    if (cut > 0) {
      reject(at, '', text, `a line longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters (${(text.length + cut).toLocaleString('en-US')}) cannot be a record`);
      return progress();
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      reject(at, '', text, `expected one JSON object per line (${e instanceof Error ? e.message : String(e)})`);
      return progress();
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      reject(at, '', text, 'expected one JSON object per line');
      return progress();
    }
    // Keys are normalized like CSV headers, then the row goes through the same path as a CSV row.
    if (!jsonKeys) jsonKeys = new Map();
    const cells: string[] = [];
    const seen = new Map<number, string>();
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const key = normalizeHeader(k);
      let i = jsonKeys.get(key);
      if (i === undefined) {
        i = jsonKeys.size;
        jsonKeys.set(key, i);
      }
      const cell = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'string' ? wellFormed(v) : String(v);
      // Two keys meaning the same column ("event_id" and "Event ID") must agree.
      const prev = seen.get(i);
      if (prev !== undefined && prev.trim() !== '' && cell.trim() !== '' && prev.trim() !== cell.trim()) {
        reject(at, key, `${prev} / ${cell}`, `two keys of this line mean ${key} and their values differ`);
        return progress();
      }
      if (prev === undefined || prev.trim() === '') {
        cells[i] = cell;
        seen.set(i, cell);
      }
    }
    const keys = [...jsonKeys.keys()];
    if (!header || header.length !== keys.length) index(keys);
    for (let i = 0; i < keys.length; i++) if (cells[i] === undefined) cells[i] = '';
    handleRow(cells, at);
    progress();
  };

  return (async () => {
    let csv: CsvRecordReader | null = null;
    let lines: LineReader | null = null;
    let head = '';
    let stopped = false;

    const startCsv = (delimiter: string) => {
      csv = new CsvRecordReader(delimiter, {
        record: (r) => {
          if (stopped) return;
          if (!header) {
            if (!setHeader(r.cells)) stopped = true;
            return;
          }
          report.read++;
          handleRow(r.cells, r.line, r.extra);
          progress();
        },
        bad: (line, text, reason) => {
          if (stopped) return;
          if (!header) {
            report.fatal = clip(`${fileName}: line ${line}: the header cannot be read (${reason}); nothing imported from this file`, 400);
            stopped = true;
            return;
          }
          report.read++;
          reject(line, '', text, reason);
          progress();
        },
        blank: () => undefined,
      });
      lines = new LineReader((text, line, cut) => csv!.line(text, line, cut));
    };
    if (format === 'jsonl') lines = new LineReader(jsonLine);

    /** lines read by the byte path, and rows it accepted itself (each one line) */
    let byteLines = 0;
    let byteAccepted = 0;

    /**
     * The byte path for usage CSV (usage-scan.ts). It takes the file only when its first line is a comma-separated
     * header of printable ASCII without quotes that has the required columns once each, in UTF-8 with `\n` or
     * `\r\n` breaks; otherwise it hands back the chunks it read, to be read by the text path from the start. Each
     * line the scanner does not accept goes, decoded, to the same CsvRecordReader the text path uses.
     */
    const byteScan = async (src: ChunkSource): Promise<ChunkSource | null> => {
      const it = src[Symbol.asyncIterator]();
      const held: (string | Uint8Array)[] = [];
      const replay = (): ChunkSource => (async function* () {
        yield* held;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          yield n.value;
        }
      })();
      let buf: Uint8Array = new Uint8Array(0);
      let bom = -1;
      let nl = -1;
      while (nl < 0) {
        const n = await it.next();
        if (n.done) return replay();
        held.push(n.value);
        if (typeof n.value === 'string') return replay();
        if (bom < 0) {
          const sn = sniffEncoding(n.value);
          if (sn.encoding !== 'utf-8') return replay();
          bom = sn.bom;
        }
        buf = concatBytes(buf, n.value);
        nl = buf.indexOf(10, bom);
        if (nl < 0 && buf.length > 1 << 20) return replay();
      }
      const end = buf[nl - 1] === 13 ? nl - 1 : nl;
      for (let i = bom; i < end; i++) if (buf[i] < 0x20 || buf[i] > 0x7e || buf[i] === 34) return replay();
      if (end === bom || buf[bom] === 32) return replay();
      const names = asciiText(buf, bom, end).split(',');
      const norm = names.map(normalizeHeader);
      if (detectDelimiter(asciiText(buf, bom, end)) !== ',' || specs.some((sp) => (!sp.optional && !norm.includes(sp.name)) || norm.filter((x) => x === sp.name).length > 1)) return replay();

      startCsv(',');
      const reader = csv as unknown as CsvRecordReader;
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      let scanner: UsageRowScanner | null = null;
      const onLine = (b: Uint8Array, s: number, e: number) => {
        byteLines++;
        if (e > s && b[e - 1] === 13) e--;
        if (scanner && !reader.open) {
          if (scanned) {
            if (scanner.parse(b, s, e)) {
              report.read++;
              report.accepted++;
              byteAccepted++;
              scanned(scanner, b, byteLines);
              return progress();
            }
          } else {
            const ev = scanner.scan(b, s, e);
            if (ev) {
              report.read++;
              byteAccepted++;
              deliver(ev, byteLines);
              return progress();
            }
          }
        }
        reader.line(decoder.decode(b.subarray(s, e)), byteLines);
        if (!scanner && usageIx && !dupes.length && reader.width !== null) scanner = new UsageRowScanner(usageIx, reader.width);
      };
      // A line longer than this goes, with the rest of the file, to the text path's line reader (its limits apply).
      const MAX_CARRY = 1 << 20;
      let carry: Uint8Array | null = null;
      let tail: TextDecoder | null = null;
      const feed = (chunk: Uint8Array) => {
        if (tail) return (lines as unknown as LineReader).push(tail.decode(chunk, { stream: true }));
        let pos = 0;
        if (carry) {
          const i = chunk.indexOf(10);
          if (i < 0) {
            carry = concatBytes(carry, chunk);
            if (carry.length > MAX_CARRY) {
              lines = new LineReader((text, line, cut) => reader.line(text, line, cut));
              lines.continueAt(byteLines, false);
              tail = new TextDecoder('utf-8', { ignoreBOM: true });
              lines.push(tail.decode(carry, { stream: true }));
              carry = null;
            }
            return;
          }
          const line = concatBytes(carry, chunk.subarray(0, i));
          carry = null;
          onLine(line, 0, line.length);
          pos = i + 1;
        }
        for (let i = chunk.indexOf(10, pos); i !== -1; i = chunk.indexOf(10, pos)) {
          onLine(chunk, pos, i);
          pos = i + 1;
        }
        if (pos < chunk.length) carry = chunk.slice(pos);
      };
      feed(buf.subarray(bom));
      for (;;) {
        const n = await it.next();
        if (n.done) break;
        feed(typeof n.value === 'string' ? new TextEncoder().encode(n.value) : n.value);
      }
      if (tail) {
        const t = tail as TextDecoder;
        (lines as unknown as LineReader).push(t.decode());
        (lines as unknown as LineReader).end();
        byteLines = (lines as unknown as LineReader).lines;
      } else if (carry) onLine(carry, 0, (carry as Uint8Array).length);
      reader.end();
      return null;
    };

    if (isTableSource(opts.input)) {
      // the same row path as CSV and JSON lines: header normalization, duplicate columns, validation, sink
      const t = opts.input;
      report.lines = t.rowCount;
      if (!setHeader(t.header)) return report;
      let row = 0;
      try {
        for await (const batch of t.rows) {
          for (const cells of batch) {
            row++;
            report.read++;
            handleRow(cells, row);
            progress();
          }
        }
      } catch (e) {
        report.fatal = clip(`${fileName}: could not be read after row ${row} (${(e as Error).message})`, 400);
      }
      report.linesAccounted = row;
      return report;
    }

    let input = opts.input;
    if (kind === 'usage' && format === 'csv' && opts.byteScan !== false && isChunkSource(input)) {
      try {
        const rest = await byteScan(input);
        if (rest === null) {
          report.lines = byteLines;
          report.linesAccounted = (csv as unknown as CsvRecordReader).accounted + byteAccepted;
          return report;
        }
        input = rest;
      } catch (e) {
        report.fatal = clip(`${fileName}: could not be read (${(e as Error).message})`, 400);
        return report;
      }
    }

    try {
      for await (const chunk of textChunks(input, opts.chunkSize ?? (1 << 16))) {
        if (stopped) break;
        if (!lines) {
          // The delimiter comes from the header line: wait until it is complete.
          head += chunk;
          if (!/[\r\n]/.test(head.replace(/^\s+/, '')) && head.length < 1 << 20) continue;
          startCsv(detectDelimiter(head));
          lines!.push(head);
          head = '';
          continue;
        }
        (lines as LineReader).push(chunk);
      }
      if (!stopped) {
        if (!lines && head.trim() !== '') {
          startCsv(detectDelimiter(head));
          lines!.push(head);
        }
        if (lines) (lines as LineReader).end();
        if (csv) (csv as CsvRecordReader).end();
      }
    } catch (e) {
      report.fatal = clip(`${fileName}: could not be read (${(e as Error).message})`, 400);
    }
    report.lines = lines ? (lines as LineReader).lines : 0;
    if (csv) report.linesAccounted = (csv as CsvRecordReader).accounted;
    if (!header && !report.fatal && format === 'csv') report.fatal = `${fileName}: the file is empty (expected a header line with the columns ${specs.filter((s) => !s.optional).map((s) => s.name).join(', ')})`;
    return report;
  })();
}

/** The rejection of a record whose id was imported before with other content (the sink said 'conflict'). */
export function conflictRejection(file: string, kind: RecordKind, line: number, record: unknown): RejectedRow {
  const name = columnsOf(kind)[0].name;
  const id = String((record as Record<string, unknown>)[name]);
  return { file, line, column: name, value: clip(id), reason: clip(`conflicting duplicate: ${name} ${id} was already imported with different content; the first one is kept`, 300) };
}

const isTableSource = (x: ImportInput | TableSource): x is TableSource =>
  typeof x === 'object' && x !== null && Array.isArray((x as TableSource).header) && typeof (x as TableSource).rowCount === 'number';

const isChunkSource = (x: ImportInput): x is ChunkSource =>
  typeof x !== 'string' && !(typeof Blob !== 'undefined' && x instanceof Blob) && typeof (x as ChunkSource)[Symbol.asyncIterator] === 'function';

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

