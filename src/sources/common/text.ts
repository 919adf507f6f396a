// Reading text files record by record, in bounded memory, for every importer (canonical CSV/JSONL and vendor files):
// encoding detection (UTF-8, UTF-16 LE/BE with or without a BOM), chunked reading of strings, Blobs and Node streams,
// physical lines, and CSV records whose quoted cells may span lines. Browser-safe (no Node APIs).
//
// Why the CSV record boundaries are found here rather than by papaparse's streaming parser: papaparse carries an
// unterminated quote to the end of the input (every later row vanishes into one cell, and the carried text grows
// with the file). Here a record that runs over a bound, or that papaparse then finds malformed, costs exactly its
// first line, and reading resumes at the next line. Papaparse still parses every record that contains a quote, and
// its errors are what the rejection says.
import Papa from 'papaparse';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** A Node readable stream, or anything else that yields chunks. */
export type ChunkSource = AsyncIterable<string | Uint8Array>;
export type TextSource = string | Blob | ChunkSource;

/** Longest physical line kept (longer ones are rejected by line; only their start is echoed). */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;
/** A quoted CSV cell may span line breaks, but a record may not span more than this many lines or characters. */
export const MAX_RECORD_LINES = 10_000;
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;
/** Characters of a bad value or line echoed in a message, a rejected row or the summary. */
export const ECHO_CHARS = 200;

/** Text cut to `n` characters for a message, saying how long it was. */
export function clip(s: string, n = ECHO_CHARS): string {
  if (s.length <= n) return s;
  return `${s.slice(0, n)}… (${s.length.toLocaleString('en-US')} characters)`;
}

/** The encoding of a file from its first bytes: a BOM, else the pattern of zero bytes UTF-16 text has. */
export function sniffEncoding(b: Uint8Array): { encoding: Encoding; bom: number } {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // Without a BOM: ASCII-range text in UTF-16 has a zero in every other byte.
  const n = Math.min(b.length, 1024) & ~1;
  if (n >= 4) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i += 2) {
      if (b[i] === 0) even++;
      if (b[i + 1] === 0) odd++;
    }
    const half = n / 2;
    if (odd > half * 0.4 && even < half * 0.05) return { encoding: 'utf-16le', bom: 0 };
    if (even > half * 0.4 && odd < half * 0.05) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: 'utf-8', bom: 0 };
}

/** A whole file's bytes as text, in the encoding its first bytes show, without its BOM. */
export function decodeText(bytes: Uint8Array): string {
  const { encoding, bom } = sniffEncoding(bytes);
  return new TextDecoder(encoding).decode(bytes.subarray(bom));
}

async function blobBytes(b: Blob): Promise<Uint8Array> {
  if (typeof b.arrayBuffer === 'function') return new Uint8Array(await b.arrayBuffer());
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(b);
  });
}

const isBlob = (x: unknown): x is Blob => typeof Blob !== 'undefined' && x instanceof Blob;

/**
 * The text of a source in chunks of about `chunkSize` characters (strings) or bytes (Blobs; streams use their own
 * size), decoded in the encoding its first bytes show, without a BOM.
 */
export async function* textChunks(input: TextSource, chunkSize = 1 << 16): AsyncGenerator<string> {
  if (typeof input === 'string') {
    const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    for (let i = 0; i < s.length; i += chunkSize) yield s.slice(i, i + chunkSize);
    return;
  }
  let decoder: TextDecoder | null = null;
  let first = true;
  const bytes = (b: Uint8Array): string => {
    if (!decoder) {
      const { encoding, bom } = sniffEncoding(b);
      decoder = new TextDecoder(encoding);
      b = b.subarray(bom);
    }
    return decoder.decode(b, { stream: true });
  };
  if (isBlob(input) && typeof TextDecoder === 'undefined') {
    // Engines without TextDecoder (jsdom): FileReader decodes the whole Blob in the sniffed encoding.
    const { encoding, bom } = sniffEncoding(await blobBytes(input.slice(0, 1024)));
    const text = await new Promise<string>((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result ?? ''));
      r.onerror = () => reject(r.error);
      r.readAsText(input.slice(bom), encoding);
    });
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
    return;
  }
  if (isBlob(input)) {
    for (let i = 0; i < input.size; i += chunkSize) {
      const t = bytes(await blobBytes(input.slice(i, i + chunkSize)));
      if (t) yield t;
    }
  } else {
    for await (const c of input) {
      if (typeof c === 'string') {
        const t = first && c.charCodeAt(0) === 0xfeff ? c.slice(1) : c;
        first = false;
        if (t) yield t;
      } else {
        const t = bytes(c);
        if (t) yield t;
      }
    }
  }
  if (decoder) {
    const tail = (decoder as TextDecoder).decode();
    if (tail) yield tail;
  }
}

/**
 * Splits text into physical lines (`\n`, `\r\n`, or `\r` alone when the file uses that), numbered from 1. A line
 * longer than `maxLine` is not kept: the callback gets its first characters and how many more there were.
 */
export class LineReader {
  /** lines delivered so far */
  lines = 0;
  private rest = '';
  private cut = 0;
  /** the line break: null until the first one is seen */
  private cr: boolean | null = null;

  constructor(
    private readonly onLine: (text: string, line: number, cutChars: number) => void,
    private readonly maxLine = MAX_LINE_CHARS,
  ) {}

  /** Continues a file whose first `lines` lines were read elsewhere, with the line break already known. */
  continueAt(lines: number, crBreaks: boolean): void {
    this.lines = lines;
    this.cr = crBreaks;
  }

  push(chunk: string): void {
    if (chunk === '') return;
    if (this.cr === null) {
      // A '\r' at the end of what came so far waits for the next character to tell "\r\n" from "\r".
      if (this.rest.endsWith('\r') && this.cut === 0) {
        this.cr = chunk[0] !== '\n';
        if (this.cr) {
          // That '\r' ended the first line.
          this.rest = this.rest.slice(0, -1);
          this.finishLine();
        }
      } else {
        const i = chunk.search(/[\r\n]/);
        if (i < 0 || (chunk[i] === '\r' && i === chunk.length - 1)) return this.append(chunk);
        this.cr = chunk[i] === '\r' && chunk[i + 1] !== '\n';
      }
    }
    const nl = this.cr ? '\r' : '\n';
    let pos = 0;
    for (let i = chunk.indexOf(nl); i !== -1; i = chunk.indexOf(nl, pos)) {
      this.append(chunk.slice(pos, i));
      this.finishLine();
      pos = i + 1;
    }
    if (pos < chunk.length) this.append(pos === 0 ? chunk : chunk.slice(pos));
  }

  end(): void {
    if (this.rest !== '' || this.cut > 0) this.finishLine();
  }

  private append(piece: string) {
    if (this.cut > 0) this.cut += piece.length;
    else if (this.rest.length + piece.length > this.maxLine) {
      const all = this.rest + piece;
      this.rest = all.slice(0, ECHO_CHARS);
      this.cut = all.length - this.rest.length;
    } else this.rest = this.rest === '' ? piece : this.rest + piece;
  }

  private finishLine() {
    let text = this.rest;
    const cut = this.cut;
    if (!this.cr && cut === 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    this.rest = '';
    this.cut = 0;
    this.lines++;
    this.onLine(text, this.lines, cut);
  }
}

/** A CSV record: its cells, the physical line it starts on and how many lines it spans. */
export interface CsvRecord {
  cells: string[];
  line: number;
  span: number;
  /** empty cells past the header's width, dropped (a spreadsheet's trailing delimiters) */
  extra?: number;
}

export interface CsvCallbacks {
  record(r: CsvRecord): void;
  /** a physical line that cannot be (part of) a record: rejected on its own */
  bad(line: number, text: string, reason: string): void;
  blank(line: number): void;
}

/**
 * Physical lines → CSV records. The first record is the header; every later record must have its width (extra cells
 * that are all empty are dropped). Records with a quote go through papaparse; one that spans lines and is malformed
 * or ragged, or runs over MAX_RECORD_LINES / MAX_RECORD_CHARS or the end of the file with a quote open, is taken
 * for a stray quote: its first line is rejected and the lines after it are read again as records.
 */
export class CsvRecordReader {
  /** the header's width once the first record is read */
  width: number | null = null;
  /** lines accounted for: blank, rejected on their own, or inside a record (the header included) */
  accounted = 0;
  private pending: { lines: string[]; start: number; chars: number } | null = null;
  /** a quoted cell is open: the next line continues a record */
  get open(): boolean {
    return this.pending !== null;
  }

  constructor(
    private readonly delimiter: string,
    private readonly cb: CsvCallbacks,
  ) {}

  /** Feeds one physical line (`cutChars` > 0: the line was too long and `text` is only its start). */
  line(text: string, line: number, cutChars = 0): void {
    if (cutChars > 0) {
      if (this.pending) this.resync('the quoted cell opened here is not closed before a line too long to read');
      this.accounted++;
      this.cb.bad(line, clip(text) + ` (${(text.length + cutChars).toLocaleString('en-US')} characters)`, `a line longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters cannot be a record`);
      return;
    }
    const p = this.pending;
    if (p) {
      p.lines.push(text);
      p.chars += text.length + 1;
      if (!openAfter(text, this.delimiter, true)) {
        this.pending = null;
        this.complete(p.lines.join('\n'), p.start, p.lines.length, p.lines);
      } else if (p.lines.length > MAX_RECORD_LINES || p.chars > MAX_RECORD_CHARS) {
        this.resync(`a quoted cell opened here is still open ${p.lines.length.toLocaleString('en-US')} lines later (unterminated quote)`);
      }
      return;
    }
    if (text.indexOf('"') === -1) {
      if (text.trim() === '') {
        this.accounted++;
        this.cb.blank(line);
        return;
      }
      this.deliver(text.split(this.delimiter), line, 1, text);
      return;
    }
    if (openAfter(text, this.delimiter, false)) {
      this.pending = { lines: [text], start: line, chars: text.length };
      return;
    }
    this.complete(text, line, 1, null);
  }

  /** The end of the input: a record still open is a stray quote. */
  end(): void {
    while (this.pending) this.resync('unterminated quote: the quoted cell opened here is not closed before the end of the file');
  }

  private complete(text: string, line: number, span: number, lines: string[] | null) {
    const r = Papa.parse<string[]>(text, { delimiter: this.delimiter, quoteChar: '"', newline: '\n', skipEmptyLines: false });
    const problem = r.errors[0]?.message ?? (r.data.length !== 1 ? 'malformed quoting' : null);
    if (problem) {
      if (lines && lines.length > 1) return this.resyncLines(lines, line, `malformed CSV: ${problem} (the quote opened on this line runs over ${lines.length} lines)`);
      this.accounted += span;
      this.cb.bad(line, clip(text), `malformed CSV: ${problem}`);
      return;
    }
    const cells = r.data[0];
    if (lines && lines.length > 1 && this.width !== null && this.widthProblem(cells)) {
      return this.resyncLines(lines, line, `${this.widthProblem(cells)}; the quote opened on this line runs over ${lines.length} lines (a stray quote?)`);
    }
    this.deliver(cells, line, span, text);
  }

  private deliver(cells: string[], line: number, span: number, text: string) {
    if (this.width === null) {
      this.width = cells.length;
    } else {
      const w = this.widthProblem(cells);
      if (w) {
        this.accounted += span;
        this.cb.bad(line, clip(text), w);
        return;
      }
      if (cells.length > this.width) {
        const extra = cells.length - this.width;
        cells.length = this.width;
        this.accounted += span;
        this.cb.record({ cells, line, span, extra });
        return;
      }
    }
    this.accounted += span;
    this.cb.record({ cells, line, span });
  }

  private widthProblem(cells: string[]): string | null {
    const w = this.width!;
    if (cells.length === w) return null;
    if (cells.length < w) return `short row: expected ${w} cells as in the header, got ${cells.length}`;
    for (let i = w; i < cells.length; i++) if (cells[i].trim() !== '') return `expected ${w} cells as in the header, got ${cells.length}`;
    return null;
  }

  private resync(reason: string) {
    const p = this.pending!;
    this.pending = null;
    this.resyncLines(p.lines, p.start, reason);
  }

  /** Rejects the first line of a broken multi-line record and reads the lines after it again. */
  private resyncLines(lines: string[], start: number, reason: string) {
    this.accounted++;
    this.cb.bad(start, clip(lines[0]), reason);
    for (let i = 1; i < lines.length; i++) this.line(lines[i], start + i);
  }
}

/**
 * Whether a quoted cell is still open at the end of this line. `inQuotes`: the line continues a quoted cell. A quote
 * opens a cell only at the start of the cell (papaparse's rule); inside, `""` is a quote and `"` closes.
 */
function openAfter(text: string, delimiter: string, inQuotes: boolean): boolean {
  let open = inQuotes;
  let fieldStart = !inQuotes;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (open) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else open = false;
      }
    } else if (c === d) fieldStart = true;
    else if (c === 34 && fieldStart) {
      open = true;
      fieldStart = false;
    } else fieldStart = false;
  }
  return open;
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
