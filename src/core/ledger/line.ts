// The accumulator every phase works on: one per (work item, period, agent) while records stream in, then a ledger row
// (a work item in a period) or an unattributed line after attribution; each phase fills its own fields.
import { addCompensated } from './fsum';
import type { Outcome } from '../model/records';
import type { UnattributedRow } from '../model/ledger';
import { codePointCmp } from '../model/text';

/**
 * A private copy of a string. Parsers hand out substrings that V8 may keep as slices of a whole read chunk;
 * keeping one such id alive would keep the chunk alive, so everything retained per event goes through here.
 */
export const own = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

/** The published order of text (rows, lines, lists): code point order, as the SQL engines sort. JavaScript's `<` would
 * put an id with an emoji before one with U+FF01 and the databases after it, moving rows and the rounding's tie-breaks. */
export const cmp = codePointCmp;
export const lower = (s: string) => s.trim().toLowerCase();

/** Cents → USD, turning the -0 start value into 0. */
export const usd = (cents: number) => (cents + 0) / 100;

export interface ItemRec {
  agent: string;
  bu: string;
  type: string;
  opened_at: string;
  closed_at: string;
  closedPeriod: string;
  outcome: Outcome;
  /** set in finish() when the item has a row in its closing period */
  closedRow: boolean;
}

// A line's money and token sums live in shared Float64Array chunks, 20 doubles a line, behind accessors. Why: as
// object fields each double is a separate heap number in V8, so 130,000 lines were ~2.3M small objects that every
// scavenge copied while a month was read (a tenth of a 1M-event build went to the garbage collector). A chunk is
// shared by the lines made one after the other; it lives as long as any of them.
/** 16 sums, then the compensations of the four that take a cost per event or review (api, retry, tools, review) */
const DOUBLES = 20;
const COMP = 16;
const LINES_PER_CHUNK = 4096;
let chunk = new Float64Array(0);
let chunkUsed = LINES_PER_CHUNK;

/** One accumulator: a work item in a period (from one agent's events), later a ledger row or an unattributed row. */
export class Line {
  private readonly f: Float64Array;
  private readonly o: number;
  events = 0;
  retries = 0;
  reviews = 0;
  approved = 0;
  /** the first invoiced provider (slot) on this line and its events, inline because it is almost always the only one */
  slot0 = -1;
  n0 = 0;
  /** further [invoice slot, cost, events] triples */
  prov: number[] | null = null;
  bu = '';
  kind: UnattributedRow['kind'] = 'usage';
  reason = '';
  /** unknown work item ids grouped on an unattributed line (first few, for the reason text) */
  ids: string[] | null = null;
  idCount = 0;
  /** the minutes of each review on this line (few: one line in eight has reviews) */
  mins: number[] | null = null;
  next: Line | undefined = undefined;
  /** the work item of a ledger row */
  rec: ItemRec | null = null;
  constructor(
    public item: string,
    public period: string,
    public agent: string,
  ) {
    if (chunkUsed === LINES_PER_CHUNK) {
      // -0: the sums' start value before this layout (a double that prints as 0 once normalized)
      chunk = new Float64Array(DOUBLES * LINES_PER_CHUNK).fill(-0);
      chunkUsed = 0;
    }
    this.f = chunk;
    this.o = DOUBLES * chunkUsed++;
  }

  /**
   * Compensated adds (fsum.ts) for the sums that take one cost per event or review: an item with a million events
   * would otherwise carry a micro-dollar of float drift, which the conservation check (compensated itself) reports.
   */
  addApi(x: number): void {
    addCompensated(this.f, this.o, this.o + COMP, x);
  }
  addRetry(x: number): void {
    addCompensated(this.f, this.o + 1, this.o + 1 + COMP, x);
  }
  addTools(x: number): void {
    addCompensated(this.f, this.o + 2, this.o + 2 + COMP, x);
  }
  addReview(x: number): void {
    addCompensated(this.f, this.o + 3, this.o + 3 + COMP, x);
  }

  /** Exact USD (api … trueup); the start value -0 is normalized by outputs with `+ 0`. */
  get api(): number {
    return this.f[this.o + 0] + this.f[this.o + COMP + 0];
  }
  set api(v: number) {
    this.f[this.o + 0] = v;
    this.f[this.o + COMP + 0] = -0;
  }

  get retry(): number {
    return this.f[this.o + 1] + this.f[this.o + COMP + 1];
  }
  set retry(v: number) {
    this.f[this.o + 1] = v;
    this.f[this.o + COMP + 1] = -0;
  }

  get tools(): number {
    return this.f[this.o + 2] + this.f[this.o + COMP + 2];
  }
  set tools(v: number) {
    this.f[this.o + 2] = v;
    this.f[this.o + COMP + 2] = -0;
  }

  get review(): number {
    return this.f[this.o + 3] + this.f[this.o + COMP + 3];
  }
  set review(v: number) {
    this.f[this.o + 3] = v;
    this.f[this.o + COMP + 3] = -0;
  }

  get overhead(): number {
    return this.f[this.o + 4];
  }
  set overhead(v: number) {
    this.f[this.o + 4] = v;
  }

  get trueup(): number {
    return this.f[this.o + 5];
  }
  set trueup(v: number) {
    this.f[this.o + 5] = v;
  }

  /** rounded cents (whole numbers) */

  get cApi(): number {
    return this.f[this.o + 6];
  }
  set cApi(v: number) {
    this.f[this.o + 6] = v;
  }

  get cRetry(): number {
    return this.f[this.o + 7];
  }
  set cRetry(v: number) {
    this.f[this.o + 7] = v;
  }

  get cTools(): number {
    return this.f[this.o + 8];
  }
  set cTools(v: number) {
    this.f[this.o + 8] = v;
  }

  get cReview(): number {
    return this.f[this.o + 9];
  }
  set cReview(v: number) {
    this.f[this.o + 9] = v;
  }

  get cOverhead(): number {
    return this.f[this.o + 10];
  }
  set cOverhead(v: number) {
    this.f[this.o + 10] = v;
  }

  get cTrueup(): number {
    return this.f[this.o + 11];
  }
  set cTrueup(v: number) {
    this.f[this.o + 11] = v;
  }

  /** an unattributed line's own cost (all but true-up) in cents, before it is split over its components */

  get cUnattr(): number {
    return this.f[this.o + 12];
  }
  set cUnattr(v: number) {
    this.f[this.o + 12] = v;
  }

  get inTok(): number {
    return this.f[this.o + 13];
  }
  set inTok(v: number) {
    this.f[this.o + 13] = v;
  }

  get outTok(): number {
    return this.f[this.o + 14];
  }
  set outTok(v: number) {
    this.f[this.o + 14] = v;
  }

  addReviewMin(x: number): void {
    (this.mins ??= []).push(x);
  }
  /** The review minutes summed in ascending order, as the SQL engines sum them (Dialect.sortedSum): a plain sum in
   * arrival order, or a compensated one (DuckDB's fsum is Kahan's, ours Neumaier's), can differ in the last bit. */
  get reviewMin(): number {
    if (this.mins === null) return 0;
    this.mins.sort((a, b) => a - b);
    let s = 0;
    for (const m of this.mins) s += m;
    return s;
  }

  /** cost of the first invoiced provider (slot0) on this line */

  get cost0(): number {
    return this.f[this.o + 15];
  }
  set cost0(v: number) {
    this.f[this.o + 15] = v;
  }
}

/** Adds cost and events of invoice slot `slot` to a line (the true-up's weights). */
export function addProv(l: Line, slot: number, cost: number, events: number) {
  if (l.slot0 === slot) {
    l.cost0 += cost;
    l.n0 += events;
    return;
  }
  if (l.slot0 === -1) {
    l.slot0 = slot;
    l.cost0 = cost;
    l.n0 = events;
    return;
  }
  const p = l.prov ?? (l.prov = []);
  for (let i = 0; i < p.length; i += 3) {
    if (p[i] === slot) {
      p[i + 1] += cost;
      p[i + 2] += events;
      return;
    }
  }
  p.push(slot, cost, events);
}

export function mergeInto(t: Line, s: Line) {
  t.api += s.api;
  t.retry += s.retry;
  t.tools += s.tools;
  t.review += s.review;
  t.inTok += s.inTok;
  t.outTok += s.outTok;
  t.events += s.events;
  t.retries += s.retries;
  if (s.mins) for (const m of s.mins) t.addReviewMin(m);
  t.reviews += s.reviews;
  t.approved += s.approved;
  if (s.slot0 !== -1) addProv(t, s.slot0, s.cost0, s.n0);
  if (s.prov) for (let i = 0; i < s.prov.length; i += 3) addProv(t, s.prov[i], s.prov[i + 1], s.prov[i + 2]);
}

export function groupBy<T extends { period: string }>(list: T[], periods: string[]): Map<string, T[]> {
  const m = new Map<string, T[]>(periods.map((p) => [p, []]));
  for (const x of list) m.get(x.period)!.push(x);
  return m;
}
