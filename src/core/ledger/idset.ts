// A compact, exact set of string ids with one small integer per id (the event's content fingerprint).
// Hand-written because de-duplicating a million event ids in a `Map<string, number>` kept a million strings alive
// (about 130 MB with their copies) and its garbage collection dominated the build; here ids live as UTF-16 code
// units in one growing typed array (one byte a character while they are Latin-1), so a million ids cost about 40 MB
// and nothing for the garbage collector to trace.

const EMPTY = 0;

export class IdSet {
  /** pairs (entry index + 1, hash) side by side: one cache line per probe on a table of many megabytes; 0 = empty */
  private slots: Int32Array;
  private mask: number;
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private values = new Int32Array(1024);
  /** Latin-1 ids take one byte a character; the first wider character switches the store to UTF-16 units. */
  private chars: Uint8Array | Uint16Array = new Uint8Array(16384);
  private wide = false;
  private used = 0; // code units used in `chars`
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 1.5) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  private static hash(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h | 0;
  }

  private equals(entry: number, s: string): boolean {
    const len = this.lengths[entry];
    if (len !== s.length) return false;
    const off = this.offsets[entry];
    const chars = this.chars;
    for (let i = 0; i < len; i++) if (chars[off + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Adds `id` with `value` (an int32) and returns -1, or returns the value stored for `id` when it is already present. */
  putIfAbsent(id: string, value: number): number {
    const h = IdSet.hash(id);
    const mask = this.mask;
    const slots = this.slots;
    let i = h & mask;
    for (;;) {
      const ref = slots[2 * i];
      if (ref === EMPTY) break;
      if (slots[2 * i + 1] === h && this.equals(ref - 1, id)) return this.values[ref - 1];
      i = (i + 1) & mask;
    }
    const entry = this.size;
    if (entry === this.offsets.length) this.growEntries();
    const len = id.length;
    if (!this.wide) {
      for (let k = 0; k < len; k++) {
        if (id.charCodeAt(k) > 255) {
          this.widen();
          break;
        }
      }
    }
    if (this.used + len > this.chars.length) this.growChars(this.used + len);
    const off = this.used;
    const chars = this.chars;
    for (let k = 0; k < len; k++) chars[off + k] = id.charCodeAt(k);
    this.used += id.length;
    this.offsets[entry] = off;
    this.lengths[entry] = id.length;
    this.values[entry] = value;
    slots[2 * i] = entry + 1;
    slots[2 * i + 1] = h;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.rehash();
    return -1;
  }

  has(id: string): boolean {
    const h = IdSet.hash(id);
    let i = h & this.mask;
    for (;;) {
      const ref = this.slots[2 * i];
      if (ref === EMPTY) return false;
      if (this.slots[2 * i + 1] === h && this.equals(ref - 1, id)) return true;
      i = (i + 1) & this.mask;
    }
  }

  private widen() {
    const next = new Uint16Array(this.chars.length);
    next.set(this.chars.subarray(0, this.used));
    this.chars = next;
    this.wide = true;
  }

  private growChars(need: number) {
    let n = this.chars.length;
    while (n < need) n *= 2;
    const next = this.wide ? new Uint16Array(n) : new Uint8Array(n);
    next.set(this.chars.subarray(0, this.used));
    this.chars = next;
  }

  private growEntries() {
    const n = this.offsets.length * 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets);
    this.lengths = grow(this.lengths);
    this.values = grow(this.values);
  }

  private rehash() {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let s = 0; s < old.length; s += 2) {
      const ref = old[s];
      if (ref === EMPTY) continue;
      const h = old[s + 1];
      let i = h & mask;
      while (slots[2 * i] !== EMPTY) i = (i + 1) & mask;
      slots[2 * i] = ref;
      slots[2 * i + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
