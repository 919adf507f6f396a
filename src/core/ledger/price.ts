// Phase 1 — price (RULES.md "Pricing"): each usage event's cost from the price book (provider-reported cost first,
// then the Prices sheet over the catalog at the event's date), tool calls by units × tool price, reviews by minutes ×
// the role's hourly rate. An event that cannot be priced costs 0 and carries the reason, for the unpriced list.
import type { Rate, Review, ToolPrice, UsageEvent } from '../model/records';
import { PriceBook, costAtUnitPrices, type UnitPrices } from '../pricing';
import { own, lower } from './line';
import { monthIsUtc } from './period';

/** Unit prices of a model on a day; exact for requests of up to `limit` input tokens (Infinity unless tiered). */
export interface DayPrices {
  u: UnitPrices;
  limit: number;
}

/** What a price query needs besides the tokens: the key of the unit-price cache. */
export interface DayPriceKey {
  provider: string;
  model: string;
  /** UTC day YYYY-MM-DD */
  day: string;
  batch: boolean;
  service_tier: string;
  context_tier: UsageEvent['context_tier'];
}

/**
 * Prices events and reviews. `price` / `priceReview` return the cost (0 when unpriced) and leave the reason in
 * `reason` (undefined when priced), so the per-event path allocates nothing.
 */
export class EventPricer {
  /** why the last priced event or review could not be priced; undefined when it was */
  reason: string | undefined = undefined;
  /** Per-day unit prices are exact unless a Prices row takes effect at a time of day. */
  readonly fastPricing: boolean;
  private readonly rates = new Map<string, number>();
  private readonly toolPrices = new Map<string, number>();
  private readonly unitCache = new Map<string, DayPrices>();
  private readonly tierLimits = new Map<string, number>();
  private lastUnit: DayPrices | null = null;
  private lastUnitProvider = '';
  private lastUnitModel = '';
  private lastUnitBatch = false;
  private lastUnitTier = '';
  private lastUnitContext = '';
  private lastUnitDay = '\u0000';

  constructor(
    readonly book: PriceBook,
    prices: readonly { effective_from: string }[],
    rates: readonly Rate[],
    toolPrices: readonly ToolPrice[],
  ) {
    this.fastPricing = prices.every((o) => o.effective_from.length <= 10);
    // A role or tool kind listed twice: the last row wins, as on a sheet read top to bottom.
    for (const r of rates) this.rates.set(lower(r.reviewer_role), r.hourly_rate_usd);
    for (const t of toolPrices) this.toolPrices.set(t.kind, t.unit_price_usd);
  }

  /** The cost of one usage event (0 when unpriced; then `reason` says why). */
  price(e: UsageEvent): number {
    this.reason = undefined;
    if (e.cost_usd !== null && e.cost_usd !== undefined) return e.cost_usd;
    if (e.kind === 'llm' || e.kind === 'embedding') {
      const d = this.fastPricing ? this.unitPricesFor(e) : null;
      if (d !== null && e.input_tokens <= d.limit) {
        const u = d.u;
        if (u.source === 'unpriced') this.reason = u.reason ?? `model "${e.model}" could not be priced`;
        else if (e.web_search_requests > 0 && !Number.isFinite(u.web_search_per_1k)) this.reason = this.book.priceEvent(e).reason ?? `no web-search price for model "${e.model}"`;
        // The price book's own formula (PriceBook.priceTokens) on its cached unit prices.
        else return costAtUnitPrices(u, e);
        return 0;
      }
      try {
        const r = this.book.priceEvent(e);
        if (r.cost_usd === null || !Number.isFinite(r.cost_usd)) this.reason = r.reason ?? `model "${e.model}" could not be priced`;
        else return r.cost_usd;
      } catch (err) {
        this.reason = (err as Error).message;
      }
      return 0;
    }
    const unit = this.toolPrices.get(e.kind);
    if (unit === undefined) {
      this.reason = `no tool price for kind ${e.kind} on the Tool Prices sheet, and the event has no cost_usd`;
      return 0;
    }
    return e.units * unit;
  }

  /** The tool price of a kind (vector_search, tool), or undefined. */
  toolPrice(kind: string): number | undefined {
    return this.toolPrices.get(kind);
  }

  /** The hourly rate of a reviewer role (matched trimmed and case-insensitively), or undefined. */
  rate(role: string): number | undefined {
    return this.rates.get(lower(role));
  }

  /** The cost of a review: minutes / 60 × the role's hourly rate (0 when the role has no rate; then `reason` says why). */
  priceReview(r: Review): number {
    const rate = this.rates.get(lower(r.reviewer_role));
    if (rate === undefined) {
      this.reason = `no hourly rate for reviewer role "${r.reviewer_role}" on the Rates sheet`;
      return 0;
    }
    this.reason = undefined;
    return (r.minutes / 60) * rate;
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
    const d = this.dayPrices({ provider: e.provider, model: e.model, day, batch: e.batch, service_tier: e.service_tier, context_tier: e.context_tier });
    if (d === null) return null;
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
   * The cached unit prices of a key and the input size up to which they are exact (events above it, or whose
   * timestamp carries an offset, go through `PriceBook.priceEvent`). null when the price book throws for the key.
   * Public so that another engine can price from the same table (src/engines).
   */
  dayPrices(k: DayPriceKey): DayPrices | null {
    const key = `${k.provider}\u0001${k.model}\u0001${k.day}\u0001${k.batch ? 1 : 0}\u0001${k.service_tier}\u0001${k.context_tier}`;
    let d = this.unitCache.get(key);
    if (d === undefined) {
      try {
        const q = { model: k.model, provider: k.provider, date: k.day, batch: k.batch, service_tier: k.service_tier, context_tier: k.context_tier };
        const u = this.book.unitPrices(q);
        d = { u, limit: u.tiered && u.source !== 'unpriced' ? this.baseTierLimit(q, u) : Infinity };
      } catch {
        return null;
      }
      this.unitCache.set(key, d);
    }
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
}
