// Deterministic sample organisation of the seed playbook (shared/seed/cfo-playbook-for-ai-labor.txt):
// Customer Service (4 agents, ~120,000 tickets/month), Claims Underwriting (2 agents, ~8,000 claims/month),
// Loan Origination (1 agent, ~2,000 applications/month). Pure (no Node/DOM APIs) so the task pane can run it;
// events stream through callbacks so a million of them never sit in memory.
import type { Agent, Invoice, Overhead, PriceOverride, Rate, Review, ToolPrice, UsageEvent, WorkItem } from '../model/records';
import { PriceBook, type UnitPrices } from '../pricing';

export interface SampleOptions {
  /** number of months, ending with `endPeriod` (default 6) */
  months?: number;
  /** last month YYYY-MM (default 2026-10) */
  endPeriod?: string;
  /** multiplies every volume and overhead (default 1 = the playbook's volumes: ~130,000 work items and ~1M events a month) */
  scale?: number;
  /** PRNG seed (default 42): same options ⇒ same data, byte for byte */
  seed?: number;
  /** fill `cost_usd` on every event with its computed cost (the benchmark's SQL engines sum it) */
  withCost?: boolean;
}

export interface SampleSinks {
  event(e: UsageEvent): void;
  workItem(w: WorkItem): void;
  review(r: Review): void;
}

export interface SampleContext {
  agents: Agent[];
  rates: Rate[];
  toolPrices: ToolPrice[];
  overheads: Overhead[];
  invoices: Invoice[];
  prices: PriceOverride[];
  periods: string[];
}

export interface SampleStats {
  events: number;
  workItems: number;
  reviews: number;
}

export interface SampleData extends SampleContext {
  events: UsageEvent[];
  workItems: WorkItem[];
  reviews: Review[];
}

/** mulberry32: tiny, fast and good enough for synthetic data; Math.random cannot be seeded. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Call {
  kind: UsageEvent['kind'];
  provider: string;
  model: string;
  /** mean input tokens, share of them cached, mean output tokens */
  input: number;
  cached: number;
  output: number;
  /** tool/vector calls: units */
  units?: number;
  /** probability the call happens at all */
  p?: number;
  /** repeat count range */
  n?: [number, number];
}

interface BusinessUnit {
  name: string;
  unit_name: string;
  prefix: string;
  type: string;
  /** work items a month at scale 1 */
  volume: number;
  success: number;
  failure: number;
  reviewRate: number;
  reviewerRole: string;
  reviewMinutes: number;
  /** how long an item stays open, minutes: [min, max] */
  duration: [number, number];
  /** infrastructure overhead a month at scale 1 */
  infrastructure: number;
  target: number;
  human: number;
  slo: [number, number, number];
  agents: { id: string; name: string; model: string; share: number; calls: Call[] }[];
}

const OAI = 'openai';
const ANT = 'anthropic';
const embed: Call = { kind: 'embedding', provider: OAI, model: 'text-embedding-3-small', input: 400, cached: 0, output: 0, n: [1, 2] };
const vector = (units: number): Call => ({ kind: 'vector_search', provider: 'pinecone', model: 'vector-search', input: 0, cached: 0, output: 0, units, n: [1, 2] });
const tool = (model: string, units: number, p = 1): Call => ({ kind: 'tool', provider: 'internal', model, input: 0, cached: 0, output: 0, units, p });

// Volumes, review effort and overheads are the playbook's; the token volumes are typical of each workflow.
// Review minutes and infrastructure are tuned so cost per outcome lands near $1.50 / $2.30 / $1.80.
const UNITS: BusinessUnit[] = [
  {
    name: 'Customer Service', unit_name: 'ticket', prefix: 'T', type: 'ticket', volume: 120_000, success: 0.93, failure: 0.07,
    reviewRate: 0.12, reviewerRole: 'support_specialist', reviewMinutes: 10, duration: [4, 180], infrastructure: 52_000,
    target: 1.5, human: 5.83, slo: [1.6, 0.92, 0.15],
    agents: [
      { id: 'csr-tier1', name: 'CSR Tier 1', model: 'claude-3-5-haiku', share: 0.45, calls: [embed, vector(2), { kind: 'llm', provider: ANT, model: 'claude-3-5-haiku', input: 3500, cached: 0.5, output: 350, n: [3, 5] }, tool('crm.lookup', 1, 0.6)] },
      { id: 'csr-billing', name: 'CSR Billing', model: 'gpt-4o-mini', share: 0.25, calls: [embed, vector(2), { kind: 'llm', provider: OAI, model: 'gpt-4o-mini', input: 4000, cached: 0.4, output: 400, n: [4, 5] }, tool('billing.refund', 1, 0.3)] },
      { id: 'csr-technical', name: 'CSR Technical', model: 'claude-3-5-sonnet-20241022', share: 0.2, calls: [embed, vector(3), { kind: 'llm', provider: ANT, model: 'claude-3-5-sonnet-20241022', input: 5000, cached: 0.5, output: 500, n: [3, 4] }, tool('kb.fetch', 1, 0.8)] },
      { id: 'csr-escalation', name: 'CSR Escalation', model: 'gpt-4o', share: 0.1, calls: [embed, vector(3), { kind: 'llm', provider: OAI, model: 'gpt-4o', input: 6000, cached: 0.3, output: 600, n: [4, 5] }, tool('crm.lookup', 1)] },
    ],
  },
  {
    name: 'Claims Underwriting', unit_name: 'claim', prefix: 'CLM', type: 'claim', volume: 8_000, success: 0.9, failure: 0.1,
    reviewRate: 0.14, reviewerRole: 'claims_adjuster', reviewMinutes: 5, duration: [600, 5 * 1440], infrastructure: 5_600,
    target: 2.3, human: 12.4, slo: [2.5, 0.94, 0.2],
    agents: [
      { id: 'claims-intake', name: 'Claims Intake', model: 'gpt-4o', share: 0.5, calls: [embed, vector(4), { kind: 'llm', provider: OAI, model: 'gpt-4o', input: 18_000, cached: 0.3, output: 1200, n: [3, 5] }, tool('ocr.extract', 3)] },
      { id: 'claims-assessor', name: 'Claims Assessor', model: 'claude-3-5-sonnet-20241022', share: 0.5, calls: [embed, vector(4), { kind: 'llm', provider: ANT, model: 'claude-3-5-sonnet-20241022', input: 20_000, cached: 0.4, output: 1500, n: [3, 5] }, tool('policy.lookup', 2)] },
    ],
  },
  {
    name: 'Loan Origination', unit_name: 'application', prefix: 'APP', type: 'application', volume: 2_000, success: 0.88, failure: 0.12,
    reviewRate: 0.1, reviewerRole: 'loan_officer', reviewMinutes: 6, duration: [1440, 8 * 1440], infrastructure: 1_000,
    target: 1.8, human: 9.2, slo: [2.0, 0.93, 0.15],
    agents: [
      { id: 'loan-originator', name: 'Loan Originator', model: 'gpt-4o', share: 1, calls: [embed, vector(3), { kind: 'llm', provider: OAI, model: 'gpt-4o', input: 9000, cached: 0.3, output: 900, n: [4, 6] }, tool('credit.bureau', 5), tool('kyc.check', 2)] },
    ],
  },
];

const RATES: Rate[] = [
  { reviewer_role: 'support_specialist', hourly_rate_usd: 42 },
  { reviewer_role: 'claims_adjuster', hourly_rate_usd: 68 },
  { reviewer_role: 'loan_officer', hourly_rate_usd: 60 },
];
const TOOL_PRICES: ToolPrice[] = [
  { kind: 'vector_search', unit_price_usd: 0.0004 },
  { kind: 'tool', unit_price_usd: 0.01 },
];
/** A negotiated discount from mid-year, so the price book's override path shows in the demo. */
const PRICES: PriceOverride[] = [
  {
    provider: 'anthropic', model: '*', effective_from: '2026-08-01', input_mtok: null, cached_input_mtok: null, cache_write_mtok: null,
    output_mtok: null, discount_pct: 5, batch_multiplier: null, maps_to_model: '', note: 'enterprise agreement, 5% from August 2026',
  },
];

export function samplePeriods(months = 6, endPeriod = '2026-10'): string[] {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(endPeriod)) throw new RangeError(`expected a period YYYY-MM, got "${endPeriod}"`);
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`expected a whole number of months ≥ 1, got ${months}`);
  const [y, m] = endPeriod.split('-').map(Number);
  const out: string[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Streams the sample: work items, then each item's events and review, month by month. Returns the small
 * records (agents, rates, overheads, invoices...) once every event has been generated (invoices need their totals).
 */
export function generateSample(options: SampleOptions, sinks: SampleSinks): SampleContext & { stats: SampleStats } {
  const months = options.months ?? 6;
  const scale = options.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`expected a scale > 0, got ${scale}`);
  const periods = samplePeriods(months, options.endPeriod ?? '2026-10');
  const rand = rng(options.seed ?? 42);
  const book = new PriceBook(PRICES);
  const units = new Map<string, UnitPrices>();
  const toolPrice = new Map(TOOL_PRICES.map((t) => [t.kind, t.unit_price_usd]));
  const stats: SampleStats = { events: 0, workItems: 0, reviews: 0 };
  const providerCost = new Map<string, number>(); // period|provider → computed USD
  const end = Date.parse(`${periods[periods.length - 1]}-01T00:00:00Z`);
  const endMs = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth() + 1, 1);
  const seq = new Map<string, number>();
  let eventSeq = 0;

  const agents: Agent[] = UNITS.flatMap((bu) =>
    bu.agents.map((a) => ({
      agent_id: a.id, name: a.name, business_unit: bu.name, unit_name: bu.unit_name, model: a.model,
      target_cost_per_outcome: bu.target, human_cost_per_unit: bu.human,
      slo_max_cost_per_outcome: bu.slo[0], slo_min_accuracy: bu.slo[1], slo_max_review_rate: bu.slo[2], cost_center: '',
      alert_drift_pct: null, alert_min_change_pct: null, alert_window_days: null,
    })),
  );

  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const around = (mean: number) => Math.max(1, Math.round(mean * between(0.6, 1.4)));

  const emit = (e: UsageEvent) => {
    let cost: number;
    if (e.kind === 'tool' || e.kind === 'vector_search') cost = e.units * (toolPrice.get(e.kind) ?? 0);
    else {
      // Unit prices are looked up once per model and day (the price book's per-call checks cost ~20 µs an event).
      const day = e.timestamp.slice(0, 10);
      const uk = `${e.provider}|${e.model}|${day}`;
      let u = units.get(uk);
      if (!u) units.set(uk, (u = book.unitPrices({ provider: e.provider, model: e.model, date: day })));
      if (u.tiered || u.source === 'unpriced') cost = book.priceEvent(e).cost_usd ?? 0;
      else cost = ((e.input_tokens - e.cached_input_tokens - e.cache_write_tokens) * u.input + e.cached_input_tokens * u.cached_input + e.cache_write_tokens * u.cache_write + e.output_tokens * u.output) / 1e6;
      const key = `${e.timestamp.slice(0, 7)}|${e.provider}`;
      providerCost.set(key, (providerCost.get(key) ?? 0) + cost);
    }
    if (options.withCost) e.cost_usd = Math.round(cost * 1e9) / 1e9;
    stats.events++;
    sinks.event(e);
  };
  const newEvent = (ms: number, agent: string, item: string, c: Call, status: UsageEvent['status']): UsageEvent => {
    const input = c.input ? around(c.input) : 0;
    const cached = Math.floor(input * c.cached * between(0.7, 1)) ;
    const output = c.output ? around(status === 'ok' ? c.output : c.output / 4) : 0;
    return {
      event_id: `ev-${(++eventSeq).toString(36).padStart(7, '0')}`, timestamp: iso(ms), agent_id: agent, work_item_id: item,
      provider: c.provider, model: c.model, kind: c.kind, input_tokens: input, cached_input_tokens: cached, cache_write_tokens: 0,
      output_tokens: output, units: c.units ?? 0, status, batch: false, cost_usd: null,
      // a literal rather than a spread of emptyUsageEvent(): the demo writes millions of these
      service_tier: '', context_tier: '', cache_write_1h_tokens: 0, audio_input_tokens: 0, cached_audio_input_tokens: 0,
      image_input_tokens: 0, cached_image_input_tokens: 0, audio_output_tokens: 0, image_output_tokens: 0, reasoning_tokens: 0,
      web_search_requests: 0, line_item: '',
    };
  };

  // Volumes grow ~1.5% a month up to the last month's playbook figures; infrastructure grows with them.
  const growthOf = (pi: number) => 1 + 0.015 * (pi - (periods.length - 1));
  periods.forEach((period, pi) => {
    const start = Date.parse(`${period}-01T00:00:00Z`);
    const d = new Date(start);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const growth = growthOf(pi);
    for (const bu of UNITS) {
      const count = Math.max(1, Math.round(bu.volume * scale * growth * between(0.98, 1.02)));
      for (let k = 0; k < count; k++) {
        const r = rand();
        let acc = 0;
        const agent = bu.agents.find((a) => (acc += a.share) >= r) ?? bu.agents[bu.agents.length - 1];
        const n = (seq.get(bu.prefix) ?? 0) + 1;
        seq.set(bu.prefix, n);
        const id = `${bu.prefix}-${String(n).padStart(7, '0')}`;
        const opened = Math.floor(between(start, next - 60_000) / 1000) * 1000;
        const closed = Math.floor((opened + between(bu.duration[0], bu.duration[1]) * 60_000) / 1000) * 1000;
        const stillOpen = closed >= endMs;
        const o = rand();
        const outcome: WorkItem['outcome'] = stillOpen ? 'pending' : o < bu.success ? 'success' : 'failure';
        sinks.workItem({ work_item_id: id, agent_id: agent.id, business_unit: bu.name, type: bu.type, opened_at: iso(opened), closed_at: stillOpen ? '' : iso(closed), outcome });
        stats.workItems++;
        const last = Math.min(closed, endMs - 1000);
        for (const c of agent.calls) {
          if (c.p !== undefined && rand() >= c.p) continue;
          const times = c.n ? c.n[0] + Math.floor(rand() * (c.n[1] - c.n[0] + 1)) : 1;
          for (let t = 0; t < times; t++) {
            const ms = Math.floor(between(opened, last) / 1000) * 1000;
            if (c.kind === 'llm' && rand() < 0.035) emit(newEvent(ms - 2000, agent.id, id, c, rand() < 0.5 ? 'retry' : 'error'));
            // ~1% of calls carry no work item (health checks, ad-hoc prompts) or one the ticketing export never had.
            const u = rand();
            const item = u < 0.008 ? '' : u < 0.01 ? `${bu.prefix}-X${Math.floor(rand() * 1e6)}` : id;
            emit(newEvent(ms, agent.id, item, c, 'ok'));
          }
        }
        if (!stillOpen && rand() < bu.reviewRate) {
          const x = rand();
          sinks.review({
            work_item_id: id, reviewer_role: bu.reviewerRole,
            minutes: Math.max(1, Math.round(bu.reviewMinutes * between(0.4, 1.6) * 2) / 2),
            result: x < 0.94 ? 'approved' : x < 0.985 ? 'corrected' : 'rejected',
            reviewed_at: iso(Math.min(closed + 30 * 60_000, endMs - 1000)),
          });
          stats.reviews++;
        }
      }
    }
  });

  const overheads: Overhead[] = [];
  const invoices: Invoice[] = [];
  for (const [pi, period] of periods.entries()) {
    for (const bu of UNITS) overheads.push({ period, category: 'infrastructure', amount_usd: round2(bu.infrastructure * scale * growthOf(pi)), scope: `business_unit:${bu.name}`, driver: 'work_items' });
    overheads.push({ period, category: 'observability', amount_usd: round2(4_500 * scale), scope: 'all', driver: 'api_cost' });
    overheads.push({ period, category: 'vector database', amount_usd: round2(9_000 * scale), scope: 'all', driver: 'work_items' });
    for (const provider of [ANT, OAI]) {
      const computed = providerCost.get(`${period}|${provider}`) ?? 0;
      // Invoices differ a little from our computed cost (rounding, unlogged calls, credits): up to ±2%.
      if (computed > 0) invoices.push({ period, provider, billed_usd: round2(computed * (1 + between(-0.02, 0.02))) });
    }
  }
  return { agents, rates: RATES.map((r) => ({ ...r })), toolPrices: TOOL_PRICES.map((t) => ({ ...t })), overheads, invoices, prices: PRICES.map((p) => ({ ...p })), periods, stats };
}

/** The whole sample in memory, for small scales (tests, the task pane's demo). */
export function sampleData(options: SampleOptions = {}): SampleData {
  const events: UsageEvent[] = [];
  const workItems: WorkItem[] = [];
  const reviews: Review[] = [];
  const ctx = generateSample(options, { event: (e) => events.push(e), workItem: (w) => workItems.push(w), review: (r) => reviews.push(r) });
  const { stats: _stats, ...rest } = ctx;
  return { ...rest, events, workItems, reviews };
}
