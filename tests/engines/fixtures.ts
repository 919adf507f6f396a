// Inputs for the agreement tests: the rules of DESIGN.md §3 one by one (as the hand-computed cases of
// src/core/ledger/ledger.test.ts), the sample organisation, and adversarial rounding cases.
import { priceOverrideSchema, type LedgerInputs, type PriceOverride } from '../../src/core/model/records';
import { generateSample } from '../../src/core/sample';
import { agent, ev, inputs, rv, wi } from '../../src/core/ledger/fixtures';

const ACME: PriceOverride = priceOverrideSchema.parse({ provider: 'openai', model: 'acme-1', input_mtok: 2, cached_input_mtok: 1, output_mtok: 8 });

/** Pricing: reported cost, negotiated and catalog prices, cache, batch, long-context tiers past 200k, offsets, service
 * tiers, web searches without a price, an unknown model, tools with and without a price, reviews with and without a rate. */
export function pricingCase(): LedgerInputs {
  const events = [
    ev({ input_tokens: 1000, output_tokens: 500, model: 'acme-1' }),
    ev({ input_tokens: 1000, cached_input_tokens: 400, output_tokens: 500, model: 'acme-1' }),
    ev({ input_tokens: 500000, batch: true, model: 'acme-1' }),
    ev({ input_tokens: 1_000_000, cost_usd: 0.42, model: 'acme-1' }),
    ev({ model: 'no-such-model-xyz', input_tokens: 10 }),
    ev({ model: 'gpt-4o', input_tokens: 12345, cached_input_tokens: 2000, output_tokens: 678 }),
    ev({ model: 'gpt-4o', input_tokens: 12345, output_tokens: 678, batch: true }),
    ev({ model: 'gpt-4o-mini', input_tokens: 999, output_tokens: 1, timestamp: '2026-10-05T23:30:00-03:00' }),
    ev({ model: 'gpt-4o', input_tokens: 10_000, cached_input_tokens: 4000, output_tokens: 2000, service_tier: 'flex' }),
    ev({ model: 'gpt-4o', input_tokens: 10_000, cached_input_tokens: 4000, output_tokens: 2000, service_tier: 'priority' }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 300000, cached_input_tokens: 1000, cache_write_tokens: 5000, output_tokens: 4000 }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 150000, cached_input_tokens: 1000, output_tokens: 4000 }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 200000, output_tokens: 10 }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 200001, output_tokens: 10 }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 1000, output_tokens: 1000, context_tier: 'long' }),
    ev({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', input_tokens: 3200, cached_input_tokens: 200, cache_write_tokens: 1500, cache_write_1h_tokens: 1000, output_tokens: 500, web_search_requests: 10 }),
    ev({ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', input_tokens: 1000, output_tokens: 100, service_tier: 'priority' }),
    ev({ provider: 'google', model: 'gemini-2.5-pro', input_tokens: 250000, output_tokens: 700, timestamp: '2026-10-06T11:00:00Z' }),
    ev({ provider: 'google', model: 'gemini-2.5-flash', input_tokens: 1000, output_tokens: 100, web_search_requests: 2 }),
    ev({ provider: 'openai', model: 'gpt-realtime', input_tokens: 10_000, audio_input_tokens: 6000, cached_audio_input_tokens: 1000, cached_input_tokens: 2000, output_tokens: 3000, audio_output_tokens: 2500 }),
    ev({ provider: 'openai', model: 'o3', input_tokens: 1000, output_tokens: 5000, reasoning_tokens: 4000, status: 'retry' }),
    ev({ kind: 'vector_search', units: 250, provider: 'pinecone', model: 'vector-search' }),
    ev({ kind: 'tool', units: 3, provider: 'serp', model: '' }),
    ev({ kind: 'tool', units: 3, provider: 'serp', model: '', cost_usd: 0.5 }),
  ].map((e, i) => ({ ...e, work_item_id: i % 7 === 6 ? '' : `P${i % 5}` }));
  return inputs({
    agents: [agent({ agent_id: 'a1', business_unit: 'Service' })],
    prices: [ACME, priceOverrideSchema.parse({ provider: 'anthropic', model: '*', service_tier: 'priority', tier_multiplier: 1.25 })],
    toolPrices: [{ kind: 'vector_search', unit_price_usd: 0.0004 }],
    rates: [{ reviewer_role: 'Analyst', hourly_rate_usd: 60 }, { reviewer_role: 'senior', hourly_rate_usd: 45 }],
    workItems: [0, 1, 2, 3, 4].map((i) => wi({ work_item_id: `P${i}` })),
    events,
    reviews: [
      rv({ work_item_id: 'P1', reviewer_role: 'analyst', minutes: 30 }),
      rv({ work_item_id: 'P1', reviewer_role: 'senior', minutes: 12, result: 'corrected' }),
      rv({ work_item_id: 'P2', reviewer_role: 'intern', minutes: 20, result: 'rejected' }),
    ],
    invoices: [{ period: '2026-10', provider: 'OpenAI', billed_usd: 3 }, { period: '2026-10', provider: 'openai', billed_usd: 0.5 }, { period: '2026-10', provider: 'anthropic', billed_usd: 1 }],
  });
}

/** A Prices row taking effect at a time of day: events before and after it on that day are priced differently. */
export function timeOfDayCase(): LedgerInputs {
  return inputs({
    prices: [ACME, { ...ACME, effective_from: '2026-10-05T12:00:00Z', input_mtok: 3 }],
    workItems: [wi({ work_item_id: 'W1' }), wi({ work_item_id: 'W2' })],
    events: [
      ev({ work_item_id: 'W1', model: 'acme-1', input_tokens: 1_000_000, timestamp: '2026-10-05T11:59:59Z' }),
      ev({ work_item_id: 'W2', model: 'acme-1', input_tokens: 1_000_000, timestamp: '2026-10-05T12:00:00Z' }),
      ev({ work_item_id: 'W2', model: 'acme-1', input_tokens: 1_000_000, timestamp: '2026-10-06T00:00:00+02:00' }),
    ],
  });
}

/** Overheads by driver and scope (matched case-insensitively), credits, no driver weight, scopes with no items. */
export function overheadCase(): LedgerInputs {
  return inputs({
    agents: [agent({ agent_id: 'x', business_unit: 'Service' }), agent({ agent_id: 'y', business_unit: 'Claims' })],
    workItems: [wi({ work_item_id: 'A', agent_id: 'x' }), wi({ work_item_id: 'B', agent_id: 'x' }), wi({ work_item_id: 'C', agent_id: 'y', closed_at: '2026-10-20T00:00:00Z', outcome: 'success' }), wi({ work_item_id: 'D', agent_id: 'y', business_unit: 'Loans' })],
    events: [
      ev({ work_item_id: 'A', agent_id: 'x', cost_usd: 1, input_tokens: 600, output_tokens: 400 }),
      ev({ work_item_id: 'B', agent_id: 'x', cost_usd: 2, input_tokens: 2000, output_tokens: 500 }),
      ev({ work_item_id: 'B', agent_id: 'x', cost_usd: 1, status: 'error', input_tokens: 500 }),
      ev({ work_item_id: 'D', agent_id: 'y', kind: 'tool', cost_usd: 0.3 }),
    ],
    overheads: [
      { period: '2026-10', category: 'infra', amount_usd: 100, scope: 'all', driver: 'work_items' },
      { period: '2026-10', category: 'gpu', amount_usd: 10, scope: ' Agent:X ', driver: 'api_cost' },
      { period: '2026-10', category: 'tokens', amount_usd: 7.77, scope: 'all', driver: 'tokens' },
      { period: '2026-10', category: 'claims', amount_usd: 5, scope: 'business_unit:claims', driver: 'api_cost' },
      { period: '2026-10', category: 'credit', amount_usd: -3.33, scope: 'business_unit:Loans', driver: 'work_items' },
      { period: '2026-10', category: 'ghost', amount_usd: 9.99, scope: 'agent:nobody', driver: 'work_items' },
      { period: '2026-10', category: 'nobu', amount_usd: 4, scope: 'business_unit:Nowhere', driver: 'tokens' },
      { period: '2026-11', category: 'later', amount_usd: 12, scope: 'all', driver: 'work_items' },
    ],
  });
}

/** True-up: invoice lines summed, provider aliases, a negative true-up, an invoice without usage, a provider whose
 * events are all unpriced (spread by event count), unattributed usage sharing the true-up. */
export function trueupCase(): LedgerInputs {
  return inputs({
    workItems: [wi({ work_item_id: 'W1' }), wi({ work_item_id: 'W2' }), wi({ work_item_id: 'W3' })],
    events: [
      ev({ work_item_id: 'W1', provider: 'openai', cost_usd: 1.234567 }),
      ev({ work_item_id: 'W2', provider: 'OpenAI', cost_usd: 2.345678 }),
      ev({ work_item_id: '', provider: 'openai', cost_usd: 0.111111 }),
      ev({ work_item_id: 'W3', provider: 'Bedrock', cost_usd: 5 }),
      ev({ work_item_id: 'W1', provider: 'mistral', model: 'no-such-model' }),
      ev({ work_item_id: 'W2', provider: 'mistral', model: 'no-such-model' }),
      ev({ work_item_id: 'W3', provider: 'mistral', model: 'no-such-model' }),
    ],
    invoices: [
      { period: '2026-10', provider: 'openai', billed_usd: 2 },
      { period: '2026-10', provider: 'openai', billed_usd: 2.01 },
      { period: '2026-10', provider: 'aws', billed_usd: 4.5 },
      { period: '2026-10', provider: 'mistral', billed_usd: 1 },
      { period: '2026-10', provider: 'google', billed_usd: 7 },
    ],
  });
}

/** Periods, offsets, closing months without cost, re-imports (duplicates and conflicts), unknown items, no agent. */
export function periodsAndImportsCase(): LedgerInputs {
  const dup = ev({ event_id: 'E-dup', work_item_id: 'W1', cost_usd: 0.2 });
  return inputs({
    agents: [agent({ agent_id: 'a1', business_unit: 'Service' })],
    rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 60 }],
    workItems: [
      wi({ work_item_id: 'W1', closed_at: '2026-10-02T00:00:00Z', outcome: 'success' }),
      wi({ work_item_id: 'W1', closed_at: '2026-10-02T00:00:00Z', outcome: 'success' }),
      wi({ work_item_id: 'W1', closed_at: '2026-10-03T00:00:00Z', outcome: 'failure' }),
      wi({ work_item_id: 'W2', agent_id: 'zz', closed_at: '2026-11-01T00:30:00+01:00', outcome: 'failure' }),
      wi({ work_item_id: 'W3', closed_at: '2026-09-30' }),
    ],
    events: [
      dup, dup, { ...dup, cost_usd: 0.3 },
      ev({ work_item_id: 'W1', cost_usd: 1.5, timestamp: '2026-09-30T23:59:59Z' }),
      ev({ work_item_id: 'W1', cost_usd: 0.5, timestamp: '2026-11-01T01:00:00+02:00' }),
      ev({ work_item_id: 'W2', agent_id: 'zz', cost_usd: 0.25, timestamp: '2026-10-31T23:00:00-01:00' }),
      ev({ work_item_id: '', agent_id: '', cost_usd: 0.07 }),
      ev({ work_item_id: 'W-9', agent_id: 'b2', cost_usd: 0.5 }),
      ev({ work_item_id: 'W-7', agent_id: 'b2', cost_usd: 0.5 }),
      ev({ work_item_id: 'W-5', cost_usd: 0.5 }),
      ev({ work_item_id: 'W-1', cost_usd: 0.5 }),
      ev({ work_item_id: 'W-2', cost_usd: 0.5 }),
      ev({ work_item_id: 'W-3', cost_usd: 0.5 }),
    ],
    reviews: [
      rv({ work_item_id: 'W1', minutes: 6, reviewed_at: '2026-11-02T00:00:00Z' }),
      rv({ work_item_id: 'W1', minutes: 6, reviewed_at: '2026-11-02T00:00:00Z' }),
      rv({ work_item_id: 'W-9', minutes: 7 }),
      rv({ work_item_id: 'W-77', minutes: 8 }),
    ],
  });
}

/** Seeded random months with ties: many lines of exactly half a cent, thirds, values a hair below a cent, huge and
 * tiny amounts, negative overheads and true-ups, names with formula and wildcard characters, quotes and non-Latin text. */
export function adversarialCase(seed = 7): LedgerInputs {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const agents = ['csr*1', 'a?b', 'x~y', '=SUM(A1)', '<b>', 'agent "q", two', '客服-é', 'emoji-🚀'];
  const bus = ['Service', 'Claims & Co', '>Loans', 'BU "north"'];
  const amounts = [0.005, 0.015, 0.025, 1 / 3, 2 / 3, 0.0299999999, 0.0300000001, 0.004999999, 0.005000001, 1e-12, 1234.005, 0.01, 0];
  const workItems = Array.from({ length: 120 }, (_, i) =>
    wi({ work_item_id: `W${String(i).padStart(3, '0')}${i % 11 === 0 ? '=1+1' : ''}`, agent_id: agents[i % agents.length], business_unit: i % 5 === 0 ? bus[i % bus.length] : '', closed_at: rnd() < 0.6 ? `2026-${rnd() < 0.5 ? '10' : '11'}-1${Math.floor(rnd() * 9)}T00:00:00Z` : '', outcome: rnd() < 0.7 ? 'success' : 'failure' }),
  );
  const events = Array.from({ length: 900 }, (_, i) =>
    ev({
      event_id: `E${i}`,
      work_item_id: rnd() < 0.05 ? '' : rnd() < 0.03 ? `GHOST-${i % 4}` : workItems[Math.floor(rnd() * workItems.length)].work_item_id,
      agent_id: agents[i % agents.length],
      timestamp: `2026-${rnd() < 0.5 ? '10' : '11'}-0${1 + Math.floor(rnd() * 9)}T10:00:00Z`,
      provider: rnd() < 0.6 ? 'openai' : rnd() < 0.5 ? 'anthropic' : 'pinecone',
      kind: rnd() < 0.8 ? 'llm' : 'tool',
      status: rnd() < 0.05 ? 'retry' : rnd() < 0.02 ? 'error' : 'ok',
      cost_usd: amounts[Math.floor(rnd() * amounts.length)],
      input_tokens: Math.floor(rnd() * 5000),
      output_tokens: Math.floor(rnd() * 500),
    }),
  );
  return inputs({
    agents: agents.slice(0, 6).map((a, i) => agent({ agent_id: a, business_unit: bus[i % bus.length], target_cost_per_outcome: i % 2 ? 1.23 : null })),
    rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 51 }],
    workItems,
    events,
    reviews: Array.from({ length: 60 }, (_, i) => rv({ work_item_id: workItems[i].work_item_id, minutes: (1 + Math.floor(rnd() * 20)) / 3, reviewed_at: '2026-11-02T00:00:00Z' })),
    overheads: [
      { period: '2026-10', category: 'a', amount_usd: 100, scope: 'all', driver: 'work_items' },
      { period: '2026-10', category: 'b', amount_usd: 0.05, scope: 'all', driver: 'tokens' },
      { period: '2026-11', category: 'c', amount_usd: -67.891, scope: `agent:${agents[1]}`, driver: 'api_cost' },
      { period: '2026-11', category: 'd', amount_usd: 10, scope: `business_unit:${bus[1]}`, driver: 'work_items' },
    ],
    invoices: [
      { period: '2026-10', provider: 'openai', billed_usd: 1.23 },
      { period: '2026-11', provider: 'openai', billed_usd: 999.99 },
      { period: '2026-11', provider: 'anthropic', billed_usd: 0 },
    ],
  });
}

/** The sample organisation (src/core/sample): `withCost` fills cost_usd; without, the price book prices every event. */
export function sampleCase(withCost: boolean, scale = 0.004, months = 2): LedgerInputs {
  const i = inputs();
  const ctx = generateSample({ months, scale, seed: 11, endPeriod: '2026-10', withCost }, {
    event: (e) => void i.events.push(e),
    workItem: (w) => void i.workItems.push(w),
    review: (r) => void i.reviews.push(r),
  });
  return { ...i, agents: ctx.agents, rates: ctx.rates, toolPrices: ctx.toolPrices, overheads: ctx.overheads, invoices: ctx.invoices, prices: ctx.prices };
}
