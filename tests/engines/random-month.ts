// Seeded random months that mix every rule at once (the rule cases of fixtures.ts take them one by one): several
// periods, offsets across a month's end, work items closed before, during and after their usage, unknown and empty
// work items and agents, repeated events (same and different content), reviews of unknown items and unknown roles,
// overheads of every driver and scope (some scopes empty), invoices with and without usage, a price taking effect at a
// time of day, reported and price-book costs, tools with and without a price. With `hardNames`, ids and names carry
// quotes, commas, a line break, surrounding space and characters past U+FFFF next to ones below it (the order of text).
import { priceOverrideSchema, type LedgerInputs, type UsageEvent } from '../../src/core/model/records';
import { agent, ev, inputs, rv, wi } from '../../src/core/ledger/fixtures';

export function randomMonthCase(seed: number, hardNames = false): LedgerInputs {
  // mulberry32: the same month for a seed on every run, so a failure can be replayed
  let s = seed | 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const int = (n: number) => Math.floor(rnd() * n);

  const agentIds = (hardNames ? ['agent "q", two', 'a,2', 'csr*', ' x?y', 'bot~1\n', 'Ünï😀', '\uff01x'] : ['a1', 'a2', 'csr*', 'x?y', 'bot~1', 'Ünï']).slice(0, 2 + int(5));
  const bus = hardNames ? ['Service', 'Claims & "Co"', 'Loans*, Ltd', ''] : ['Service', 'Claims', 'Loans*', ''];
  // 'W0' < 'W0！' < 'W0😀' by code point (the databases' order); JavaScript's < puts the emoji first
  const itemId = (k: number) => (hardNames ? `W${Math.floor(k / 3)}${['', '😀', '\uff01'][k % 3]}${k % 13 === 5 ? ',*"' : ''}` : `W${k}${k % 13 === 5 ? '*' : ''}`);
  const agents = agentIds.filter(() => chance(0.85)).map((a) => agent({ agent_id: a, business_unit: pick(bus) || 'Service' }));
  const periods = ['2026-09', '2026-10', '2026-11'];
  const day = (p: string, d: number) => `${p}-${String(d).padStart(2, '0')}`;
  const ts = (p: string) => {
    const d = 1 + int(28);
    const r = rnd();
    // an offset that moves the UTC month (31 Oct 23:30 -03:00 is 1 Nov UTC), fractions, midnight
    if (r < 0.08) return `${p}-${p.endsWith('09') ? '30' : '31'}T23:30:00-03:00`;
    if (r < 0.12) return `${day(p, 1)}T01:15:00+05:00`;
    if (r < 0.18) return `${day(p, d)}T${String(int(24)).padStart(2, '0')}:07:09.123Z`;
    if (r < 0.22) return `${day(p, d)}T00:00:00+00:00`;
    return `${day(p, d)}T${String(int(24)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}:00Z`;
  };

  const workItems = Array.from({ length: 10 + int(40) }, (_, k) => {
    const closed = rnd();
    return wi({
      work_item_id: itemId(k),
      agent_id: chance(0.05) ? 'ghost-agent' : pick(agentIds),
      business_unit: chance(0.2) ? pick(bus) : '',
      type: pick(['ticket', 'claim']),
      closed_at: closed < 0.5 ? ts(pick(periods)) : closed < 0.6 ? '2026-08-15T00:00:00Z' : '',
      outcome: pick(['success', 'failure', 'pending'] as const),
    });
  });
  const models: [string, string, string][] = [
    ['openai', 'gpt-4o', 'llm'], ['openai', 'gpt-4o-mini', 'llm'], ['openai', 'acme-1', 'llm'], ['anthropic', 'claude-sonnet-4-5', 'llm'],
    ['openai', 'text-embedding-3-small', 'embedding'], ['openai', 'no-such-model', 'llm'], ['pinecone', 'vector-search', 'vector_search'], ['serp', '', 'tool'],
  ];
  const events: UsageEvent[] = [];
  const n = 60 + int(200);
  for (let k = 0; k < n; k++) {
    const [provider, model, kind] = pick(models);
    const tokenKind = kind === 'llm' || kind === 'embedding';
    const it = tokenKind ? int(chance(0.05) ? 400_000 : 20_000) : 0;
    const ci = tokenKind && chance(0.3) ? int(it + 1) : 0;
    const cw = tokenKind && provider === 'anthropic' && chance(0.3) ? int(it - ci + 1) : 0;
    const e = ev({
      event_id: `E${k}`,
      timestamp: ts(pick(periods)),
      agent_id: chance(0.05) ? '' : pick(agentIds),
      work_item_id: chance(0.06) ? '' : chance(0.05) ? `GHOST-${int(3)}` : pick(workItems).work_item_id,
      provider,
      model,
      kind: kind as UsageEvent['kind'],
      input_tokens: it,
      cached_input_tokens: ci,
      cache_write_tokens: cw,
      output_tokens: kind === 'llm' ? int(3000) : 0,
      units: tokenKind ? 0 : 1 + int(50),
      status: pick(['ok', 'ok', 'ok', 'ok', 'retry', 'error'] as const),
      batch: tokenKind && chance(0.1),
      cost_usd: chance(0.3) ? pick([0.005, 0.015, 1 / 3, 0.0123456789, 0, 2.5]) : null,
      service_tier: tokenKind && chance(0.1) ? pick(['flex', 'priority', 'default']) : '',
    });
    events.push(e);
    // a repeat: the same event again, or the same id with other content (a conflict)
    if (chance(0.03)) events.push({ ...e });
  }
  if (chance(0.3)) {
    const e = pick(events);
    events.push({ ...e, output_tokens: e.output_tokens + 1 });
  }
  const reviews = Array.from({ length: int(30) }, () =>
    rv({
      work_item_id: chance(0.1) ? `GHOST-R${int(2)}` : pick(workItems).work_item_id,
      reviewer_role: pick(['analyst', 'Analyst', 'senior', 'intern']),
      minutes: pick([1, 2.5, 10, 1 / 3, 45]),
      result: pick(['approved', 'corrected', 'rejected'] as const),
      reviewed_at: ts(pick(periods)),
    }),
  );
  if (reviews.length && chance(0.4)) reviews.push({ ...reviews[0] });
  const scopes = ['all', ...agentIds.map((a) => `agent:${a}`), ...bus.filter(Boolean).map((b) => `business_unit:${b}`), 'agent:nobody', 'business_unit:Nowhere'];
  const overheads = Array.from({ length: int(6) }, (_, k) => ({
    period: pick(periods),
    category: `c${k}`,
    amount_usd: pick([100, 0.05, -12.345, 1234.5678, 0.01, 1 / 3]),
    scope: pick(scopes),
    driver: pick(['work_items', 'api_cost', 'tokens'] as const),
  }));
  const invoices = Array.from({ length: int(5) }, () => ({
    period: pick(periods),
    provider: pick(['openai', 'OpenAI', 'anthropic', 'pinecone', 'cohere']),
    billed_usd: pick([0, 1.23, 99.99, 12345.67]),
  }));
  const acme = priceOverrideSchema.parse({ provider: 'openai', model: 'acme-1', input_mtok: 2, cached_input_mtok: 1, output_mtok: 8 });
  const prices = [acme, ...(chance(0.5) ? [{ ...acme, effective_from: '2026-10-05T12:00:00Z', input_mtok: 3 }] : [])];
  return inputs({
    agents,
    rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 51 }, { reviewer_role: 'senior', hourly_rate_usd: 80.5 }],
    toolPrices: chance(0.6) ? [{ kind: 'vector_search', unit_price_usd: 0.0004 }] : [],
    workItems,
    events,
    reviews,
    overheads,
    invoices,
    prices,
  });
}
