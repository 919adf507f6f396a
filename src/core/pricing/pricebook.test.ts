import * as fs from 'fs';
import * as path from 'path';
import { PriceBook, CATALOG_VERSION } from './pricebook';
import { CATALOG_PACKAGE_VERSION } from './catalog-version';
import { priceOverrideSchema } from '../model/records';

const row = (o: Record<string, unknown>) => priceOverrideSchema.parse(o);
const M = 1_000_000;

describe('PriceBook', () => {
  it('records the installed catalog version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../node_modules/@pydantic/genai-prices/package.json'), 'utf8'));
    expect(CATALOG_PACKAGE_VERSION).toBe(pkg.version);
    expect(CATALOG_VERSION).toBe(`genai-prices@${pkg.version}`);
  });

  it('prices from the catalog and says so', () => {
    const r = new PriceBook().priceTokens({ model: 'gpt-4o', date: '2026-10-01' }, { input_tokens: M, output_tokens: M, cached_input_tokens: M / 2 });
    expect(r.source).toBe('catalog');
    expect(r.cost_usd).toBeCloseTo(11.875, 10);
  });

  it('a dated override beats the catalog from its date on, not before', () => {
    const pb = new PriceBook([row({ provider: 'openai', model: 'gpt-4o', effective_from: '2026-09-01', input_mtok: 2, output_mtok: 8 })]);
    const before = pb.priceTokens({ model: 'gpt-4o', provider: 'openai', date: '2026-08-31T23:59:00Z' }, { input_tokens: M, output_tokens: M });
    const after = pb.priceTokens({ model: 'gpt-4o', provider: 'openai', date: '2026-09-01T00:00:00Z' }, { input_tokens: M, output_tokens: M });
    expect(before.source).toBe('catalog');
    expect(before.cost_usd).toBeCloseTo(12.5, 10);
    expect(after.source).toBe('override');
    expect(after.cost_usd).toBeCloseTo(10, 10);
  });

  it('applies discount, then batch multiplier', () => {
    const pb = new PriceBook([row({ model: '*', provider: 'openai', discount_pct: 10 }), row({ model: 'gpt-4o', batch_multiplier: 0.4 })]);
    const r = pb.priceTokens({ model: 'gpt-4o', provider: 'openai', date: '2026-10-01', batch: true }, { input_tokens: M, output_tokens: 0 });
    // 2.50 × (1 − 10%) × 0.4 = 0.90
    expect(r.cost_usd).toBeCloseTo(0.9, 10);
    expect(r.adjustments).toEqual(['discount 10%', 'batch ×0.4']);
  });

  it('maps deployment names to models', () => {
    const pb = new PriceBook([row({ model: 'prod-gpt4o-eu', provider: 'azure', maps_to_model: 'gpt-4o' })]);
    const r = pb.priceTokens({ model: 'prod-gpt4o-eu', provider: 'azure', date: '2026-10-01' }, { input_tokens: M, output_tokens: 0 });
    expect(r.model).toBe('gpt-4o');
    expect(r.cost_usd).toBeCloseTo(2.5, 10);
  });

  it('reports an unknown model as unpriced, never as 0', () => {
    const r = new PriceBook().priceTokens({ model: 'acme-llm-9', date: '2026-10-01' }, { input_tokens: 10, output_tokens: 10 });
    expect(r.source).toBe('unpriced');
    expect(r.cost_usd).toBeNull();
    expect(r.reason).toMatch(/Prices sheet/);
  });

  it('provider-reported cost wins', () => {
    const r = new PriceBook().priceEvent({ provider: 'openai', model: 'gpt-4o', timestamp: '2026-10-01T00:00:00Z', batch: false, cost_usd: 0.42, input_tokens: M, output_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0 });
    expect(r).toMatchObject({ source: 'provider_reported', cost_usd: 0.42 });
  });

  it('rejects impossible token counts', () => {
    expect(() => new PriceBook().priceTokens({ model: 'gpt-4o' }, { input_tokens: 10, output_tokens: 0, cached_input_tokens: 11 })).toThrow(/cannot exceed/);
    expect(() => new PriceBook().priceTokens({ model: 'gpt-4o' }, { input_tokens: -1, output_tokens: 0 })).toThrow(/≥ 0/);
  });
});

describe('PriceBook: vendor splits, tiers and the supplement (issue #13)', () => {
  // The catalog's own calculator is the oracle: for a single request priced at the standard tier, our leaf formula
  // (each token at its most specific price) must agree with genai-prices' calcPrice on every kind of token.
  const { calcPrice } = jest.requireActual('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');
  const usage = {
    input_tokens: 150_000, cached_input_tokens: 40_000, cache_write_tokens: 9_000, cache_write_1h_tokens: 3_000,
    audio_input_tokens: 12_000, cached_audio_input_tokens: 2_000, image_input_tokens: 5_000, cached_image_input_tokens: 1_000,
    output_tokens: 20_000, audio_output_tokens: 3_000, image_output_tokens: 1_000, reasoning_tokens: 4_000, web_search_requests: 7,
  };
  const genai = (u: typeof usage) => ({
    input_tokens: u.input_tokens, cache_read_tokens: u.cached_input_tokens, cache_write_tokens: u.cache_write_tokens,
    cache_write_1h_tokens: u.cache_write_1h_tokens, input_audio_tokens: u.audio_input_tokens, cache_audio_read_tokens: u.cached_audio_input_tokens,
    input_image_tokens: u.image_input_tokens, cache_image_read_tokens: u.cached_image_input_tokens, output_tokens: u.output_tokens,
    output_audio_tokens: u.audio_output_tokens, output_image_tokens: u.image_output_tokens, output_reasoning_tokens: u.reasoning_tokens,
    web_searches: u.web_search_requests,
  });
  const MODELS: [string, string][] = [
    ['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['openai', 'gpt-5'], ['openai', 'o3'], ['openai', 'gpt-realtime'], ['openai', 'gpt-image-1'],
    ['openai', 'gpt-4.1-nano'], ['anthropic', 'claude-sonnet-4-20250514'], ['anthropic', 'claude-3-5-haiku-20241022'], ['anthropic', 'claude-opus-4-1-20250805'],
    ['anthropic', 'claude-sonnet-4-5-20250929'], ['google', 'gemini-2.5-flash'], ['google', 'gemini-2.5-pro'], ['google', 'gemini-2.0-flash'],
  ];
  const date = '2025-09-20';
  it.each(MODELS)('%s %s: same cost as the catalog’s calcPrice, below and above any long-context threshold', (provider, model) => {
    // Claude Sonnet 4 above 200K is the supplement's long-context price (its own test below), not the catalog's flat one.
    for (const input of model === 'claude-sonnet-4-20250514' ? [150_000] : [150_000, 400_000]) {
      const u = { ...usage, input_tokens: input };
      const ours = new PriceBook().priceTokens({ provider, model, date }, u);
      const theirs = calcPrice(genai(u), model, { providerId: provider, timestamp: new Date(`${date}T12:00:00Z`) })!;
      const webKnown = theirs.model_price.web_searches_kcount !== undefined;
      if (!webKnown) {
        // No web-search price in the catalog: the event is unpriced (never priced without its searches).
        expect(ours).toMatchObject({ source: 'unpriced', cost_usd: null });
        expect(ours.reason).toMatch(/web_search_per_1k/);
        const noWeb = new PriceBook().priceTokens({ provider, model, date }, { ...u, web_search_requests: 0 });
        const theirsNoWeb = calcPrice({ ...genai(u), web_searches: 0 }, model, { providerId: provider, timestamp: new Date(`${date}T12:00:00Z`) })!;
        expect(noWeb.cost_usd).toBeCloseTo(theirsNoWeb.total_price, 12);
      } else {
        expect(ours.source).toBe('catalog');
        expect(ours.cost_usd).toBeCloseTo(theirs.total_price, 12);
      }
    }
  });

  it('prices the Anthropic usage-report reference example at its true cost (5m/1h writes, web searches)', () => {
    // platform.claude.com › Admin API › Get Messages Usage Report, response example: claude-sonnet-4-20250514,
    // uncached 1500, cache read 200, 5m writes 500, 1h writes 1000, output 500, 10 web searches.
    const r = new PriceBook().priceTokens(
      { provider: 'anthropic', model: 'claude-sonnet-4-20250514', date: '2025-08-01', service_tier: 'standard', context_tier: 'standard' },
      { input_tokens: 3200, cached_input_tokens: 200, cache_write_tokens: 1500, cache_write_1h_tokens: 1000, output_tokens: 500, web_search_requests: 10 },
    );
    // 1500×$3 + 200×$0.30 + 500×$3.75 + 1000×$6 + 500×$15 per MTok = $0.019935, + 10 × $10/1000 = $0.10
    expect(r.cost_usd).toBeCloseTo(0.119935, 12);
    // What the old mapping priced (one write count at 1.25×, searches dropped): about 15% of it.
    const old = new PriceBook().priceTokens({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', date: '2025-08-01' }, { input_tokens: 3200, cached_input_tokens: 200, cache_write_tokens: 1500, output_tokens: 500 });
    expect(old.cost_usd! / r.cost_usd!).toBeCloseTo(0.147, 3);
  });

  it('a 1-hour cache write costs 2× input and a 5-minute one 1.25×', () => {
    const pb = new PriceBook();
    const q = { provider: 'anthropic', model: 'claude-3-5-haiku-20241022', date };
    const w1h = pb.priceTokens(q, { input_tokens: M, cache_write_tokens: M, cache_write_1h_tokens: M, output_tokens: 0 }).cost_usd!;
    const w5m = pb.priceTokens(q, { input_tokens: M, cache_write_tokens: M, output_tokens: 0 }).cost_usd!;
    expect(w1h).toBeCloseTo(2 * 0.8, 12);
    expect(w5m).toBeCloseTo(1.25 * 0.8, 12);
  });

  it('Claude without a 1-hour price in the catalog (on Vertex) gets 2× input from the supplement', () => {
    const K = 100_000;
    const r = new PriceBook().priceTokens({ provider: 'google', model: 'claude-sonnet-4@20250514', date }, { input_tokens: K, cache_write_tokens: K, cache_write_1h_tokens: K, output_tokens: 0 });
    expect(r.cost_usd).toBeCloseTo((K * 6) / M, 12);
  });

  it('context_tier chooses the long-context tier for a report line whatever its summed input', () => {
    const pb = new PriceBook();
    const q = { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', date };
    const small = { input_tokens: 1000, output_tokens: 1000 };
    const big = { input_tokens: 5 * M, output_tokens: 1000 };
    expect(pb.priceTokens({ ...q, context_tier: 'long' }, small).cost_usd).toBeCloseTo((1000 * 6 + 1000 * 22.5) / M, 12);
    // a day's bucket of many small requests: summed input past 200K, still the standard tier
    expect(pb.priceTokens({ ...q, context_tier: 'standard' }, big).cost_usd).toBeCloseTo((5 * M * 3 + 1000 * 15) / M, 12);
    // one request of 5M input tokens (context tier not given): long context
    expect(pb.priceTokens(q, big).cost_usd).toBeCloseTo((5 * M * 6 + 1000 * 22.5) / M, 12);
  });

  it('Claude Sonnet 4 long context comes from the dated supplement (the catalog prices it flat)', () => {
    const pb = new PriceBook();
    const u = { input_tokens: 300_000, output_tokens: 1000 };
    const after = pb.priceTokens({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', date: '2025-09-01' }, u);
    expect(after.cost_usd).toBeCloseTo((300_000 * 6 + 1000 * 22.5) / M, 12);
    expect(after.adjustments.join(' ')).toMatch(/long context \(Anthropic docs, Pricing › Long context pricing/);
    const before = pb.priceTokens({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', date: '2025-08-01' }, u);
    expect(before.cost_usd).toBeCloseTo((300_000 * 3 + 1000 * 15) / M, 12);
  });

  it('service tiers: OpenAI flex at Batch rates, priority from the price list, contractual tiers unpriced with the reason', () => {
    const pb = new PriceBook();
    const u = { input_tokens: M, cached_input_tokens: M / 2, output_tokens: M };
    const q = { provider: 'openai', model: 'gpt-4o', date };
    const std = pb.priceTokens({ ...q, service_tier: 'default' }, u).cost_usd!;
    expect(std).toBeCloseTo(0.5 * 2.5 + 0.5 * 1.25 + 10, 12);
    expect(pb.priceTokens({ ...q, service_tier: 'flex' }, u).cost_usd).toBeCloseTo(std / 2, 12);
    expect(pb.priceTokens({ ...q, service_tier: 'priority' }, u).cost_usd).toBeCloseTo(0.5 * 4.25 + 0.5 * 2.125 + 17, 12);
    const anthropicPriority = pb.priceTokens({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', date, service_tier: 'priority' }, u);
    expect(anthropicPriority).toMatchObject({ source: 'unpriced', cost_usd: null });
    expect(anthropicPriority.reason).toMatch(/service tier "priority" of anthropic has no list price .*Prices row with service_tier priority/);
    // batch as a tier is the batch flag
    expect(pb.priceTokens({ ...q, service_tier: 'batch' }, u).cost_usd).toBeCloseTo(std / 2, 12);
  });

  it('the Prices sheet overrides tiers: a tier multiplier, a tier price, a web-search price', () => {
    const pb = new PriceBook([
      row({ provider: 'anthropic', model: '*', service_tier: 'priority', tier_multiplier: 1.1 }),
      row({ provider: 'openai', model: 'gpt-4o', service_tier: 'Priority', input_mtok: 3, output_mtok: 12 }),
      row({ provider: 'google', model: 'gemini-2.5-flash', web_search_per_1k: 35 }),
    ]);
    const u = { input_tokens: M, output_tokens: M };
    const K = 100_000;
    expect(pb.priceTokens({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', date, service_tier: 'priority' }, { input_tokens: K, output_tokens: K }).cost_usd).toBeCloseTo((1.1 * 18 * K) / M, 12);
    const o = pb.priceTokens({ provider: 'openai', model: 'gpt-4o', date, service_tier: 'priority' }, u);
    expect(o).toMatchObject({ source: 'override', cost_usd: 15 });
    // a standard-tier request of the same model is not touched by the priority row
    expect(pb.priceTokens({ provider: 'openai', model: 'gpt-4o', date }, u).cost_usd).toBeCloseTo(12.5, 12);
    expect(pb.priceTokens({ provider: 'google', model: 'gemini-2.5-flash', date }, { input_tokens: 0, output_tokens: 0, web_search_requests: 2 }).cost_usd).toBeCloseTo(0.07, 12);
  });

  it('audio and image tokens are priced at their own prices, not as text', () => {
    const pb = new PriceBook();
    const audio = pb.priceTokens({ provider: 'openai', model: 'gpt-realtime', date }, { input_tokens: M, audio_input_tokens: M, output_tokens: M, audio_output_tokens: M });
    expect(audio.cost_usd).toBeCloseTo(32 + 64, 12);
    const text = pb.priceTokens({ provider: 'openai', model: 'gpt-realtime', date }, { input_tokens: M, output_tokens: M });
    expect(text.cost_usd).toBeCloseTo(4 + 16, 12);
  });

  it('rejects parts larger than their whole', () => {
    expect(() => new PriceBook().priceTokens({ model: 'gpt-4o' }, { input_tokens: 10, output_tokens: 5, reasoning_tokens: 6 })).toThrow(/reasoning_tokens/);
    expect(() => new PriceBook().priceTokens({ model: 'gpt-4o' }, { input_tokens: 10, output_tokens: 0, cache_write_tokens: 2, cache_write_1h_tokens: 3 })).toThrow(/cache_write_1h_tokens/);
  });
});
