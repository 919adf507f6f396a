// Byte-level reading of canonical usage rows (DESIGN.md §3), the one file that comes by the million.
//
// Why hand-written: the text path (UTF-8 decoding of every chunk, a string per line, `split` into a string per cell,
// a regex and `Number()` per number; papaparse for quoted records) makes ~30 short-lived strings a row, and their
// allocation and garbage collection were most of a 1M-event import. papaparse's row-of-strings API is that floor.
// Here a row is read from the file's bytes: cells are found by byte offsets, numbers parsed from the digits, and
// strings made only for the text keys (agent, provider, model, work item ids repeat and are interned).
//
// It only ever *accepts* a row it is certain about: a line of printable ASCII without quotes (so its cells are what
// `split(',')` gives), the header's width, every number plain decimal digits, and every field valid under the same
// rules as usage-fast.ts. Anything else (quotes, other bytes, a bad or unusual value) returns null and the caller
// sends that line through the text path unchanged, which gives the rejection, its message and the row accounting.
import { CONTEXT_TIERS, EVENT_KINDS, EVENT_STATUSES, usageCountsIssue, type UsageEvent } from '../../core/model/records';
import { MAX_TOKENS, MAX_UNITS, MAX_USD, validDay } from '../../core/model/ranges';
import type { UsageColumnIndex } from './usage-fast';

/** Strings made from ASCII bytes, the same text always the same string (ids repeat across rows). */
export class AsciiInterner {
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private size = 0;

  constructor(
    bits = 10,
    private readonly maxSize = 1 << 20,
  ) {
    this.keys = new Array<string | undefined>(1 << bits);
    this.hashes = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  get(b: Uint8Array, s: number, e: number): string {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
    const len = e - s;
    const keys = this.keys;
    let i = h & this.mask;
    for (;;) {
      const k = keys[i];
      if (k === undefined) break;
      if (this.hashes[i] === h && k.length === len) {
        let j = 0;
        while (j < len && k.charCodeAt(j) === b[s + j]) j++;
        if (j === len) return k;
      }
      i = (i + 1) & this.mask;
    }
    const str = ascii(b, s, e);
    if (this.size >= this.maxSize) return str;
    keys[i] = str;
    this.hashes[i] = h;
    if (++this.size * 2 > keys.length) this.grow();
    return str;
  }

  private grow() {
    const keys = this.keys;
    const hashes = this.hashes;
    const n = keys.length * 2;
    this.keys = new Array<string | undefined>(n);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      if (k === undefined) continue;
      let i = hashes[j] & this.mask;
      while (this.keys[i] !== undefined) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.hashes[i] = hashes[j];
    }
  }
}

type Latin1 = { latin1Slice(s: number, e: number): string };
const hasLatin1 = (b: Uint8Array): boolean => typeof (b as unknown as Latin1).latin1Slice === 'function';

/** ASCII bytes → a string (Node Buffers natively; other byte arrays code by code). */
export function ascii(b: Uint8Array, s: number, e: number): string {
  if (hasLatin1(b)) return (b as unknown as Latin1).latin1Slice(s, e);
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

// Usage fields, by the order parseUsageRow reads them.
const F = {
  event_id: 0, timestamp: 1, agent_id: 2, work_item_id: 3, provider: 4, model: 5, kind: 6, input_tokens: 7, cached_input_tokens: 8,
  cache_write_tokens: 9, output_tokens: 10, units: 11, status: 12, batch: 13, cost_usd: 14, service_tier: 15, context_tier: 16,
  cache_write_1h_tokens: 17, audio_input_tokens: 18, cached_audio_input_tokens: 19, image_input_tokens: 20, cached_image_input_tokens: 21,
  audio_output_tokens: 22, image_output_tokens: 23, reasoning_tokens: 24, web_search_requests: 25, line_item: 26,
} as const satisfies Record<keyof UsageEvent, number>;
const NFIELDS = 27;

// Imported bindings copied to module constants: under tsx (how the CLI runs) each use of an import is a getter call.
const isDay = validDay;
const countsIssue = usageCountsIssue;
const MAX_UNITS_ = MAX_UNITS;
const MAX_USD_ = MAX_USD;
const MAX_TOKENS_ = MAX_TOKENS;
const KINDS = new Set<string>(EVENT_KINDS);
const STATUSES = new Set<string>(EVENT_STATUSES);
const CONTEXT = new Set<string>(CONTEXT_TIERS);
const BOOL = new Map<string, boolean>([['', false], ['true', true], ['1', true], ['yes', true], ['y', true], ['false', false], ['0', false], ['no', false], ['n', false]]);
// Powers of ten a double holds exactly: digits / 10^k is then the correctly rounded value, as Number() gives.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads accepted usage rows from bytes. `ix` is the header's column index per field (-1: absent); `width` the header's
 * cell count. One instance per file: its interners keep the file's repeated strings.
 */
export class UsageRowScanner {
  /** cell start offsets of the current row (cell c is [starts[c], ends[c])) */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly cellOf = new Int32Array(NFIELDS);
  private readonly names = new AsciiInterner(14);
  private readonly small = new AsciiInterner(6, 4096);
  private readonly lower = new Map<string, string>();
  /** each column's last text value */
  private readonly last: string[];
  /** the number the last `num` call read (NaN: not a plain decimal the fast path takes) */
  private n = 0;

  constructor(
    ix: UsageColumnIndex,
    private readonly width: number,
  ) {
    this.starts = new Int32Array(width + 1);
    this.last = new Array<string>(width).fill('');
    this.ends = new Int32Array(width + 1);
    for (const [k, f] of Object.entries(F)) this.cellOf[f] = ix[k as keyof UsageEvent];
  }

  // The accepted row's fields (parse() sets them): the text keys interned, the id and timestamp as byte ranges.
  idStart = 0;
  idEnd = 0;
  tsStart = 0;
  tsEnd = 0;
  agent_id = '';
  work_item_id = '';
  provider = '';
  model = '';
  kind = '';
  status = '';
  service_tier = '';
  context_tier = '';
  line_item = '';
  batch = false;
  input_tokens = 0;
  cached_input_tokens = 0;
  cache_write_tokens = 0;
  output_tokens = 0;
  units = 0;
  cost_usd: number | null = null;
  cache_write_1h_tokens = 0;
  audio_input_tokens = 0;
  cached_audio_input_tokens = 0;
  image_input_tokens = 0;
  cached_image_input_tokens = 0;
  audio_output_tokens = 0;
  image_output_tokens = 0;
  reasoning_tokens = 0;
  web_search_requests = 0;

  /** The event of line bytes [s, e) (no line break), or null when the text path must read the line. */
  scan(b: Uint8Array, s: number, e: number): UsageEvent | null {
    if (!this.parse(b, s, e)) return null;
    // The same object, field for field and in the same order, as usage-fast.ts builds.
    return {
      event_id: ascii(b, this.idStart, this.idEnd), timestamp: ascii(b, this.tsStart, this.tsEnd), agent_id: this.agent_id, work_item_id: this.work_item_id,
      provider: this.provider, model: this.model, kind: this.kind as UsageEvent['kind'], input_tokens: this.input_tokens, cached_input_tokens: this.cached_input_tokens,
      cache_write_tokens: this.cache_write_tokens, output_tokens: this.output_tokens, units: this.units, status: this.status as UsageEvent['status'], batch: this.batch,
      cost_usd: this.cost_usd, service_tier: this.service_tier, context_tier: this.context_tier as UsageEvent['context_tier'], cache_write_1h_tokens: this.cache_write_1h_tokens,
      audio_input_tokens: this.audio_input_tokens, cached_audio_input_tokens: this.cached_audio_input_tokens, image_input_tokens: this.image_input_tokens,
      cached_image_input_tokens: this.cached_image_input_tokens, audio_output_tokens: this.audio_output_tokens, image_output_tokens: this.image_output_tokens,
      reasoning_tokens: this.reasoning_tokens, web_search_requests: this.web_search_requests, line_item: this.line_item,
    };
  }

  /**
   * Reads line bytes [s, e) into this scanner's fields; false when the text path must read the line. (The usage worker
   * packs the fields into columns without making an event object or the id and timestamp strings.)
   */
  parse(b: Uint8Array, s: number, e: number): boolean {
    // Split and check the bytes in one pass: printable ASCII, no quote; ',' separates cells.
    const starts = this.starts;
    const ends = this.ends;
    const width = this.width;
    let c = 0;
    starts[0] = s;
    for (let i = s; i < e; i++) {
      const x = b[i];
      if (x === 44) {
        ends[c] = i;
        if (++c === width) return false;
        starts[c] = i + 1;
      } else if (x < 0x21 || x > 0x7e || x === 34) return false;
    }
    ends[c] = e;
    if (c + 1 !== width) return false;

    const cellOf = this.cellOf;
    // event_id: non-empty (no byte here is whitespace, so trim changes nothing)
    let k = cellOf[F.event_id];
    if (k < 0 || starts[k] === ends[k]) return false;
    this.idStart = starts[k];
    this.idEnd = ends[k];
    k = cellOf[F.timestamp];
    if (k < 0 || !isUtcSecond(b, starts[k], ends[k])) return false;
    this.tsStart = starts[k];
    this.tsEnd = ends[k];
    this.agent_id = this.text(b, cellOf[F.agent_id], this.names);
    this.work_item_id = this.text(b, cellOf[F.work_item_id], this.names);
    this.provider = this.text(b, cellOf[F.provider], this.names);
    this.model = this.text(b, cellOf[F.model], this.names);
    const kind = (this.kind = this.text(b, cellOf[F.kind], this.small));
    if (!KINDS.has(kind)) return false;
    const input_tokens = (this.input_tokens = this.count(b, cellOf[F.input_tokens]));
    const cached_input_tokens = (this.cached_input_tokens = this.count(b, cellOf[F.cached_input_tokens]));
    const cache_write_tokens = (this.cache_write_tokens = this.count(b, cellOf[F.cache_write_tokens]));
    const output_tokens = (this.output_tokens = this.count(b, cellOf[F.output_tokens]));
    if (input_tokens < 0 || cached_input_tokens < 0 || cache_write_tokens < 0 || output_tokens < 0) return false;
    const units = this.amount(b, cellOf[F.units], 0, MAX_UNITS_);
    if (units === -1) return false;
    this.units = units as number;
    let status = this.text(b, cellOf[F.status], this.small);
    if (status === '') status = 'ok';
    else if (!STATUSES.has(status)) return false;
    this.status = status;
    const batch = BOOL.get(this.lowered(this.text(b, cellOf[F.batch], this.small)));
    if (batch === undefined) return false;
    this.batch = batch;
    const cost_usd = this.amount(b, cellOf[F.cost_usd], null, MAX_USD_);
    if (cost_usd === -1) return false;
    this.cost_usd = cost_usd;
    this.service_tier = this.lowered(this.text(b, cellOf[F.service_tier], this.small));
    const context_tier = (this.context_tier = this.text(b, cellOf[F.context_tier], this.small));
    if (!CONTEXT.has(context_tier)) return false;
    const cache_write_1h_tokens = (this.cache_write_1h_tokens = this.count(b, cellOf[F.cache_write_1h_tokens]));
    const audio_input_tokens = (this.audio_input_tokens = this.count(b, cellOf[F.audio_input_tokens]));
    const cached_audio_input_tokens = (this.cached_audio_input_tokens = this.count(b, cellOf[F.cached_audio_input_tokens]));
    const image_input_tokens = (this.image_input_tokens = this.count(b, cellOf[F.image_input_tokens]));
    const cached_image_input_tokens = (this.cached_image_input_tokens = this.count(b, cellOf[F.cached_image_input_tokens]));
    const audio_output_tokens = (this.audio_output_tokens = this.count(b, cellOf[F.audio_output_tokens]));
    const image_output_tokens = (this.image_output_tokens = this.count(b, cellOf[F.image_output_tokens]));
    const reasoning_tokens = (this.reasoning_tokens = this.count(b, cellOf[F.reasoning_tokens]));
    const web_search_requests = (this.web_search_requests = this.count(b, cellOf[F.web_search_requests]));
    if ((cache_write_1h_tokens | audio_input_tokens | cached_audio_input_tokens | image_input_tokens | cached_image_input_tokens) < 0) return false;
    if ((audio_output_tokens | image_output_tokens | reasoning_tokens | web_search_requests) < 0) return false;
    this.line_item = this.text(b, cellOf[F.line_item], this.names);
    return countsIssue(this) === null;
  }

  /** Cell k's text, interned; the column's previous value is tried first (an item's events come together). */
  private text(b: Uint8Array, k: number, pool: AsciiInterner): string {
    if (k < 0) return '';
    const s = this.starts[k];
    const e = this.ends[k];
    if (s === e) return '';
    const last = this.last[k];
    if (last.length === e - s) {
      let j = 0;
      while (j < last.length && last.charCodeAt(j) === b[s + j]) j++;
      if (j === last.length) return last;
    }
    return (this.last[k] = pool.get(b, s, e));
  }

  private lowered(s: string): string {
    let l = this.lower.get(s);
    if (l === undefined) {
      l = s.toLowerCase();
      if (this.lower.size < 4096) this.lower.set(s, l);
    }
    return l;
  }

  /** A token count: empty = 0; plain digits ≤ MAX_TOKENS; -1 = not for the fast path (int32-safe: the caller ORs them). */
  private count(b: Uint8Array, k: number): number {
    if (k < 0) return 0;
    const s = this.starts[k];
    const e = this.ends[k];
    if (s === e) return 0;
    if (e - s > 12) return -1;
    let n = 0;
    for (let i = s; i < e; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    // Counts above 2^31 are fine as values but must not be ORed as int32: they go the text path (rare).
    return n <= MAX_TOKENS_ && n < 0x7fffffff ? n : -1;
  }

  /** An amount ≥ 0: empty = `empty`; digits with an optional fraction; -1 = not for the fast path. */
  private amount(b: Uint8Array, k: number, empty: number | null, max: number): number | null {
    if (k < 0) return empty;
    const s = this.starts[k];
    const e = this.ends[k];
    if (s === e) return empty;
    let m = 0;
    let frac = -1;
    let digits = 0;
    for (let i = s; i < e; i++) {
      const x = b[i];
      if (x === 46) {
        if (frac >= 0 || i === s || i === e - 1) return -1;
        frac = 0;
        continue;
      }
      const d = x - 48;
      if (d < 0 || d > 9) return -1;
      if (digits > 0 || d > 0) digits++;
      m = m * 10 + d;
      if (frac >= 0) frac++;
    }
    // Clinger's fast path: an exact integer (< 2^53) divided by an exact power of ten is correctly rounded.
    if (digits > 15 || frac > 22) return -1;
    const n = frac > 0 ? m / POW10[frac] : m;
    return n <= max ? n : -1;
  }
}

/** `YYYY-MM-DDTHH:MM:SSZ` with a real day (years 2000–2100) and time: what isIsoTimestamp accepts in that form. */
function isUtcSecond(b: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 20 || b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 10] !== 84 || b[s + 13] !== 58 || b[s + 16] !== 58 || b[s + 19] !== 90) return false;
  const yh = d2(b, s);
  const yl = d2(b, s + 2);
  const mo = d2(b, s + 5);
  const da = d2(b, s + 8);
  const hh = d2(b, s + 11);
  const mi = d2(b, s + 14);
  const ss = d2(b, s + 17);
  if ((yh | yl | mo | da | hh | mi | ss) < 0) return false;
  return isDay(yh * 100 + yl, mo, da) && hh <= 23 && mi <= 59 && ss <= 59;
}

function d2(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}
