// Daily data with injected events, to measure the daily detection (bench/daily/README.md): agents of three volume
// classes (high ~1,600 — a CSR agent of the playbook's organisation —, mid ~120, low ~18 work items a business day), weekends and holidays at a fraction of weekday
// volume, and on most agents a few injected events with a known start, end and size — one-day spikes (retry storms),
// sustained drifts of 5–15% in cost per outcome (more tokens, a pricier model, longer reviews, fewer successes),
// accuracy drops and review-rate jumps. Clean agents get none. Deterministic for a seed. Records stream through
// callbacks (canonical usage events, work items and reviews, as the CSV import produces them), so a run can feed the
// ledger directly or write CSV files for the CLI.
import type { Agent, Overhead, Rate, Review, UsageEvent, WorkItem } from '../../src/core/model/records';
import { emptyUsageEvent } from '../../src/core/model/records';
import { addDays, dayMs, dayRange, weekday } from '../../src/core/daily/days';

export type VolumeClass = 'high' | 'mid' | 'low';
export type InjectedType = 'spike' | 'drift' | 'accuracy_drop' | 'review_jump';
export type DriftMechanism = 'tokens' | 'model' | 'review_minutes' | 'success_rate';

export interface InjectedEvent {
  agent_id: string;
  type: InjectedType;
  /** drifts only: how the cost per outcome was moved */
  mechanism?: DriftMechanism;
  /** first and last day of the event (the same day for a spike) */
  start: string;
  end: string;
  /** spike and drift: relative rise of cost per outcome (0.4 = +40%); accuracy_drop and review_jump: points (0.05 = 5 points) */
  size: number;
}

export interface GeneratedAgent {
  agent: Agent;
  volume: VolumeClass;
  clean: boolean;
  /** weekday volume of work items closed */
  perDay: number;
  weekendFactor: number;
  /** the agent's normal, as generated (expected values) */
  normal: { cost_per_outcome: number; accuracy: number; review_rate: number; success: number };
}

export interface DailyGenOptions {
  seed?: number;
  /** first day (default 2026-03-02, a Monday) */
  start?: string;
  /** number of days (default 120) */
  days?: number;
  /** agents per volume class (default 6 each) */
  perClass?: number;
  /** share of agents with no injected event (default 1/3) */
  cleanShare?: number;
  /** organisation-wide holidays (default 3, on weekdays, after the warm-up) */
  holidays?: number;
  /** days before the first injected event, so every agent has a baseline (default 45) */
  warmup?: number;
  /** work items a business day per volume class (default high 1,200–2,000, mid 90–150, low 12–25) */
  volumes?: Partial<Record<VolumeClass, [number, number]>>;
}

export interface DailyGenSinks {
  event(e: UsageEvent): void;
  workItem(w: WorkItem): void;
  review(r: Review): void;
}

export interface DailyGenContext {
  agents: GeneratedAgent[];
  rates: Rate[];
  overheads: Overhead[];
  holidays: string[];
  days: string[];
  injected: InjectedEvent[];
  stats: { events: number; workItems: number; reviews: number };
}

/**
 * sfc32 seeded by splitmix32 (passes PractRand). A first version used mulberry32, as the sample organisation does; one
 * of its seeds gave a clean agent a review rate 5σ high three days running, which we could not tell from an artifact
 * of the generator — and a benchmark of false alerts must not measure its random numbers.
 */
function rng(seed: number) {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const MODELS = [
  { model: 'gpt-4o-mini', provider: 'openai', pricier: 'gpt-4o' },
  { model: 'claude-3-5-haiku', provider: 'anthropic', pricier: 'claude-3-5-sonnet' },
  { model: 'gemini-2.0-flash', provider: 'google', pricier: 'gemini-2.5-pro' },
];
const CLASS_VOLUME: Record<VolumeClass, [number, number]> = { high: [1200, 2000], mid: [90, 150], low: [12, 25] };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The injected-event plan and agents only (cheap): what generateDaily streams records for. */
export function planDaily(o: DailyGenOptions = {}): Omit<DailyGenContext, 'stats'> {
  const rand = rng((o.seed ?? 1) * 7919 + 17);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const start = o.start ?? '2026-03-02';
  const days = dayRange(start, addDays(start, (o.days ?? 120) - 1));
  const warmup = o.warmup ?? 45;
  const perClass = o.perClass ?? 6;
  const cleanShare = o.cleanShare ?? 1 / 3;

  // Holidays: weekdays after the warm-up, at least a week apart.
  const holidays: string[] = [];
  const wanted = o.holidays ?? 3;
  for (let tries = 0; holidays.length < wanted && tries < 1000; tries++) {
    const d = days[Math.floor(between(warmup, days.length - 3))];
    const w = weekday(d);
    if (w === 0 || w === 6 || holidays.some((h) => Math.abs(dayMs(h) - dayMs(d)) < 7 * 86_400_000)) continue;
    holidays.push(d);
  }
  holidays.sort();

  const agents: GeneratedAgent[] = [];
  const injected: InjectedEvent[] = [];
  const classes: VolumeClass[] = ['high', 'mid', 'low'];
  const drifts: DriftMechanism[] = ['tokens', 'model', 'review_minutes', 'success_rate'];
  let driftTurn = 0;
  let n = 0;
  for (const cls of classes) {
    const cleanCount = Math.round(perClass * cleanShare);
    for (let k = 0; k < perClass; k++) {
      n++;
      const id = `${cls}-${String(k + 1).padStart(2, '0')}`;
      const m = MODELS[n % MODELS.length];
      const reviewRate = between(0.08, 0.16);
      const accuracy = between(0.92, 0.97);
      const success = between(0.88, 0.96);
      const callCost = between(0.12, 0.45);
      const calls = 2; // 1–3 calls an item
      const reviewMinutes = between(5, 12);
      const hourly = [42, 55, 68][n % 3];
      const api = callCost * calls * 1.035; // retries ~3.5%
      const tools = 0.5 * 0.02;
      const review = reviewRate * (reviewMinutes / 60) * hourly;
      const overheadPerItem = 0.25 * (api + tools + review);
      const cpo = (api + tools + review + overheadPerItem) / success;
      const target = Math.round(cpo * between(1.08, 1.2) * 100) / 100;
      const clean = k < cleanCount;
      const agent: Agent = {
        agent_id: id, name: `${cls[0].toUpperCase()}${cls.slice(1)} agent ${k + 1}`, business_unit: `BU ${1 + (n % 3)}`, unit_name: 'ticket', model: m.model,
        target_cost_per_outcome: target, human_cost_per_unit: Math.round(cpo * 4 * 100) / 100, slo_max_cost_per_outcome: Math.round(target * 1.1 * 100) / 100,
        slo_min_accuracy: Math.round((accuracy - between(0.025, 0.04)) * 1000) / 1000, slo_max_review_rate: Math.round((reviewRate + between(0.04, 0.08)) * 1000) / 1000,
        cost_center: '', alert_drift_pct: null, alert_min_change_pct: null, alert_window_days: null,
      };
      const [lo, hi] = o.volumes?.[cls] ?? CLASS_VOLUME[cls];
      const g: GeneratedAgent = {
        agent, volume: cls, clean, perDay: Math.round(between(lo, hi)), weekendFactor: rand() < 0.25 ? between(0.85, 1) : between(0.25, 0.5),
        normal: { cost_per_outcome: cpo, accuracy, review_rate: reviewRate, success },
      };
      Object.assign(g, { _p: { callCost, calls, reviewMinutes, hourly, model: m, overheadPerItem } });
      agents.push(g);
      if (clean) continue;
      // Three events an agent, in turn: a spike, a sustained change (drift, accuracy drop or review jump), another spike
      // or change; each at least two weeks after the last ended.
      let at = warmup + Math.floor(between(0, 10));
      const kinds: InjectedType[] = ['spike', (['drift', 'accuracy_drop', 'review_jump', 'drift'] as const)[n % 4], (['drift', 'spike', 'accuracy_drop', 'review_jump'] as const)[(n + 1) % 4]];
      for (const type of kinds) {
        const len = type === 'spike' ? 1 : Math.floor(between(10, 25));
        if (at + len + 3 >= days.length) break;
        const ev: InjectedEvent = { agent_id: id, type, start: days[at], end: days[at + len - 1], size: 0 };
        if (type === 'spike') ev.size = Math.round(between(0.25, 0.8) * 100) / 100;
        else if (type === 'drift') {
          ev.size = Math.round(between(0.05, 0.15) * 1000) / 1000;
          ev.mechanism = drifts[driftTurn++ % drifts.length];
        } else if (type === 'accuracy_drop') ev.size = Math.round(between(0.03, 0.1) * 1000) / 1000;
        else ev.size = Math.round(between(0.05, 0.12) * 1000) / 1000;
        injected.push(ev);
        at += len + 14 + Math.floor(between(0, 10));
      }
    }
  }
  const rates: Rate[] = [{ reviewer_role: 'reviewer_42', hourly_rate_usd: 42 }, { reviewer_role: 'reviewer_55', hourly_rate_usd: 55 }, { reviewer_role: 'reviewer_68', hourly_rate_usd: 68 }];
  const overheads: Overhead[] = [];
  const periods = [...new Set(days.map((d) => d.slice(0, 7)))];
  for (const g of agents) {
    const p = (g as unknown as { _p: { overheadPerItem: number } })._p;
    for (const period of periods) {
      const inMonth = days.filter((d) => d.startsWith(period));
      const expected = inMonth.reduce((s, d) => s + g.perDay * (isOff(d, holidays) ? g.weekendFactor : 1), 0);
      overheads.push({ period, category: 'platform', amount_usd: Math.round(expected * p.overheadPerItem * 100) / 100, scope: `agent:${g.agent.agent_id}`, driver: 'work_items' });
    }
  }
  return { agents, rates, overheads, holidays, days, injected };
}

const isOff = (d: string, holidays: string[]) => weekday(d) === 0 || weekday(d) === 6 || holidays.includes(d);

/** Streams every record of the plan: work items, their usage events and reviews, day by day. */
export function generateDaily(o: DailyGenOptions, sinks: DailyGenSinks): DailyGenContext {
  const plan = planDaily(o);
  const rand = rng((o.seed ?? 1) * 104729 + 3);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const poisson = (mean: number) => Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
  const stats = { events: 0, workItems: 0, reviews: 0 };
  let seq = 0;
  const emit = (e: UsageEvent) => {
    stats.events++;
    sinks.event(e);
  };
  for (const g of plan.agents) {
    const p = (g as unknown as { _p: { callCost: number; calls: number; reviewMinutes: number; hourly: number; model: (typeof MODELS)[number] } })._p;
    const events = plan.injected.filter((e) => e.agent_id === g.agent.agent_id);
    const active = (d: string, t: InjectedType) => events.find((e) => e.type === t && d >= e.start && d <= e.end);
    let item = 0;
    for (const day of plan.days) {
      const dayStart = dayMs(day);
      const count = poisson(g.perDay * (isOff(day, plan.holidays) ? g.weekendFactor : 1));
      const spike = active(day, 'spike');
      const drift = active(day, 'drift');
      const acc = active(day, 'accuracy_drop');
      const jump = active(day, 'review_jump');
      // Full cost per item at normal, for the spike's extra retries: api + review + overhead (as generated).
      const fullPerItem = g.normal.cost_per_outcome * g.normal.success;
      const apiPerItem = p.callCost * p.calls * 1.035;
      let callFactor = 1;
      let model = p.model.model;
      let minutesFactor = 1;
      let success = g.normal.success;
      if (drift) {
        // The drift's size is of the whole cost per outcome; each mechanism moves its own part that much.
        const reviewPerItem = g.normal.review_rate * (p.reviewMinutes / 60) * p.hourly;
        if (drift.mechanism === 'tokens' || drift.mechanism === 'model') callFactor = 1 + (drift.size * fullPerItem) / apiPerItem;
        if (drift.mechanism === 'model') model = p.model.pricier;
        if (drift.mechanism === 'review_minutes') minutesFactor = 1 + (drift.size * fullPerItem) / reviewPerItem;
        if (drift.mechanism === 'success_rate') success = g.normal.success / (1 + drift.size);
      }
      const reviewRate = g.normal.review_rate + (jump ? jump.size : 0);
      const accuracy = g.normal.accuracy - (acc ? acc.size : 0);
      for (let k = 0; k < count; k++) {
        const id = `${g.agent.agent_id}-${String(++item).padStart(6, '0')}`;
        // Opened during the day (more in working hours), open 5 minutes to 6 hours: some close the next day.
        const opened = dayStart + Math.floor((rand() < 0.8 ? between(7, 19) : between(0, 24)) * 3_600_000);
        const closed = opened + Math.floor(between(5, 360) * 60_000);
        const outcome = rand() < success ? 'success' : 'failure';
        sinks.workItem({ work_item_id: id, agent_id: g.agent.agent_id, business_unit: '', type: 'ticket', opened_at: iso(opened), closed_at: iso(closed), outcome });
        stats.workItems++;
        const calls = 1 + Math.floor(rand() * 3);
        for (let c = 0; c < calls; c++) {
          const ms = Math.floor(between(opened, closed));
          const cost = ((p.callCost * p.calls) / 2) * callFactor * Math.exp(0.35 * normal() - 0.06);
          const base = { ...emptyUsageEvent(), event_id: `ev-${(++seq).toString(36)}`, timestamp: iso(ms), agent_id: g.agent.agent_id, work_item_id: id, provider: p.model.provider, model, kind: 'llm' as const };
          if (rand() < 0.035) emit({ ...base, event_id: `ev-${(++seq).toString(36)}`, timestamp: iso(ms - 1500), status: 'retry', cost_usd: round6(cost * 0.8) });
          emit({ ...base, cost_usd: round6(cost) });
        }
        if (rand() < 0.5) emit({ ...emptyUsageEvent(), event_id: `ev-${(++seq).toString(36)}`, timestamp: iso(Math.floor(between(opened, closed))), agent_id: g.agent.agent_id, work_item_id: id, provider: 'internal', model: 'crm.lookup', kind: 'tool', units: 1, cost_usd: 0.02 });
        // A retry storm: the day's items each carry extra failed calls worth the spike's share of a normal item's full cost.
        if (spike) {
          const extra = spike.size * fullPerItem * between(0.5, 1.5);
          const n = 2 + Math.floor(rand() * 3);
          for (let r = 0; r < n; r++) {
            emit({ ...emptyUsageEvent(), event_id: `ev-${(++seq).toString(36)}`, timestamp: iso(dayStart + Math.floor(between(0, 86_399_000))), agent_id: g.agent.agent_id, work_item_id: id, provider: p.model.provider, model, kind: 'llm', status: rand() < 0.5 ? 'retry' : 'error', cost_usd: round6(extra / n) });
          }
        }
        if (rand() < reviewRate) {
          const x = rand();
          sinks.review({
            work_item_id: id, reviewer_role: `reviewer_${p.hourly}`, minutes: Math.round(p.reviewMinutes * minutesFactor * between(0.4, 1.6) * 10) / 10,
            result: x < accuracy ? 'approved' : x < accuracy + (1 - accuracy) * 0.7 ? 'corrected' : 'rejected',
            reviewed_at: iso(closed + Math.floor(between(10, 120) * 60_000)),
          });
          stats.reviews++;
        }
      }
    }
  }
  return { ...plan, stats };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
