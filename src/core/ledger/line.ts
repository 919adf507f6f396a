// The accumulator every phase works on: one per (work item, period, agent) while records stream in, then a ledger row
// (a work item in a period) or an unattributed line after attribution; each phase fills its own fields.
import type { Outcome } from '../model/records';
import type { UnattributedRow } from '../model/ledger';

/**
 * A private copy of a string. Parsers hand out substrings that V8 may keep as slices of a whole read chunk;
 * keeping one such id alive would keep the chunk alive, so everything retained per event goes through here.
 */
export const own = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
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

/** One accumulator: a work item in a period (from one agent's events), later a ledger row or an unattributed row. */
export class Line {
  // Exact USD. Starting at -0 (a double, unlike the small integer 0) gives these fields a double layout from the
  // first object on; otherwise the first fractional store re-shapes every Line already built (measured ~10× slower
  // on 100k+ rows). Outputs normalize -0 with `+ 0`.
  api = -0;
  retry = -0;
  tools = -0;
  review = -0;
  overhead = -0;
  trueup = -0;
  // rounded cents (whole numbers, kept as doubles for the same reason)
  cApi = -0;
  cRetry = -0;
  cTools = -0;
  cReview = -0;
  cOverhead = -0;
  cTrueup = -0;
  /** an unattributed line's own cost (all but true-up) in cents, before it is split over its components */
  cUnattr = -0;
  inTok = -0;
  outTok = -0;
  events = 0;
  retries = 0;
  reviewMin = -0;
  reviews = 0;
  approved = 0;
  /** cost and events of the first invoiced provider (slot) on this line, inline because it is almost always the only one */
  slot0 = -1;
  cost0 = -0;
  n0 = 0;
  /** further [invoice slot, cost, events] triples */
  prov: number[] | null = null;
  bu = '';
  kind: UnattributedRow['kind'] = 'usage';
  reason = '';
  /** unknown work item ids grouped on an unattributed line (first few, for the reason text) */
  ids: string[] | null = null;
  idCount = 0;
  next: Line | undefined = undefined;
  /** the work item of a ledger row */
  rec: ItemRec | null = null;
  constructor(
    public item: string,
    public period: string,
    public agent: string,
  ) {}
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
  t.reviewMin += s.reviewMin;
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
