// Reading vendor files into raw records with their line numbers, and mapping records one by one so each bad
// record becomes a RejectedRow (file, line, field, what was expected) instead of stopping the file.
import type { RejectedRow } from '../../core/model/records';
import { JsonArrayReader } from './json-stream';
import { FieldError, show } from './normalize';
import { clip, CsvRecordReader, detectDelimiter, LineReader, MAX_LINE_CHARS } from './text';

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

/** A single JSON object file larger than this is refused (export JSONL or a JSON array, which stream). */
export const MAX_JSON_OBJECT_CHARS = 256 * 1024 * 1024;

export interface RawCallbacks {
  /** one record; `container` is the whole-file object when the file was one JSON object */
  record(r: RawRecord, container?: Record<string, unknown>): void;
  /** a physical record that could not be read (bad JSON line, malformed CSV row): rejected on its own */
  bad(r: RejectedRow): void;
}

/**
 * Vendor files record by record, from text that arrives in chunks: a JSON array (one element at a time), JSONL
 * (one line at a time), CSV with a header row (records as objects keyed by the trimmed header; values stay text),
 * or one JSON object — an API page saved to disk — holding the records under one of `arrayKeys` (read whole, at
 * most MAX_JSON_OBJECT_CHARS). `error` is set when the file as a whole cannot be read.
 */
export class RawRecordReader {
  error: string | null = null;
  /** header names that occur more than once (CSV) */
  duplicateColumns: string[] = [];
  private shape: 'array' | 'jsonl?' | 'jsonl' | 'object' | 'csv' | null = null;
  private head = '';
  private arr: JsonArrayReader | null = null;
  private lines: LineReader | null = null;
  private csv: CsvRecordReader | null = null;
  private header: string[] | null = null;
  private dupes: number[][] = [];
  private objectParts: string[] = [];
  private objectChars = 0;
  /** JSONL detection: the lines up to the second non-blank one */
  private held: { text: string; line: number; cut: number }[] = [];
  private heldNonBlank: { text: string; line: number; cut: number }[] = [];

  constructor(
    private readonly fileName: string,
    private readonly arrayKeys: string[],
    private readonly cb: RawCallbacks,
  ) {}

  push(chunk: string): void {
    if (this.error || chunk === '') return;
    if (this.shape === null) {
      this.head += chunk;
      // The shape is told by the first character that is not blank or a control byte.
      const t = this.head.replace(/^[\s\u0000-\u001f\u007f]+/, '');
      if (t === '') return;
      if (t[0] === '[') this.startArray();
      else if (t[0] === '{') this.startJsonl();
      else if (/[\r\n]/.test(t)) this.startCsv();
      else if (this.head.length > 1 << 20) this.startCsv();
      else return;
      const h = this.head;
      this.head = '';
      this.feed(h);
      return;
    }
    this.feed(chunk);
  }

  end(): void {
    if (this.error) return;
    if (this.shape === null) {
      if (this.head.trim() === '') return;
      this.startCsv();
      this.feed(this.head);
    }
    if (this.arr) {
      this.arr.end();
      if (this.arr.error) this.error = `${this.fileName}: ${this.arr.error}`;
    }
    if (this.lines) this.lines.end();
    if (this.csv) this.csv.end();
    if (this.shape === 'jsonl?') {
      // At most one non-blank line: a single object (a saved page, or one record).
      const held = this.held;
      this.held = [];
      const one = held.find((h) => h.cut > 0 || h.text.trim() !== '');
      if (one?.cut) this.jsonlLine(one.text, one.line, one.cut);
      else if (one) this.wholeObject(one.text, one.line);
    } else if (this.shape === 'object') this.wholeObject(this.objectParts.join(''), 1);
  }

  private feed(s: string) {
    if (this.arr) this.arr.push(s);
    else if (this.shape === 'object') {
      this.objectChars += s.length;
      if (this.objectChars > MAX_JSON_OBJECT_CHARS) {
        this.error = `${this.fileName}: one JSON object of more than ${MAX_JSON_OBJECT_CHARS.toLocaleString('en-US')} characters; export the records as JSONL or a JSON array`;
        this.objectParts = [];
        return;
      }
      this.objectParts.push(s);
    } else this.lines!.push(s);
  }

  private startArray() {
    this.shape = 'array';
    this.arr = new JsonArrayReader({
      item: (text, index) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          this.cb.bad({ file: this.fileName, line: index, column: '', value: clip(text), reason: clip(`expected a JSON record (${(e as Error).message})`, 300) });
          return;
        }
        this.cb.record({ value, line: index });
      },
      bad: (index, text, reason) => this.cb.bad({ file: this.fileName, line: index, column: '', value: text, reason }),
    });
  }

  private startJsonl() {
    this.shape = 'jsonl?';
    this.lines = new LineReader((text, line, cut) => {
      if (this.shape === 'object') {
        this.objectParts.push(text, '\n');
        this.objectChars += text.length + 1;
        return;
      }
      if (this.shape === 'jsonl') return this.jsonlLine(text, line, cut);
      // Undecided: hold lines until the second non-blank one tells JSONL from one pretty-printed object.
      const h = { text: cut ? '' : text, line, cut };
      this.held.push(h);
      if (cut === 0 && text.trim() === '') return;
      this.heldNonBlank.push(h);
      if (this.heldNonBlank.length < 2) return;
      const [a, b] = this.heldNonBlank;
      this.heldNonBlank = [];
      const held = this.held;
      this.held = [];
      if (a.cut === 0 && b.cut === 0 && (parses(a.text) || parses(b.text) || (looksLikeRecord(a.text) && looksLikeRecord(b.text)))) {
        this.shape = 'jsonl';
        for (const h of held) this.jsonlLine(h.text, h.line, h.cut);
      } else {
        this.shape = 'object';
        for (const h of held) this.objectParts.push(h.text, '\n');
      }
    });
  }

  private jsonlLine(text: string, line: number, cut: number) {
    if (cut > 0) {
      this.cb.bad({ file: this.fileName, line, column: '', value: clip(text), reason: `a line longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters (${(text.length + cut).toLocaleString('en-US')}) cannot be a record` });
      return;
    }
    const t = text.trim();
    if (t === '') return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      this.cb.bad({ file: this.fileName, line, column: '', value: clip(t), reason: 'expected one JSON object per line (this line is not valid JSON)' });
      return;
    }
    this.cb.record({ value, line });
  }

  private wholeObject(text: string, line: number) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      // Not one object: read it line by line as JSONL, so one bad line costs only itself.
      if (/\n\s*\S/.test(text.trim())) {
        const lines = new LineReader((t, n, cut) => this.jsonlLine(t, n, cut));
        lines.push(text);
        lines.end();
        return;
      }
      this.cb.bad({ file: this.fileName, line, column: '', value: clip(text.trim()), reason: clip(`expected JSON (${(e as Error).message})`, 300) });
      return;
    }
    if (Array.isArray(parsed)) {
      parsed.forEach((value, i) => this.cb.record({ value, line: i + 1 }));
      return;
    }
    const obj = parsed as Record<string, unknown>;
    if (obj !== null && typeof obj === 'object') {
      for (const k of this.arrayKeys) {
        const list = obj[k];
        if (Array.isArray(list)) {
          for (let i = 0; i < list.length; i++) this.cb.record({ value: list[i], line: i + 1 }, obj);
          return;
        }
      }
    }
    // A single record saved on its own.
    this.cb.record({ value: obj, line }, obj !== null && typeof obj === 'object' ? obj : undefined);
  }

  private startCsv() {
    this.shape = 'csv';
    const delimiter = detectDelimiter(this.head);
    this.csv = new CsvRecordReader(delimiter, {
      record: (r) => {
        if (!this.header) {
          this.header = r.cells.map((h) => h.trim());
          const at = new Map<string, number[]>();
          this.header.forEach((h, i) => {
            const list = at.get(h);
            if (list) list.push(i);
            else at.set(h, [i]);
          });
          this.dupes = [...at.values()].filter((ix) => ix.length > 1 && this.header![ix[0]] !== '');
          this.duplicateColumns = this.dupes.map((ix) => this.header![ix[0]]);
          return;
        }
        if (r.cells.every((c) => c.trim() === '')) return; // a row of empty cells is a blank line
        const row: Record<string, string> = {};
        const h = this.header;
        for (let i = 0; i < h.length; i++) if (h[i] !== '' && row[h[i]] === undefined) row[h[i]] = r.cells[i];
        for (const ix of this.dupes) {
          const vals = [...new Set(ix.map((i) => r.cells[i].trim()).filter((v) => v !== ''))];
          if (vals.length > 1) {
            this.cb.bad({ file: this.fileName, line: r.line, column: h[ix[0]], value: clip(vals.join(' / ')), reason: `the header has ${ix.length} columns named ${h[ix[0]]} (columns ${ix.map((i) => i + 1).join(', ')}) and this row's values differ` });
            return;
          }
          row[h[ix[0]]] = vals[0] ?? '';
        }
        this.cb.record({ value: row, line: r.line });
      },
      bad: (line, text, reason) => this.cb.bad({ file: this.fileName, line, column: '', value: text, reason }),
      blank: () => undefined,
    });
    this.lines = new LineReader((text, line, cut) => this.csv!.line(text, line, cut));
  }
}

/** One JSON object on one line, by its shape: `{…}`. */
const looksLikeRecord = (t: string) => {
  const s = t.trim();
  return s.length > 1 && s.endsWith('}') && /^[^{]{0,8}\{/.test(s);
};

function parses(t: string): boolean {
  const s = t.trim();
  if (!(s.startsWith('{') || s.startsWith('['))) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** A whole text read by RawRecordReader: every record, every unreadable one, the container object if any. */
export function readRecords(textIn: string, fileName: string, arrayKeys: string[] = []): RawFile {
  const out: RawFile = { records: [], rejected: [] };
  const r = new RawRecordReader(fileName, arrayKeys, {
    record: (rec, container) => {
      out.records.push(rec);
      if (container) out.container = container;
    },
    bad: (rej) => out.rejected.push(rej),
  });
  r.push(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  r.end();
  if (r.error) out.rejected.push({ file: fileName, line: 1, column: '', value: '', reason: r.error });
  return out;
}

export function readJsonl(t: string, fileName: string): RawFile {
  const out: RawFile = { records: [], rejected: [] };
  const lines = new LineReader((text, line, cut) => {
    if (cut > 0) {
      out.rejected.push({ file: fileName, line, column: '', value: clip(text), reason: `a line longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters cannot be a record` });
      return;
    }
    const l = text.trim();
    if (!l) return;
    try {
      out.records.push({ value: JSON.parse(l), line });
    } catch {
      out.rejected.push({ file: fileName, line, column: '', value: show(l), reason: 'expected one JSON object per line (this line is not valid JSON)' });
    }
  });
  lines.push(t);
  lines.end();
  return out;
}

export function readCsv(t: string, fileName: string): RawFile {
  const out: RawFile = { records: [], rejected: [] };
  const r = new RawRecordReader(fileName, [], { record: (rec) => out.records.push(rec), bad: (rej) => out.rejected.push(rej) });
  r.push(t);
  r.end();
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
      else if (Array.isArray(r)) for (const x of r) out.push(x);
      else out.push(r);
    } catch (e) {
      if (e instanceof FieldError) rejected.push({ file, line, column: e.field, value: show(e.value), reason: clip(e.expected, 300) });
      else rejected.push({ file, line, column: '', value: '', reason: clip(e instanceof Error ? e.message : String(e), 300) });
    }
  }
  return { out, rejected, skipped };
}
