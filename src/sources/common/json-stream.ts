// The elements of a top-level JSON array, one at a time, from text that arrives in chunks: a vendor export of a
// million records is read in bounded memory (one element at a time) instead of one JSON.parse of the whole file.
// Hand-written because it only finds element boundaries (strings, escapes, nesting); each element is then parsed by
// JSON.parse, and no JSON streaming library is among our dependencies.
import { clip, MAX_RECORD_CHARS } from './text';

export interface JsonArrayCallbacks {
  /** the text of element `index` (1-based) */
  item(text: string, index: number): void;
  /** element `index` could not be read: too long, or the text ends inside it */
  bad(index: number, text: string, reason: string): void;
}

export class JsonArrayReader {
  /** elements seen (read or refused) */
  count = 0;
  /** set when the text is not a JSON array, or has text after it; reading stopped there */
  error: string | null = null;
  private started = false;
  private done = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: string[] = [];
  private size = 0;
  private inItem = false;
  private overlong = false;

  constructor(private readonly cb: JsonArrayCallbacks) {}

  push(chunk: string): void {
    if (this.error) return;
    let from = -1; // where the current element starts in this chunk
    if (this.inItem) from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.done) {
        if (!isSpace(c)) {
          this.error = `unexpected text after the end of the JSON array: ${clip(chunk.slice(i), 80)}`;
          return;
        }
        continue;
      }
      if (!this.started) {
        if (isSpace(c)) continue;
        if (c !== 91 /* [ */) {
          this.error = 'expected a JSON array';
          return;
        }
        this.started = true;
        continue;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92 /* \ */) this.escape = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) {
        if (!this.inItem) {
          this.begin();
          from = i;
        }
        this.inString = true;
        continue;
      }
      if (this.depth === 0 && (c === 44 /* , */ || c === 93 /* ] */)) {
        if (this.inItem) {
          this.take(chunk, from, i);
          this.finishItem();
          from = -1;
        } else if (c === 44) {
          this.count++;
          this.cb.bad(this.count, '', 'an empty element in the JSON array (two commas in a row)');
        }
        if (c === 93) this.done = true;
        continue;
      }
      if (isSpace(c) && !this.inItem) continue;
      if (!this.inItem) {
        this.begin();
        from = i;
      }
      if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
    }
    if (this.inItem && from >= 0) this.take(chunk, from, chunk.length);
  }

  /** The end of the text: an element still open means the file was cut short. */
  end(): void {
    if (this.error) return;
    if (!this.started) {
      this.error = 'expected a JSON array';
      return;
    }
    if (this.inItem) {
      const text = this.parts.join('');
      this.inItem = false;
      this.count++;
      this.cb.bad(this.count, clip(text), 'the file ends inside this record (the JSON array is not closed: truncated?)');
    } else if (!this.done) this.error = 'the JSON array is not closed (truncated?)';
  }

  private begin() {
    this.inItem = true;
    this.parts = [];
    this.size = 0;
    this.overlong = false;
  }

  private take(chunk: string, from: number, to: number) {
    if (this.overlong) {
      this.size += to - from;
      return;
    }
    const piece = chunk.slice(from, to);
    this.size += piece.length;
    if (this.size > MAX_RECORD_CHARS) {
      this.overlong = true;
      this.parts = [this.parts.join('').slice(0, 200) || piece.slice(0, 200)];
      return;
    }
    this.parts.push(piece);
  }

  private finishItem() {
    this.inItem = false;
    this.count++;
    const text = this.parts.join('');
    this.parts = [];
    if (this.overlong) this.cb.bad(this.count, clip(text), `a record longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (${this.size.toLocaleString('en-US')})`);
    else this.cb.item(text, this.count);
  }
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
