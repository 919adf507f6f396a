// Scores the daily detection against the generator's injected events (bench/daily/README.md): detection rate, days
// to detect and false alerts per agent-month, by event type, size and volume class. The series goes through the real
// ledger (LedgerBuilder + DailyCollector) and the real detection (monitorSeries), exactly what `report daily` runs.
import { LedgerBuilder } from '../../src/core/ledger';
import { DailyCollector, DEFAULT_DAILY_SETTINGS, daysBetween, monitorSeries, type DailyAlert, type DailySeries, type DailySettings } from '../../src/core/daily';
import type { Agent } from '../../src/core/model/records';
import { generateDaily, planDaily, type DailyGenContext, type DailyGenOptions, type InjectedEvent, type VolumeClass } from './generate';

export interface Built {
  ctx: DailyGenContext;
  series: DailySeries;
  agents: Agent[];
  seconds: number;
  /** periods whose ledger conservation check failed (printed by the runner) */
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
  // Reported, not fatal: the ledger's own checks are the ledger's business (see bench/daily/README.md).
  const failed = Object.entries(result.conservationByPeriod).filter(([, c]) => !c.ok).map(([p, c]) => `${p} (difference ${c.difference}, cents_tie ${c.cents_tie})`);
  return { ctx, series: daily.series(result), agents, seconds: (Date.now() - t0) / 1000, conservationFailed: failed };
}

export interface Scored {
  events: (InjectedEvent & { volume: VolumeClass; detected: boolean; daysToDetect: number | null })[];
  falseAlerts: { clean: number; cleanEpisodes: number; cleanAgentMonths: number; other: number; otherEpisodes: number; otherAgentMonths: number };
  cleanAlerts: DailyAlert[];
  otherAlerts: DailyAlert[];
}

const METRICS_OF: Record<InjectedEvent['type'], string[]> = {
  spike: ['cost_per_outcome', 'cost'],
  drift: ['cost_per_outcome'],
  accuracy_drop: ['accuracy'],
  review_jump: ['review_rate'],
};

/** Alerts of every agent on every day from `from` on, scored against the injected events. */
export function score(b: Built, settings: DailySettings, from: number): Scored {
  const monitors = monitorSeries(b.series, b.agents, { ...settings, holidays: b.ctx.holidays });
  const byAgent = new Map(b.ctx.agents.map((g) => [g.agent.agent_id, g]));
  // the generator's last day (later days hold only the closes of items opened on it: a partial day)
  const lastT = b.series.days.indexOf(b.ctx.days[b.ctx.days.length - 1]);
  const alertsOf = (id: string) => {
    const m = monitors.find((x) => x.agent.agent_id === id)!;
    const out: { t: number; a: DailyAlert }[] = [];
    m.days.forEach((d, t) => {
      if (t >= from && t <= lastT && d) for (const a of d.alerts) out.push({ t, a });
    });
    return out;
  };
  const events: Scored['events'] = [];
  const cleanAlerts: DailyAlert[] = [];
  const otherAlerts: DailyAlert[] = [];
  let clean = 0, cleanEp = 0, cleanDays = 0, other = 0, otherEp = 0, otherDays = 0;
  for (const g of b.ctx.agents) {
    const id = g.agent.agent_id;
    const list = alertsOf(id);
    const evs = b.ctx.injected.filter((e) => e.agent_id === id);
    for (const e of evs) {
      const s = b.series.days.indexOf(e.start);
      const end = b.series.days.indexOf(e.end);
      const hits = list.filter((x) => METRICS_OF[e.type].includes(x.a.metric) && x.t >= s && x.t <= end && (e.type !== 'accuracy_drop' || x.a.kind !== 'slo' || true));
      const first = hits.length ? Math.min(...hits.map((h) => h.t)) : null;
      events.push({ ...e, volume: g.volume, detected: first !== null, daysToDetect: first === null ? null : first - s });
    }
    // Alerts outside every event (with a week's grace after each for the normal to settle) are false.
    const inEvent = (t: number) => evs.some((e) => t >= b.series.days.indexOf(e.start) && t <= b.series.days.indexOf(e.end) + 7);
    const falseOnes = list.filter((x) => !inEvent(x.t));
    const episodes = new Set(falseOnes.map((x) => `${x.a.metric}|${x.a.kind}|${x.a.since}`)).size;
    const months = (lastT - from + 1) / 30;
    if (g.clean) {
      clean += falseOnes.length;
      cleanEp += episodes;
      cleanDays += months;
      cleanAlerts.push(...falseOnes.map((x) => x.a));
    } else {
      other += falseOnes.length;
      otherEp += episodes;
      otherDays += months;
      otherAlerts.push(...falseOnes.map((x) => x.a));
    }
    void byAgent;
  }
  return { events, falseAlerts: { clean, cleanEpisodes: cleanEp, cleanAgentMonths: cleanDays, other, otherEpisodes: otherEp, otherAgentMonths: otherDays }, cleanAlerts, otherAlerts };
}

export { DEFAULT_DAILY_SETTINGS, daysBetween };
