// A synthetic daily series for the detection tests (and the pane's): one agent, expectations per day, with the
// binomial and per-item noise a real day has. Deterministic.
import { blankAgent, type Agent } from '../model/records';
import { weekday } from './days';
import { emptyPoint, type DailyPoint, type DailySeries } from './series';

/** A deterministic stream of normal deviates, so a "noisy" series is the same on every run. */
function normals(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface Day {
  closed: number;
  /** usage cost per work item */
  use: number;
  /** share of items reviewed, cost of one review */
  reviewRate: number;
  reviewCost: number;
  accuracy: number;
  success: number;
  overheadPerItem: number;
  retryShare?: number;
}

/**
 * One agent's series: `shape(day, i)` gives each day's expectations; counts and costs get binomial / per-item noise
 * (usage per item with a 30% spread), as a real day would.
 */
export function series(days: string[], shape: (day: string, i: number) => Day, seed = 1): DailySeries {
  const z = normals(seed);
  const points: DailyPoint[] = days.map((day, i) => {
    const d = shape(day, i);
    const p = emptyPoint();
    const binom = (n: number, q: number) => Math.max(0, Math.min(n, Math.round(n * q + Math.sqrt(n * q * (1 - q)) * z())));
    p.closed = Math.max(0, Math.round(d.closed + Math.sqrt(d.closed) * z()));
    p.outcomes = binom(p.closed, d.success);
    p.usage_items = p.closed;
    const perItemSd = 0.3 * d.use;
    const use = p.closed * d.use + Math.sqrt(p.closed) * perItemSd * z();
    const retry = use * (d.retryShare ?? 0.03);
    p.api = round2(use - retry);
    p.retry = round2(retry);
    p.usage_sq = p.closed * (d.use * d.use + perItemSd * perItemSd);
    p.reviews = binom(p.closed, d.reviewRate);
    p.reviewed = p.reviews;
    p.approved = binom(p.reviews, d.accuracy);
    p.review = round2(p.reviews * d.reviewCost * (1 + (0.35 / Math.sqrt(Math.max(1, p.reviews))) * z()));
    p.review_sq = p.reviews * d.reviewCost * d.reviewCost * (1 + 0.35 * 0.35);
    p.review_minutes = p.reviews * 10;
    p.overhead = round2(p.closed * d.overheadPerItem);
    p.events = p.closed * 3;
    p.retries = Math.round(p.events * (d.retryShare ?? 0.03));
    p.total = round2(p.api + p.retry + p.review + p.overhead);
    return p;
  });
  return { days, last_data_day: days[days.length - 1], agents: [{ id: 'csr', business_unit: 'CS', points, models: days.map(() => ({ 'gpt-4o-mini': 1 })) }], business_units: [] };
}
export const round2 = (x: number) => Math.round(x * 100) / 100;

export const isWeekend = (d: string) => weekday(d) === 0 || weekday(d) === 6;
/** ~$1.45 a ticket: $0.60 usage, 12% reviewed at $5, $0.15 overhead, 93% success; weekends at 30% volume. */
export const NORMAL = (closed = 1500): Day => ({ closed, use: 0.6, reviewRate: 0.12, reviewCost: 5, accuracy: 0.94, success: 0.93, overheadPerItem: 0.15 });
export const steady = (closed = 1500) => (day: string): Day => ({ ...NORMAL(closed), closed: isWeekend(day) ? closed * 0.3 : closed });
export const CSR: Agent = { ...blankAgent('csr', 'CS'), name: 'CSR Tier 1', unit_name: 'ticket', target_cost_per_outcome: 1.7, slo_max_cost_per_outcome: 1.9, slo_min_accuracy: 0.9, slo_max_review_rate: 0.18 };
