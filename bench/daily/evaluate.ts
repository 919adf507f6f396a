// Scores the daily detection against the generator's injected events (bench/daily/README.md): detection rate, days
// to detect and false alerts per agent-month, by event type, size and volume class. The series goes through the real
// ledger (LedgerBuilder + DailyCollector) and the real detection (monitorSeries): what `report daily` runs.
import { LedgerBuilder } from '../../src/core/ledger';
import { DailyCollector, monitorSeries, type DailyAlert, type DailySeries, type DailySettings } from '../../src/core/daily';
import type { Agent } from '../../src/core/model/records';
import { generateDaily, planDaily, type DailyGenContext, type DailyGenOptions, type InjectedEvent, type VolumeClass } from './generate';

export interface Built {
  ctx: DailyGenContext;
  series: DailySeries;
  agents: Agent[];
  seconds: number;
  /** periods whose ledger conservation check failed (printed by the runner; the ledger's own business) */
  conservationFailed: string[];
}

/** Generates the data and runs it through the ledger into a daily series. */
export function buildGenerated(o: DailyGenOptions): Built {
  const t0 = Date.now();
  // The plan (agents, rates, overheads) is cheap and deterministic: the ledger needs it before the first record.
  const plan = planDaily(o);
  const agents = plan.agents.map((g) => g.agent);
  const daily = new DailyCollector();
  const builder = new LedgerBuilder({ agents, rates: plan.rates, toolPrices: [], overheads: plan.overheads, invoices: [], prices: [] }, { observer: daily, expectedEvents: 1 << 20 });
  const ctx = generateDaily(o, { workItem: (w) => builder.addWorkItem(w), event: (e) => builder.addEvent(e), review: (r) => builder.addReview(r) });
  const result = builder.finish();
  const failed = Object.entries(result.conservationByPeriod).filter(([, c]) => !c.ok).map(([p, c]) => `${p} (difference ${c.difference}, cents_tie ${c.cents_tie})`);
  return { ctx, series: daily.series(result), agents, seconds: (Date.now() - t0) / 1000, conservationFailed: failed };
}

export interface ScoredEvent extends InjectedEvent {
  volume: VolumeClass;
  detected: boolean;
  /** first alert day − first event day (0 = the same day); null when never caught during the event */
  daysToDetect: number | null;
}

export interface AgentFalse {
  agent_id: string;
  volume: VolumeClass;
  clean: boolean;
  /** alerts outside every injected event (+ a week after each) whose episode did not begin during one */
  alerts: DailyAlert[];
  /** after a sustained event ended: the metric moving back the other way within the baseline's length (its normal
   * had partly taken the event in), not counted as false */
  returns: DailyAlert[];
  /** distinct episodes among them (same metric, kind and since) */
  episodes: number;
  months: number;
}

export interface Scored {
  events: ScoredEvent[];
  agents: AgentFalse[];
}

/** Metrics a sustained event moves (so they may move back after it ends): a review jump moves cost per outcome too. */
export const MOVED_BY: Record<InjectedEvent['type'], string[]> = {
  spike: [],
  drift: ['cost_per_outcome'],
  accuracy_drop: ['accuracy'],
  review_jump: ['review_rate', 'cost_per_outcome'],
};

/** Which alerts count as catching an event. */
export const METRICS_OF: Record<InjectedEvent['type'], string[]> = {
  spike: ['cost_per_outcome', 'cost'],
  drift: ['cost_per_outcome'],
  accuracy_drop: ['accuracy'],
  review_jump: ['review_rate'],
};

/** Alerts of every agent on every day from day index `from` to the generator's last day, against the injected events. */
export function score(b: Pick<Built, 'ctx' | 'series' | 'agents'>, settings: DailySettings, from: number): Scored {
  const monitors = monitorSeries(b.series, b.agents, { ...settings, holidays: b.ctx.holidays });
  // the generator's last day: later days hold only the closes of items opened on it (a partial day)
  const lastT = b.series.days.indexOf(b.ctx.days[b.ctx.days.length - 1]);
  const events: ScoredEvent[] = [];
  const agents: AgentFalse[] = [];
  for (const g of b.ctx.agents) {
    const id = g.agent.agent_id;
    const m = monitors.find((x) => x.agent.agent_id === id)!;
    const list: { t: number; a: DailyAlert }[] = [];
    m.days.forEach((d, t) => {
      if (t >= from && t <= lastT && d) for (const a of d.alerts) list.push({ t, a });
    });
    const evs = b.ctx.injected.filter((e) => e.agent_id === id);
    const at = (day: string) => b.series.days.indexOf(day);
    for (const e of evs) {
      const hits = list.filter((x) => METRICS_OF[e.type].includes(x.a.metric) && x.t >= at(e.start) && x.t <= at(e.end));
      const first = hits.length ? Math.min(...hits.map((h) => h.t)) : null;
      events.push({ ...e, volume: g.volume, detected: first !== null, daysToDetect: first === null ? null : first - at(e.start) });
    }
    const inEvent = (t: number) => evs.some((e) => t >= at(e.start) && t <= at(e.end) + 7);
    // moving back: the opposite direction of the event's change, on its metric, after it ended
    const back = (x: { t: number; a: DailyAlert }) =>
      evs.some((e) => x.t > at(e.end) && x.t <= at(e.end) + settings.baseline_days && MOVED_BY[e.type].includes(x.a.metric) && x.a.kind !== 'slo' && x.a.kind !== 'drift' && (x.a.change_pct ?? 0) * (e.type === 'accuracy_drop' ? -1 : 1) < 0);
    // an alert whose episode began during an event (its `since`) is about that event, however long its window
    const aboutEvent = (x: { a: DailyAlert }) => evs.some((e) => x.a.since >= e.start && x.a.since <= e.end);
    const outside = list.filter((x) => !inEvent(x.t) && !aboutEvent(x));
    const falseOnes = outside.filter((x) => !back(x)).map((x) => x.a);
    agents.push({ agent_id: id, volume: g.volume, clean: g.clean, alerts: falseOnes, returns: outside.filter(back).map((x) => x.a), episodes: new Set(falseOnes.map((a) => `${a.metric}|${a.kind}|${a.since}`)).size, months: (lastT - from + 1) / 30 });
  }
  return { events, agents };
}
