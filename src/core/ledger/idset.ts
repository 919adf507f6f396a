// A compact, exact set of string ids with one small integer per id (the event's content fingerprint).
// Hand-written because de-duplicating a million event ids in a `Map<string, number>` kept a million strings alive
// (about 130 MB with their copies) and its garbage collection dominated the build; here ids live as UTF-16 code
// units in one growing typed array (one byte a character while they are Latin-1), so a million ids cost about 40 MB
// and nothing for the garbage collector to trace.

const EMPTY = 0;

export class IdSet {
  private slots: Int32Array; // entry index + 1, 0 = empty
  private slotHash: Int32Array;
  private mask: number;
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private values = new Int32Array(1024);
  /** Latin-1 ids take one byte a character; the first wider character switches the store to UTF-16 units. */
  private chars: Uint8Array | Uint16Array = new Uint8Array(16384);
  private used = 0; // code units used in `chars`
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.slotHash = new Int32Array(cap);
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
    let i = h & mask;
    for (;;) {
      const ref = this.slots[i];
      if (ref === EMPTY) break;
      if (this.slotHash[i] === h && this.equals(ref - 1, id)) return this.values[ref - 1];
      i = (i + 1) & mask;
    }
    const entry = this.size;
    if (entry === this.offsets.length) this.growEntries();
    let wide = this.chars instanceof Uint16Array;
    if (!wide) {
      for (let k = 0; k < id.length; k++) {
        if (id.charCodeAt(k) > 255) {
          wide = true;
          break;
        }
      }
    }
    if (this.used + id.length > this.chars.length || wide !== this.chars instanceof Uint16Array) {
      let n = this.chars.length;
      while (n < this.used + id.length) n *= 2;
      const next = wide ? new Uint16Array(n) : new Uint8Array(n);
      next.set(this.chars.subarray(0, this.used));
      this.chars = next;
    }
    const off = this.used;
    for (let k = 0; k < id.length; k++) this.chars[off + k] = id.charCodeAt(k);
    this.used += id.length;
    this.offsets[entry] = off;
    this.lengths[entry] = id.length;
    this.values[entry] = value;
    this.slots[i] = entry + 1;
    this.slotHash[i] = h;
    this.size++;
    if (this.size * 2 > this.slots.length) this.rehash();
    return -1;
  }

  has(id: string): boolean {
    const h = IdSet.hash(id);
    let i = h & this.mask;
    for (;;) {
      const ref = this.slots[i];
      if (ref === EMPTY) return false;
      if (this.slotHash[i] === h && this.equals(ref - 1, id)) return true;
      i = (i + 1) & this.mask;
    }
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
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const slotHash = new Int32Array(cap);
    const mask = cap - 1;
    for (let s = 0; s < this.slots.length; s++) {
      const ref = this.slots[s];
      if (ref === EMPTY) continue;
      const h = this.slotHash[s];
      let i = h & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = ref;
      slotHash[i] = h;
    }
    this.slots = slots;
    this.slotHash = slotHash;
    this.mask = mask;
  }
}
