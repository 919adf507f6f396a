// Daily governance in the pane: the settings the workbook holds (Budget Drivers' daily_* values, the Agents sheet's
// alert_* columns), the Daily and Daily Monitor sheets, and the latest day's alerts with the cell that explains each.
import type { LedgerContext, LedgerResult } from '../../core/ledger';
import { DEFAULT_DAILY_SETTINGS, dailyReport, type DailyAlert, type DailySeries, type DailySettings } from '../../core/daily';
import type { Agent } from '../../core/model/records';
import { DAILY_MONITOR_SHEET, dailyMonitorCell, dailySheets, type Drivers, type SheetSpec } from '../../workbook';

/** Defaults, then the Budget Drivers' values, then the pane's alert threshold (the same "above target by" it shows). */
export function dailySettingsFrom(drivers?: Partial<Drivers> | null, alertPct?: number): DailySettings {
  const s: DailySettings = { ...DEFAULT_DAILY_SETTINGS };
  if (drivers?.slo_alert_pct !== undefined) s.drift_pct = drivers.slo_alert_pct;
  if (drivers?.daily_window_days !== undefined) s.window_days = drivers.daily_window_days;
  if (drivers?.daily_baseline_days !== undefined) s.baseline_days = drivers.daily_baseline_days;
  if (drivers?.daily_min_change_pct !== undefined) s.min_change_pct = drivers.daily_min_change_pct;
  if (alertPct !== undefined) s.drift_pct = alertPct;
  return s;
}

/** The ledger's agents with the Agents sheet's configuration (targets, SLOs, alert_* columns) where it has them. */
export function configuredAgents(result: LedgerResult, agents: readonly Agent[]): Agent[] {
  const byId = new Map(agents.map((a) => [a.agent_id, a]));
  return result.agents.map((a) => byId.get(a.agent_id) ?? a);
}

export interface TodayAlert extends DailyAlert {
  /** the Daily Monitor cell that explains it */
  sheet: string;
  cell: string;
}

export interface Today {
  day: string | null;
  alerts: TodayAlert[];
  /** the report as the morning report would send it */
  text: string;
}

/**
 * The latest day's alerts, each linked to its Daily Monitor row: the series' last day with data — or the day before
 * when that is today (UTC), whose data is still coming in.
 */
export function todayAlerts(series: DailySeries, agents: readonly Agent[], settings: DailySettings, now = new Date().toISOString().slice(0, 10)): Today {
  const last = series.last_data_day;
  const day = last && last >= now ? series.days[series.days.indexOf(last) - 1] ?? null : last;
  if (!day) return { day: null, alerts: [], text: '' };
  const { report } = dailyReport(series, agents, [day], { settings });
  // the monitor lists the series' agents in order
  const index = new Map(series.agents.map((s, i) => [s.id, i]));
  const d = report.days[0];
  return {
    day,
    text: d.text,
    alerts: d.alerts.map((a) => ({ ...a, sheet: DAILY_MONITOR_SHEET, cell: dailyMonitorCell(index.get(a.agent_id) ?? 0, a.metric) })),
  };
}

/** The Daily (data) and Daily Monitor (report) sheets for the workbook. */
export function dailySpecs(series: DailySeries, result: LedgerResult, ctx: LedgerContext, settings: DailySettings, incomplete?: string): { data: SheetSpec; monitor: SheetSpec } {
  const d = dailySheets({ series, settings }, result, ctx, incomplete);
  return { data: d.data, monitor: d.monitor };
}
