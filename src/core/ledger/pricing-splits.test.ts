// The builder's fast pricing path (unit prices cached per day, tier and context tier) must charge exactly what
// PriceBook.priceEvent charges for events carrying the fields of issue #13: service tiers, context tiers, 1-hour
// cache writes, audio/image/reasoning splits and web searches; and list an event it cannot price.
import { LedgerBuilder } from './builder';
import { PriceBook } from '../pricing';
import { ev } from './fixtures';
import { priceOverrideSchema } from '../model/records';

const events = [
  ev({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', input_tokens: 3200, cached_input_tokens: 200, cache_write_tokens: 1500, cache_write_1h_tokens: 1000, output_tokens: 500, web_search_requests: 10, service_tier: 'standard', context_tier: 'standard' }),
  ev({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', input_tokens: 5_000_000, output_tokens: 1000, context_tier: 'standard' }),
  ev({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', input_tokens: 1000, output_tokens: 1000, context_tier: 'long' }),
  ev({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', input_tokens: 300_000, output_tokens: 1000, timestamp: '2025-09-01T10:00:00Z' }),
  ev({ provider: 'openai', model: 'gpt-4o', input_tokens: 10_000, cached_input_tokens: 4000, output_tokens: 2000, service_tier: 'flex' }),
  ev({ provider: 'openai', model: 'gpt-4o', input_tokens: 10_000, cached_input_tokens: 4000, output_tokens: 2000, service_tier: 'priority' }),
  ev({ provider: 'openai', model: 'gpt-realtime', input_tokens: 10_000, audio_input_tokens: 6000, cached_audio_input_tokens: 1000, cached_input_tokens: 2000, output_tokens: 3000, audio_output_tokens: 2500 }),
  ev({ provider: 'openai', model: 'o3', input_tokens: 1000, output_tokens: 5000, reasoning_tokens: 4000 }),
  ev({ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', input_tokens: 1000, output_tokens: 100, service_tier: 'priority' }),
].map((e, i) => ({ ...e, work_item_id: `S${i}` }));

test('fast path == PriceBook.priceEvent on events with tiers and splits', () => {
  const prices = [priceOverrideSchema.parse({ provider: 'anthropic', model: '*', service_tier: 'priority', tier_multiplier: 1.25 })];
  const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices });
  for (const e of events) b.addEvent(e);
  const exact = b.exactByItem();
  const book = new PriceBook(prices);
  events.forEach((e, i) => {
    const expected = book.priceEvent(e).cost_usd!;
    expect(expected).toBeGreaterThan(0);
    expect(exact.get(`S${i}`)!.api).toBeCloseTo(expected, 12);
  });
});

test('a contractual tier and a web search without a price are listed as unpriced, with the reason', () => {
  const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices: [] });
  b.addEvent(ev({ event_id: 'p1', provider: 'anthropic', model: 'claude-3-5-haiku-20241022', input_tokens: 1000, output_tokens: 100, service_tier: 'priority' }));
  b.addEvent(ev({ event_id: 'w1', provider: 'google', model: 'gemini-2.5-flash', input_tokens: 1000, output_tokens: 100, web_search_requests: 2 }));
  const r = b.finish();
  expect(r.unpriced.map((u) => [u.event_id, u.reason])).toEqual([
    ['p1', expect.stringMatching(/service tier "priority" of anthropic has no list price/)],
    ['w1', expect.stringMatching(/no web-search price for model "gemini-2.5-flash"/)],
  ]);
});
