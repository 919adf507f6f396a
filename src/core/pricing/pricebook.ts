// The price book (DESIGN.md §3): the bundled genai-prices catalog at the event's date, under the
// workbook's Prices sheet — dated negotiated prices first, then discount %, then batch multiplier;
// deployment names map to models. Every result says where its price came from.
import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { PriceOverride, UsageEvent } from '../model/records';
import type { PriceSource } from '../model/ledger';
import { CATALOG_PACKAGE_VERSION } from './catalog-version';

export const CATALOG_VERSION = `genai-prices@${CATALOG_PACKAGE_VERSION}`;

/** OpenAI and Anthropic both bill batch requests at half price; a Prices row overrides it. */
export const DEFAULT_BATCH_MULTIPLIER = 0.5;

export const TOKEN_TYPES = ['input', 'output', 'cached_input', 'cache_write'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Token counts in the OpenAI/genai-prices convention: `input_tokens` counts every input token, cache reads and writes included. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
  cache_write_tokens?: number;
}

export interface PriceQuery {
  model: string;
  provider?: string;
  /** ISO date/timestamp or Date; default now */
  date?: string | Date;
  batch?: boolean;
}

export interface PriceResult {
  /** USD; null when unpriced (never 0 in silence) */
  cost_usd: number | null;
  source: PriceSource;
  catalog_version: string;
  /** the model actually priced (after deployment aliases) and the catalog's provider, when known */
  model: string;
  provider: string;
  /** the Prices-sheet adjustments applied, in order: "discount 10%", "batch ×0.5" */
  adjustments: string[];
  /** why it is unpriced */
  reason?: string;
}

export interface UnitPrices {
  /** USD per 1M tokens, after discount and batch multiplier */
  input: number;
  output: number;
  cached_input: number;
  cache_write: number;
  source: Exclude<PriceSource, 'provider_reported'>;
  catalog_version: string;
  model: string;
  provider: string;
  adjustments: string[];
  reason?: string;
  /** true when the catalog price has tiers (price per token depends on the request's size) */
  tiered: boolean;
}

// Providers whose names differ between logs and the catalog.
const PROVIDER_ALIASES: Record<string, string> = {
  bedrock: 'aws',
  'aws-bedrock': 'aws',
  amazon: 'aws',
  vertex: 'google',
  vertex_ai: 'google',
  'vertex-ai': 'google',
  gemini: 'google',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  claude: 'anthropic',
};

export function normalizeProvider(provider: string | undefined): string {
  const p = (provider ?? '').trim().toLowerCase();
  return PROVIDER_ALIASES[p] ?? p;
}

function toDate(date: string | Date | undefined): Date {
  if (date instanceof Date) return date;
  if (!date) return new Date();
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(d.getTime())) throw new RangeError(`expected a date, got "${date}"`);
  return d;
}

interface CatalogHit {
  price: ModelPrice;
  model: string;
  provider: string;
  tiered: boolean;
}

function scalar(v: ModelPrice[string]): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v : v.base;
}

const matches = (ruleValue: string, value: string) => ruleValue === '' || ruleValue === '*' || ruleValue.toLowerCase() === value.toLowerCase();

export class PriceBook {
  private readonly rows: (PriceOverride & { from: number })[];
  private readonly aliases = new Map<string, { provider: string; model: string }[]>();
  private readonly catalogCache = new Map<string, CatalogHit | null>();
  private readonly unitCache = new Map<string, UnitPrices>();

  constructor(overrides: readonly PriceOverride[] = []) {
    this.rows = overrides.map((o) => ({ ...o, from: o.effective_from ? toDate(o.effective_from).getTime() : -Infinity }));
    for (const o of overrides) {
      if (!o.maps_to_model) continue;
      const key = o.model.toLowerCase();
      const list = this.aliases.get(key) ?? [];
      list.push({ provider: normalizeProvider(o.provider === '*' ? '' : o.provider), model: o.maps_to_model });
      this.aliases.set(key, list);
    }
  }

  /** Deployment name → model, following alias chains (at most 5 hops, so a loop cannot hang). */
  resolveModel(model: string, provider = ''): string {
    let m = model.trim();
    const p = normalizeProvider(provider);
    for (let hop = 0; hop < 5; hop++) {
      const next = this.aliases.get(m.toLowerCase())?.find((a) => a.provider === '' || a.provider === p);
      if (!next) break;
      m = next.model;
    }
    return m;
  }

  private catalog(model: string, provider: string, when: Date): CatalogHit | null {
    const day = when.toISOString().slice(0, 10);
    const key = `${provider}\u0000${model}\u0000${day}`;
    if (this.catalogCache.has(key)) return this.catalogCache.get(key)!;
    const timestamp = new Date(`${day}T12:00:00Z`);
    let hit: CatalogHit | null = null;
    const attempts = provider ? [{ providerId: provider, timestamp }] : [{ timestamp }];
    for (const options of attempts) {
      const r = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, options);
      if (r) {
        const tiered = Object.values(r.model_price).some((v) => typeof v === 'object');
        hit = { price: r.model_price, model: r.model.id, provider: r.provider.id, tiered };
        break;
      }
    }
    this.catalogCache.set(key, hit);
    return hit;
  }

  /** The rule that applies to this model at this date for one field: model-specific beats `*`, then the latest effective date. */
  private rule(model: string, provider: string, t: number, has: (r: PriceOverride) => boolean) {
    let best: (PriceOverride & { from: number }) | undefined;
    let bestRank = -1;
    for (const r of this.rows) {
      if (!has(r) || r.from > t) continue;
      if (!matches(r.provider, provider) && !matches(normalizeProvider(r.provider), provider)) continue;
      const modelSpecific = r.model !== '*' && r.model.toLowerCase() === model.toLowerCase();
      if (!modelSpecific && r.model !== '*') continue;
      const rank = (modelSpecific ? 2 : 0) + (r.provider && r.provider !== '*' ? 1 : 0);
      if (!best || rank > bestRank || (rank === bestRank && r.from >= best.from)) {
        best = r;
        bestRank = rank;
      }
    }
    return best;
  }

  /** USD per 1M tokens of each type for a model at a date. */
  unitPrices(q: PriceQuery): UnitPrices {
    const when = toDate(q.date);
    const t = when.getTime();
    const provider = normalizeProvider(q.provider);
    const model = this.resolveModel(q.model, provider);
    const key = `${provider}\u0000${model}\u0000${when.toISOString().slice(0, 10)}\u0000${q.batch ? 1 : 0}`;
    const cached = this.unitCache.get(key);
    if (cached) return cached;

    const adjustments: string[] = [];
    const negotiated = this.rule(model, provider, t, (r) => r.input_mtok !== null || r.output_mtok !== null);
    const hit = this.catalog(model, provider, when);
    let result: UnitPrices;
    if (!negotiated && !hit) {
      result = {
        input: NaN, output: NaN, cached_input: NaN, cache_write: NaN, tiered: false,
        source: 'unpriced', catalog_version: CATALOG_VERSION, model, provider, adjustments,
        reason: `model "${model}"${provider ? ` (provider ${provider})` : ''} is not in the price catalog ${CATALOG_VERSION}; add it on the Prices sheet`,
      };
    } else {
      let input: number, output: number, cachedIn: number, write: number;
      if (negotiated) {
        input = negotiated.input_mtok ?? (hit ? scalar(hit.price.input_mtok) : 0);
        output = negotiated.output_mtok ?? (hit ? scalar(hit.price.output_mtok) : 0);
        cachedIn = negotiated.cached_input_mtok ?? (hit?.price.cache_read_mtok !== undefined ? scalar(hit.price.cache_read_mtok) : input);
        write = negotiated.cache_write_mtok ?? (hit?.price.cache_write_mtok !== undefined ? scalar(hit.price.cache_write_mtok) : input);
      } else {
        const p = hit!.price;
        input = scalar(p.input_mtok);
        output = scalar(p.output_mtok);
        // A model without a cache price bills cached tokens as ordinary input.
        cachedIn = p.cache_read_mtok !== undefined ? scalar(p.cache_read_mtok) : input;
        write = p.cache_write_mtok !== undefined ? scalar(p.cache_write_mtok) : input;
      }
      let factor = 1;
      const discount = this.rule(model, provider, t, (r) => r.discount_pct !== null);
      if (discount && discount.discount_pct) {
        factor *= 1 - discount.discount_pct / 100;
        adjustments.push(`discount ${discount.discount_pct}%`);
      }
      if (q.batch) {
        const b = this.rule(model, provider, t, (r) => r.batch_multiplier !== null)?.batch_multiplier ?? DEFAULT_BATCH_MULTIPLIER;
        factor *= b;
        adjustments.push(`batch ×${b}`);
      }
      result = {
        input: input * factor, output: output * factor, cached_input: cachedIn * factor, cache_write: write * factor,
        tiered: !negotiated && !!hit?.tiered,
        source: negotiated ? 'override' : 'catalog', catalog_version: CATALOG_VERSION, model,
        provider: hit?.provider ?? provider, adjustments,
      };
    }
    this.unitCache.set(key, result);
    return result;
  }

  /** Cost of one request's tokens. Throws RangeError on impossible counts (negative, cached > input). */
  priceTokens(q: PriceQuery, usage: TokenUsage): PriceResult {
    const inTok = usage.input_tokens, outTok = usage.output_tokens;
    const cachedTok = usage.cached_input_tokens ?? 0, writeTok = usage.cache_write_tokens ?? 0;
    for (const [name, v] of Object.entries({ input_tokens: inTok, output_tokens: outTok, cached_input_tokens: cachedTok, cache_write_tokens: writeTok })) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name}: expected a number ≥ 0, got ${v}`);
    }
    if (cachedTok + writeTok > inTok) {
      throw new RangeError(`cached_input_tokens + cache_write_tokens (${cachedTok + writeTok}) cannot exceed input_tokens (${inTok}): input counts every input token, cached included`);
    }
    const u = this.unitPrices(q);
    const base = { catalog_version: u.catalog_version, model: u.model, provider: u.provider, adjustments: u.adjustments };
    if (u.source === 'unpriced') return { ...base, cost_usd: null, source: 'unpriced', reason: u.reason };
    let cost: number;
    if (u.tiered) {
      // Tiers switch the whole request's price past a size threshold: let the catalog do it, then apply our factor.
      const raw = calcPrice(
        { input_tokens: inTok, output_tokens: outTok, cache_read_tokens: cachedTok, cache_write_tokens: writeTok },
        u.model,
        { providerId: u.provider || undefined, timestamp: toDate(q.date) },
      );
      const hit = this.catalog(u.model, normalizeProvider(q.provider), toDate(q.date))!;
      const factor = u.input / scalar(hit.price.input_mtok || 0) || 1;
      cost = (raw?.total_price ?? NaN) * factor;
    } else {
      cost = ((inTok - cachedTok - writeTok) * u.input + cachedTok * u.cached_input + writeTok * u.cache_write + outTok * u.output) / 1e6;
    }
    return { ...base, cost_usd: cost, source: u.source };
  }

  /** Price a usage event: provider-reported cost wins; vector/tool calls are priced by units elsewhere (tool prices). */
  priceEvent(e: Pick<UsageEvent, 'provider' | 'model' | 'timestamp' | 'batch' | 'cost_usd' | 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens'>): PriceResult {
    if (e.cost_usd !== null && e.cost_usd !== undefined) {
      return { cost_usd: e.cost_usd, source: 'provider_reported', catalog_version: CATALOG_VERSION, model: e.model, provider: normalizeProvider(e.provider), adjustments: [] };
    }
    return this.priceTokens({ model: e.model, provider: e.provider, date: e.timestamp, batch: e.batch }, e);
  }
}
