// The unpriced events and reviews listed one by one (at most `max`; every one is counted and grouped elsewhere). The
// list is in one order whatever order the records came in: events by period and event id, then reviews by period, work
// item, review time and role (code point order), and holds the first `max` of that order. Why: the SQL engines read
// files without their line order, so an arrival order could not be the same in every engine (tests/engines/random-months.test.ts).
import { codePointCmp } from '../model/text';
import type { PricedEventNote } from '../model/ledger';

interface Entry {
  note: PricedEventNote;
  k0: string;
  k1: string;
  k2: string;
  k3: string;
}

/** keys (k0…k3) against an entry's, in order */
const keysCmp = (k0: string, k1: string, k2: string, k3: string, b: Entry) =>
  codePointCmp(k0, b.k0) || codePointCmp(k1, b.k1) || codePointCmp(k2, b.k2) || codePointCmp(k3, b.k3);
const byKeys = (a: Entry, b: Entry) => keysCmp(a.k0, a.k1, a.k2, a.k3, b);

/**
 * The first `max` entries of one kind: sorted and cut to `max` whenever it holds twice that, so memory stays bounded.
 * Once cut, a record past the last entry kept is refused by `keeps` before its note is made (a month of a million
 * unpriced events would otherwise make a million notes for the garbage collector).
 */
class Smallest {
  private entries: Entry[] = [];
  private bound: Entry | null = null;
  constructor(private readonly max: number) {}
  keeps(k0: string, k1: string, k2: string, k3: string): boolean {
    const b = this.bound;
    return this.max > 0 && (b === null || keysCmp(k0, k1, k2, k3, b) < 0);
  }
  add(e: Entry) {
    this.entries.push(e);
    if (this.entries.length >= 2 * this.max) this.cut();
  }
  private cut() {
    // Array.prototype.sort is a merge sort that finds runs: the kept, sorted half and an ordered batch merge in linear time
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
  /** Whether an unpriced event would be listed now (then `addEvent` it); false means it never will be. */
  keepsEvent(period: string, eventId: string): boolean {
    return this.events.keeps(period, eventId, '', '');
  }
  addEvent(note: PricedEventNote) {
    this.events.add({ note, k0: note.period, k1: note.event_id, k2: '', k3: '' });
  }
  keepsReview(period: string, workItem: string, reviewedAt: string, role: string): boolean {
    return this.reviews.keeps(period, workItem, reviewedAt, role);
  }
  addReview(note: PricedEventNote, workItem: string, reviewedAt: string, role: string) {
    this.reviews.add({ note, k0: note.period, k1: workItem, k2: reviewedAt, k3: role });
  }
  list(): PricedEventNote[] {
    return [...this.events.sorted(), ...this.reviews.sorted()].slice(0, Math.max(0, this.max));
  }
}
