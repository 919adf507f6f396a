// The pane's daily service: which day is "today", and which settings the workbook gives the detection.
import { dayRange, DEFAULT_DAILY_SETTINGS } from '../../src/core/daily';
import { CSR, series, steady } from '../../src/core/daily/fixtures';
import { DEFAULT_DRIVERS } from '../../src/workbook';
import { dailySettingsFrom, todayAlerts } from '../../src/taskpane/services/daily';

test('today is the last day with data, or the day before when that is the current (incomplete) day', () => {
  const s = series(dayRange('2026-03-02', '2026-06-24'), steady());
  expect(todayAlerts(s, [CSR], DEFAULT_DAILY_SETTINGS, '2026-07-01').day).toBe('2026-06-24');
  expect(todayAlerts(s, [CSR], DEFAULT_DAILY_SETTINGS, '2026-06-24').day).toBe('2026-06-23');
  expect(todayAlerts(s, [CSR], DEFAULT_DAILY_SETTINGS, '2026-07-01').text).toMatch(/^AI labor morning report for Wednesday 2026-06-24\nNo alerts: the agent is within target, SLOs and their normal range\./);
});

test('settings: Budget Drivers\' daily values, then the pane\'s threshold over the monthly alert percentage', () => {
  const d = { ...DEFAULT_DRIVERS, slo_alert_pct: 0.08, daily_window_days: 5, daily_baseline_days: 42, daily_min_change_pct: 0.1 };
  expect(dailySettingsFrom(d)).toMatchObject({ drift_pct: 0.08, window_days: 5, baseline_days: 42, min_change_pct: 0.1 });
  expect(dailySettingsFrom(d, 0.03).drift_pct).toBe(0.03);
  expect(dailySettingsFrom(null)).toEqual(DEFAULT_DAILY_SETTINGS);
});
