// The morning report: for each day asked, the alerts of every agent, a plain-text report in the playbook's style
// ("CSR agent drifted 8% above cost target yesterday; … Review required."), and the JSON of issue 16.
import type { Agent } from '../model/records';
import { WEEKDAY_NAMES, addDays, weekday } from './days';
import { DEFAULT_DAILY_SETTINGS, monitorSeries, type AgentMonitor, type DailyAlert, type DailySettings } from './detect';
import type { DailySeries } from './series';

export interface DailyReportDay {
  day: string;
  alerts: DailyAlert[];
  /** the report as sent */
  text: string;
}

/** The JSON of `report daily --json`: one entry per day asked, even when it has no alert. */
export interface DailyReport {
  days: DailyReportDay[];
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;
const JSON_KEYS = ['agent_id', 'metric', 'kind', 'severity', 'value', 'baseline', 'target', 'change_pct', 'since', 'message'] as const;

/** An alert with exactly the JSON keys, in order (nothing else leaks into the file or the webhook). */
export const alertJson = (a: DailyAlert): DailyAlert => Object.fromEntries(JSON_KEYS.map((k) => [k, a[k]])) as unknown as DailyAlert;

export interface DailyReportOptions {
  settings?: DailySettings;
  /** shown in the heading (default "AI labor") */
  organisation?: string;
}

/** The morning report for each of `days` (YYYY-MM-DD), from a daily series and the agents' targets and SLOs. */
export function dailyReport(series: DailySeries, agents: readonly Agent[], days: readonly string[], o: DailyReportOptions = {}): { report: DailyReport; monitors: AgentMonitor[] } {
  const settings = o.settings ?? DEFAULT_DAILY_SETTINGS;
  const monitors = monitorSeries(series, agents, settings, days);
  const out: DailyReportDay[] = days.map((day) => {
    const t = series.days.indexOf(day);
    const alerts = t < 0 ? [] : monitors.flatMap((m) => m.days[t]?.alerts ?? []);
    const order = new Map(monitors.map((m, i) => [m.agent.agent_id, i]));
    alerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || order.get(a.agent_id)! - order.get(b.agent_id)!);
    return { day, alerts: alerts.map(alertJson), text: reportText(series, monitors, day, alerts, o.organisation) };
  });
  return { report: { days: out }, monitors };
}

const label = (m: AgentMonitor) => m.agent.name?.trim() || m.agent.agent_id;

function reportText(series: DailySeries, monitors: AgentMonitor[], day: string, alerts: DailyAlert[], organisation = 'AI labor'): string {
  const head = `${organisation} morning report for ${WEEKDAY_NAMES[weekday(day)]} ${day}`;
  const t = series.days.indexOf(day);
  const last = series.last_data_day;
  if (t < 0 || last === null || day > last) {
    const first = series.days[0];
    const why = last === null ? 'there is no data' : first && day < first ? `the data starts on ${first}` : `the data ends on ${last}`;
    return `${head}\nNo data for ${day}: ${why}. Nothing was judged.`;
  }
  // Agents that worked in the last two weeks (so a retired agent does not count as "quiet").
  const recent = (m: AgentMonitor) => {
    for (let i = Math.max(0, t - 13); i <= t; i++) if (m.scope.points[i].closed > 0 || m.scope.points[i].total !== 0) return true;
    return false;
  };
  const working = monitors.filter(recent);
  const flagged = new Set(alerts.map((a) => a.agent_id));
  const lines = [head];
  if (alerts.length === 0) lines.push(`No alerts: ${working.length === 1 ? 'the agent is' : `all ${working.length} agents are`} within target, SLOs and their normal range.`);
  else {
    lines.push(`${flagged.size} of ${working.length} agent${working.length === 1 ? '' : 's'} need${flagged.size === 1 && working.length === 1 ? 's' : ''} attention (${alerts.length} alert${alerts.length === 1 ? '' : 's'}). Review required.`);
    for (const a of alerts) lines.push(`- [${a.severity}] ${a.message}`);
  }
  const quiet = working.filter((m) => !flagged.has(m.agent.agent_id)).map(label);
  if (alerts.length && quiet.length) lines.push(`Within target and normal: ${quiet.join(', ')}.`);
  const young = working.filter((m) => {
    const d = m.days[t];
    return d !== null && d.history < m.settings.min_history_days;
  });
  if (young.length) lines.push(`Not enough history for a normal yet (targets and SLOs still checked): ${young.map((m) => `${label(m)} (${m.days[t]!.history} of ${m.settings.min_history_days} days)`).join(', ')}.`);
  const thin = working.filter((m) => m.days[t]?.fewOutcomes !== null && m.days[t]?.fewOutcomes !== undefined);
  if (thin.length) lines.push(`Too few outcomes on the day to judge a one-day change in cost per outcome (fewer than ${thin[0].settings.min_change_count}): ${thin.map((m) => `${label(m)} (${m.days[t]!.fewOutcomes})`).join(', ')}.`);
  const few = working.filter((m) => m.agent.slo_min_accuracy !== null && m.days[t]?.fewReviews !== null && m.days[t]?.fewReviews !== undefined);
  if (few.length) lines.push(`Accuracy not judged against its SLO (fewer than ${few[0].settings.min_reviews} reviews in 14 days): ${few.map((m) => `${label(m)} (${m.days[t]!.fewReviews})`).join(', ')}.`);
  return lines.join('\n');
}

/** The days of `--from D1 --to D2`, or the one `--day` (default: yesterday, UTC). */
export function reportDays(o: { day?: string; from?: string; to?: string; today?: string }): string[] {
  if (o.from || o.to) {
    const from = o.from ?? o.to!;
    const to = o.to ?? o.from!;
    const out: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
    return out;
  }
  return [o.day ?? addDays(o.today ?? new Date().toISOString().slice(0, 10), -1)];
}
