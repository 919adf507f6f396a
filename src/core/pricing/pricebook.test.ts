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
