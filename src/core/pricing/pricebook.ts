// The price book (DESIGN.md §3): the bundled genai-prices catalog at the event's date, under the
// workbook's Prices sheet — dated negotiated prices first, then discount %, then batch multiplier;
// deployment names map to models. Every result says where its price came from.
import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import { utcMs } from '../model/ranges';
import { STANDARD_SERVICE_TIERS, usageCountsIssue, type ContextTier, type PriceOverride, type UsageEvent } from '../model/records';
import type { PriceSource } from '../model/ledger';
import { CATALOG_PACKAGE_VERSION } from './catalog-version';
import { CLAUDE_CACHE_WRITE_1H, longContextPrice, serviceTierPrice, UNLISTED_TIER_NOTE, type UnitOverride } from './supplement';

export const CATALOG_VERSION = `genai-prices@${CATALOG_PACKAGE_VERSION}`;

/** OpenAI and Anthropic both bill batch requests at half price; a Prices row overrides it. */
export const DEFAULT_BATCH_MULTIPLIER = 0.5;

export const TOKEN_TYPES = ['input', 'output', 'cached_input', 'cache_write'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * Token counts in the OpenAI/genai-prices convention: `input_tokens` counts every input token; the other counts are
 * parts of it (cache reads and writes, audio and image tokens) or of the output (reasoning, audio, image), as in
 * `usageCountsIssue` of the canonical record.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
  cache_write_tokens?: number;
  cache_write_1h_tokens?: number;
  audio_input_tokens?: number;
  cached_audio_input_tokens?: number;
  image_input_tokens?: number;
  cached_image_input_tokens?: number;
  audio_output_tokens?: number;
  image_output_tokens?: number;
  reasoning_tokens?: number;
  web_search_requests?: number;
}

/** The optional counts of TokenUsage (parts of the input or output, and web searches). */
const USAGE_PARTS = [
  'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'audio_input_tokens', 'cached_audio_input_tokens', 'image_input_tokens',
  'cached_image_input_tokens', 'audio_output_tokens', 'image_output_tokens', 'reasoning_tokens', 'web_search_requests',
] as const;

export interface PriceQuery {
  model: string;
  provider?: string;
  /** ISO date/timestamp or Date; default now */
  date?: string | Date;
  batch?: boolean;
  /** the vendor's processing tier; '' / standard / default = the standard price */
  service_tier?: string;
  /** '' = the long-context tier applies when the request's own input passes its threshold; standard/long = the vendor said */
  context_tier?: ContextTier;
}

export interface PriceResult {
  /** USD; null when unpriced (never 0 in silence) */
  cost_usd: number | null;
  source: PriceSource;
  catalog_version: string;
  /** the model actually priced (after deployment aliases) and the catalog's provider, when known */
  model: string;
  provider: string;
  /** the adjustments applied, in order: "service tier priority (…)", "long context", "discount 10%", "batch ×0.5" */
  adjustments: string[];
  /** why it is unpriced */
  reason?: string;
}

export interface UnitPrices {
  /** USD per 1M tokens of each kind, after tier, discount and batch multiplier */
  input: number;
  output: number;
  cached_input: number;
  cache_write: number;
  cache_write_1h: number;
  audio_input: number;
  cached_audio_input: number;
  image_input: number;
  cached_image_input: number;
  audio_output: number;
  image_output: number;
  reasoning_output: number;
  /** USD per 1,000 web searches; NaN when no price is known */
  web_search_per_1k: number;
  source: Exclude<PriceSource, 'provider_reported'>;
  catalog_version: string;
  model: string;
  provider: string;
  adjustments: string[];
  reason?: string;
  /** true when these are the base prices of a model whose price depends on the request's input size (long context) */
  tiered: boolean;
}

/**
 * Cost of one request (or one report line) at given unit prices. Each token is priced once, at the most specific
 * price of the parts it belongs to (a cached audio token at the cached-audio price, a 1-hour cache write at the 1-hour
 * price…), as genai-prices does. A count of 0 never touches its price, so an unknown web-search price (NaN) only
 * matters for an event that made web searches.
 */
export function costAtUnitPrices(u: UnitPrices, t: TokenUsage): number {
  const cached = t.cached_input_tokens ?? 0;
  const write = t.cache_write_tokens ?? 0;
  const w1h = t.cache_write_1h_tokens ?? 0;
  const cAudio = t.cached_audio_input_tokens ?? 0;
  const cImage = t.cached_image_input_tokens ?? 0;
  const audio = (t.audio_input_tokens ?? 0) - cAudio;
  const image = (t.image_input_tokens ?? 0) - cImage;
  const outAudio = t.audio_output_tokens ?? 0;
  const outImage = t.image_output_tokens ?? 0;
  const reasoning = t.reasoning_tokens ?? 0;
  let c = (t.input_tokens - cached - write - audio - image) * u.input + (cached - cAudio - cImage) * u.cached_input + (write - w1h) * u.cache_write;
  if (w1h) c += w1h * u.cache_write_1h;
  if (audio) c += audio * u.audio_input;
  if (cAudio) c += cAudio * u.cached_audio_input;
  if (image) c += image * u.image_input;
  if (cImage) c += cImage * u.cached_image_input;
  c += (t.output_tokens - outAudio - outImage - reasoning) * u.output;
  if (outAudio) c += outAudio * u.audio_output;
  if (outImage) c += outImage * u.image_output;
  if (reasoning) c += reasoning * u.reasoning_output;
  c /= 1e6;
  const searches = t.web_search_requests ?? 0;
  if (searches) c += (searches * u.web_search_per_1k) / 1000;
  return c;
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
  const d = new Date(utcMs(date));
  if (Number.isNaN(d.getTime())) throw new RangeError(`expected a date, got "${date}"`);
  return d;
}


interface CatalogHit {
  price: ModelPrice;
  model: string;
  provider: string;
  /** input-token thresholds past which another price applies, ascending (catalog tiers or a supplement long-context price) */
  starts: number[];
  /** the supplement's long-context prices when the catalog prices the model flat */
  longContext?: ReturnType<typeof longContextPrice>;
}

/** A catalog price at a request size: the tier whose start the input passes (genai-prices: input > start), else the base. */
function atSize(v: ModelPrice[string], inputTokens: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  let p = v.base;
  for (const t of [...v.tiers].sort((a, b) => a.start - b.start)) if (inputTokens > t.start) p = t.price;
  return p;
}

const matches = (ruleValue: string, value: string) => ruleValue === '' || ruleValue === '*' || ruleValue.toLowerCase() === value.toLowerCase();

/** '' and the vendors' names for the standard tier → 'standard'; everything else lower-cased as given. */
export function normalizeServiceTier(tier: string | undefined): string {
  const t = (tier ?? '').trim().toLowerCase();
  return (STANDARD_SERVICE_TIERS as readonly string[]).includes(t) ? 'standard' : t;
}

type Row = PriceOverride & { from: number; tier: string };

export class PriceBook {
  private readonly rows: Row[];
  private readonly aliases = new Map<string, { provider: string; model: string }[]>();
  private readonly catalogCache = new Map<string, CatalogHit | null>();
  private readonly unitCache = new Map<string, UnitPrices>();

  constructor(overrides: readonly PriceOverride[] = []) {
    this.rows = overrides.map((o) => ({
      ...o,
      from: o.effective_from ? toDate(o.effective_from).getTime() : -Infinity,
      tier: o.service_tier ? normalizeServiceTier(o.service_tier) : '',
    }));
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
        const starts = new Set<number>();
        for (const v of Object.values(r.model_price)) if (v && typeof v === 'object') for (const t of v.tiers) starts.add(t.start);
        hit = { price: r.model_price, model: r.model.id, provider: r.provider.id, starts: [...starts].sort((a, b) => a - b) };
        if (hit.starts.length === 0) {
          const lc = longContextPrice(hit.model, day);
          if (lc) {
            hit.longContext = lc;
            hit.starts = [lc.threshold];
          }
        }
        break;
      }
    }
    this.catalogCache.set(key, hit);
    return hit;
  }

  /**
   * The row that applies to this model, tier and date for one field: model-specific beats `*`, a row for the event's
   * service tier beats a row for any tier, a named provider beats any provider, then the latest effective date.
   */
  private rule(model: string, provider: string, tier: string, t: number, has: (r: PriceOverride) => boolean, tierOnly = false) {
    let best: Row | undefined;
    let bestRank = -1;
    for (const r of this.rows) {
      if (!has(r) || r.from > t) continue;
      if (r.tier ? r.tier !== tier : tierOnly) continue;
      if (!matches(r.provider, provider) && !matches(normalizeProvider(r.provider), provider)) continue;
      const modelSpecific = r.model !== '*' && r.model.toLowerCase() === model.toLowerCase();
      if (!modelSpecific && r.model !== '*') continue;
      const rank = (modelSpecific ? 4 : 0) + (r.tier ? 2 : 0) + (r.provider && r.provider !== '*' ? 1 : 0);
      if (!best || rank > bestRank || (rank === bestRank && r.from >= best.from)) {
        best = r;
        bestRank = rank;
      }
    }
    return best;
  }

  /**
   * USD per 1M tokens of each kind for a model at a date, service tier and context tier. With context tier '' these
   * are the prices of a request below the long-context threshold (`tiered` says a larger request costs more).
   */
  unitPrices(q: PriceQuery): UnitPrices {
    const ctx = q.context_tier ?? '';
    return this.units(q, ctx === 'long' ? Infinity : 0, ctx === '');
  }

  private units(q: PriceQuery, inputSize: number, mayBeTiered: boolean): UnitPrices {
    const when = toDate(q.date);
    const t = when.getTime();
    const day = when.toISOString().slice(0, 10);
    const provider = normalizeProvider(q.provider);
    const model = this.resolveModel(q.model, provider);
    let tier = normalizeServiceTier(q.service_tier);
    const batch = q.batch === true || tier === 'batch';
    if (tier === 'batch') tier = 'standard';
    const hit = this.catalog(model, provider, when);
    // The size bucket (how many thresholds the request passes) is all the cache needs to tell sizes apart.
    const bucket = hit ? hit.starts.filter((s) => inputSize > s).length : 0;
    const key = `${provider}\u0000${model}\u0000${day}\u0000${batch ? 1 : 0}\u0000${tier}\u0000${bucket}\u0000${mayBeTiered ? 1 : 0}\u0000${t}`;
    const fastKey = this.rows.some((r) => r.effective_from.length > 10) ? key : key.slice(0, key.lastIndexOf('\u0000'));
    const cached = this.unitCache.get(fastKey);
    if (cached) return cached;

    const adjustments: string[] = [];
    const unpriced = (reason: string): UnitPrices => ({
      input: NaN, output: NaN, cached_input: NaN, cache_write: NaN, cache_write_1h: NaN, audio_input: NaN, cached_audio_input: NaN,
      image_input: NaN, cached_image_input: NaN, audio_output: NaN, image_output: NaN, reasoning_output: NaN, web_search_per_1k: NaN,
      tiered: false, source: 'unpriced', catalog_version: CATALOG_VERSION, model, provider: hit?.provider ?? provider, adjustments, reason,
    });
    const nonStandard = tier !== 'standard';
    const tierRow = nonStandard ? this.rule(model, provider, tier, t, (r) => r.input_mtok !== null || r.output_mtok !== null, true) : undefined;
    const tierList = nonStandard && !tierRow && hit ? serviceTierPrice(hit.provider, hit.model, tier, day) : undefined;
    const negotiated = tierRow ?? this.rule(model, provider, tier, t, (r) => r.input_mtok !== null || r.output_mtok !== null);
    let result: UnitPrices;
    if (!negotiated && !hit) {
      result = unpriced(`model "${model}"${provider ? ` (provider ${provider})` : ''} is not in the price catalog ${CATALOG_VERSION}; add it on the Prices sheet`);
    } else {
      const size = bucket === 0 ? 0 : hit!.starts[bucket - 1] + 1;
      const lc = bucket > 0 && hit?.longContext ? hit.longContext.prices : undefined;
      const over: UnitOverride | undefined = tierList?.prices ? { ...lc, ...tierList.prices } : lc;
      const cat = (k: string) => (hit ? atSize(hit.price[k], size) : undefined);
      const row = negotiated;
      const pick = (rowKey: keyof PriceOverride, overKey: keyof UnitOverride, ...catKeys: string[]): number | undefined => {
        const rv = row ? (row[rowKey] as number | null) : null;
        if (rv !== null && rv !== undefined) return rv;
        if (over?.[overKey] !== undefined) return over[overKey];
        for (const k of catKeys) {
          const v = cat(k);
          if (v !== undefined) return v;
        }
        return undefined;
      };
      const input = pick('input_mtok', 'input_mtok', 'input_mtok') ?? 0;
      const output = pick('output_mtok', 'output_mtok', 'output_mtok') ?? 0;
      // A model without a cache price bills cached tokens as ordinary input.
      const cachedIn = pick('cached_input_mtok', 'cached_input_mtok', 'cache_read_mtok') ?? input;
      const write = pick('cache_write_mtok', 'cache_write_mtok', 'cache_write_5m_mtok', 'cache_write_mtok') ?? input;
      // A row may give only the 1-hour write price (the catalog's other prices stand).
      const row1h = row?.cache_write_1h_mtok ?? this.rule(model, provider, tier, t, (r) => r.cache_write_1h_mtok !== null && r.cache_write_1h_mtok !== undefined)?.cache_write_1h_mtok;
      let write1h = row1h ?? pick('cache_write_1h_mtok', 'cache_write_1h_mtok', 'cache_write_1h_mtok');
      if (write1h === undefined && CLAUDE_CACHE_WRITE_1H.pattern.test(model)) write1h = input * CLAUDE_CACHE_WRITE_1H.multiplierOfInput;
      const audio = cat('input_audio_mtok');
      const image = cat('input_image_mtok');
      const cacheRead = cat('cache_read_mtok');
      // genai-prices prices a cached audio token at the most specific price it has: cached audio, else audio (when
      // no cache price), else cached text.
      const cachedAudio = cat('cache_audio_read_mtok') ?? (audio !== undefined && cacheRead === undefined ? audio : cachedIn);
      const cachedImage = cat('cache_image_read_mtok') ?? (image !== undefined && cacheRead === undefined ? image : cachedIn);
      let web = row?.web_search_per_1k ?? this.rule(model, provider, tier, t, (r) => r.web_search_per_1k !== null && r.web_search_per_1k !== undefined)?.web_search_per_1k ?? cat('web_searches_kcount') ?? NaN;

      let factor = 1;
      if (tierRow) adjustments.push(`service tier ${tier} (Prices sheet)`);
      else if (tierList?.prices) adjustments.push(`service tier ${tier} (${tierList.source})`);
      else if (nonStandard) {
        const m = this.rule(model, provider, tier, t, (r) => r.tier_multiplier !== null && r.tier_multiplier !== undefined, true)?.tier_multiplier ?? tierList?.multiplier;
        if (m === undefined || m === null) {
          const note = UNLISTED_TIER_NOTE[tier];
          result = unpriced(
            `service tier "${tier}" of ${hit?.provider || provider || 'this provider'} has no list price${note ? ` (${note})` : ''}; add a Prices row with service_tier ${tier} and its prices or a tier_multiplier`,
          );
          this.unitCache.set(fastKey, result);
          return result;
        }
        factor *= m;
        adjustments.push(`service tier ${tier} ×${m}${tierList && this.rule(model, provider, tier, t, (r) => r.tier_multiplier !== null && r.tier_multiplier !== undefined, true) === undefined ? ` (${tierList.source})` : ''}`);
      }
      if (bucket > 0) adjustments.push(lc && !row?.input_mtok ? `long context (${hit!.longContext!.source})` : 'long context');
      const discount = this.rule(model, provider, tier, t, (r) => r.discount_pct !== null);
      if (discount && discount.discount_pct) {
        factor *= 1 - discount.discount_pct / 100;
        web *= 1 - discount.discount_pct / 100;
        adjustments.push(`discount ${discount.discount_pct}%`);
      }
      if (batch) {
        const b = this.rule(model, provider, tier, t, (r) => r.batch_multiplier !== null)?.batch_multiplier ?? DEFAULT_BATCH_MULTIPLIER;
        factor *= b;
        adjustments.push(`batch ×${b}`);
      }
      const f = (v: number) => v * factor;
      result = {
        input: f(input), output: f(output), cached_input: f(cachedIn), cache_write: f(write), cache_write_1h: f(write1h ?? write),
        audio_input: f(audio ?? input), cached_audio_input: f(cachedAudio), image_input: f(image ?? input), cached_image_input: f(cachedImage),
        audio_output: f(cat('output_audio_mtok') ?? output), image_output: f(cat('output_image_mtok') ?? output),
        reasoning_output: f(cat('output_reasoning_mtok') ?? output), web_search_per_1k: web,
        // A flat negotiated price has no size tiers; the catalog's (or the supplement's) do.
        tiered: mayBeTiered && !(row && row.input_mtok !== null && row.output_mtok !== null) && !!hit && hit.starts.length > 0,
        source: row ? 'override' : 'catalog', catalog_version: CATALOG_VERSION, model, provider: hit?.provider ?? provider, adjustments,
      };
    }
    this.unitCache.set(fastKey, result);
    return result;
  }

  /**
   * The unit prices `priceTokens` applies to one request with `inputTokens` input tokens (the long-context tier, when
   * the model has one, decided by its context tier or its own input). The SQL engines (src/engines) build their
   * prices table from this and `tierStarts`, so they price with the same figures.
   */
  requestUnitPrices(q: PriceQuery, inputTokens: number): UnitPrices {
    const ctx = q.context_tier ?? '';
    return this.units(q, ctx === 'long' ? Infinity : ctx === 'standard' ? 0 : inputTokens, false);
  }

  /** The input-token thresholds past which the model's price changes (long-context tiers), ascending; [] when flat. */
  tierStarts(q: Pick<PriceQuery, 'model' | 'provider' | 'date'>): number[] {
    const provider = normalizeProvider(q.provider);
    return this.catalog(this.resolveModel(q.model, provider), provider, toDate(q.date))?.starts.slice() ?? [];
  }

  /** Cost of one request's tokens. Throws RangeError on impossible counts (negative, parts larger than their whole). */
  priceTokens(q: PriceQuery, usage: TokenUsage): PriceResult {
    const inTok = usage.input_tokens;
    const cachedTok = usage.cached_input_tokens ?? 0, writeTok = usage.cache_write_tokens ?? 0;
    for (const [name, v] of Object.entries(usage)) {
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new RangeError(`${name}: expected a number ≥ 0, got ${v}`);
    }
    if (cachedTok + writeTok > inTok) {
      throw new RangeError(`cached_input_tokens + cache_write_tokens (${cachedTok + writeTok}) cannot exceed input_tokens (${inTok}): input counts every input token, cached included`);
    }
    const nesting = usageCountsIssue({ ...usage, cached_input_tokens: cachedTok, cache_write_tokens: writeTok });
    if (nesting) throw new RangeError(`${nesting.column}: ${nesting.reason}`);
    const ctx = q.context_tier ?? '';
    const u = this.units(q, ctx === 'long' ? Infinity : ctx === 'standard' ? 0 : inTok, false);
    const base = { catalog_version: u.catalog_version, model: u.model, provider: u.provider, adjustments: u.adjustments };
    if (u.source === 'unpriced') return { ...base, cost_usd: null, source: 'unpriced', reason: u.reason };
    if ((usage.web_search_requests ?? 0) > 0 && !Number.isFinite(u.web_search_per_1k)) {
      return {
        ...base, cost_usd: null, source: 'unpriced',
        reason: `no web-search price for model "${u.model}"${u.provider ? ` (provider ${u.provider})` : ''} in ${CATALOG_VERSION}; add web_search_per_1k on the Prices sheet`,
      };
    }
    return { ...base, cost_usd: costAtUnitPrices(u, usage), source: u.source };
  }

  /** Price a usage event: provider-reported cost wins; vector/tool calls are priced by units elsewhere (tool prices). */
  priceEvent(
    e: Pick<UsageEvent, 'provider' | 'model' | 'timestamp' | 'batch' | 'cost_usd' | 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens'> &
      Partial<Pick<UsageEvent, 'service_tier' | 'context_tier'>> &
      TokenUsage,
  ): PriceResult {
    if (e.cost_usd !== null && e.cost_usd !== undefined) {
      return { cost_usd: e.cost_usd, source: 'provider_reported', catalog_version: CATALOG_VERSION, model: e.model, provider: normalizeProvider(e.provider), adjustments: [] };
    }
    const { provider, model, timestamp, batch, service_tier, context_tier } = e;
    const usage: TokenUsage = { input_tokens: e.input_tokens, output_tokens: e.output_tokens };
    for (const k of USAGE_PARTS) if (e[k] !== undefined) usage[k] = e[k];
    return this.priceTokens({ model, provider, date: timestamp, batch, service_tier, context_tier }, usage);
  }
}
