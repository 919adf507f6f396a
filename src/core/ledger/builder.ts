// Streaming ledger builder: records go in one at a time (already validated by the readers), each is priced and
// folded into a small numeric struct per (work item, period, agent); nothing per event is kept but its id and a
// 32-bit content fingerprint for de-duplication. `finish()` attributes, allocates, rounds and checks.
import { blankAgent, type Agent, type Outcome, type Review, type UsageEvent, type WorkItem } from '../model/records';
import type { Conservation, LedgerRow, PricedEventNote, UnattributedRow } from '../model/ledger';
import { CATALOG_VERSION, PriceBook, costAtUnitPrices, normalizeProvider, type UnitPrices } from '../pricing';
import { IdSet } from './idset';
import { controlledRound, roundExactCents, toCents } from './rounding';
import {
  UNASSIGNED,
  type AddResult,
  type BuildOptions,
  type ConflictNote,
  type ExactComponents,
  type InvoicedProvider,
  type LedgerContext,
  type LedgerCounts,
  type LedgerObserver,
  type LedgerResult,
  type UnpricedGroup,
} from './types';

/** Tolerance of the conservation checks: one micro-dollar. */
export const MICRO = 1e-6;

/**
 * A private copy of a string. Parsers hand out substrings that V8 may keep as slices of a whole read chunk;
 * keeping one such id alive would keep the chunk alive, so everything retained per event goes through here.
 */
const own = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

/** True when the timestamp's first 7 characters are its UTC month: it ends in Z or carries no UTC offset (read as UTC). */
function monthIsUtc(ts: string): boolean {
  if (ts.charCodeAt(ts.length - 1) === 90 /* Z */) return true;
  for (let i = 11; i < ts.length; i++) {
    const c = ts.charCodeAt(i);
    if (c === 43 /* + */ || c === 45 /* - */) return false;
  }
  return true;
}

/** The UTC month (YYYY-MM) of an ISO timestamp; offsets other than +00:00 are converted. */
export function periodOf(ts: string): string {
  if (!monthIsUtc(ts) && !/[+-]00:?00$/.test(ts)) return new Date(ts).toISOString().slice(0, 7);
  return ts.slice(0, 7);
}

function hashStr(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return Math.imul(h ^ 0x1f, 16777619); // field separator
}
function hashNum(h: number, n: number): number {
  h = Math.imul(h ^ (n | 0), 16777619);
  h = Math.imul(h ^ ((n / 4294967296) | 0), 16777619);
  return Math.imul(h ^ (((n - Math.floor(n)) * 4294967296) | 0), 16777619);
}

/** FNV-1a over every field but the id: equal content ⇒ equal fingerprint; about a 2⁻³⁰ chance that a conflict reads as a duplicate. */
export function eventFingerprint(e: UsageEvent): number {
  let h = 0x811c9dc5;
  h = hashStr(h, e.timestamp);
  h = hashStr(h, e.agent_id);
  h = hashStr(h, e.work_item_id);
  h = hashStr(h, e.provider);
  h = hashStr(h, e.model);
  // kind and status are validated enums: their length and first letter tell every value apart.
  h = hashNum(h, e.kind.length * 256 + e.kind.charCodeAt(0));
  h = hashNum(h, e.status.length * 256 + e.status.charCodeAt(0));
  h = hashNum(h, e.input_tokens);
  h = hashNum(h, e.cached_input_tokens);
  h = hashNum(h, e.cache_write_tokens);
  h = hashNum(h, e.output_tokens);
  h = hashNum(h, e.units);
  h = hashNum(h, e.batch ? 1 : 0);
  h = e.cost_usd === null || e.cost_usd === undefined ? hashNum(h, -1) : hashNum(hashNum(h, 1), e.cost_usd);
  // Fields added with the vendor splits (issue #13): an event re-imported with another tier or split is a conflict.
  h = hashStr(h, e.service_tier);
  h = hashStr(h, e.context_tier);
  h = hashNum(h, e.cache_write_1h_tokens);
  h = hashNum(h, e.audio_input_tokens);
  h = hashNum(h, e.cached_audio_input_tokens);
  h = hashNum(h, e.image_input_tokens);
  h = hashNum(h, e.cached_image_input_tokens);
  h = hashNum(h, e.audio_output_tokens);
  h = hashNum(h, e.image_output_tokens);
  h = hashNum(h, e.reasoning_tokens);
  h = hashNum(h, e.web_search_requests);
  // 30 bits keep the value a V8 small integer (no heap number per stored id); a 2⁻³⁰ chance to miss a conflict.
  return h & 0x3fffffff;
}

/** Unit prices of a model on a day; exact for requests of up to `limit` input tokens (Infinity unless tiered). */
interface DayPrices {
  u: UnitPrices;
  limit: number;
}

interface ItemRec {
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
class Line {
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

function addProv(l: Line, slot: number, cost: number, events: number) {
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

function mergeInto(t: Line, s: Line) {
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

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const lower = (s: string) => s.trim().toLowerCase();

interface PeriodExact {
  eventsAndReviews: number;
}

export class LedgerBuilder {
  private readonly book: PriceBook;
  private readonly maxUnpriced: number;
  private readonly maxConflicts: number;
  private readonly agentById = new Map<string, Agent>();
  private readonly rates = new Map<string, number>();
  private readonly toolPrices = new Map<string, number>();
  // invoices: one slot per (provider, period), several invoice lines summed
  private readonly slotOf = new Map<string, number>();
  private readonly invoicedProviders = new Set<string>();
  private readonly slotProvider: string[] = [];
  private readonly slotPeriod: string[] = [];
  private readonly slotBilled: number[] = [];
  private readonly slotComputed: number[] = [];
  private readonly slotEvents: number[] = [];
  /** indices into ctx.invoices of each slot's invoice lines */
  private readonly slotLines: number[][] = [];
  private readonly keepExact: boolean;
  private readonly provCache = new Map<string, string>();
  private lastProvider = '\u0000';
  private lastLine: Line | null = null;
  private lastExact: PeriodExact | null = null;
  private lastExactPeriod = '';
  private readonly unitCache = new Map<string, DayPrices>();
  private readonly tierLimits = new Map<string, number>();
  private readonly fastPricing: boolean;
  private lastUnit: DayPrices | null = null;
  private lastUnitProvider = '';
  private lastUnitModel = '';
  private lastUnitBatch = false;
  private lastUnitTier = '';
  private lastUnitContext = '';
  private lastUnitDay = '\u0000';
  private lastTsPeriod = '\u0000';
  private lastAgent = '\u0000';
  private readonly periods = new Map<string, string>();
  private readonly agentNames = new Map<string, string>();
  private lastPeriod = '';
  private lastSlot = -1;

  private readonly seenEvents: IdSet;
  private readonly items = new Map<string, ItemRec>();
  private readonly seenReviews = new Set<string>();
  private readonly accs = new Map<string, Line>();
  private readonly exact = new Map<string, PeriodExact>();
  private readonly unpriced: PricedEventNote[] = [];
  private readonly unpricedGroups = new Map<string, UnpricedGroup>();
  private readonly conflicts: ConflictNote[] = [];
  private readonly counts: LedgerCounts = { events: 0, duplicates: 0, conflicts: 0, work_items: 0, reviews: 0, unpriced: 0 };
  private finished = false;
  private readonly observer: LedgerObserver | undefined;

  constructor(
    private readonly ctx: LedgerContext,
    options: BuildOptions = {},
  ) {
    this.book = options.priceBook ?? new PriceBook(ctx.prices);
    this.maxUnpriced = options.maxUnpricedListed ?? 10_000;
    this.maxConflicts = options.maxConflictsListed ?? 10_000;
    this.observer = options.observer;
    this.keepExact = options.keepExact ?? false;
    this.seenEvents = new IdSet(Math.min(Math.max(options.expectedEvents ?? 65_536, 1024), 1 << 26));
    // Per-day unit prices are exact unless a Prices row takes effect at a time of day.
    this.fastPricing = ctx.prices.every((o) => o.effective_from.length <= 10);
    for (const a of ctx.agents) if (!this.agentById.has(a.agent_id)) this.agentById.set(a.agent_id, a);
    // A role or tool kind listed twice: the last row wins, as on a sheet read top to bottom.
    for (const r of ctx.rates) this.rates.set(lower(r.reviewer_role), r.hourly_rate_usd);
    for (const t of ctx.toolPrices) this.toolPrices.set(t.kind, t.unit_price_usd);
    ctx.invoices.forEach((inv, line) => {
      const provider = normalizeProvider(inv.provider);
      const key = provider + '\u0001' + inv.period;
      let slot = this.slotOf.get(key);
      if (slot === undefined) {
        slot = this.slotProvider.length;
        this.slotOf.set(key, slot);
        this.slotProvider.push(provider);
        this.slotPeriod.push(inv.period);
        this.slotBilled.push(0);
        this.slotComputed.push(0);
        this.slotEvents.push(0);
        this.slotLines.push([]);
        this.invoicedProviders.add(provider);
      }
      this.slotBilled[slot] += inv.billed_usd;
      this.slotLines[slot].push(line);
    });
  }

  private periodExact(period: string): PeriodExact {
    if (period === this.lastExactPeriod && this.lastExact !== null) return this.lastExact;
    let p = this.exact.get(period);
    if (!p) this.exact.set(period, (p = { eventsAndReviews: 0 }));
    this.lastExact = p;
    this.lastExactPeriod = period;
    return p;
  }

  private noteUnpriced(note: PricedEventNote) {
    this.counts.unpriced++;
    if (this.unpriced.length < this.maxUnpriced) {
      this.unpriced.push({
        event_id: own(note.event_id),
        provider: own(note.provider),
        model: own(note.model),
        period: note.period,
        agent_id: own(note.agent_id),
        reason: note.reason,
      });
    }
    const key = `${note.period}\u0001${note.provider}\u0001${note.model}\u0001${note.reason}`;
    const g = this.unpricedGroups.get(key);
    if (g) g.count++;
    else this.unpricedGroups.set(key, { period: note.period, provider: own(note.provider), model: own(note.model), reason: note.reason, count: 1 });
  }

  private noteConflict(note: ConflictNote) {
    this.counts.conflicts++;
    if (this.conflicts.length < this.maxConflicts) this.conflicts.push({ ...note, id: own(note.id) });
  }

  private check() {
    if (this.finished) throw new Error('LedgerBuilder: finish() was already called; start a new builder');
  }

  addEvent(e: UsageEvent): AddResult {
    this.check();
    const fp = eventFingerprint(e);
    const prev = this.seenEvents.putIfAbsent(e.event_id, fp);
    if (prev !== -1) {
      if (prev === fp) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.noteConflict({ record: 'event', id: e.event_id, reason: `event ${e.event_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.counts.events++;
    const period = this.period(e.timestamp);

    let cost = 0;
    let unpricedReason: string | undefined;
    const tokenKind = e.kind === 'llm' || e.kind === 'embedding';
    if (e.cost_usd !== null && e.cost_usd !== undefined) {
      cost = e.cost_usd;
    } else if (tokenKind) {
      const d = this.fastPricing ? this.unitPricesFor(e) : null;
      if (d !== null && e.input_tokens <= d.limit) {
        const u = d.u;
        if (u.source === 'unpriced') unpricedReason = u.reason ?? `model "${e.model}" could not be priced`;
        else if (e.web_search_requests > 0 && !Number.isFinite(u.web_search_per_1k)) unpricedReason = this.book.priceEvent(e).reason ?? `no web-search price for model "${e.model}"`;
        // The price book's own formula (PriceBook.priceTokens) on its cached unit prices.
        else cost = costAtUnitPrices(u, e);
      } else try {
        const r = this.book.priceEvent(e);
        if (r.cost_usd === null || !Number.isFinite(r.cost_usd)) unpricedReason = r.reason ?? `model "${e.model}" could not be priced`;
        else cost = r.cost_usd;
      } catch (err) {
        unpricedReason = (err as Error).message;
      }
    } else {
      const unit = this.toolPrices.get(e.kind);
      if (unit === undefined) unpricedReason = `no tool price for kind ${e.kind} on the Tool Prices sheet, and the event has no cost_usd`;
      else cost = e.units * unit;
    }
    const agent = this.agentName(e.agent_id);
    if (unpricedReason !== undefined) {
      this.noteUnpriced({ event_id: e.event_id, provider: e.provider, model: e.model, period, agent_id: agent, reason: unpricedReason });
    }

    // One accumulator per (item, period, agent), chained under the item id: keying the map by the id alone
    // saves building and hashing a composite key per event. The agent matters only for items never imported.
    const wid = e.work_item_id;
    let a: Line | undefined;
    // Logs write an item's calls together: the previous event's accumulator is the usual answer, without a lookup.
    const prevLine = this.lastLine;
    if (prevLine !== null && wid !== '' && prevLine.period === period && prevLine.agent === agent && prevLine.item === wid) a = prevLine;
    else {
      const key = wid || '\u0002' + agent;
      const head = this.accs.get(key);
      a = head;
      while (a !== undefined && (a.period !== period || a.agent !== agent)) a = a.next;
      if (a === undefined) {
        a = new Line(wid ? own(wid) : '', period, agent);
        if (head === undefined) this.accs.set(wid ? a.item : key, a);
        else {
          a.next = head.next;
          head.next = a;
        }
      }
      this.lastLine = a;
    }
    if (e.status !== 'ok') {
      a.retry += cost;
      a.retries++;
    } else if (tokenKind) a.api += cost;
    else a.tools += cost;
    a.events++;
    a.inTok += e.input_tokens;
    a.outTok += e.output_tokens;
    this.periodExact(period).eventsAndReviews += cost;
    if (this.observer !== undefined) this.observer.event(e, cost, agent);

    if (this.invoicedProviders.size > 0) {
      const slot = this.slotFor(e.provider, period);
      if (slot >= 0) {
        this.slotComputed[slot] += cost;
        this.slotEvents[slot]++;
        addProv(a, slot, cost, 1);
      }
    }
    return 'added';
  }

  /**
   * Unit prices for an event's provider, model, UTC day and batch flag, cached here because `PriceBook.priceEvent`
   * parses the date and builds its cache key on every call (about 30 µs an event; this is well under 1 µs). null =
   * let the price book price it (a timestamp with an offset, whose UTC day is not its text).
   */
  private unitPricesFor(e: UsageEvent): DayPrices | null {
    const ts = e.timestamp;
    const last = this.lastUnit;
    if (
      last !== null && e.provider === this.lastUnitProvider && e.model === this.lastUnitModel && e.batch === this.lastUnitBatch &&
      e.service_tier === this.lastUnitTier && e.context_tier === this.lastUnitContext && ts.startsWith(this.lastUnitDay) && ts.length >= 10
    ) {
      if (monthIsUtc(ts)) return last;
    }
    if (!monthIsUtc(ts) || ts.length < 10) return null;
    const day = ts.slice(0, 10);
    const key = `${e.provider}\u0001${e.model}\u0001${day}\u0001${e.batch ? 1 : 0}\u0001${e.service_tier}\u0001${e.context_tier}`;
    let d = this.unitCache.get(key);
    if (d === undefined) {
      try {
        const q = { model: e.model, provider: e.provider, date: day, batch: e.batch, service_tier: e.service_tier, context_tier: e.context_tier };
        const u = this.book.unitPrices(q);
        d = { u, limit: u.tiered && u.source !== 'unpriced' ? this.baseTierLimit(q, u) : Infinity };
      } catch {
        return null;
      }
      this.unitCache.set(key, d);
    }
    this.lastUnit = d;
    this.lastUnitProvider = own(e.provider);
    this.lastUnitModel = own(e.model);
    this.lastUnitBatch = e.batch;
    this.lastUnitTier = own(e.service_tier);
    this.lastUnitContext = e.context_tier;
    this.lastUnitDay = day;
    return d;
  }

  /**
   * Tiered catalog prices switch the whole request to a tier price once its input tokens pass the tier's start
   * (Anthropic's and Google's long-context prices). Below the first start the base unit prices are exact, so we find
   * that start by asking the price book itself (a bisection on input tokens, once per model and day; a known start
   * is re-checked with two probes) and price requests at or below it directly.
   */
  private baseTierLimit(q: { model: string; provider: string; date: string; batch: boolean; service_tier: string }, u: UnitPrices): number {
    const isBase = (n: number) => {
      const r = this.book.priceTokens(q, { input_tokens: n, output_tokens: n });
      const base = (n * (u.input + u.output)) / 1e6;
      return r.cost_usd !== null && Math.abs(r.cost_usd - base) <= 1e-9 * Math.max(1, base);
    };
    const pm = `${q.provider}\u0001${q.model}\u0001${q.batch ? 1 : 0}\u0001${q.service_tier}`;
    const known = this.tierLimits.get(pm);
    if (known !== undefined && isBase(known) && !isBase(known + 1)) return known;
    let limit: number;
    if (!isBase(1)) limit = 0;
    else if (isBase(2 ** 31)) limit = Infinity;
    else {
      let lo = 1;
      let hi = 2 ** 31;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (isBase(mid)) lo = mid;
        else hi = mid;
      }
      limit = lo;
    }
    this.tierLimits.set(pm, limit);
    return limit;
  }


  /**
   * The period of a timestamp as one shared string per month, and the agent id likewise: accumulators then compare
   * them by identity, and nothing per event is allocated or retained for them.
   */
  private period(ts: string): string {
    const last = this.lastTsPeriod;
    const utc = monthIsUtc(ts);
    if (utc && ts.startsWith(last)) return last;
    let p = periodOf(ts);
    const interned = this.periods.get(p);
    if (interned !== undefined) p = interned;
    else this.periods.set((p = own(p)), p);
    if (utc) this.lastTsPeriod = p;
    return p;
  }

  private agentName(id: string): string {
    if (id === this.lastAgent) return this.lastAgent;
    if (id === '') return UNASSIGNED;
    let a = this.agentNames.get(id);
    if (a === undefined) this.agentNames.set((a = own(id)), a);
    this.lastAgent = a;
    return a;
  }

  /** The invoice slot of a raw provider name in a period, or -1; logs come in runs of one provider and month, so the last answer is kept. */
  private slotFor(provider: string, period: string): number {
    if (provider === this.lastProvider && period === this.lastPeriod) return this.lastSlot;
    let p = this.provCache.get(provider);
    if (p === undefined) {
      p = normalizeProvider(provider);
      this.provCache.set(own(provider), p);
    }
    const slot = this.invoicedProviders.has(p) ? (this.slotOf.get(p + '\u0001' + period) ?? -1) : -1;
    this.lastProvider = own(provider);
    this.lastPeriod = period;
    this.lastSlot = slot;
    return slot;
  }

  addWorkItem(w: WorkItem): AddResult {
    this.check();
    const prev = this.items.get(w.work_item_id);
    if (prev) {
      const same =
        prev.agent === w.agent_id &&
        prev.bu === w.business_unit &&
        prev.type === w.type &&
        prev.opened_at === w.opened_at &&
        prev.closed_at === w.closed_at &&
        prev.outcome === w.outcome;
      if (same) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.noteConflict({ record: 'work_item', id: w.work_item_id, reason: `work item ${w.work_item_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.items.set(own(w.work_item_id), {
      agent: own(w.agent_id),
      bu: own(w.business_unit),
      type: own(w.type),
      opened_at: own(w.opened_at),
      closed_at: own(w.closed_at),
      closedPeriod: w.closed_at ? periodOf(w.closed_at) : '',
      outcome: w.outcome,
      closedRow: false,
    });
    this.counts.work_items++;
    return 'added';
  }

  addReview(r: Review): AddResult {
    this.check();
    const k = `${r.work_item_id}\u0001${r.reviewer_role}\u0001${r.minutes}\u0001${r.result}\u0001${r.reviewed_at}`;
    if (this.seenReviews.has(k)) {
      this.counts.duplicates++;
      return 'duplicate';
    }
    this.seenReviews.add(k);
    this.counts.reviews++;
    const period = periodOf(r.reviewed_at);
    const rate = this.rates.get(lower(r.reviewer_role));
    let cost = 0;
    if (rate === undefined) {
      this.noteUnpriced({
        event_id: `review of ${r.work_item_id} at ${r.reviewed_at}`,
        provider: '',
        model: `reviewer role ${r.reviewer_role}`,
        period,
        agent_id: '',
        reason: `no hourly rate for reviewer role "${r.reviewer_role}" on the Rates sheet`,
      });
    } else cost = (r.minutes / 60) * rate;
    // Reviews carry no agent: '' here, resolved to the item's agent in finish().
    const head = this.accs.get(r.work_item_id);
    let a = head;
    while (a !== undefined && (a.period !== period || a.agent !== '')) a = a.next;
    if (a === undefined) {
      a = new Line(own(r.work_item_id), period, '');
      if (head === undefined) this.accs.set(a.item, a);
      else {
        a.next = head.next;
        head.next = a;
      }
    }
    a.review += cost;
    a.reviewMin += r.minutes;
    a.reviews++;
    if (r.result === 'approved') a.approved++;
    this.periodExact(period).eventsAndReviews += cost;
    if (this.observer !== undefined) this.observer.review(r, cost);
    return 'added';
  }

  /**
   * Exact (unrounded) api/retry/tools/review per imported-or-not work item id, summed over periods, as accumulated so
   * far. For checks against another engine to the micro-dollar (the benchmark); call before `finish()`.
   */
  exactByItem(): Map<string, { api: number; retry: number; tools: number; review: number }> {
    this.check();
    const out = new Map<string, { api: number; retry: number; tools: number; review: number }>();
    for (const head of this.accs.values()) {
      for (let l: Line | undefined = head; l !== undefined; l = l.next) {
        if (!l.item) continue;
        let s = out.get(l.item);
        if (!s) out.set(l.item, (s = { api: 0, retry: 0, tools: 0, review: 0 }));
        s.api += l.api;
        s.retry += l.retry;
        s.tools += l.tools;
        s.review += l.review;
      }
    }
    return out;
  }

  private agentBU(agentId: string): string {
    return this.agentById.get(agentId)?.business_unit ?? UNASSIGNED;
  }

  private attributeChain(head: Line, rows: Line[], uMap: Map<string, Line>, chainRows: Line[]) {
    const item = head.item ? this.items.get(head.item) : undefined;
    if (item) {
      chainRows.length = 0;
      let a: Line | undefined = head;
      while (a !== undefined) {
        const next: Line | undefined = a.next;
        a.next = undefined;
        let row: Line | undefined;
        for (const r of chainRows) if (r.period === a.period) row = r;
        if (row) mergeInto(row, a);
        else {
          a.agent = item.agent;
          a.bu = item.bu || this.agentBU(item.agent);
          a.rec = item;
          chainRows.push(a);
          rows.push(a);
          if (a.period === item.closedPeriod) item.closedRow = true;
        }
        a = next;
      }
      return;
    }
    // Reviews of an unknown item go to the agent whose events named it, if any.
    let eventAgent = UNASSIGNED;
    for (let a: Line | undefined = head; a !== undefined; a = a.next) {
      if (a.agent !== '') {
        eventAgent = a.agent;
        break;
      }
    }
    for (let a: Line | undefined = head; a !== undefined; a = a.next) {
      const isReview = a.agent === '';
      const agent = isReview ? eventAgent : a.agent;
      const kind: UnattributedRow['kind'] = isReview ? 'review' : 'usage';
      const key = `${a.period}\u0001${agent}\u0001${kind}\u0001${a.item ? 'unknown' : 'none'}`;
      let u = uMap.get(key);
      if (!u) {
        u = new Line('', a.period, agent);
        u.kind = kind;
        u.bu = this.agentBU(agent);
        u.reason = a.item ? '' : 'no work item';
        uMap.set(key, u);
      }
      mergeInto(u, a);
      if (a.item) {
        u.idCount++;
        const ids = u.ids ?? (u.ids = []);
        if (ids.length < 3 && !ids.includes(a.item)) ids.push(a.item);
      }
    }
  }

  private addClosedOnlyRows(rows: Line[]) {
    for (const [id, it] of this.items) {
      if (it.closedPeriod && !it.closedRow) {
        const l = new Line(id, it.closedPeriod, it.agent);
        l.bu = it.bu || this.agentBU(it.agent);
        l.rec = it;
        rows.push(l);
      }
    }
  }

  finish(): LedgerResult {
    this.check();
    this.finished = true;

    // 1. Attribute: accumulators of imported work items become ledger rows; the rest unattributed lines.
    // Every accumulator of an item hangs on one chain, so rows merge per chain without a composite-key map.
    const rows: Line[] = [];
    const uMap = new Map<string, Line>();
    const chainRows: Line[] = [];
    // (Hot loops live in small functions: V8 optimizes those quickly, while a loop inside this long method would
    // run interpreted until on-stack replacement, which measured several times slower.)
    for (const head of this.accs.values()) this.attributeChain(head, rows, uMap, chainRows);
    this.accs.clear();
    // Items closed in a period where they had no cost are still in that period (their outcome counts there).
    this.addClosedOnlyRows(rows);
    rows.sort((a, b) => cmp(a.period, b.period) || cmp(a.item, b.item));
    const uLines = Array.from(uMap.values());
    for (const u of uLines) {
      if (u.ids) {
        const more = u.idCount - u.ids.length;
        const noun = u.kind === 'review' ? 'reviews of' : '';
        u.reason = `${noun ? noun + ' ' : ''}unknown work item${u.idCount > 1 ? 's' : ''} ${u.ids.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
      }
    }
    const sortU = (a: Line, b: Line) => cmp(a.period, b.period) || cmp(a.agent, b.agent) || cmp(a.kind, b.kind) || cmp(a.reason, b.reason);
    uLines.sort(sortU);

    // Periods and the lines of each.
    const periodSet = new Set<string>();
    addPeriods(periodSet, rows);
    addPeriods(periodSet, uLines);
    addPeriods(periodSet, this.ctx.overheads);
    for (const p of this.slotPeriod) periodSet.add(p);
    for (const p of this.exact.keys()) periodSet.add(p);
    const periods = Array.from(periodSet).sort();
    const rowsByPeriod = groupBy(rows, periods);
    const uByPeriod = groupBy(uLines, periods);

    const extraU: Line[] = [];
    const ovByPeriod = new Map<string, { imported: number; allocated: number; unallocated: number }>();
    const tuByPeriod = new Map<string, { invoiceMinusComputed: number; cents: number }>();
    const providers: InvoicedProvider[] = [];
    const roundings = new Map<string, PeriodRounding>();

    for (const period of periods) {
      const pRows = rowsByPeriod.get(period)!;
      const pU = uByPeriod.get(period)!;

      // 2. Overheads, exactly: each overhead is shared over the rows in its scope by its driver (rounding is step 4's).
      const ovs = this.ctx.overheads.filter((o) => o.period === period);
      const ov = { imported: 0, allocated: 0, unallocated: 0 };
      ovByPeriod.set(period, ov);
      for (const o of ovs) {
        ov.imported += o.amount_usd;
        const scope = o.scope.trim();
        let inScope: Line[];
        let scopeAgent = UNASSIGNED;
        let scopeBU = UNASSIGNED;
        if (scope.toLowerCase().startsWith('agent:')) {
          const id = scope.slice(6).trim();
          const idL = id.toLowerCase();
          inScope = pRows.filter((r) => r.agent.toLowerCase() === idL);
          scopeAgent = this.agentById.has(id) ? id : (ctxAgentId(this.ctx.agents, idL) ?? id);
          scopeBU = this.agentBU(scopeAgent);
        } else if (scope.toLowerCase().startsWith('business_unit:')) {
          const bu = scope.slice(14).trim();
          const buL = bu.toLowerCase();
          inScope = pRows.filter((r) => r.bu.toLowerCase() === buL);
          scopeBU = bu;
        } else inScope = pRows;

        if (inScope.length === 0) {
          const u = new Line('', period, scopeAgent);
          u.kind = 'overhead';
          u.bu = scopeBU;
          u.reason = `${o.category}: no work items in scope ${scope} in ${period}`;
          u.overhead = o.amount_usd;
          ov.unallocated += o.amount_usd;
          extraU.push(u);
          continue;
        }
        const w = new Float64Array(inScope.length);
        if (o.driver === 'api_cost') for (let j = 0; j < w.length; j++) w[j] = inScope[j].api + inScope[j].retry;
        else if (o.driver === 'tokens') for (let j = 0; j < w.length; j++) w[j] = inScope[j].inTok + inScope[j].outTok;
        let sumW = 0;
        for (let j = 0; j < w.length; j++) sumW += w[j];
        // No driver weight at all (e.g. api_cost over items with no api cost yet): share equally rather than leave it unallocated.
        if (o.driver === 'work_items' || !(sumW > 0)) {
          w.fill(1);
          sumW = w.length;
        }
        for (let j = 0; j < w.length; j++) {
          const share = (o.amount_usd * w[j]) / sumW;
          inScope[j].overhead += share;
          ov.allocated += share;
        }
      }

      // 3. True-up per invoiced provider: the invoice minus the computed cost of all that provider's events, each to the
      // cent, spread pro rata to those events' cost over ledger rows and unattributed usage lines alike. Taking both
      // sides to the cent first makes the published computed cost plus the published true-up equal the invoice.
      const tu = { invoiceMinusComputed: 0, cents: 0 };
      tuByPeriod.set(period, tu);
      const slots: number[] = [];
      for (let s = 0; s < this.slotPeriod.length; s++) if (this.slotPeriod[s] === period) slots.push(s);
      if (slots.length > 0) {
        const lines = new Map<number, { l: Line[]; cost: number[]; n: number[] }>(slots.map((s) => [s, { l: [], cost: [], n: [] }]));
        gatherProviderLines(pRows, lines);
        gatherProviderLines(pU, lines);
        for (const s of slots) {
          const cents = toCents(this.slotBilled[s]) - toCents(this.slotComputed[s]);
          const amount = cents / 100;
          tu.invoiceMinusComputed += amount;
          tu.cents += cents;
          providers.push({
            period,
            provider: this.slotProvider[s],
            invoice_lines: this.slotLines[s],
            events: this.slotEvents[s],
            computed_exact: this.slotComputed[s] + 0,
            computed: toCents(this.slotComputed[s]) / 100,
            billed: toCents(this.slotBilled[s]) / 100,
            trueup: amount,
          });
          const g = lines.get(s)!;
          if (g.l.length === 0) {
            const u = new Line('', period, UNASSIGNED);
            u.kind = 'trueup';
            u.bu = UNASSIGNED;
            u.reason = `invoice for provider ${this.slotProvider[s]} with no usage events in ${period}`;
            u.trueup = amount;
            extraU.push(u);
            continue;
          }
          let weights = g.cost;
          let sumW = weights.reduce((a, b) => a + b, 0);
          // Every event of the provider unpriced (cost 0): spread by event count instead.
          if (!(sumW > 0)) {
            weights = g.n;
            sumW = weights.reduce((a, b) => a + b, 0);
          }
          for (let j = 0; j < g.l.length; j++) g.l[j].trueup += (amount * weights[j]) / sumW;
        }
      }

      // 4. Rounding to the cent, hierarchically (RULES.md): per component, the business unit × agent table is rounded
      // with controlled rounding (every cell, business-unit row and agent column within a cent of its exact value,
      // the table to its rounded total), then each cell's cents go to its lines by largest remainder.
      // (unattributed lines in their published order, so ties and sums run as the checks below run them)
      roundings.set(period, roundPeriod(pRows, pU.concat(extraU.filter((u) => u.period === period)).sort(sortU), tu.cents));
    }

    const allU = uLines.concat(extraU).sort(sortU);
    const uByPeriodAll = groupBy(allU, periods);

    // 5. Output rows.
    const outRows: LedgerRow[] = rows.map((l) => {
      const it = l.rec!;
      const closed = it.closedPeriod === l.period ? 1 : 0;
      return {
        period: l.period,
        work_item_id: l.item,
        agent_id: l.agent,
        business_unit: l.bu,
        type: it.type,
        api: usd(l.cApi),
        retry: usd(l.cRetry),
        tools: usd(l.cTools),
        review: usd(l.cReview),
        overhead: usd(l.cOverhead),
        trueup: usd(l.cTrueup),
        total: usd(l.cApi + l.cRetry + l.cTools + l.cReview + l.cOverhead + l.cTrueup),
        input_tokens: l.inTok + 0,
        output_tokens: l.outTok + 0,
        events: l.events,
        retries: l.retries,
        review_minutes: l.reviewMin + 0,
        reviews: l.reviews,
        approved: l.approved,
        reviewed: l.reviews > 0 ? 1 : 0,
        outcome: it.outcome,
        closed_at: it.closed_at,
        closed,
        success: closed && it.outcome === 'success' ? 1 : 0,
      };
    });
    const outU: UnattributedRow[] = allU.map((l) => ({
      period: l.period,
      agent_id: l.agent,
      business_unit: l.bu,
      kind: l.kind,
      reason: l.reason,
      events: l.events,
      api: usd(l.cApi),
      retry: usd(l.cRetry),
      tools: usd(l.cTools),
      review: usd(l.cReview),
      overhead: usd(l.cOverhead),
      trueup: usd(l.cTrueup),
      total: usd(l.cApi + l.cRetry + l.cTools + l.cReview + l.cOverhead + l.cTrueup),
    }));

    // 6. Conservation, per period and overall, from the exact sums; the cents checks on the published numbers.
    const conservationByPeriod: Record<string, Conservation> = {};
    const outRowsByPeriod = groupBy(outRows, periods);
    const outUByPeriod = groupBy(outU, periods);
    for (const period of periods) {
      const pRows = rowsByPeriod.get(period)!;
      const pU = uByPeriodAll.get(period)!;
      const ex = exactSums(pRows.concat(pU));
      const lpu = ex.api + ex.retry + ex.tools + ex.review;
      const ear = this.exact.get(period)?.eventsAndReviews ?? 0;
      const ov = ovByPeriod.get(period)!;
      const tu = tuByPeriod.get(period)!;
      const checked = checkPublished(roundings.get(period)!, outRowsByPeriod.get(period)!, outUByPeriod.get(period)!, tu.cents);
      conservationByPeriod[period] = makeConservation(ear, lpu, ov.imported, ov.allocated, ov.unallocated, tu.invoiceMinusComputed, ex.trueup, checked.tie, checked.withinCent);
    }
    const all = periods.map((p) => conservationByPeriod[p]);
    const sum = (f: (c: Conservation) => number) => all.reduce((s, c) => s + f(c), 0);
    const conservation = makeConservation(
      sum((c) => c.events_and_reviews),
      sum((c) => c.ledger_plus_unattributed),
      sum((c) => c.overhead_imported),
      sum((c) => c.overhead_allocated),
      sum((c) => c.overhead_unallocated),
      sum((c) => c.invoice_minus_computed),
      sum((c) => c.trueup_spread),
      all.every((c) => c.cents_tie),
      all.every((c) => c.lines_within_cent),
    );
    const exact = this.keepExact ? { rows: rows.map(exactOf), unattributed: allU.map(exactOf) } : undefined;

    // 7. Agents: configured ones, then placeholders for ids seen in the data.
    const agents: Agent[] = [...this.agentById.values()];
    const seen = new Set<string>();
    for (const r of outRows) seen.add(r.agent_id);
    for (const u of outU) seen.add(u.agent_id);
    const missing = [...seen].filter((id) => !this.agentById.has(id)).sort();
    for (const id of missing) agents.push(placeholderAgent(id));

    return {
      catalog_version: CATALOG_VERSION,
      periods,
      rows: outRows,
      unattributed: outU,
      unpriced: this.unpriced,
      unpricedGroups: [...this.unpricedGroups.values()].sort(
        (a, b) => cmp(a.period, b.period) || cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.reason, b.reason),
      ),
      conflicts: this.conflicts,
      conservation,
      conservationByPeriod,
      agents,
      counts: { ...this.counts },
      providers,
      ...(exact ? { exact } : {}),
    };
  }
}

/** Cents → USD, turning the -0 start value into 0. */
const usd = (cents: number) => (cents + 0) / 100;

function addPeriods(set: Set<string>, list: { period: string }[]) {
  for (const x of list) set.add(x.period);
}

function gatherProviderLines(group: Line[], lines: Map<number, { l: Line[]; cost: number[]; n: number[] }>) {
  for (const l of group) {
    if (l.slot0 === -1) continue;
    const g0 = lines.get(l.slot0);
    if (g0) {
      g0.l.push(l);
      g0.cost.push(l.cost0);
      g0.n.push(l.n0);
    }
    const p = l.prov;
    if (!p) continue;
    for (let i = 0; i < p.length; i += 3) {
      const g = lines.get(p[i]);
      if (!g) continue;
      g.l.push(l);
      g.cost.push(p[i + 1]);
      g.n.push(p[i + 2]);
    }
  }
}

/**
 * The rounding tables (RULES.md "Rounding"): 0–4 api, retry, tools, review, overhead over the work-item rows; 5 the
 * true-up over rows and unattributed lines together; 6 the unattributed lines' own cost (everything but true-up).
 */
const TABLES = 7;
const TRUEUP = 5;
const UNATTR = 6;

/** Which lines table k covers: the first `nLedger` lines are work-item rows, the rest unattributed. */
const inTable = (k: number, i: number, nLedger: number) => (k < TRUEUP ? i < nLedger : k === UNATTR ? i >= nLedger : true);

/**
 * Exact cents of every table for every line, one typed array per table (0 where a line is not in the table). Read in
 * one pass with direct field access: a per-line, per-table accessor measured several times slower on 130k rows.
 */
function exactCentsOf(lines: Line[], nLedger: number): Float64Array[] {
  const n = lines.length;
  const t = Array.from({ length: TABLES }, () => new Float64Array(n));
  const [api, retry, tools, review, overhead, trueup, unattr] = t;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    trueup[i] = l.trueup * 100;
    if (i < nLedger) {
      api[i] = l.api * 100;
      retry[i] = l.retry * 100;
      tools[i] = l.tools * 100;
      review[i] = l.review * 100;
      overhead[i] = l.overhead * 100;
    } else unattr[i] = (l.api + l.retry + l.tools + l.review + l.overhead) * 100;
  }
  return t;
}

interface CellIndex {
  /** cell of each line */
  cellOf: Int32Array;
  /** business unit (table row) and agent (table column) of each cell */
  cellRow: number[];
  cellCol: number[];
  nRows: number;
  nCols: number;
  /** line indices grouped by cell (cell c's lines are order[start[c] .. start[c + 1]), in line order) */
  order: Int32Array;
  start: Int32Array;
}

/** Business unit × agent cells of a period's lines. */
function cellIndex(lines: Line[]): CellIndex {
  const buIds = new Map<string, number>();
  const agentIds = new Map<string, number>();
  const cells = new Map<number, Map<number, number>>();
  const n = lines.length;
  const cellOf = new Int32Array(n);
  const cellRow: number[] = [];
  const cellCol: number[] = [];
  // rows come sorted by work item, so consecutive lines often share a business unit and agent: skip the lookups then
  let lastBu = '\u0000', lastAgent = '\u0000', lastCell = -1;
  for (let i = 0; i < n; i++) {
    const bu = lines[i].bu;
    const agent = lines[i].agent;
    if (bu === lastBu && agent === lastAgent) {
      cellOf[i] = lastCell;
      continue;
    }
    let b = buIds.get(bu);
    if (b === undefined) buIds.set(bu, (b = buIds.size));
    let a = agentIds.get(agent);
    if (a === undefined) agentIds.set(agent, (a = agentIds.size));
    let row = cells.get(b);
    if (!row) cells.set(b, (row = new Map()));
    let c = row.get(a);
    if (c === undefined) {
      row.set(a, (c = cellRow.length));
      cellRow.push(b);
      cellCol.push(a);
    }
    cellOf[i] = c;
    lastBu = bu;
    lastAgent = agent;
    lastCell = c;
  }
  // counting sort of the lines by cell, stable
  const nCells = cellRow.length;
  const start = new Int32Array(nCells + 1);
  for (let i = 0; i < n; i++) start[cellOf[i] + 1]++;
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCells);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[cellOf[i]]++] = i;
  return { cellOf, cellRow, cellCol, nRows: buIds.size, nCols: agentIds.size, order, start };
}

/** What the rounding of a period worked from, kept for the checks: the lines' cells and exact cents per table. */
interface PeriodRounding {
  ix: CellIndex;
  exact: Float64Array[];
}

/** Σ of a table's exact cents, per cell and in total. (Hot loops live in small functions: V8 optimizes them sooner.) */
function sumByCell(ex: Float64Array, cellOf: Int32Array, nCells: number): { cells: Float64Array; sum: number } {
  const cells = new Float64Array(nCells);
  let sum = 0;
  for (let i = 0; i < ex.length; i++) {
    sum += ex[i];
    cells[cellOf[i]] += ex[i];
  }
  return { cells, sum };
}

/** Each cell's cents over its lines of table k by largest remainder (lines in line order: ties to the earlier). */
function roundCellsToLines(k: number, ex: Float64Array, ix: CellIndex, nLedger: number, cellCents: ArrayLike<number>, out: Float64Array) {
  const nCells = ix.cellRow.length;
  for (let c = 0; c < nCells; c++) {
    const from = ix.start[c];
    const to = ix.start[c + 1];
    const members = new Int32Array(to - from);
    let m = 0;
    for (let j = from; j < to; j++) {
      const i = ix.order[j];
      if (inTable(k, i, nLedger)) members[m++] = i;
    }
    if (m === 0) continue;
    const parts = new Float64Array(m);
    for (let j = 0; j < m; j++) parts[j] = ex[members[j]];
    const cents = roundExactCents(parts, cellCents[c]);
    for (let j = 0; j < m; j++) out[members[j]] = cents[j];
  }
}

function writeCents(all: Line[], nLedger: number, out: Float64Array[]) {
  const [api, retry, tools, review, overhead, trueup, unattr] = out;
  for (let i = 0; i < nLedger; i++) {
    const l = all[i];
    l.cApi = api[i];
    l.cRetry = retry[i];
    l.cTools = tools[i];
    l.cReview = review[i];
    l.cOverhead = overhead[i];
    l.cTrueup = trueup[i];
  }
  // An unattributed line's own cost, now in cents, over its components (most lines have only one).
  for (let i = nLedger; i < all.length; i++) {
    const l = all[i];
    l.cTrueup = trueup[i];
    const cents = roundExactCents([l.api * 100, l.retry * 100, l.tools * 100, l.review * 100, l.overhead * 100], unattr[i]);
    l.cApi = cents[0];
    l.cRetry = cents[1];
    l.cTools = cents[2];
    l.cReview = cents[3];
    l.cOverhead = cents[4];
  }
}

/**
 * Rounds a period's lines to the cent, table by table: the business unit × agent table by controlled rounding (cells,
 * business units and agents each within a cent, the table to its rounded total; the true-up table to `trueupCents`,
 * the invoices minus the computed costs), then each cell's cents over its lines by largest remainder (ties to the
 * earlier line). Unattributed lines get their own cost as one figure, then split over its components.
 */
function roundPeriod(rows: Line[], unattributed: Line[], trueupCents: number): PeriodRounding {
  const all = rows.length ? rows.concat(unattributed) : unattributed;
  const n = all.length;
  const nLedger = rows.length;
  const ix = cellIndex(all);
  const exact = exactCentsOf(all, nLedger);
  const out = Array.from({ length: TABLES }, () => new Float64Array(n));
  for (let k = 0; k < TABLES; k++) {
    const { cells, sum } = sumByCell(exact[k], ix.cellOf, ix.cellRow.length);
    const target = k === TRUEUP ? trueupCents : toCents(sum / 100);
    // null only if the target were not the floor or ceiling of the exact total; plain largest remainder over the
    // cells then still ties the total, and the within-a-cent check (lines_within_cent) reports what it gives up.
    const cellCents = controlledRound(ix.cellRow, ix.cellCol, cells, ix.nRows, ix.nCols, target) ?? roundExactCents(cells, target);
    roundCellsToLines(k, exact[k], ix, nLedger, cellCents, out[k]);
  }
  writeCents(all, nLedger, out);
  return { ix, exact };
}

function exactSums(lines: Line[]) {
  const ex = { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0 };
  for (const l of lines) {
    ex.api += l.api;
    ex.retry += l.retry;
    ex.tools += l.tools;
    ex.review += l.review;
    ex.overhead += l.overhead;
    ex.trueup += l.trueup;
  }
  return ex;
}

const exactOf = (l: Line): ExactComponents => ({ api: l.api + 0, retry: l.retry + 0, tools: l.tools + 0, review: l.review + 0, overhead: l.overhead + 0, trueup: l.trueup + 0 });

type Published = Pick<LedgerRow, 'api' | 'retry' | 'tools' | 'review' | 'overhead' | 'trueup' | 'total'>;

/**
 * The cents checks, on the published numbers against the exact lines they came from:
 * - tie: every row's total is the sum of its components; each table's published total is its target (the rounded
 *   exact total; for the true-up, the invoices minus the computed costs to the cent);
 * - withinCent: in every table, every business unit, agent and business unit × agent cell is within one cent of its
 *   exact value.
 * The exact cents are those the rounding started from; the published cents are read back from the output rows.
 */
function checkPublished(rounded: PeriodRounding, outRows: Published[], outU: Published[], trueupCents: number): { tie: boolean; withinCent: boolean } {
  const out = outRows.concat(outU);
  const n = out.length;
  const nLedger = outRows.length;
  const { exact, ix } = rounded;
  const pub = Array.from({ length: TABLES }, () => new Float64Array(n));
  let tie = true;
  for (let i = 0; i < n; i++) {
    const r = out[i];
    const a = toCents(r.api), b = toCents(r.retry), t = toCents(r.tools), v = toCents(r.review), o = toCents(r.overhead), u = toCents(r.trueup);
    if (toCents(r.total) !== a + b + t + v + o + u) tie = false;
    pub[TRUEUP][i] = u;
    if (i < nLedger) {
      pub[0][i] = a;
      pub[1][i] = b;
      pub[2][i] = t;
      pub[3][i] = v;
      pub[4][i] = o;
    } else pub[UNATTR][i] = a + b + t + v + o;
  }
  // the same lines in the same order as the rounding's (rows, then unattributed lines sorted), so its cells apply
  if (ix.cellOf.length !== n) return { tie: false, withinCent: false };
  const nCells = ix.cellRow.length;
  let withinCent = true;
  const off = (p: number, e: number) => Math.abs(p - e) >= 1 + 1e-6;
  for (let k = 0; k < TABLES; k++) {
    const cellE = new Float64Array(nCells);
    const cellP = new Float64Array(nCells);
    let sumE = 0;
    let sumP = 0;
    for (let i = 0; i < n; i++) {
      sumE += exact[k][i];
      sumP += pub[k][i];
      cellE[ix.cellOf[i]] += exact[k][i];
      cellP[ix.cellOf[i]] += pub[k][i];
    }
    if (sumP !== (k === TRUEUP ? trueupCents : toCents(sumE / 100))) tie = false;
    const rowE = new Float64Array(ix.nRows), rowP = new Float64Array(ix.nRows);
    const colE = new Float64Array(ix.nCols), colP = new Float64Array(ix.nCols);
    for (let c = 0; c < nCells; c++) {
      if (off(cellP[c], cellE[c])) withinCent = false;
      rowE[ix.cellRow[c]] += cellE[c];
      rowP[ix.cellRow[c]] += cellP[c];
      colE[ix.cellCol[c]] += cellE[c];
      colP[ix.cellCol[c]] += cellP[c];
    }
    for (let r = 0; r < ix.nRows; r++) if (off(rowP[r], rowE[r])) withinCent = false;
    for (let c = 0; c < ix.nCols; c++) if (off(colP[c], colE[c])) withinCent = false;
  }
  return { tie, withinCent };
}

function ctxAgentId(agents: Agent[], idLower: string): string | undefined {
  return agents.find((a) => a.agent_id.toLowerCase() === idLower)?.agent_id;
}

function groupBy<T extends { period: string }>(list: T[], periods: string[]): Map<string, T[]> {
  const m = new Map<string, T[]>(periods.map((p) => [p, []]));
  for (const x of list) m.get(x.period)!.push(x);
  return m;
}

function makeConservation(
  ear: number,
  lpu: number,
  imported: number,
  allocated: number,
  unallocated: number,
  invoiceMinusComputed: number,
  spread: number,
  centsTie: boolean,
  withinCent: boolean,
): Conservation {
  // Differences are reported at the check's precision (the micro-dollar), so float residue of
  // summing a million doubles (~1e-11) reads as the 0 it is; `ok` still tests the raw values.
  const micro = (x: number) => Math.round(x * 1e6) / 1e6 + 0;
  const rawDifference = lpu - ear;
  const rawOverhead = imported - allocated - unallocated;
  const rawTrueup = invoiceMinusComputed - spread;
  const difference = micro(rawDifference);
  const overheadDifference = micro(rawOverhead);
  const trueupDifference = micro(rawTrueup);
  return {
    events_and_reviews: ear,
    ledger_plus_unattributed: lpu,
    difference,
    overhead_imported: imported,
    overhead_allocated: allocated,
    overhead_unallocated: unallocated,
    overhead_difference: overheadDifference,
    invoice_minus_computed: invoiceMinusComputed,
    trueup_spread: spread,
    trueup_difference: trueupDifference,
    cents_tie: centsTie,
    lines_within_cent: withinCent,
    ok: Math.abs(rawDifference) <= MICRO && Math.abs(rawOverhead) <= MICRO && Math.abs(rawTrueup) <= MICRO && centsTie && withinCent,
  };
}

/** An agent id seen in the data but not on the Agents sheet (or "Unassigned"): kept visible under business unit "Unassigned". */
export function placeholderAgent(id: string): Agent {
  return { ...blankAgent(id, UNASSIGNED), name: id === UNASSIGNED ? 'Unassigned (no agent known)' : `${id} (not on the Agents sheet)` };
}
