// The unpriced events and reviews listed one by one (at most `max`; every one is counted and grouped elsewhere). The
// list is in one order whatever order the records came in: events by period and event id, then reviews by period, work
// item, review time and role (code point order), and holds the first `max` of that order. Why: the SQL engines read
// files without their line order, so an arrival order could not be the same in every engine (tests/engines/random-months.test.ts).
import { codePointCmp } from '../model/text';
import type { PricedEventNote } from '../model/ledger';

interface Entry {
  note: PricedEventNote;
  keys: string[];
}

const byKeys = (a: Entry, b: Entry) => {
  for (let i = 0; i < a.keys.length; i++) {
    const c = codePointCmp(a.keys[i], b.keys[i]);
    if (c !== 0) return c;
  }
  return 0;
};

/** The first `max` entries of one kind; sorted and cut whenever it holds twice that, so memory stays bounded. */
class Smallest {
  private entries: Entry[] = [];
  /** the last entry kept by the latest cut: an entry after it can never be among the first `max` */
  private bound: Entry | null = null;
  constructor(private readonly max: number) {}
  add(e: Entry) {
    if (this.max <= 0 || (this.bound !== null && byKeys(e, this.bound) >= 0)) return;
    this.entries.push(e);
    if (this.entries.length >= 2 * this.max) this.cut();
  }
  private cut() {
    this.entries.sort(byKeys);
    if (this.entries.length >= this.max) {
      this.entries.length = this.max;
      this.bound = this.entries[this.max - 1];
    }
  }
  sorted(): PricedEventNote[] {
    this.cut();
    return this.entries.map((e) => e.note);
  }
}

export class UnpricedList {
  private readonly events: Smallest;
  private readonly reviews: Smallest;
  constructor(private readonly max: number) {
    this.events = new Smallest(max);
    this.reviews = new Smallest(max);
  }
  addEvent(note: PricedEventNote) {
    this.events.add({ note, keys: [note.period, note.event_id] });
  }
  addReview(note: PricedEventNote, workItem: string, reviewedAt: string, role: string) {
    this.reviews.add({ note, keys: [note.period, workItem, reviewedAt, role] });
  }
  list(): PricedEventNote[] {
    return [...this.events.sorted(), ...this.reviews.sorted()].slice(0, Math.max(0, this.max));
  }
}
