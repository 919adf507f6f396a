// One small hand-computed case per rule of DESIGN.md §3 (expected figures worked out in the comments).
import type { PriceOverride } from '../model/records';
import { PriceBook } from '../pricing';
import { LedgerBuilder, buildLedger, type LedgerResult } from './index';
import { agrees, makeConservation } from './conserve';
import { agent, c, ev, inputs, rv, wi } from './fixtures';

const row = (r: LedgerResult, id: string, period = '2026-10') => {
  const x = r.rows.find((w) => w.work_item_id === id && w.period === period);
  if (!x) throw new Error(`no row ${id} ${period}`);
  return x;
};
const sumC = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + c(f(x)), 0);

/** acme-1: $2 / 1M input, $1 / 1M cached input, $8 / 1M output (a negotiated price, so the test does not move with the catalog). */
const ACME: PriceOverride = {
  provider: 'openai', model: 'acme-1', effective_from: '', input_mtok: 2, cached_input_mtok: 1, cache_write_mtok: null,
  output_mtok: 8, discount_pct: null, batch_multiplier: null, maps_to_model: '', note: '',
};

describe('components', () => {
  test('retries: status error/retry of any kind go to retry; ok llm to api; ok tool to tools', () => {
    const r = buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1' })],
        events: [
          ev({ cost_usd: 0.1 }),
          ev({ cost_usd: 0.2, status: 'error' }),
          ev({ cost_usd: 0.05, status: 'retry', kind: 'tool' }),
          ev({ cost_usd: 0.03, kind: 'tool' }),
        ],
      }),
    );
    const w = row(r, 'W1');
    expect([w.api, w.retry, w.tools, w.total]).toEqual([0.1, 0.25, 0.03, 0.38]);
    expect(w.retries).toBe(2);
    expect(w.events).toBe(4);
  });

  test('tools priced by units × tool price; reported cost wins; a kind without a tool price is unpriced and listed', () => {
    const r = buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1' })],
        toolPrices: [{ kind: 'vector_search', unit_price_usd: 0.0004 }],
        events: [
          ev({ kind: 'vector_search', units: 250 }), // 250 × 0.0004 = 0.10
          ev({ kind: 'vector_search', units: 10, cost_usd: 0.5 }), // reported: 0.50
          ev({ event_id: 'T-no-price', kind: 'tool', units: 3, provider: 'serp', model: '' }), // no price for "tool"
        ],
      }),
    );
    const w = row(r, 'W1');
    expect(w.tools).toBe(0.6);
    expect(w.events).toBe(3); // the unpriced one is counted
    expect(r.counts.unpriced).toBe(1);
    expect(r.unpriced).toEqual([expect.objectContaining({ event_id: 'T-no-price', period: '2026-10', agent_id: 'a1' })]);
    expect(r.unpriced[0].reason).toMatch(/no tool price for kind tool/);
    expect(r.unpricedGroups).toEqual([expect.objectContaining({ count: 1, provider: 'serp' })]);
  });

  test('unpriced events are grouped by period, provider, model and reason, however they interleave', () => {
    const llm = (o: Partial<Parameters<typeof ev>[0]>) => ev({ model: 'zz-1', kind: 'llm', input_tokens: 10, ...o });
    const r = buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1' })],
        events: [
          llm({}),
          llm({ timestamp: '2026-11-02T10:00:00Z' }),
          llm({ provider: 'acme' }),
          ev({ model: 'zz-1', kind: 'tool', units: 1 }), // no tool price: another reason, same model
          llm({}),
          llm({ timestamp: '2026-11-03T10:00:00Z' }),
        ],
      }),
    );
    const groups = r.unpricedGroups.map((g) => [g.period, g.provider, g.model, /tool price/.test(g.reason) ? 'tool' : 'model', g.count]);
    expect(groups).toEqual([
      ['2026-10', 'acme', 'zz-1', 'model', 1],
      ['2026-10', 'openai', 'zz-1', 'model', 2],
      ['2026-10', 'openai', 'zz-1', 'tool', 1],
      ['2026-11', 'openai', 'zz-1', 'model', 2],
    ]);
    expect(r.counts.unpriced).toBe(6);
  });

  test('llm events priced by the price book (cached tokens, batch); provider-reported cost wins; unknown model unpriced', () => {
    const r = buildLedger(
      inputs({
        prices: [ACME],
        workItems: [wi({ work_item_id: 'W1' }), wi({ work_item_id: 'W2' }), wi({ work_item_id: 'W3' })],
        events: [
          // 1000 in at $2/M + 500 out at $8/M = 0.002 + 0.004 = 0.006; with 400 cached: 600×2 + 400×1 = 0.0016 → 0.0056
          ev({ work_item_id: 'W1', input_tokens: 1000, output_tokens: 500 }),
          ev({ work_item_id: 'W1', input_tokens: 1000, cached_input_tokens: 400, output_tokens: 500 }),
          // batch: default ×0.5 → 500000 in × 2/M = 1.00 → 0.50
          ev({ work_item_id: 'W2', input_tokens: 500000, batch: true }),
          // reported cost wins over 1M tokens at the negotiated price (which would be $2)
          ev({ work_item_id: 'W3', input_tokens: 1_000_000, cost_usd: 0.42 }),
          ev({ work_item_id: 'W3', model: 'no-such-model-xyz', input_tokens: 10, event_id: 'U1' }),
        ],
      }),
    );
    expect(row(r, 'W1').api).toBe(0.01); // 0.0116
    expect(r.conservationByPeriod['2026-10'].events_and_reviews).toBeCloseTo(0.0116 + 0.5 + 0.42, 12);
    expect(row(r, 'W2').api).toBe(0.5);
    expect(row(r, 'W3').api).toBe(0.42);
    expect(row(r, 'W3').events).toBe(2);
    expect(r.unpriced.map((u) => u.event_id)).toEqual(['U1']);
    expect(r.unpriced[0].reason).toMatch(/not in the price catalog/);
  });

  test('the builder prices exactly as PriceBook.priceEvent (catalog models, tiers, cache tokens, batch, overrides, offsets)', () => {
    const events = [
      ev({ model: 'gpt-4o', input_tokens: 12345, cached_input_tokens: 2000, output_tokens: 678 }),
      ev({ model: 'gpt-4o', input_tokens: 12345, output_tokens: 678, batch: true }),
      ev({ model: 'gpt-4o-mini', input_tokens: 999, output_tokens: 1, timestamp: '2026-10-05T23:30:00-03:00' }),
      ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 300000, cached_input_tokens: 1000, cache_write_tokens: 5000, output_tokens: 4000 }),
      ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 150000, cached_input_tokens: 1000, output_tokens: 4000 }),
      ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 200000, output_tokens: 10 }),
      ev({ provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 200001, output_tokens: 10 }),
      ev({ provider: 'google', model: 'gemini-2.5-pro', input_tokens: 5000, output_tokens: 700, timestamp: '2026-10-06T10:00:00Z' }),
      ev({ provider: 'google', model: 'gemini-2.5-pro', input_tokens: 250000, output_tokens: 700, timestamp: '2026-10-06T11:00:00Z' }),
      ev({ model: 'acme-1', input_tokens: 1000, output_tokens: 500 }),
    ].map((e, i) => ({ ...e, work_item_id: `P${i}` }));
    const prices = [ACME, { ...ACME, model: '*', input_mtok: null, cached_input_mtok: null, output_mtok: null, discount_pct: 10 }];
    const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices });
    for (const e of events) b.addEvent(e);
    const exact = b.exactByItem();
    const book = new PriceBook(prices);
    events.forEach((e, i) => {
      const expected = book.priceEvent(e).cost_usd!;
      expect(expected).toBeGreaterThan(0);
      expect(exact.get(`P${i}`)!.api).toBeCloseTo(expected, 12);
    });
  });

  test('reviews: minutes / 60 × the role rate (role matched case-insensitively); a role without a rate is listed', () => {
    const r = buildLedger(
      inputs({
        rates: [{ reviewer_role: 'Analyst', hourly_rate_usd: 60 }, { reviewer_role: 'senior', hourly_rate_usd: 45 }],
        workItems: [wi({ work_item_id: 'W1' })],
        reviews: [
          rv({ work_item_id: 'W1', reviewer_role: 'analyst', minutes: 30 }), // 30
          rv({ work_item_id: 'W1', reviewer_role: 'senior', minutes: 12, result: 'corrected' }), // 9
          rv({ work_item_id: 'W1', reviewer_role: 'intern', minutes: 20, result: 'rejected' }), // no rate
        ],
      }),
    );
    const w = row(r, 'W1');
    expect(w.review).toBe(39);
    expect(w.review_minutes).toBe(62);
    expect([w.reviews, w.approved, w.reviewed]).toEqual([3, 1, 1]);
    expect(r.unpriced).toHaveLength(1);
    expect(r.unpriced[0].reason).toMatch(/no hourly rate for reviewer role "intern"/);
    expect(r.counts.reviews).toBe(3);
  });
});

describe('overheads', () => {
  // A: api 1.00, 1000 tokens (agent x); B: api 2.00 + retry 1.00, 3000 tokens (agent x); C: closes in Oct, no cost (agent y, BU Claims)
  const base = () =>
    inputs({
      agents: [agent({ agent_id: 'x', business_unit: 'Service' }), agent({ agent_id: 'y', business_unit: 'Service' })],
      workItems: [
        wi({ work_item_id: 'A', agent_id: 'x' }),
        wi({ work_item_id: 'B', agent_id: 'x' }),
        wi({ work_item_id: 'C', agent_id: 'y', business_unit: 'Claims', closed_at: '2026-10-20T00:00:00Z', outcome: 'success' }),
      ],
      events: [
        ev({ work_item_id: 'A', agent_id: 'x', cost_usd: 1, input_tokens: 600, output_tokens: 400 }),
        ev({ work_item_id: 'B', agent_id: 'x', cost_usd: 2, input_tokens: 1000, output_tokens: 1000 }),
        ev({ work_item_id: 'B', agent_id: 'x', cost_usd: 1, status: 'error', input_tokens: 1000, output_tokens: 0 }),
      ],
    });

  test('work_items driver shares equally over every item in the period (C is in it by closing)', () => {
    const r = buildLedger({ ...base(), overheads: [{ period: '2026-10', category: 'infra', amount_usd: 90, scope: 'all', driver: 'work_items' }] });
    expect(['A', 'B', 'C'].map((id) => row(r, id).overhead)).toEqual([30, 30, 30]);
  });

  test('api_cost driver is pro rata to api + retry', () => {
    const r = buildLedger({ ...base(), overheads: [{ period: '2026-10', category: 'obs', amount_usd: 100, scope: 'all', driver: 'api_cost' }] });
    expect(['A', 'B', 'C'].map((id) => row(r, id).overhead)).toEqual([25, 75, 0]);
  });

  test('tokens driver is pro rata to input + output tokens', () => {
    const r = buildLedger({ ...base(), overheads: [{ period: '2026-10', category: 'vdb', amount_usd: 40, scope: 'all', driver: 'tokens' }] });
    expect(['A', 'B', 'C'].map((id) => row(r, id).overhead)).toEqual([10, 30, 0]);
  });

  test('scope agent:<id> and business_unit:<name> (matched case-insensitively; row BU = item BU, else agent BU)', () => {
    const r = buildLedger({
      ...base(),
      overheads: [
        { period: '2026-10', category: 'x-only', amount_usd: 10, scope: 'agent:x', driver: 'work_items' },
        { period: '2026-10', category: 'claims', amount_usd: 7, scope: 'business_unit:claims', driver: 'work_items' },
        { period: '2026-10', category: 'service', amount_usd: 4, scope: 'business_unit:Service', driver: 'api_cost' },
      ],
    });
    // x-only: A 5, B 5; claims: C 7; service (A, B by api+retry 1:3): A 1, B 3
    expect(['A', 'B', 'C'].map((id) => row(r, id).overhead)).toEqual([6, 8, 7]);
    expect(row(r, 'C').business_unit).toBe('Claims');
    expect(row(r, 'A').business_unit).toBe('Service');
  });

  test('$100 over three items is 33.34 + 33.33 + 33.33 on the rows', () => {
    const r = buildLedger({ ...base(), overheads: [{ period: '2026-10', category: 'infra', amount_usd: 100, scope: 'all', driver: 'work_items' }] });
    expect(['A', 'B', 'C'].map((id) => row(r, id).overhead)).toEqual([33.34, 33.33, 33.33]);
  });

  test('scope without items stays visible as unallocated overhead; driver with no weight falls back to an equal split', () => {
    const r = buildLedger({
      ...base(),
      events: [ev({ work_item_id: 'A', agent_id: 'x', kind: 'tool', cost_usd: 0.5 }), ev({ work_item_id: 'B', agent_id: 'x', kind: 'tool', cost_usd: 0.5 })],
      workItems: base().workItems.slice(0, 2),
      overheads: [
        { period: '2026-10', category: 'ghost-infra', amount_usd: 12, scope: 'agent:ghost', driver: 'work_items' },
        { period: '2026-12', category: 'dec-infra', amount_usd: 3, scope: 'all', driver: 'work_items' },
        { period: '2026-10', category: 'llm-obs', amount_usd: 10, scope: 'all', driver: 'api_cost' }, // no api cost at all → 5 / 5
      ],
    });
    expect(['A', 'B'].map((id) => row(r, id).overhead)).toEqual([5, 5]);
    const un = r.unattributed.filter((u) => u.kind === 'overhead');
    expect(un).toHaveLength(2);
    expect(un[0]).toMatchObject({ period: '2026-10', agent_id: 'ghost', overhead: 12, total: 12 });
    expect(un[0].reason).toMatch(/no work items in scope agent:ghost/);
    expect(un[1]).toMatchObject({ period: '2026-12', agent_id: 'Unassigned', business_unit: 'Unassigned', overhead: 3 });
    expect(r.periods).toEqual(['2026-10', '2026-12']);
    expect(r.conservation.overhead_imported).toBe(25);
    expect(r.conservation.overhead_allocated).toBeCloseTo(10, 9);
    expect(r.conservation.overhead_unallocated).toBe(15);
    expect(r.conservation.ok).toBe(true);
    expect(r.agents.map((a) => a.agent_id)).toEqual(['x', 'y', 'Unassigned', 'ghost']);
  });
});

describe('true-up', () => {
  const tu = (billed: number) =>
    buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1' }), wi({ work_item_id: 'W2' })],
        events: [
          ev({ work_item_id: 'W1', cost_usd: 3 }),
          ev({ work_item_id: 'W2', cost_usd: 1 }),
          ev({ work_item_id: '', cost_usd: 1 }), // unattributed, same provider
          ev({ work_item_id: 'W1', provider: 'anthropic', model: 'claude', cost_usd: 2 }), // no invoice: no true-up
        ],
        invoices: [
          { period: '2026-10', provider: 'OpenAI', billed_usd: billed },
          { period: '2026-10', provider: 'google', billed_usd: 2.5 },
        ],
      }),
    );

  test('invoice − computed is spread pro rata over every event of the provider, unattributed included', () => {
    // openai computed 3 + 1 + 1 = 5, billed 10 → +5: W1 3, W2 1, unattributed 1
    const r = tu(10);
    expect(row(r, 'W1').trueup).toBe(3);
    expect(row(r, 'W2').trueup).toBe(1);
    const u = r.unattributed.find((x) => x.kind === 'usage')!;
    expect(u).toMatchObject({ agent_id: 'a1', reason: 'no work item', api: 1, trueup: 1, total: 2 });
    // google has an invoice and no events: visible on Unassigned
    const g = r.unattributed.find((x) => x.kind === 'trueup')!;
    expect(g).toMatchObject({ agent_id: 'Unassigned', trueup: 2.5, total: 2.5 });
    expect(g.reason).toMatch(/google/);
    expect(r.conservation.invoice_minus_computed).toBeCloseTo(7.5, 9);
    expect(r.conservation.trueup_spread).toBeCloseTo(7.5, 9);
    expect(r.conservation.ok).toBe(true);
    // Σ all rows' api+retry+tools+trueup for openai events = the invoice; anthropic 2 untouched: 10 + 2 + 2.5 = 14.5
    const all = [...r.rows, ...r.unattributed];
    expect(sumC(all, (x) => x.total)).toBe(1450);
  });

  test('a negative true-up (billed below computed) is spread too', () => {
    // billed 4, computed 5 → −1: W1 −0.6, W2 −0.2, unattributed −0.2
    const r = tu(4);
    expect(row(r, 'W1').trueup).toBe(-0.6);
    expect(row(r, 'W2').trueup).toBe(-0.2);
    expect(r.unattributed.find((x) => x.kind === 'usage')!.trueup).toBe(-0.2);
  });

  test('published computed cost + published true-up = the invoice to the cent (both sides taken to the cent first)', () => {
    // 3 × 0.005 = 0.015 → computed 0.02 to the cent (and the api column 0.01 + 0.01 + 0); invoice 1.00 → true-up 0.98.
    const r = buildLedger(
      inputs({
        workItems: ['A', 'B', 'C'].map((id) => wi({ work_item_id: id })),
        events: ['A', 'B', 'C'].map((id) => ev({ work_item_id: id, cost_usd: 0.005 })),
        invoices: [{ period: '2026-10', provider: 'openai', billed_usd: 1 }],
      }),
    );
    expect(r.rows.map((x) => x.api)).toEqual([0.01, 0.01, 0]);
    expect(sumC(r.rows, (x) => x.trueup)).toBe(98);
    expect(sumC(r.rows, (x) => x.total)).toBe(100);
    expect(r.conservation).toMatchObject({ cents_tie: true, lines_within_cent: true, ok: true });
    expect(r.conservation.invoice_minus_computed).toBeCloseTo(0.98, 12);
    expect(r.providers).toEqual([{ period: '2026-10', provider: 'openai', invoice_lines: [0], events: 3, computed_exact: 0.015, computed: 0.02, billed: 1, trueup: 0.98 }]);
  });

  test('each provider true-up sums to its source to the cent on awkward weights', () => {
    // computed 3 × 1/3 ≈ 1.00, billed 1.01: 0.0100… each → one gets the extra cent
    const r = buildLedger(
      inputs({
        workItems: ['A', 'B', 'C'].map((id) => wi({ work_item_id: id })),
        events: ['A', 'B', 'C'].map((id) => ev({ work_item_id: id, cost_usd: 1 / 3 })),
        invoices: [{ period: '2026-10', provider: 'openai', billed_usd: 1.01 }],
      }),
    );
    expect(r.rows.map((x) => x.trueup)).toEqual([0.01, 0, 0]);
    expect(r.rows.map((x) => x.api)).toEqual([0.34, 0.33, 0.33]);
    expect(sumC(r.rows, (x) => x.total)).toBe(101);
  });
});

describe('periods', () => {
  test('cross-month item: cost in September, closed and reviewed in October', () => {
    const r = buildLedger(
      inputs({
        rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 40 }],
        workItems: [wi({ work_item_id: 'W1', closed_at: '2026-10-02T08:00:00Z', outcome: 'success' })],
        events: [
          ev({ work_item_id: 'W1', timestamp: '2026-09-29T10:00:00Z', cost_usd: 2 }),
          // 22:00 at −05:00 is 03:00 UTC on 1 October → October
          ev({ work_item_id: 'W1', timestamp: '2026-09-30T22:00:00-05:00', cost_usd: 0.5 }),
        ],
        reviews: [rv({ work_item_id: 'W1', minutes: 15, reviewed_at: '2026-10-01T12:00:00Z' })], // 15/60 × 40 = 10
      }),
    );
    expect(r.periods).toEqual(['2026-09', '2026-10']);
    const sep = row(r, 'W1', '2026-09');
    const oct = row(r, 'W1', '2026-10');
    expect([sep.api, sep.review, sep.closed, sep.success]).toEqual([2, 0, 0, 0]);
    expect([oct.api, oct.review, oct.closed, oct.success]).toEqual([0.5, 10, 1, 1]);
    expect(sep.outcome).toBe('success'); // the item's outcome, but it counts only where it closed
  });

  test('months are UTC: Z, +00:00, no offset and date-only stamps by their text; other offsets converted', () => {
    const r = buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1' })],
        events: [
          ev({ timestamp: '2026-10-31T23:59:59Z', cost_usd: 1 }),
          ev({ timestamp: '2026-10-31T23:59:59+00:00', cost_usd: 2 }),
          ev({ timestamp: '2026-10-31 23:00:00', cost_usd: 4 }),
          ev({ timestamp: '2026-10-31', cost_usd: 8 }),
          ev({ timestamp: '2026-11-01T01:00:00+02:00', cost_usd: 16 }), // 23:00 UTC on 31 October
          ev({ timestamp: '2026-10-31T20:00:00.000-04:30', cost_usd: 32 }), // 00:30 UTC on 1 November
        ],
      }),
    );
    expect(r.rows.map((x) => [x.period, x.api])).toEqual([
      ['2026-10', 31],
      ['2026-11', 32],
    ]);
  });

  test('an item closed in a month without cost is still in that month', () => {
    const r = buildLedger(
      inputs({
        workItems: [wi({ work_item_id: 'W1', closed_at: '2026-11-03T00:00:00Z', outcome: 'failure' })],
        events: [ev({ work_item_id: 'W1', cost_usd: 1 })],
      }),
    );
    expect(r.rows.map((x) => [x.period, x.total, x.closed, x.success])).toEqual([
      ['2026-10', 1, 0, 0],
      ['2026-11', 0, 1, 0],
    ]);
  });
});

describe('re-imports and attribution', () => {
  test('same event twice is a duplicate; same id with different content is a conflict (first kept)', () => {
    const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices: [] });
    expect(b.addWorkItem(wi({ work_item_id: 'W1' }))).toBe('added');
    expect(b.addWorkItem(wi({ work_item_id: 'W1' }))).toBe('duplicate');
    expect(b.addWorkItem(wi({ work_item_id: 'W1', outcome: 'success' }))).toBe('conflict');
    const e = ev({ event_id: 'E1', cost_usd: 1 });
    expect(b.addEvent(e)).toBe('added');
    expect(b.addEvent({ ...e })).toBe('duplicate');
    expect(b.addEvent({ ...e, cost_usd: 5 })).toBe('conflict');
    expect(b.addEvent({ ...e, status: 'retry' })).toBe('conflict');
    const review = rv({ work_item_id: 'W1', minutes: 5 });
    expect(b.addReview(review)).toBe('added');
    expect(b.addReview({ ...review })).toBe('duplicate');
    expect(b.addReview({ ...review, minutes: 6 })).toBe('added'); // a second, different review
    const r = b.finish();
    expect(row(r, 'W1').api).toBe(1);
    expect(row(r, 'W1').reviews).toBe(2);
    expect(r.counts).toEqual({ events: 1, duplicates: 3, conflicts: 3, work_items: 1, reviews: 2, unpriced: 2 });
    expect(r.conflicts.map((x) => [x.record, x.id])).toEqual([
      ['work_item', 'W1'],
      ['event', 'E1'],
      ['event', 'E1'],
    ]);
    expect(() => b.addEvent(ev())).toThrow(/finish/);
  });

  test('a re-imported event that differs in any one number, by a unit, a fraction or in its high bits, is a conflict', () => {
    const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices: [] });
    const base = ev({ event_id: 'E', input_tokens: 100, output_tokens: 10, units: 1, cost_usd: 0.25 });
    expect(b.addEvent(base)).toBe('added');
    const fields = ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'units', 'cost_usd', 'cache_write_1h_tokens', 'audio_input_tokens',
      'cached_audio_input_tokens', 'image_input_tokens', 'cached_image_input_tokens', 'audio_output_tokens', 'image_output_tokens', 'reasoning_tokens', 'web_search_requests'] as const;
    let conflicts = 0;
    for (const f of fields) {
      const v = (base[f] as number | undefined) ?? 0;
      for (const w of [v + 1, v + 0.5, v + 2 ** 33, v + 1e-9]) {
        expect([f, w, b.addEvent({ ...base, [f]: w })]).toEqual([f, w, 'conflict']);
        conflicts++;
      }
    }
    expect(b.addEvent({ ...base })).toBe('duplicate');
    expect(b.finish().counts.conflicts).toBe(conflicts);
  });

  test('exactByItem gives the unrounded sums per item before finish()', () => {
    const b = new LedgerBuilder({ agents: [], rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 30 }], toolPrices: [], overheads: [], invoices: [], prices: [] });
    b.addEvent(ev({ work_item_id: 'X', cost_usd: 0.001 }));
    b.addEvent(ev({ work_item_id: 'X', cost_usd: 0.002, timestamp: '2026-11-01T00:00:00Z', status: 'error' }));
    b.addEvent(ev({ work_item_id: 'X', cost_usd: 0.0004, kind: 'tool' }));
    b.addReview(rv({ work_item_id: 'X', minutes: 1 })); // 1/60 × 30 = 0.5
    const x = b.exactByItem().get('X')!;
    expect(x.api).toBeCloseTo(0.001, 12);
    expect(x.retry).toBeCloseTo(0.002, 12);
    expect(x.tools).toBeCloseTo(0.0004, 12);
    expect(x.review).toBeCloseTo(0.5, 12);
  });

  test('events arriving before their work item are still attributed', () => {
    const b = new LedgerBuilder({ agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices: [] });
    b.addEvent(ev({ work_item_id: 'LATE', cost_usd: 2 }));
    b.addWorkItem(wi({ work_item_id: 'LATE' }));
    const r = b.finish();
    expect(row(r, 'LATE').api).toBe(2);
    expect(r.unattributed).toEqual([]);
  });

  test('no work item, an unknown work item, no agent: unattributed on the agent or "Unassigned", never dropped', () => {
    const r = buildLedger(
      inputs({
        agents: [agent({ agent_id: 'a1', business_unit: 'Service' })],
        rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 60 }],
        workItems: [wi({ work_item_id: 'W1' })],
        events: [
          ev({ work_item_id: 'W1', cost_usd: 1 }),
          ev({ work_item_id: '', cost_usd: 0.25 }),
          ev({ work_item_id: 'W-9', cost_usd: 0.5 }),
          ev({ work_item_id: 'W-9', cost_usd: 0.1, status: 'error' }),
          ev({ work_item_id: '', agent_id: '', kind: 'tool', cost_usd: 0.07 }),
        ],
        reviews: [rv({ work_item_id: 'W-9', minutes: 6 })], // 6/60 × 60 = 6, on W-9's agent (a1)
      }),
    );
    expect(r.unattributed.map((u) => [u.agent_id, u.business_unit, u.kind, u.reason, u.api, u.retry, u.tools, u.review, u.events])).toEqual([
      ['Unassigned', 'Unassigned', 'usage', 'no work item', 0, 0, 0.07, 0, 1],
      ['a1', 'Service', 'review', 'reviews of unknown work item W-9', 0, 0, 0, 6, 0],
      ['a1', 'Service', 'usage', 'no work item', 0.25, 0, 0, 0, 1],
      ['a1', 'Service', 'usage', 'unknown work item W-9', 0.5, 0.1, 0, 0, 2],
    ]);
    expect(r.conservation.events_and_reviews).toBeCloseTo(1 + 0.25 + 0.5 + 0.1 + 0.07 + 6, 12);
    expect(r.conservation.ok).toBe(true);
    expect(r.agents.map((a) => [a.agent_id, a.business_unit])).toEqual([
      ['a1', 'Service'],
      ['Unassigned', 'Unassigned'],
    ]);
  });
  test('unknown items: the reason names the first three ids in sorted order and reviews go to the first agent by id, whatever the record order', () => {
    const events = ['W-5', 'W-2', 'W-9', 'W-1', 'W-2'].map((w, i) => ev({ event_id: `U${i}`, work_item_id: w, agent_id: w === 'W-9' ? 'b2' : 'a1', cost_usd: 0.1 }));
    events.push(ev({ event_id: 'U9', work_item_id: 'W-7', agent_id: 'b2', cost_usd: 0.1 }), ev({ event_id: 'U10', work_item_id: 'W-7', agent_id: 'a1', cost_usd: 0.1 }));
    const reviews = [rv({ work_item_id: 'W-7', minutes: 6 })];
    const ctx = { rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 60 }], workItems: [wi({ work_item_id: 'W1' })] };
    const a = buildLedger(inputs({ ...ctx, events, reviews }));
    const b = buildLedger(inputs({ ...ctx, events: [...events].reverse(), reviews }));
    expect(a.unattributed.map((u) => [u.agent_id, u.kind, u.reason])).toEqual([
      ['a1', 'review', 'reviews of unknown work item W-7'],
      ['a1', 'usage', 'unknown work items W-1, W-2, W-5 (+1 more)'],
      ['b2', 'usage', 'unknown work items W-7, W-9'],
    ]);
    expect(b.unattributed).toEqual(a.unattributed);
  });
});

describe('conservation and the cents tie', () => {
  test('three rows of 0.005 round to 0.01 + 0.01 + 0.00 so the column ties to round(0.015) = 0.02', () => {
    const r = buildLedger(
      inputs({
        workItems: ['A', 'B', 'C'].map((id) => wi({ work_item_id: id })),
        events: ['A', 'B', 'C'].map((id) => ev({ work_item_id: id, cost_usd: 0.005 })),
      }),
    );
    expect(r.rows.map((x) => x.api)).toEqual([0.01, 0.01, 0]);
    expect(r.conservation).toMatchObject({ cents_tie: true, ok: true });
    expect(r.conservation.events_and_reviews).toBeCloseTo(0.015, 12);
  });

  test('a mixed month conserves every dollar and ties every component to the cent', () => {
    const ids = Array.from({ length: 37 }, (_, i) => `W${String(i).padStart(2, '0')}`);
    const events = ids.flatMap((id, i) => [
      ev({ work_item_id: id, cost_usd: (i * 0.013) % 0.7 + 0.0013 }),
      ev({ work_item_id: id, kind: 'tool', cost_usd: 0.00077 * i }),
      ev({ work_item_id: id, status: 'retry', cost_usd: 0.0031 * (i % 5) }),
    ]);
    events.push(ev({ work_item_id: '', cost_usd: 0.1234 }), ev({ work_item_id: 'ZZ', cost_usd: 0.0101 }));
    const r = buildLedger(
      inputs({
        rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 47 }],
        workItems: ids.map((id) => wi({ work_item_id: id })),
        events,
        reviews: ids.slice(0, 9).map((id, i) => rv({ work_item_id: id, minutes: 1 + i * 1.3 })),
        overheads: [
          { period: '2026-10', category: 'a', amount_usd: 100.01, scope: 'all', driver: 'tokens' },
          { period: '2026-10', category: 'b', amount_usd: 33.33, scope: 'all', driver: 'api_cost' },
        ],
        invoices: [{ period: '2026-10', provider: 'openai', billed_usd: 20 }],
      }),
    );
    const k = r.conservation;
    expect(k.ok).toBe(true);
    expect(Math.abs(k.difference)).toBeLessThan(1e-6);
    const all = [...r.rows, ...r.unattributed];
    // overheads: 133.34 exactly; true-up: invoice 20 − computed → all openai cost on rows ends at 20.00
    expect(sumC(all, (x) => x.overhead)).toBe(13334);
    expect(sumC(all, (x) => x.api + x.retry + x.tools + x.trueup)).toBe(2000);
    for (const comp of ['api', 'retry', 'tools', 'review'] as const) {
      let exact = 0;
      for (const e of events) {
        const isApi = e.kind === 'llm' && e.status === 'ok';
        const part = comp === 'api' ? isApi : comp === 'retry' ? e.status !== 'ok' : comp === 'tools' ? e.kind === 'tool' && e.status === 'ok' : false;
        if (part) exact += e.cost_usd!;
      }
      if (comp === 'review') exact = ids.slice(0, 9).reduce((s, _, i) => s + ((1 + i * 1.3) / 60) * 47, 0);
      expect(sumC(all, (x) => x[comp])).toBe(Math.round(exact * 100 + 1e-9));
    }
    for (const x of all) expect(c(x.total)).toBe(c(x.api) + c(x.retry) + c(x.tools) + c(x.review) + c(x.overhead) + c(x.trueup));
  });
});

describe('conservation at the largest amounts', () => {
  test('a cost of $10¹² (the largest an event may carry): conservation holds in any order; a cent apart still fails', () => {
    const make = (order: number[]) => {
      const events = [ev({ work_item_id: 'W1', cost_usd: 1e12 }), ev({ work_item_id: 'W2', cost_usd: 0.0003 }), ev({ work_item_id: 'W2', cost_usd: 18.4399 })];
      return buildLedger(inputs({ workItems: [wi({ work_item_id: 'W1' }), wi({ work_item_id: 'W2' })], events: order.map((i) => events[i]), reviews: [] }));
    };
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2]]) {
      const k = make(order).conservation;
      expect({ order, ok: k.ok, difference: k.difference }).toEqual({ order, ok: true, difference: 0 });
    }
    // the check itself: a micro-dollar up to $35M; 2⁻⁴⁵ of the size above; a cent apart fails up to $3.5·10¹¹
    expect(agrees(1000000000018.4402, 1000000000018.4403)).toBe(true);
    expect(agrees(-999999999999.9901, -999999999999.9926)).toBe(true);
    expect(agrees(3e11, 3e11 + 0.01)).toBe(false);
    expect(agrees(100, 100.000002)).toBe(false);
    expect(agrees(3e7, 3e7 + 2e-6)).toBe(false);
    expect(makeConservation(3e11 + 0.01, 3e11, 0, 0, 0, 0, 0, true, true).ok).toBe(false);
  });
});

describe('determinism', () => {
  test('the same records in another order give the same ledger, and conservation holds on random data', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const items = Array.from({ length: 60 }, (_, i) =>
      wi({ work_item_id: `W${i}`, agent_id: `a${i % 3}`, closed_at: rnd() < 0.7 ? `2026-${rnd() < 0.5 ? '10' : '11'}-15T00:00:00Z` : '', outcome: rnd() < 0.8 ? 'success' : 'failure' }),
    );
    const events = Array.from({ length: 600 }, (_, i) =>
      ev({
        event_id: `E${i}`,
        work_item_id: rnd() < 0.05 ? '' : rnd() < 0.03 ? 'GHOST' : `W${Math.floor(rnd() * 60)}`,
        agent_id: `a${i % 3}`,
        timestamp: `2026-${rnd() < 0.5 ? '10' : '11'}-0${1 + Math.floor(rnd() * 9)}T10:00:00Z`,
        provider: rnd() < 0.7 ? 'openai' : 'anthropic',
        kind: rnd() < 0.8 ? 'llm' : 'tool',
        status: rnd() < 0.05 ? 'retry' : 'ok',
        cost_usd: Math.round(rnd() * 1e6) / 1e7,
        input_tokens: Math.floor(rnd() * 5000),
        output_tokens: Math.floor(rnd() * 500),
      }),
    );
    const reviews = Array.from({ length: 40 }, (_, i) => rv({ work_item_id: `W${i}`, minutes: 1 + Math.floor(rnd() * 20), reviewed_at: '2026-11-02T00:00:00Z' }));
    const ctx = {
      rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 51 }],
      overheads: [
        { period: '2026-10', category: 'a', amount_usd: 123.45, scope: 'all', driver: 'tokens' as const },
        { period: '2026-11', category: 'b', amount_usd: 67.89, scope: 'agent:a1', driver: 'api_cost' as const },
        { period: '2026-11', category: 'c', amount_usd: 10, scope: 'business_unit:nowhere', driver: 'work_items' as const },
      ],
      invoices: [
        { period: '2026-10', provider: 'openai', billed_usd: 20.5 },
        { period: '2026-11', provider: 'openai', billed_usd: 19.99 },
        { period: '2026-11', provider: 'anthropic', billed_usd: 7.77 },
      ],
    };
    const a = buildLedger(inputs({ ...ctx, workItems: items, events, reviews }));
    const b = buildLedger(inputs({ ...ctx, workItems: [...items].reverse(), events: [...events].reverse(), reviews: [...reviews].reverse() }));
    expect(b.rows).toEqual(a.rows);
    expect(b.unattributed).toEqual(a.unattributed);
    expect(a.conservation.ok).toBe(true);
    for (const p of a.periods) expect(a.conservationByPeriod[p]).toMatchObject({ ok: true, cents_tie: true });
    // every month: the true-up column = Σ (invoice − computed cost of the provider's events, each to the cent), so
    // the computed costs plus the published true-up equal the invoices to the cent; and the grand total is within a
    // few cents (one per rounded component) of the exact grand total
    const all = [...a.rows, ...a.unattributed];
    for (const p of ['2026-10', '2026-11']) {
      let trueup = 0;
      for (const inv of ctx.invoices.filter((i) => i.period === p)) {
        const computed = events.filter((e) => e.timestamp.startsWith(p) && e.provider === inv.provider).reduce((t, e) => t + e.cost_usd!, 0);
        trueup += Math.round(inv.billed_usd * 100) - Math.round(computed * 100);
      }
      expect(sumC(all.filter((x) => x.period === p), (x) => x.trueup)).toBe(trueup);
      const exact =
        ctx.invoices.filter((i) => i.period === p).reduce((t, i) => t + i.billed_usd, 0) +
        events.filter((e) => e.timestamp.startsWith(p) && e.provider !== 'openai' && !(p === '2026-11' && e.provider === 'anthropic')).reduce((t, e) => t + e.cost_usd!, 0) +
        (p === '2026-11' ? reviews.reduce((t, r) => t + (r.minutes / 60) * 51, 0) : 0) +
        ctx.overheads.filter((o) => o.period === p).reduce((t, o) => t + o.amount_usd, 0);
      expect(Math.abs(sumC(all.filter((x) => x.period === p), (x) => x.total) - exact * 100)).toBeLessThan(7);
    }
  });
});
