// Daily detection (playbook Step 4): for each agent and day, drift of cost per outcome above target over a short
// trailing window, change against the agent's own normal (spikes and level shifts in cost per outcome, spend, review
// rate, accuracy and volume), and SLO floors and ceilings — each judged with confidence from counts, so a day with 3
// reviews is not an accuracy crash. README.md next to this file says how each decision is made, in plain words.
import type { Agent } from '../model/records';
import { WEEKDAY_NAMES, weekday } from './days';
import type { DailyPoint, DailyScope, DailySeries } from './series';
import { binomialZ, median, poissonZ, robustSigma, wilson } from './stats';

export const DAILY_METRICS = ['cost_per_outcome', 'cost', 'accuracy', 'review_rate', 'volume'] as const;
export type DailyMetric = (typeof DAILY_METRICS)[number];
export const DAILY_ALERT_KINDS = ['drift', 'spike', 'shift', 'slo'] as const;
export type DailyAlertKind = (typeof DAILY_ALERT_KINDS)[number];
export type Severity = 'high' | 'medium' | 'low';

/** One alert, exactly as the morning report's JSON carries it. Ratios (accuracy, review rate) are fractions. */
export interface DailyAlert {
  agent_id: string;
  metric: DailyMetric;
  kind: DailyAlertKind;
  severity: Severity;
  /** the figure that moved: the window's or the day's */
  value: number | null;
  /** the agent's normal for the same days (weekday-aware); null without enough history */
  baseline: number | null;
  /** the target (drift) or the SLO bound (slo); null for changes against the normal */
  target: number | null;
  /** value against what the alert compares it with (target, SLO or normal), in percent: 8.8 = 8.8% above */
  change_pct: number | null;
  /** the first day of the episode (YYYY-MM-DD) */
  since: string;
  message: string;
}

export interface DailySettings {
  /** trailing window (days) for drift vs target, SLOs and level shifts */
  window_days: number;
  /** days of history the normal is taken from (ending before the window) */
  baseline_days: number;
  /** active days needed in that history before changes against the normal are judged */
  min_history_days: number;
  /** drift vs target: alert above target × (1 + this) */
  drift_pct: number;
  /** smallest change in cost per outcome against the normal that alerts */
  min_change_pct: number;
  /** smallest change in daily spend and in volume that alerts */
  min_cost_change_pct: number;
  min_volume_change_pct: number;
  /** smallest rise in review rate and fall in accuracy that alerts, in points (0.03 = 3 points) */
  min_review_rate_points: number;
  min_accuracy_points: number;
  /** how far outside its normal noise a figure must be: one day (spike), several days each of them (shift) */
  z_spike: number;
  z_shift: number;
  /** one-sided confidence that cost per outcome is above target × (1 + drift_pct): 1.645 ≈ 95% */
  z_target: number;
  /** one-sided confidence for SLO breaches (cost, accuracy, review rate): 2.326 ≈ 99%, as a breach flags for retraining */
  z_slo: number;
  /** fewest outcomes in the window for a target/SLO judgement on cost; fewest reviews for one on accuracy */
  min_outcomes: number;
  /** fewest outcomes in a window (a day for a spike) before cost per outcome is judged against the normal */
  min_change_count: number;
  min_reviews: number;
  /** organisation days off (YYYY-MM-DD): judged like weekend days */
  holidays: string[];
}

export const DEFAULT_DAILY_SETTINGS: DailySettings = {
  window_days: 3,
  baseline_days: 35,
  min_history_days: 14,
  drift_pct: 0.05,
  min_change_pct: 0.05,
  min_cost_change_pct: 0.25,
  min_volume_change_pct: 0.25,
  min_review_rate_points: 0.03,
  min_accuracy_points: 0.02,
  z_spike: 4,
  z_shift: 3.5,
  z_target: 1.645,
  z_slo: 2.326,
  min_outcomes: 30,
  min_change_count: 10,
  min_reviews: 30,
  holidays: [],
};

/** The settings an agent is judged by: its Agents-sheet columns (alert_*) over the defaults. */
export function agentSettings(a: Agent | undefined, d: DailySettings): DailySettings {
  if (!a) return d;
  return {
    ...d,
    drift_pct: a.alert_drift_pct ?? d.drift_pct,
    min_change_pct: a.alert_min_change_pct ?? d.min_change_pct,
    window_days: a.alert_window_days ?? d.window_days,
  };
}

export interface MetricDay {
  /** the day's own figure (null when it has no denominator) */
  value: number | null;
  /** the agent's normal for that day; null without enough history */
  normal: number | null;
}

export interface AgentDay {
  day: string;
  /** active days in the history window */
  history: number;
  metrics: Record<DailyMetric, MetricDay>;
  alerts: DailyAlert[];
  /** reviews in the accuracy window (up to 14 days back), when fewer than min_reviews: accuracy was not judged */
  fewReviews: number | null;
  /** the day's outcomes when fewer than min_change_count: a one-day change in cost per outcome was not judged */
  fewOutcomes: number | null;
}

export interface AgentMonitor {
  agent: Agent;
  scope: DailyScope;
  settings: DailySettings;
  /** parallel to series.days; null after the last data day or before any history */
  days: (AgentDay | null)[];
}

/** Every agent of the series, judged on every day up to the last data day (or only on `days`). */
export function monitorSeries(series: DailySeries, agents: readonly Agent[], defaults: DailySettings, only?: readonly string[]): AgentMonitor[] {
  const byId = new Map(agents.map((a) => [a.agent_id, a]));
  const last = series.last_data_day ? series.days.indexOf(series.last_data_day) : -1;
  const want = only ? new Set(only) : null;
  return series.agents.map((scope) => {
    const agent = byId.get(scope.id) ?? placeholder(scope);
    const settings = agentSettings(agent, defaults);
    const ctx = context(series, scope, agent, settings);
    const days = series.days.map((d, t) => (t <= last && (!want || want.has(d)) ? evaluateDay(ctx, t) : null));
    return { agent, scope, settings, days };
  });
}

function placeholder(scope: DailyScope): Agent {
  return {
    agent_id: scope.id, name: '', business_unit: scope.business_unit, unit_name: '', model: '', target_cost_per_outcome: null, human_cost_per_unit: null,
    slo_max_cost_per_outcome: null, slo_min_accuracy: null, slo_max_review_rate: null, cost_center: '', alert_drift_pct: null, alert_min_change_pct: null, alert_window_days: null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Context and day classes

interface Ctx {
  series: DailySeries;
  P: DailyPoint[];
  agent: Agent;
  s: DailySettings;
  holidays: Set<string>;
  /** 'b' business day, 'n' weekend or holiday */
  cls: ('b' | 'n')[];
  /** weekday 0–6, holidays as 7 */
  wcls: number[];
  models: (Record<string, number> | null)[];
  who: string;
  unit: string;
  units: string;
}

function context(series: DailySeries, scope: DailyScope, agent: Agent, s: DailySettings): Ctx {
  const holidays = new Set(s.holidays);
  const wcls = series.days.map((d) => (holidays.has(d) ? 7 : weekday(d)));
  const unit = agent.unit_name?.trim() || 'outcome';
  return {
    series, P: scope.points, agent, s, holidays, wcls, cls: wcls.map((w) => (w === 0 || w === 6 || w === 7 ? 'n' : 'b')),
    models: scope.models ?? [], who: agent.name?.trim() || agent.agent_id, unit, units: plural(unit),
  };
}

const plural = (u: string) => (/(s|x|ch|sh)$/.test(u) ? `${u}es` : /[^aeiou]y$/.test(u) ? `${u.slice(0, -1)}ies` : `${u}s`);

/** Baseline day indexes for day t: `baseline_days` days ending just before the window. */
function baselineDays(ctx: Ctx, t: number): number[] {
  const end = t - ctx.s.window_days;
  const out: number[] = [];
  for (let i = Math.max(0, end - ctx.s.baseline_days + 1); i <= end; i++) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Ratio figures (per work item, per review, rates): a weekday/weekend-aware median, and noise from counts

interface Ratio {
  num: (p: DailyPoint) => number;
  den: (p: DailyPoint) => number;
  /** a proportion: its noise is at least binomial */
  binomial?: boolean;
  /** the spread of single units within a day (items' usage cost, reviews' cost): a floor under the noise estimate */
  within?: (p: DailyPoint) => { n: number; sum: number; sq: number };
}

interface RatioBase {
  /** the normal of a day's class */
  m: (t: number) => number;
  /** noise of one unit (one work item, one review): σ of a day = √(unit² / n + (τ·m)²) */
  unit: number;
  tau: number;
  days: number;
}

/** Daily day-level noise floor as a share of the normal: real daily averages are never perfectly steady. */
const TAU = 0.01;

function ratioBase(ctx: Ctx, idx: number[], r: Ratio): RatioBase | null {
  const vals: { t: number; x: number; num: number; n: number }[] = [];
  for (const t of idx) {
    const n = r.den(ctx.P[t]);
    if (n > 0) vals.push({ t, x: r.num(ctx.P[t]) / n, num: r.num(ctx.P[t]), n });
  }
  if (vals.length < 3) return null;
  // Noise of one unit, from the history's day-to-day differences (of residuals from each class's median): a level
  // shift inside the history — an earlier drift that ended — adds one large difference, not half the history's
  // worth of large residuals, so it cannot inflate the noise and hide the next event.
  const clsOf = (t: number) => ctx.cls[t];
  const med = { b: median(vals.filter((v) => clsOf(v.t) === 'b').map((v) => v.x)), n: median(vals.filter((v) => clsOf(v.t) === 'n').map((v) => v.x)) };
  const allMed = median(vals.map((v) => v.x));
  const m0 = (t: number) => (Number.isFinite(med[clsOf(t)]) && vals.filter((v) => clsOf(v.t) === clsOf(t)).length >= 5 ? med[clsOf(t)] : allMed);
  const res = vals.map((v) => (v.x - m0(v.t)) * Math.sqrt(v.n));
  const diffs: number[] = [];
  for (let k = 1; k < res.length; k++) diffs.push(res[k] - res[k - 1]);
  let unit = diffs.length >= 2 ? robustSigma(diffs) / Math.SQRT2 : robustSigma(res);
  // The normal is a pooled ratio (Σ numerator ÷ Σ denominator) of each class — business days, and weekends with
  // holidays — leaving out days more than 4σ off a robust centre (a spike or an earlier drift must not move the
  // normal). The centre is the class median for costs, the pooled ratio for proportions (a median of daily ratios is
  // biased with small counts: with 15 reviews a day at 95%, most days read 100%).
  const pooled = (vs: typeof vals) => vs.reduce((acc, v) => acc + v.num, 0) / vs.reduce((acc, v) => acc + v.n, 0);
  const centre = (vs: typeof vals) => {
    if (vs.length < 5) return null;
    const c0 = r.binomial ? pooled(vs) : median(vs.map((v) => v.x));
    const u = r.binomial ? Math.max(unit, Math.sqrt(clip01(c0) * (1 - clip01(c0)))) : unit;
    // (a proportion's day is left in when its count is too small for a normal-theory cut: a skewed tail is no outlier)
    const kept = vs.filter((v) => (r.binomial && v.n * Math.min(clip01(c0), 1 - clip01(c0)) < 10) || Math.abs(v.x - c0) <= 4 * Math.sqrt((u * u) / v.n + (TAU * c0) ** 2));
    return kept.length >= 3 ? pooled(kept) : pooled(vs);
  };
  const all = centre(vals) ?? pooled(vals);
  const byCls = { b: centre(vals.filter((v) => ctx.cls[v.t] === 'b')), n: centre(vals.filter((v) => ctx.cls[v.t] === 'n')) };
  const m = (t: number) => byCls[ctx.cls[t]] ?? all;
  // Floors from counts: a cost's spread over the single items of each day (a proportion's binomial spread is applied
  // per day, at that day's normal: unitAt). A robust spread of 35 daily figures can itself be 20% low; these cannot.
  if (r.within) {
    let ss = 0;
    let dof = 0;
    for (const t of idx) {
      const w = r.within(ctx.P[t]);
      if (w.n < 2) continue;
      ss += Math.max(0, w.sq - (w.sum * w.sum) / w.n);
      dof += w.n - 1;
    }
    if (dof > 0) unit = Math.max(unit, Math.sqrt(ss / dof));
  }
  if (!(unit > 0)) unit = Math.abs(all) * 1e-6 + 1e-12;
  return { m, unit, tau: TAU, days: vals.length };
}

/** A proportion's noise is at least binomial at its own normal (kept off 0 and 1: a 100% normal is not certainty). */
const unitAt = (r: Ratio, b: RatioBase, m: number) => (r.binomial ? Math.max(b.unit, Math.sqrt(clip01(m) * (1 - clip01(m)))) : b.unit);

interface WindowStat {
  /** σ of x under the normal's noise */
  sd: number;
  /** ratio of sums over the window */
  x: number;
  /** expected (normal) for the same days, count-weighted */
  e: number;
  z: number;
  n: number;
  /** each day's z (null when it has no count) */
  dayZ: (number | null)[];
}

const clip01 = (p: number) => Math.min(0.98, Math.max(0.02, p));

/**
 * z of a ratio against its normal: (x − e) ÷ σ; for a proportion, the exact binomial tail (stats.ts binomialZ)
 * scaled by binomial σ ÷ σ, so small counts near 0% or 100% are not read as certainties.
 */
function ratioZ(r: Ratio, num: number, n: number, x: number, e: number, sd: number): number {
  const z = (x - e) / sd;
  if (!r.binomial) return z;
  const p = clip01(e);
  const zb = binomialZ(Math.min(num, n), n, p) * (Math.sqrt((p * (1 - p)) / n) / sd);
  return Math.abs(zb) < Math.abs(z) ? zb : z;
}

function windowStat(ctx: Ctx, days: number[], r: Ratio, b: RatioBase): WindowStat | null {
  let num = 0;
  let n = 0;
  let en = 0;
  const dayZ: (number | null)[] = [];
  for (const t of days) {
    const p = ctx.P[t];
    const d = r.den(p);
    if (d <= 0) {
      dayZ.push(null);
      continue;
    }
    num += r.num(p);
    n += d;
    const m = b.m(t);
    en += m * d;
    const u = unitAt(r, b, m);
    const sd = Math.sqrt((u * u) / d + (b.tau * m) ** 2);
    dayZ.push(ratioZ(r, r.num(p), d, r.num(p) / d, m, sd));
  }
  if (n <= 0) return null;
  const x = num / n;
  const e = en / n;
  const k = dayZ.filter((z) => z !== null).length;
  const u = unitAt(r, b, e);
  const sd = Math.sqrt((u * u) / n + (b.tau * e) ** 2 / k);
  return { x, e, z: ratioZ(r, num, n, x, e, sd), n, dayZ, sd };
}

/** The window's shape: a spike is one day off; a shift is every day of a 2+ day window off the same way (|z| ≥ 1). */
function shape(w: WindowStat, zNeed: number, dir: 1 | -1): boolean {
  if (dir * w.z < zNeed) return false;
  const zs = w.dayZ.filter((z): z is number => z !== null);
  return zs.length >= 2 && zs.every((z) => dir * z >= 1);
}

const lastDays = (t: number, k: number) => Array.from({ length: k }, (_, i) => t - k + 1 + i).filter((i) => i >= 0);

// ---------------------------------------------------------------------------------------------------------------
// Cost per outcome: decomposed into factors with their own noise, so a drift in model cost is not drowned by the
// lumpy human-review cost, and the likely driver comes out of the test itself:
//   cost per outcome = (flow × (usage + allocated + unattributed per active item) + reviews per item × cost per review)
//                      ÷ success rate
// where an active item is a work item with usage that day and flow = active items ÷ items closed that day (1 when
// work is done the day it closes; more when items take days: then it is the timing of closes, not of cost).

type FactorKey = 'use' | 'flow' | 'rpi' | 'cpr' | 'alloc' | 'un' | 'sr';
const usage = (p: DailyPoint) => p.api + p.retry + p.tools;
/** Work items with usage that day (a series without that count: the items closed). */
const active = (p: DailyPoint) => (p.usage_items > 0 ? p.usage_items : p.closed);
const FACTORS: Record<FactorKey, Ratio> = {
  use: { num: usage, den: active, within: (p) => ({ n: p.usage_items ?? 0, sum: usage(p), sq: p.usage_sq ?? 0 }) },
  flow: { num: active, den: (p) => p.closed },
  rpi: { num: (p) => p.reviews, den: (p) => p.closed, binomial: true },
  cpr: { num: (p) => p.review, den: (p) => p.reviews, within: (p) => ({ n: p.reviewed, sum: p.review, sq: p.review_sq ?? 0 }) },
  alloc: { num: (p) => p.overhead + p.trueup, den: active },
  un: { num: (p) => p.unattributed, den: active },
  sr: { num: (p) => p.outcomes, den: (p) => p.closed, binomial: true },
};
const FACTOR_KEYS = Object.keys(FACTORS) as FactorKey[];
/** Not judged as changes: allocations are monthly bookkeeping, flow is when items close, not what they cost. */
const UNJUDGED = new Set<FactorKey>(['alloc', 'flow']);

interface CpoBase {
  f: Record<FactorKey, RatioBase | null>;
}

interface Contribution {
  key: FactorKey;
  /** USD per outcome this factor added (first order, others at normal) */
  usd: number;
  z: number;
  w: WindowStat;
}

/**
 * Expected cost per outcome of a window from the factors' normals, each factor's contribution to the change, and the
 * window's σ by the delta method (each factor's own noise, weighted by how much it moves cost per outcome).
 */
function cpoChange(ctx: Ctx, days: number[], base: CpoBase): { normal: number; parts: Contribution[]; sd: number } | null {
  const w: Partial<Record<FactorKey, WindowStat | null>> = {};
  for (const k of FACTOR_KEYS) w[k] = base.f[k] ? windowStat(ctx, days, FACTORS[k], base.f[k]!) : null;
  // A factor with no count in the window (no review in it) is expected at its normal for those days.
  const E = (k: FactorKey) => {
    if (w[k]) return w[k]!.e;
    const b = base.f[k];
    return b ? days.reduce((a, t) => a + b.m(t), 0) / days.length : 0;
  };
  const X = (k: FactorKey) => w[k]?.x ?? E(k);
  const sr = E('sr');
  if (!(sr > 0) || !w.use || !w.flow) return null;
  const perItem = E('use') + E('alloc') + E('un');
  const normal = (E('flow') * perItem + E('rpi') * E('cpr')) / sr;
  const d = (k: FactorKey) => X(k) - E(k);
  const slope: Record<FactorKey, number> = {
    use: E('flow') / sr, alloc: E('flow') / sr, un: E('flow') / sr, flow: perItem / sr, rpi: E('cpr') / sr, cpr: E('rpi') / sr, sr: normal / sr,
  };
  const usd: Record<FactorKey, number> = {
    use: d('use') * slope.use,
    alloc: d('alloc') * slope.alloc,
    un: d('un') * slope.un,
    flow: d('flow') * slope.flow,
    rpi: d('rpi') * slope.rpi,
    cpr: w.cpr ? d('cpr') * slope.cpr : 0,
    sr: X('sr') > 0 ? normal * (sr / X('sr') - 1) : 0,
  };
  let v = 0;
  for (const k of FACTOR_KEYS) if (w[k]) v += (slope[k] * w[k]!.sd) ** 2;
  // no review in the window: its cost per review could have been anything, at its usual spread for one review
  if (!w.cpr && base.f.cpr) v += (slope.cpr * base.f.cpr.unit) ** 2;
  const parts = FACTOR_KEYS.filter((k) => w[k]).map((k) => ({ key: k, usd: usd[k], z: w[k]!.z * (k === 'sr' ? -1 : 1), w: w[k]! }));
  return { normal, parts, sd: Math.sqrt(v) };
}

// ---------------------------------------------------------------------------------------------------------------
// Volume (work items closed) and spend per day: weekday-aware normals (same weekday over the history; holidays with
// weekends). Volume is a count: its noise is Poisson times an overdispersion the history shows. Spend is judged on
// its own only on days with no outcome to divide it by (cost per outcome covers the rest).

interface LevelBase {
  m: (t: number) => number;
  sd: (t: number) => number;
  /** volume: overdispersion over Poisson (≥ 1) */
  phi?: number;
}

function levelBase(ctx: Ctx, idx: number[], v: (p: DailyPoint) => number, metric: 'volume' | 'cost'): LevelBase | null {
  if (idx.length < 7) return null;
  const by = new Map<number, number[]>();
  for (const t of idx) {
    const c = ctx.wcls[t];
    if (!by.has(c)) by.set(c, []);
    by.get(c)!.push(v(ctx.P[t]));
  }
  const weekend = [...(by.get(0) ?? []), ...(by.get(6) ?? []), ...(by.get(7) ?? [])];
  const business = idx.filter((t) => ctx.cls[t] === 'b').map((t) => v(ctx.P[t]));
  const med = new Map<string, number>();
  const memo = (key: string, xs: number[]) => {
    if (!med.has(key)) med.set(key, median(xs));
    return med.get(key)!;
  };
  const mOf = (t: number): number => {
    const w = ctx.wcls[t];
    const own = w === 7 ? [] : (by.get(w) ?? []);
    if (own.length >= 3) return memo(`w${w}`, own);
    const pool = ctx.cls[t] === 'n' ? weekend : business;
    return pool.length ? memo(`c${ctx.cls[t]}`, pool) : memo('all', [...weekend, ...business]);
  };
  // How many history days a day's normal comes from (its median's own uncertainty, ≈ π/2 · σ² / n, is added).
  const nOf = (t: number) => {
    const w = ctx.wcls[t];
    const own = w === 7 ? 0 : (by.get(w) ?? []).length;
    return own >= 3 ? own : Math.max(1, (ctx.cls[t] === 'n' ? weekend : business).length);
  };
  if (metric === 'volume') {
    const phi = Math.max(1, robustSigma(idx.map((t) => (v(ctx.P[t]) - mOf(t)) / Math.sqrt(mOf(t) + 1))) ** 2);
    return { m: mOf, sd: (t) => Math.sqrt(phi * (mOf(t) + 1) * (1 + Math.PI / 2 / nOf(t)) + (0.03 * mOf(t)) ** 2), phi };
  }
  const emp = robustSigma(idx.map((t) => Math.log((v(ctx.P[t]) + 1) / (mOf(t) + 1))));
  // spend in log terms: σ of a day as a share of its normal, at least 10%
  return { m: mOf, sd: (t) => Math.max(emp, 0.1) * (mOf(t) + 1) };
}

// ---------------------------------------------------------------------------------------------------------------
// The day

const money = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(Math.abs(x) < 0.1 ? 1 : 0)}%`;
const pct1 = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${(Math.abs(x) * 100).toFixed(1)} point${Math.abs(x * 100 - 1) < 0.05 ? '' : 's'}`;
const count = (n: number) => n.toLocaleString('en-US');
const round = (x: number | null, d = 4) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const changePct = (v: number, ref: number) => (ref !== 0 ? Math.round((v / ref - 1) * 1000) / 10 : null);
const sev = (effect: number, min: number): Severity => (effect >= 3 * min ? 'high' : effect >= 1.5 * min ? 'medium' : 'low');

function evaluateDay(ctx: Ctx, t: number): AgentDay {
  const { s, P } = ctx;
  const day = ctx.series.days[t];
  const idx = baselineDays(ctx, t);
  const active = idx.filter((i) => P[i].closed > 0).length;
  const enough = active >= s.min_history_days;
  const alerts: DailyAlert[] = [];
  const W = Math.max(1, s.window_days);

  const cpoBase: CpoBase = { f: {} as CpoBase['f'] };
  for (const k of FACTOR_KEYS) cpoBase.f[k] = enough ? ratioBase(ctx, idx, FACTORS[k]) : null;
  const rrBase = enough ? ratioBase(ctx, idx, { num: (p) => p.reviewed, den: (p) => p.closed, binomial: true }) : null;
  const accBase = enough ? ratioBase(ctx, idx, { num: (p) => p.approved, den: (p) => p.reviews, binomial: true }) : null;
  const volBase = enough ? levelBase(ctx, idx, (p) => p.closed, 'volume') : null;
  const costBase = idx.filter((i) => P[i].total > 0).length >= s.min_history_days ? levelBase(ctx, idx, (p) => p.total, 'cost') : null;

  const p = P[t];
  const cpoToday = enough ? cpoChange(ctx, [t], cpoBase) : null;
  const metrics: Record<DailyMetric, MetricDay> = {
    cost_per_outcome: { value: p.outcomes > 0 ? p.total / p.outcomes : null, normal: cpoToday ? round(cpoToday.normal) : null },
    cost: { value: p.total, normal: costBase ? round(costBase.m(t), 2) : null },
    accuracy: { value: p.reviews > 0 ? p.approved / p.reviews : null, normal: accBase ? round(accBase.m(t)) : null },
    review_rate: { value: p.closed > 0 ? p.reviewed / p.closed : null, normal: rrBase ? round(rrBase.m(t)) : null },
    volume: { value: p.closed, normal: volBase ? round(volBase.m(t), 1) : null },
  };

  // Cost per outcome over the window (grown back up to 14 days until it holds min_outcomes outcomes), and its σ from
  // the agent's own history by the delta method (null without enough history: the point figure is judged alone).
  const sum = (ds: number[], f: (q: DailyPoint) => number) => ds.reduce((a, i) => a + f(P[i]), 0);
  // Human review comes in lumps (one review costs as much as dozens of model calls): with few reviews expected in the
  // window its cost is too skewed for a normal-theory bound, so the window also grows until ~10 reviews are expected.
  const rpiBase = cpoBase.f.rpi;
  const expectedReviews = (ds: number[]) => (rpiBase ? ds.reduce((a, i) => a + rpiBase.m(i) * P[i].closed, 0) : sum(ds, (q) => q.reviews));
  const grow = (k0: number) => {
    let k = k0;
    const short = (kk: number) => sum(lastDays(t, kk), (q) => q.outcomes) < s.min_outcomes || (rpiBase !== null && rpiBase.m(t) > 0 && expectedReviews(lastDays(t, kk)) < 10);
    while (short(k) && k < 14 && t - k >= 0) k++;
    return k;
  };
  const kc = grow(W);
  const cwin = lastDays(t, kc);
  const winOutcomes = sum(cwin, (q) => q.outcomes);
  const winCpo = winOutcomes > 0 ? sum(cwin, (q) => q.total) / winOutcomes : null;
  const winChange = enough ? cpoChange(ctx, cwin, cpoBase) : null;
  const overBy = (bound: number, z: number) => winCpo !== null && winOutcomes >= s.min_outcomes && winCpo > bound && (winChange === null || (winCpo - bound) / winChange.sd >= z);
  const windowText = (k: number) => (k === 1 ? 'day' : `${k} days`);
  const aboveRun = (bound: number) =>
    runStart(ctx, t, (i) => {
      const ds = lastDays(i, kc);
      const o = sum(ds, (q) => q.outcomes);
      return o > 0 && sum(ds, (q) => q.total) / o > bound;
    }, (i) => P[i].outcomes > 0 && P[i].total / P[i].outcomes > bound, kc);

  // 0. Work closing without success: at least min_outcomes items closed in the window (grown to 14 days) but fewer
  // than min_outcomes of them succeeded, so drift and the SLO below, which wait for min_outcomes outcomes, do not judge
  // cost per outcome — and once the agent's normal had taken the failing days in, nothing alerted. Alert when no item
  // succeeded while money was spent (the SLO Monitor's "no outcomes"), or when even the most successes the closed count
  // allows (Wilson at z_slo) leave cost per outcome above the cost SLO (else above target × (1 + drift_pct)).
  // the target and the cost SLO when set (0 or below: not set), for this rule and the two after it
  const positive = (x: number | null) => (x !== null && x > 0 ? x : null);
  const target = positive(ctx.agent.target_cost_per_outcome);
  const sloCost = positive(ctx.agent.slo_max_cost_per_outcome);
  const failBound = sloCost ?? (target !== null ? target * (1 + s.drift_pct) : null);
  const failing = (ds: number[]) => {
    const o = sum(ds, (q) => q.outcomes);
    const n = sum(ds, (q) => q.closed);
    const spend = sum(ds, (q) => q.total);
    if (o >= s.min_outcomes || n < s.min_outcomes || !(spend > 0)) return false;
    return o === 0 || (failBound !== null && spend / (wilson(Math.min(o, n), n, s.z_slo).high * n) > failBound);
  };
  if (failing(cwin)) {
    const winSpend = sum(cwin, (q) => q.total);
    const winClosed = sum(cwin, (q) => q.closed);
    const since = runStart(ctx, t, (i) => failing(lastDays(i, kc)), (i) => P[i].total > 0 && (P[i].outcomes === 0 || (failBound !== null && P[i].total / P[i].outcomes > failBound)), kc);
    const against = failBound !== null ? `, above its ${sloCost !== null ? 'SLO' : 'target'} of ${money(sloCost ?? target!)}` : '';
    const what = winOutcomes === 0
      ? `with no successful outcome and spent ${money(winSpend)}: no cost per ${ctx.unit} to show${against ? `${against} whatever it is` : ''}`
      : `of which ${count(winOutcomes)} succeeded (${pct1(winOutcomes / winClosed)}), and spent ${money(winSpend)}: ${money(winSpend / winOutcomes)} per ${ctx.unit}${against}`;
    alerts.push({
      agent_id: ctx.agent.agent_id, metric: 'cost_per_outcome', kind: sloCost !== null ? 'slo' : 'drift', severity: 'high',
      value: winOutcomes > 0 ? round(winSpend / winOutcomes) : null, baseline: null, target: sloCost ?? target, change_pct: null, since,
      message: `${ctx.who} closed ${count(winClosed)} ${ctx.units} over the last ${windowText(kc)} ${what}, since ${since}. Review required.`,
    });
  }

  // 1. Drift vs target: the window's cost per outcome more than drift_pct above target, with confidence.
  if (target !== null && winCpo !== null && overBy(target * (1 + s.drift_pct), s.z_target)) {
    const since = aboveRun(target * (1 + s.drift_pct));
    alerts.push({
      agent_id: ctx.agent.agent_id, metric: 'cost_per_outcome', kind: 'drift', severity: winCpo >= target * (1 + 2 * s.drift_pct) ? 'high' : 'medium',
      value: round(winCpo), baseline: winChange ? round(winChange.normal) : null, target, change_pct: changePct(winCpo, target), since,
      message: `${ctx.who} cost per ${ctx.unit} ran ${pct(winCpo / target - 1)} above target over the last ${windowText(kc)}: ${money(winCpo)} against the ${money(target)} target (alert above ${pct(s.drift_pct)}), since ${since}.${winChange ? driverText(ctx, cwin, idx, winChange, 1) : ''}`,
    });
  }

  // 2. SLO ceiling on cost per outcome.
  if (sloCost !== null && winCpo !== null && overBy(sloCost, s.z_slo)) {
    const since = aboveRun(sloCost);
    alerts.push({
      agent_id: ctx.agent.agent_id, metric: 'cost_per_outcome', kind: 'slo', severity: 'high', value: round(winCpo), baseline: winChange ? round(winChange.normal) : null, target: sloCost,
      change_pct: changePct(winCpo, sloCost), since,
      message: `${ctx.who} cost per ${ctx.unit} ${money(winCpo)} over the last ${windowText(kc)} breaks its SLO of ${money(sloCost)} (${pct(winCpo / sloCost - 1)} over), since ${since}. Review required.`,
    });
  }

  // 3. Accuracy floor and review-rate ceiling (SLOs), with Wilson bounds on the counts: the window grows back from
  // window_days until it holds min_reviews reviews (min_outcomes items), and up to 7 days to be conclusive (a clear
  // breach shows in 3 days, a narrow one in a week); with fewer than min_reviews reviews in 14 days accuracy is not
  // judged (and the report says so).
  const rateSlo = (metric: 'accuracy' | 'review_rate', bound: number) => {
    const num = metric === 'accuracy' ? (q: DailyPoint) => q.approved : (q: DailyPoint) => q.reviewed;
    const den = metric === 'accuracy' ? (q: DailyPoint) => q.reviews : (q: DailyPoint) => q.closed;
    const need = metric === 'accuracy' ? s.min_reviews : s.min_outcomes;
    // the window grows until it holds `need`, and on to 7 days for a narrow breach; never a fortnight, or a
    // breach would linger long after it ended
    for (let k = W; k <= 14 && t - k + 1 >= 0; k++) {
      const ds = lastDays(t, k);
      const n = sum(ds, den);
      if (n < need) continue;
      if (k > 7 && sum(lastDays(t, k - 1), den) >= need) break;
      const x = Math.min(sum(ds, num), n);
      const wb = wilson(x, n, s.z_slo);
      const breached = metric === 'accuracy' ? wb.high < bound : wb.low > bound;
      if (!breached) continue;
      const off = (ds2: number[]) => {
        const n2 = sum(ds2, den);
        return n2 > 0 && (metric === 'accuracy' ? sum(ds2, num) / n2 < bound : sum(ds2, num) / n2 > bound);
      };
      return { k, n, x, value: x / n, since: runStart(ctx, t, (i) => off(lastDays(i, k)), (i) => off([i]), k) };
    }
    return null;
  };
  let fewReviews: number | null = null;
  {
    let k = W;
    let reviews = sum(lastDays(t, k), (q) => q.reviews);
    while (reviews < s.min_reviews && k < 14 && t - k >= 0) reviews = sum(lastDays(t, ++k), (q) => q.reviews);
    if (reviews < s.min_reviews) fewReviews = reviews;
  }
  const sloAcc = ctx.agent.slo_min_accuracy;
  const accBreach = sloAcc !== null ? rateSlo('accuracy', sloAcc) : null;
  if (accBreach && sloAcc !== null) {
    alerts.push({
      agent_id: ctx.agent.agent_id, metric: 'accuracy', kind: 'slo', severity: 'high', value: round(accBreach.value), baseline: metrics.accuracy.normal, target: sloAcc,
      change_pct: changePct(accBreach.value, sloAcc), since: accBreach.since,
      message: `${ctx.who} accuracy ${pct1(accBreach.value)} over the last ${windowText(accBreach.k)} (${count(accBreach.n)} reviews) is below its SLO of ${pct1(sloAcc)}, since ${accBreach.since}: flag for retraining.`,
    });
  }
  const sloRr = ctx.agent.slo_max_review_rate;
  const rrBreach = sloRr !== null ? rateSlo('review_rate', sloRr) : null;
  if (rrBreach && sloRr !== null) {
    alerts.push({
      agent_id: ctx.agent.agent_id, metric: 'review_rate', kind: 'slo', severity: 'high', value: round(rrBreach.value), baseline: metrics.review_rate.normal, target: sloRr,
      change_pct: changePct(rrBreach.value, sloRr), since: rrBreach.since,
      message: `${ctx.who} review rate ${pct1(rrBreach.value)} over the last ${windowText(rrBreach.k)} (${count(rrBreach.x)} of ${count(rrBreach.n)} ${ctx.units}) is above its SLO of ${pct1(sloRr)}, since ${rrBreach.since}. Something's wrong: review required.`,
    });
  }

  if (enough) {
    // 4. Cost per outcome against its normal: spikes (one day) and level shifts (each of the last k days).
    const cpoAlert = changeAlert(ctx, t, W, idx, cpoBase);
    if (cpoAlert) alerts.push(cpoAlert);
    // 5. Review rate up, accuracy down, volume and spend either way.
    const rr = rateAlert(ctx, t, W, rrBase, 'review_rate');
    if (rr) alerts.push(rr);
    const acc = rateAlert(ctx, t, W, accBase, 'accuracy');
    if (acc) alerts.push(acc);
    const vol = levelAlert(ctx, t, W, volBase, 'volume');
    if (vol) alerts.push(vol);
  }
  // Spend on a day with no outcome (cost per outcome cannot judge it), e.g. usage no work item claims.
  const cost = levelAlert(ctx, t, W, costBase, 'cost');
  if (cost) alerts.push(cost);
  const fewOutcomes = enough && p.outcomes < s.min_change_count ? p.outcomes : null;
  return { day, history: active, metrics, alerts: consolidate(alerts), fewReviews, fewOutcomes };
}

const KIND_RANK: Record<DailyAlertKind, number> = { slo: 0, drift: 1, shift: 2, spike: 3 };

/**
 * One alert per metric and day, so one event is one line: an SLO breach over a drift vs target over a change against
 * the normal; what the others add (how far from the normal, since when) is appended to the one kept.
 */
function consolidate(alerts: DailyAlert[]): DailyAlert[] {
  const out: DailyAlert[] = [];
  for (const metric of DAILY_METRICS) {
    const same = alerts.filter((a) => a.metric === metric).sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
    if (!same.length) continue;
    const [keep, ...rest] = same;
    const change = rest.find((a) => (a.kind === 'shift' || a.kind === 'spike') && a.baseline !== null && a.change_pct !== null);
    const rate = metric === 'accuracy' || metric === 'review_rate';
    const moved = change ? (rate ? `${(change.value! - change.baseline!) >= 0 ? '+' : '−'}${pts(change.value! - change.baseline!)} (normal ${pct1(change.baseline!)})` : `${change.change_pct! > 0 ? '+' : ''}${change.change_pct}% (normal ${money(change.baseline!)})`) : '';
    const driver = change && !keep.message.includes('Likely driver:') ? (/ Likely driver: .*$/.exec(change.message)?.[0] ?? '') : '';
    const message = change && keep.kind !== 'shift' && keep.kind !== 'spike' ? `${keep.message} Against its own normal ${change.kind === 'spike' ? 'that day' : `since ${change.since}`}: ${moved}.${driver}` : keep.message;
    out.push({ ...keep, baseline: keep.baseline ?? change?.baseline ?? null, severity: same.some((a) => a.severity === 'high') ? 'high' : keep.severity, message });
  }
  return out;
}

/**
 * The first day of the episode: walk back from t while `onWindow(i)` holds (the alert's own test on the window
 * ending at i), then within the first such window, the first day that was itself off (`onDay`).
 */
function runStart(ctx: Ctx, t: number, onWindow: (i: number) => boolean, onDay: (i: number) => boolean, w: number): string {
  let e = t;
  const floor = Math.max(0, t - ctx.s.baseline_days);
  while (e - 1 >= floor && onWindow(e - 1)) e--;
  let first = e;
  for (let i = Math.max(0, e - w + 1); i <= e; i++) {
    if (onDay(i)) {
      first = i;
      break;
    }
  }
  return ctx.series.days[first];
}

function changeAlert(ctx: Ctx, t: number, W: number, idx: number[], base: CpoBase): DailyAlert | null {
  const { s } = ctx;
  const decide = (days: number[], zNeed: number, isShift: boolean) => {
    const c = cpoChange(ctx, days, base);
    if (!c || !(c.normal > 0)) return null;
    for (const dir of [1, -1] as const) {
      const sig = c.parts.filter((q) => !UNJUDGED.has(q.key) && (isShift ? shapeOf(q, zNeed, dir) : dir * q.z >= zNeed));
      const effect = sig.reduce((a, q) => a + (Math.sign(q.usd) === dir ? q.usd : 0), 0);
      if (dir * effect < s.min_change_pct * c.normal) continue;
      const o = days.reduce((a, i) => a + ctx.P[i].outcomes, 0);
      if (o < s.min_change_count) continue;
      const value = days.reduce((a, i) => a + ctx.P[i].total, 0) / o;
      const observed = value / c.normal - 1;
      if (dir * observed < s.min_change_pct / 2) continue;
      return { c, dir, value, observed, sig };
    }
    return null;
  };
  let found: (NonNullable<ReturnType<typeof decide>> & { k: number }) | null = null;
  for (let k = W; k >= 2 && !found; k--) {
    const r = decide(lastDays(t, k), s.z_shift, true);
    if (r) found = { ...r, k };
  }
  if (!found) {
    const r = decide([t], s.z_spike, false);
    if (r) found = { ...r, k: 1 };
  }
  if (!found) return null;
  const { c, dir, value, observed, k } = found;
  const drivers = { normal: c.normal, parts: found.sig, sd: c.sd };
  const days = lastDays(t, k);
  const main = found.sig.filter((q) => Math.sign(q.usd) === dir).sort((a, b) => dir * (b.usd - a.usd))[0];
  let since = ctx.series.days[t];
  if (k > 1) {
    // back while the main factor's own day stays off the same way
    let i = t - k + 1;
    const b = base.f[main.key]!;
    const floor = Math.max(0, t - s.baseline_days);
    while (i - 1 >= floor) {
      const w = windowStat(ctx, [i - 1], FACTORS[main.key], b);
      const z = w ? w.z * (main.key === 'sr' ? -1 : 1) : null;
      if (z === null || dir * z < 1) break;
      i--;
    }
    since = ctx.series.days[i];
  }
  const day = ctx.series.days[t];
  const verb = k === 1 ? (dir > 0 ? 'jumped' : 'dropped') : dir > 0 ? 'rose' : 'fell';
  const when = k === 1 ? `on ${day}` : `over the last ${k} days`;
  const against = k === 1 ? `against its normal ${money(c.normal)}` : `against its normal ${money(c.normal)}`;
  const tail = dir < 0 && main.key === 'use' ? ' Check that its usage logs are complete.' : '';
  return {
    agent_id: ctx.agent.agent_id, metric: 'cost_per_outcome', kind: k === 1 ? 'spike' : 'shift',
    severity: dir < 0 ? 'low' : sev(observed, s.min_change_pct), value: round(value), baseline: round(c.normal), target: ctx.agent.target_cost_per_outcome,
    change_pct: changePct(value, c.normal), since,
    message: `${ctx.who} cost per ${ctx.unit} ${verb} ${pct(Math.abs(observed))} ${dir > 0 ? 'above' : 'below'} its normal ${when}: ${money(value)} ${against}${k > 1 ? `, since ${since}` : ''}.${driverText(ctx, days, baselineDays(ctx, t), drivers, dir)}${tail}`,
  };
}

const shapeOf = (q: Contribution, zNeed: number, dir: 1 | -1) => {
  // z of 'sr' is flipped already (fewer successes = cost up); flip its day z's the same way
  const w = q.key === 'sr' ? { ...q.w, z: q.z, dayZ: q.w.dayZ.map((z) => (z === null ? null : -z)) } : q.w;
  return shape(w, zNeed, dir);
};

function rateAlert(ctx: Ctx, t: number, W: number, base: RatioBase | null, metric: 'review_rate' | 'accuracy'): DailyAlert | null {
  if (!base) return null;
  const { s } = ctx;
  const r: Ratio = metric === 'review_rate' ? { num: (p) => p.reviewed, den: (p) => p.closed, binomial: true } : { num: (p) => p.approved, den: (p) => p.reviews, binomial: true };
  const dir = metric === 'review_rate' ? 1 : -1;
  const min = metric === 'review_rate' ? s.min_review_rate_points : s.min_accuracy_points;
  // Enough of a count to judge: min_reviews reviews for accuracy, min_outcomes work items for the review rate.
  const need = metric === 'accuracy' ? s.min_reviews : s.min_outcomes;
  let hit: { w: WindowStat; k: number } | null = null;
  for (let k = W; k >= 2 && !hit; k--) {
    const w = windowStat(ctx, lastDays(t, k), r, base);
    if (w && w.n >= need && shape(w, s.z_shift, dir) && dir * (w.x - w.e) >= min) hit = { w, k };
  }
  if (!hit) {
    const w = windowStat(ctx, [t], r, base);
    if (w && w.n >= need && dir * w.z >= s.z_spike && dir * (w.x - w.e) >= min) hit = { w, k: 1 };
  }
  if (!hit) return null;
  const { w, k } = hit;
  let i = t - k + 1;
  if (k > 1) {
    const floor = Math.max(0, t - s.baseline_days);
    while (i - 1 >= floor) {
      const d = windowStat(ctx, [i - 1], r, base);
      if (!d || dir * d.z < 1) break;
      i--;
    }
  }
  const since = ctx.series.days[i];
  const day = ctx.series.days[t];
  const when = k === 1 ? `on ${day}` : `over the last ${k} days`;
  const n = Math.round(w.n);
  let message: string;
  if (metric === 'accuracy') {
    message = `${ctx.who} accuracy slipped ${pts(w.x - w.e)} to ${pct1(w.x)} ${when} (${count(n)} reviews), against its normal ${pct1(w.e)}${k > 1 ? `, since ${since}` : ''}.`;
    const slo = ctx.agent.slo_min_accuracy;
    if (slo !== null) message += w.x < slo ? ` That is below its SLO of ${pct1(slo)}.` : ` Its SLO is ${pct1(slo)}.`;
  } else {
    const reviewsPerItem = metric === 'review_rate' ? w.x - w.e : 0;
    const days = lastDays(t, k);
    const rev = days.reduce((a, j) => a + ctx.P[j].review, 0);
    const revs = days.reduce((a, j) => a + ctx.P[j].reviews, 0);
    const o = days.reduce((a, j) => a + ctx.P[j].outcomes, 0);
    const c = days.reduce((a, j) => a + ctx.P[j].closed, 0);
    const costPer = revs > 0 && o > 0 ? (reviewsPerItem * (rev / revs) * c) / o : null;
    message = `${ctx.who} review rate rose from ${pct1(w.e)} to ${pct1(w.x)} ${when} (${count(n)} ${ctx.units}; +${pts(w.x - w.e)})${k > 1 ? `, since ${since}` : ''}${costPer !== null ? `: review cost about +${money(costPer)} per ${ctx.unit}` : ''}.`;
  }
  return {
    agent_id: ctx.agent.agent_id, metric, kind: k === 1 ? 'spike' : 'shift', severity: sev(Math.abs(w.x - w.e), min), value: round(w.x), baseline: round(w.e),
    target: metric === 'accuracy' ? ctx.agent.slo_min_accuracy : ctx.agent.slo_max_review_rate, change_pct: changePct(w.x, w.e), since, message,
  };
}

function levelAlert(ctx: Ctx, t: number, W: number, base: LevelBase | null, metric: 'volume' | 'cost'): DailyAlert | null {
  if (!base) return null;
  const { s } = ctx;
  const v = metric === 'volume' ? (p: DailyPoint) => p.closed : (p: DailyPoint) => p.total;
  const min = metric === 'volume' ? s.min_volume_change_pct : s.min_cost_change_pct;
  if (metric === 'cost' && ctx.P[t].outcomes > 0) return null;
  const stat = (days: number[]) => {
    let diff = 0;
    let varSum = 0;
    let sumV = 0;
    let sumM = 0;
    const zs: number[] = [];
    // A count's z is its exact Poisson tail, scaled by Poisson σ ÷ the full σ (overdispersion, day-level noise).
    const countZ = (x: number, m: number, sd2: number) => (base.phi ? poissonZ(x, Math.max(m, 0.5)) * Math.sqrt(Math.max(m, 0.5) / sd2) : (x - m) / Math.sqrt(sd2));
    for (const i of days) {
      const m = base.m(i);
      const sd = base.sd(i);
      diff += v(ctx.P[i]) - m;
      varSum += sd * sd;
      zs.push(countZ(v(ctx.P[i]), m, sd * sd));
      sumV += v(ctx.P[i]);
      sumM += m;
    }
    void diff;
    return { z: countZ(sumV, sumM, varSum), zs, sumV, sumM };
  };
  // Volume either way (a fall may be an outage or a broken import); spend only up, one day at a time.
  const dirs: (1 | -1)[] = metric === 'volume' ? [1, -1] : [1];
  let hit: { st: ReturnType<typeof stat>; k: number; dir: 1 | -1 } | null = null;
  for (let k = metric === 'cost' ? 1 : W; k >= 2 && !hit; k--) {
    const st = stat(lastDays(t, k));
    for (const dir of dirs) {
      if (dir * st.z >= s.z_shift && st.zs.every((z) => dir * z >= 1) && st.sumM > 0 && dir * (st.sumV / st.sumM - 1) >= min) hit = { st, k, dir };
    }
  }
  if (!hit) {
    const st = stat([t]);
    for (const dir of dirs) if (dir * st.z >= s.z_spike && st.sumM > 0 && dir * (st.sumV / st.sumM - 1) >= min) hit = { st, k: 1, dir };
  }
  if (!hit) return null;
  const { st, k, dir } = hit;
  let i = t - k + 1;
  if (k > 1) {
    const floor = Math.max(0, t - s.baseline_days);
    while (i - 1 >= floor && dir * stat([i - 1]).z >= 1) i--;
  }
  const since = ctx.series.days[i];
  const day = ctx.series.days[t];
  const change = st.sumV / st.sumM - 1;
  const fmt = metric === 'volume' ? (x: number) => `${count(Math.round(x))} ${ctx.units}` : money;
  const normalDay = ctx.wcls[t] === 7 ? 'holiday' : WEEKDAY_NAMES[ctx.wcls[t]];
  const message =
    metric === 'cost'
      ? `${ctx.who} spent ${money(st.sumV)} on ${day} with no outcome to show for it, ${pct(change)} above ${money(st.sumM)} on a normal ${normalDay}.`
      : k === 1
        ? `${ctx.who} volume ${dir > 0 ? 'jumped' : 'fell'} ${pct(Math.abs(change))} on ${day}: ${fmt(st.sumV)} closed against ${fmt(st.sumM)} on a normal ${normalDay}.${dir < 0 ? ' Check the agent is running and its work items are imported.' : ''}`
        : `${ctx.who} volume ${dir > 0 ? 'rose' : 'fell'} ${pct(Math.abs(change))} over the last ${k} days: ${fmt(st.sumV)} closed against ${fmt(st.sumM)} normally, since ${since}.`;
  return {
    agent_id: ctx.agent.agent_id, metric, kind: k === 1 ? 'spike' : 'shift', severity: sev(Math.abs(change), min),
    value: round(st.sumV / k, 2), baseline: round(st.sumM / k, 2), target: null, change_pct: changePct(st.sumV, st.sumM), since, message,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Likely driver, from the decomposition: the factor that added most, with the figure a finance reader recognizes.

function driverText(ctx: Ctx, days: number[], idx: number[], c: { normal: number; parts: Contribution[] }, dir: 1 | -1): string {
  const parts = c.parts.filter((q) => Math.sign(q.usd) === dir && Math.abs(q.usd) >= 0.15 * Math.abs(c.parts.reduce((a, x) => a + (Math.sign(x.usd) === dir ? x.usd : 0), 0)));
  parts.sort((a, b) => dir * (b.usd - a.usd));
  const texts = parts.slice(0, 2).map((q) => `${factorText(ctx, days, idx, q)} (${q.usd >= 0 ? '+' : '−'}${money(Math.abs(q.usd))} per ${ctx.unit})`);
  return texts.length ? ` Likely driver: ${texts.join('; then ')}.` : '';
}

function factorText(ctx: Ctx, days: number[], idx: number[], q: Contribution): string {
  const P = ctx.P;
  const sum = (ds: number[], f: (p: DailyPoint) => number) => ds.reduce((a, i) => a + f(P[i]), 0);
  const base = idx.filter((i) => P[i].closed > 0);
  const ratio = (ds: number[], n: (p: DailyPoint) => number, d: (p: DailyPoint) => number) => {
    const dd = sum(ds, d);
    return dd > 0 ? sum(ds, n) / dd : null;
  };
  switch (q.key) {
    case 'use': {
      // retries, a model change, or more tokens per work item
      const rNow = ratio(days, (p) => p.retries, (p) => p.events);
      const rBase = ratio(base, (p) => p.retries, (p) => p.events);
      const items = (p: DailyPoint) => p.usage_items ?? p.closed;
      const retryNow = ratio(days, (p) => p.retry, items) ?? 0;
      const retryBase = ratio(base, (p) => p.retry, items) ?? 0;
      const apiNow = ratio(days, (p) => p.api + p.tools, items) ?? 0;
      const apiBase = ratio(base, (p) => p.api + p.tools, items) ?? 0;
      if (rNow !== null && rBase !== null && Math.abs(retryNow - retryBase) > Math.abs(apiNow - apiBase)) {
        return `retries: ${pct1(rNow)} of calls failed or were retried, against ${pct1(rBase)} normally`;
      }
      const top = (ds: number[]) => {
        const m = new Map<string, number>();
        for (const i of ds) for (const [k, v] of Object.entries(ctx.models[i] ?? {})) m.set(k, (m.get(k) ?? 0) + v);
        let best = '';
        let bv = -1;
        for (const [k, v] of m) if (v > bv) [best, bv] = [k, v];
        return best;
      };
      const now = top(days);
      const was = top(base);
      if (now && was && now !== was) return `a model change: most model cost is now ${now} (was ${was})`;
      const tNow = ratio(days, (p) => p.input_tokens + p.output_tokens, items);
      const tBase = ratio(base, (p) => p.input_tokens + p.output_tokens, items);
      if (tNow !== null && tBase !== null && tBase > 0 && Math.abs(tNow / tBase - 1) >= 0.05) {
        return `model usage: ${(tNow / tBase - 1 >= 0 ? '+' : '')}${pct(tNow / tBase - 1)} tokens per ${ctx.unit}`;
      }
      const change = `${apiNow >= apiBase ? 'up' : 'down'} ${pct(Math.abs(apiBase > 0 ? apiNow / apiBase - 1 : 0))}`;
      return tNow !== null && tBase !== null && tBase > 0 ? `model and tool cost per ${ctx.unit} ${change} at the same token volume (prices)` : `model and tool cost per ${ctx.unit} ${change}`;
    }
    case 'rpi':
      return `review rate: ${pct1(q.w.x)} of ${ctx.units} reviewed against ${pct1(q.w.e)} normally`;
    case 'cpr': {
      const now = ratio(days, (p) => p.review_minutes, (p) => p.reviews);
      const was = ratio(base, (p) => p.review_minutes, (p) => p.reviews);
      return now !== null && was !== null ? `longer human reviews: ${now.toFixed(1)} minutes a review against ${was.toFixed(1)} normally` : 'human review cost per review';
    }
    case 'alloc':
      return 'overhead and invoice true-up allocated per work item';
    case 'flow':
      return `timing: fewer ${ctx.units} closed than worked on (cost lands the day of the work, outcomes the day they close)`;
    case 'un':
      return 'usage with no work item (unattributed) on this agent';
    case 'sr':
      return `fewer successes: ${pct1(q.w.x)} of ${ctx.units} succeeded against ${pct1(q.w.e)} normally (failed work still costs)`;
  }
}
