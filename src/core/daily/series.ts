// Daily series per agent and business unit, from the same ledger rules (DESIGN.md §3): a cost belongs to the day of
// its event, a review to the day of `reviewed_at`, an outcome to the day its work item closed (UTC days, as the
// ledger's UTC months). The money is the ledger's own published cents: every ledger row's and unattributed row's
// cent-rounded components are split over the days they came from by largest remainder, so the days of a month add
// up to the month's figures (aggregate()) to the cent, for every agent and business unit. README.md has the rules.
import { allocateCents, toCents } from '../ledger/rounding';
import { UNASSIGNED, type LedgerObserver, type LedgerResult } from '../ledger/types';
import type { LedgerRow, UnattributedRow } from '../model/ledger';
import type { Review, UsageEvent } from '../model/records';
import { dayOf, dayRange, daysBetween, periodDays } from './days';

/** What one agent (or business unit) did on one UTC day. Money in USD, cent-exact; counts are whole numbers. */
export interface DailyPoint {
  api: number;
  retry: number;
  tools: number;
  review: number;
  overhead: number;
  trueup: number;
  /** the day's share of the scope's unattributed rows (usage with no or an unknown work item, unallocated overhead…)
   * less their true-up, which is in `trueup` (as aggregate() reports them) */
  unattributed: number;
  total: number;
  events: number;
  /** events with status error or retry */
  retries: number;
  input_tokens: number;
  output_tokens: number;
  /** work items that closed this day (any outcome), and those that closed as a success */
  closed: number;
  outcomes: number;
  /** reviews made this day, how many approved, and how many distinct work items they reviewed */
  reviews: number;
  approved: number;
  reviewed: number;
  review_minutes: number;
  unattributed_events: number;
  /** spread of exact costs within the day, for the detection's noise (confidence from counts): work items with
   * usage, Σ of each one's usage cost squared, and Σ of each reviewed item's review cost squared (USD²) */
  usage_items: number;
  usage_sq: number;
  review_sq: number;
}

export const DAILY_MONEY = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed'] as const;
export type DailyMoney = (typeof DAILY_MONEY)[number];
const COUNT_KEYS = ['events', 'retries', 'input_tokens', 'output_tokens', 'closed', 'outcomes', 'reviews', 'approved', 'reviewed', 'review_minutes', 'unattributed_events', 'usage_items', 'usage_sq', 'review_sq'] as const;

export interface DailyScope {
  /** agent id or business unit name */
  id: string;
  /** the agent's business unit (for a business unit: itself) */
  business_unit: string;
  /** parallel to DailySeries.days */
  points: DailyPoint[];
  /** agents only: exact model API cost (ok llm/embedding events) by model, per day; null on days without any */
  models?: (Record<string, number> | null)[];
}

export interface DailySeries {
  /** every day of every ledger period, in order (whole months, so a month of days adds up to the month) */
  days: string[];
  /** the last day with an event, a review or a close; null when none */
  last_data_day: string | null;
  /** in the ledger's agent order (configured agents, then placeholders) */
  agents: DailyScope[];
  business_units: DailyScope[];
}

export const emptyPoint = (): DailyPoint => ({
  api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0, total: 0, events: 0, retries: 0, input_tokens: 0,
  output_tokens: 0, closed: 0, outcomes: 0, reviews: 0, approved: 0, reviewed: 0, review_minutes: 0, unattributed_events: 0,
  usage_items: 0, usage_sq: 0, review_sq: 0,
});

/** One work item (or no-item agent bucket) on one day, from one agent's events or from its reviews. */
interface Acc {
  item: string;
  /** the event's agent; '' for reviews (resolved from the work item, as the ledger does) */
  agent: string;
  day: string;
  api: number;
  retry: number;
  tools: number;
  review: number;
  events: number;
  retries: number;
  inTok: number;
  outTok: number;
  reviews: number;
  approved: number;
  reviewMin: number;
}

const newAcc = (item: string, agent: string, day: string): Acc => ({
  item, agent, day, api: 0, retry: 0, tools: 0, review: 0, events: 0, retries: 0, inTok: 0, outTok: 0, reviews: 0, approved: 0, reviewMin: 0,
});

/**
 * Attach to a ledger build (`BuildOptions.observer`), then call `series(result)` with what `finish()` returned.
 * Keeps one small accumulator per work item and day (not per event).
 */
export class DailyCollector implements LedgerObserver {
  private readonly accs = new Map<string, Acc>();
  private readonly models = new Map<string, Map<string, number>>();
  private last: Acc | null = null;
  private lastItem = '\u0000';
  private lastAgent = '\u0000';

  event(e: UsageEvent, cost: number, agent: string): void {
    const day = dayOf(e.timestamp);
    let a: Acc | undefined = this.last ?? undefined;
    if (a === undefined || e.work_item_id !== this.lastItem || agent !== this.lastAgent || a.day !== day) {
      const key = `${e.work_item_id}\u0001${agent}\u0001${day}`;
      a = this.accs.get(key);
      if (a === undefined) this.accs.set(key, (a = newAcc(e.work_item_id, agent, day)));
      this.last = a;
      this.lastItem = e.work_item_id;
      this.lastAgent = agent;
    }
    const tokenKind = e.kind === 'llm' || e.kind === 'embedding';
    // The ledger's components (RULES.md): retry = status error/retry of any kind; api = ok llm/embedding; tools = ok vector/tool.
    if (e.status !== 'ok') {
      a.retry += cost;
      a.retries++;
    } else if (tokenKind) {
      a.api += cost;
      const mk = `${agent}\u0001${day}`;
      let m = this.models.get(mk);
      if (m === undefined) this.models.set(mk, (m = new Map()));
      m.set(e.model, (m.get(e.model) ?? 0) + cost);
    } else a.tools += cost;
    a.events++;
    a.inTok += e.input_tokens;
    a.outTok += e.output_tokens;
  }

  review(r: Review, cost: number): void {
    const day = dayOf(r.reviewed_at);
    const key = `${r.work_item_id}\u0001\u0003\u0001${day}`;
    let a = this.accs.get(key);
    if (a === undefined) this.accs.set(key, (a = newAcc(r.work_item_id, '', day)));
    a.review += cost;
    a.reviews++;
    if (r.result === 'approved') a.approved++;
    a.reviewMin += r.minutes;
  }

  /** The daily series of a finished build. */
  series(result: LedgerResult): DailySeries {
    return buildSeries(result, [...this.accs.values()], this.models);
  }
}

interface Scopes {
  index: Map<string, number>;
  list: DailyScope[];
  /** per scope: cents by day × DAILY_MONEY column */
  cents: number[][];
}

const sumBy = (accs: Acc[], f: (a: Acc) => number) => accs.reduce((s, a) => s + f(a), 0);

function buildSeries(result: LedgerResult, accs: Acc[], models: Map<string, Map<string, number>>): DailySeries {
  if (result.periods.length === 0) return { days: [], last_data_day: null, agents: [], business_units: [] };
  const first = periodDays(result.periods[0]).first;
  const days = dayRange(first, periodDays(result.periods[result.periods.length - 1]).last);
  const dayIndex = (d: string) => daysBetween(first, d);

  // Scopes: every agent of the ledger; business units of the agents, then any other a row names.
  const agentScopes = makeScopes();
  const buScopes = makeScopes();
  for (const a of result.agents) addScope(agentScopes, a.agent_id, a.business_unit, days.length);
  for (const a of result.agents) addScope(buScopes, a.business_unit, a.business_unit, days.length);
  const extraBu = new Set<string>();
  for (const r of result.rows) if (!buScopes.index.has(r.business_unit)) extraBu.add(r.business_unit);
  for (const u of result.unattributed) if (!buScopes.index.has(u.business_unit)) extraBu.add(u.business_unit);
  for (const bu of [...extraBu].sort()) addScope(buScopes, bu, bu, days.length);
  const agentOf = (id: string) => {
    if (!agentScopes.index.has(id)) addScope(agentScopes, id, UNASSIGNED, days.length);
    return agentScopes.index.get(id)!;
  };

  // Cents per scope, day and money column, as integers (columns in DAILY_MONEY order).
  const M = DAILY_MONEY.length;
  const addCents = (agent: string, bu: string, day: number, col: number, cents: number) => {
    if (cents === 0) return;
    agentScopes.cents[agentOf(agent)][day * M + col] += cents;
    buScopes.cents[buScopes.index.get(bu)!][day * M + col] += cents;
  };
  const addCount = (agent: string, bu: string, day: number, key: (typeof COUNT_KEYS)[number], n: number) => {
    if (n === 0) return;
    agentScopes.list[agentOf(agent)].points[day][key] += n;
    buScopes.list[buScopes.index.get(bu)!].points[day][key] += n;
  };

  // Which accumulators belong to which ledger row; the rest are unattributed (as the ledger decides in finish()).
  const rowKey = (period: string, item: string) => `${period}\u0001${item}`;
  const rows = new Map<string, LedgerRow>();
  for (const r of result.rows) rows.set(rowKey(r.period, r.work_item_id), r);
  const byRow = new Map<string, Acc[]>();
  const unknownAgent = new Map<string, string>();
  const usageU = new Map<string, Acc[]>();
  const reviewU: Acc[] = [];
  let lastDay = '';
  for (const a of accs) {
    if (a.day > lastDay) lastDay = a.day;
    const k = a.item ? rowKey(a.day.slice(0, 7), a.item) : '';
    if (a.item && rows.has(k)) {
      let g = byRow.get(k);
      if (!g) byRow.set(k, (g = []));
      g.push(a);
      continue;
    }
    if (a.agent === '') {
      reviewU.push(a);
      continue;
    }
    if (a.item && !unknownAgent.has(a.item)) unknownAgent.set(a.item, a.agent);
    const uk = `${a.day.slice(0, 7)}\u0001${a.agent}\u0001${a.item ? 'unknown' : 'none'}`;
    let g = usageU.get(uk);
    if (!g) usageU.set(uk, (g = []));
    g.push(a);
  }
  // Reviews of an unknown item go to the agent whose events named it, else Unassigned (RULES.md).
  const reviewUByKey = new Map<string, Acc[]>();
  for (const a of reviewU) {
    const uk = `${a.day.slice(0, 7)}\u0001${unknownAgent.get(a.item) ?? UNASSIGNED}`;
    let g = reviewUByKey.get(uk);
    if (!g) reviewUByKey.set(uk, (g = []));
    g.push(a);
  }

  // Ledger rows: each component's cents over the days it came from.
  const cols = { api: 0, retry: 1, tools: 2, review: 3, overhead: 4, trueup: 5, unattributed: 6 } as const;
  for (const r of result.rows) {
    const group = byRow.get(rowKey(r.period, r.work_item_id)) ?? [];
    const closeDay = r.closed && r.closed_at ? dayOf(r.closed_at) : '';
    if (closeDay > lastDay) lastDay = closeDay;
    const fallbackDay = closeDay || periodDays(r.period).first;
    const split = (cents: number, col: number, weight: (a: Acc) => number, count: (a: Acc) => number) => {
      if (cents === 0) return;
      const parts = splitOver(group, cents, weight, count);
      if (parts === null) addCents(r.agent_id, r.business_unit, dayIndex(fallbackDay), col, cents);
      else group.forEach((a, i) => addCents(r.agent_id, r.business_unit, dayIndex(a.day), col, parts[i]));
    };
    split(toCents(r.api), cols.api, (a) => a.api, (a) => a.events);
    split(toCents(r.retry), cols.retry, (a) => a.retry, (a) => a.retries);
    split(toCents(r.tools), cols.tools, (a) => a.tools, (a) => a.events);
    split(toCents(r.review), cols.review, (a) => a.review, (a) => a.reviews);
    // Allocations follow the row's own cost over its days: overhead by everything, true-up by provider usage.
    split(toCents(r.overhead), cols.overhead, (a) => a.api + a.retry + a.tools + a.review, (a) => a.events + a.reviews);
    split(toCents(r.trueup), cols.trueup, (a) => a.api + a.retry + a.tools, (a) => a.events);
    for (const a of group) {
      const d = dayIndex(a.day);
      addCount(r.agent_id, r.business_unit, d, 'events', a.events);
      addCount(r.agent_id, r.business_unit, d, 'retries', a.retries);
      addCount(r.agent_id, r.business_unit, d, 'input_tokens', a.inTok);
      addCount(r.agent_id, r.business_unit, d, 'output_tokens', a.outTok);
      addCount(r.agent_id, r.business_unit, d, 'reviews', a.reviews);
      addCount(r.agent_id, r.business_unit, d, 'approved', a.approved);
      addCount(r.agent_id, r.business_unit, d, 'review_minutes', a.reviewMin);
      if (a.agent === '' && a.reviews > 0) {
        addCount(r.agent_id, r.business_unit, d, 'reviewed', 1);
        addCount(r.agent_id, r.business_unit, d, 'review_sq', a.review * a.review);
      }
      if (a.agent !== '' && a.events > 0) {
        const u = a.api + a.retry + a.tools;
        addCount(r.agent_id, r.business_unit, d, 'usage_items', 1);
        addCount(r.agent_id, r.business_unit, d, 'usage_sq', u * u);
      }
    }
    if (r.closed) {
      const d = dayIndex(closeDay || fallbackDay);
      addCount(r.agent_id, r.business_unit, d, 'closed', 1);
      addCount(r.agent_id, r.business_unit, d, 'outcomes', r.success);
    }
  }

  // Unattributed rows: usage and reviews over the days of the events/reviews they hold; unallocated overhead and
  // invoice-only true-up (no event to date them) evenly over the days of their month.
  // As aggregate() reports them: an unattributed row's true-up goes to the True-up column, the rest to Unattributed.
  for (const u of result.unattributed) {
    const trueup = toCents(u.trueup);
    const group = unattributedGroup(u, usageU, reviewUByKey);
    const isReview = u.kind === 'review';
    for (const [col, cents] of [[cols.unattributed, toCents(u.total) - trueup], [cols.trueup, trueup]] as const) {
      if (cents === 0) continue;
      const parts = group.length
        ? splitOver(group, cents, (a) => (isReview ? a.review : a.api + a.retry + a.tools), (a) => (isReview ? a.reviews : a.events))
        : null;
      if (parts !== null) group.forEach((a, i) => addCents(u.agent_id, u.business_unit, dayIndex(a.day), col, parts[i]));
      else {
        const { first: f, last: l } = periodDays(u.period);
        const spread = dayRange(f, l);
        allocateCents(new Array<number>(spread.length).fill(1), cents).forEach((c, i) => addCents(u.agent_id, u.business_unit, dayIndex(spread[i]), col, c));
      }
    }
    if (!isReview) for (const a of group) addCount(u.agent_id, u.business_unit, dayIndex(a.day), 'unattributed_events', a.events);
  }

  for (const s of [agentScopes, buScopes]) {
    s.list.forEach((scope, si) => {
      const c = s.cents[si];
      scope.points.forEach((p, d) => {
        let total = 0;
        DAILY_MONEY.forEach((k, j) => {
          const v = c[d * M + j];
          p[k] = v / 100;
          total += v;
        });
        p.total = total / 100;
      });
    });
  }
  for (const scope of agentScopes.list) {
    const m: (Record<string, number> | null)[] = new Array<Record<string, number> | null>(days.length).fill(null);
    days.forEach((d, i) => {
      const x = models.get(`${scope.id}\u0001${d}`);
      if (x) m[i] = Object.fromEntries(x);
    });
    scope.models = m;
  }
  return { days, last_data_day: lastDay || null, agents: agentScopes.list, business_units: buScopes.list };
}

function makeScopes(): Scopes {
  return { index: new Map(), list: [], cents: [] };
}

function addScope(s: Scopes, id: string, bu: string, days: number) {
  if (s.index.has(id)) return;
  s.index.set(id, s.list.length);
  s.list.push({ id, business_unit: bu, points: Array.from({ length: days }, emptyPoint) });
  s.cents.push(new Array<number>(days * DAILY_MONEY.length).fill(0));
}

/**
 * Cents over the accumulators by weight (exact USD), else by count when every weight is 0 (unpriced events),
 * else null (nothing to date them by).
 */
function splitOver(group: Acc[], cents: number, weight: (a: Acc) => number, count: (a: Acc) => number): number[] | null {
  if (group.length === 0) return null;
  let w = group.map(weight);
  if (!(sumBy(group, weight) > 0)) {
    w = group.map(count);
    if (!(w.reduce((s, x) => s + x, 0) > 0)) return null;
  }
  return allocateCents(w, cents);
}

function unattributedGroup(u: UnattributedRow, usageU: Map<string, Acc[]>, reviewU: Map<string, Acc[]>): Acc[] {
  if (u.kind === 'usage') return usageU.get(`${u.period}\u0001${u.agent_id}\u0001${u.reason === 'no work item' ? 'none' : 'unknown'}`) ?? [];
  if (u.kind === 'review') return reviewU.get(`${u.period}\u0001${u.agent_id}`) ?? [];
  return [];
}

/** The scope's points summed over the days of one period: what aggregate() gives for the month (tests compare them). */
export function monthOfDays(series: DailySeries, scope: DailyScope, period: string): DailyPoint {
  const out = emptyPoint();
  const cents: Record<string, number> = {};
  series.days.forEach((d, i) => {
    if (!d.startsWith(period)) return;
    const p = scope.points[i];
    for (const k of [...DAILY_MONEY, 'total'] as const) cents[k] = (cents[k] ?? 0) + toCents(p[k]);
    for (const k of COUNT_KEYS) out[k] += p[k];
  });
  for (const k of [...DAILY_MONEY, 'total'] as const) out[k] = (cents[k] ?? 0) / 100;
  return out;
}
