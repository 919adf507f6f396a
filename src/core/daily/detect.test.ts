import { type Agent } from '../model/records';
import { dayRange } from './days';
import { DEFAULT_DAILY_SETTINGS, monitorSeries, type DailyAlert, type DailySettings } from './detect';
import { CSR, NORMAL, isWeekend, round2, series, steady } from './fixtures';
import { dailyReport } from './report';
import type { DailySeries } from './series';

const DAYS = dayRange('2026-03-02', '2026-06-28');

const alertsOn = (s: DailySeries, agent: Agent, day: string, settings: Partial<DailySettings> = {}) => {
  const m = monitorSeries(s, [agent], { ...DEFAULT_DAILY_SETTINGS, ...settings }, [day]);
  return m[0].days[s.days.indexOf(day)]!.alerts;
};
const allAlerts = (s: DailySeries, agent: Agent, from: number, settings: Partial<DailySettings> = {}) => {
  const m = monitorSeries(s, [agent], { ...DEFAULT_DAILY_SETTINGS, ...settings });
  return m[0].days.flatMap((d, i) => (i >= from && d ? d.alerts : []));
};
const brief = (a: DailyAlert) => `${a.metric}/${a.kind} since ${a.since}`;

describe('daily detection', () => {
  it('a steady agent with weekends at 30% volume gets no alert in 80 days', () => {
    const s = series(DAYS, steady());
    expect(allAlerts(s, CSR, 40).map(brief)).toEqual([]);
  });

  it('a holiday at weekend volume: a volume alert unless the holiday is listed', () => {
    const holiday = '2026-05-20'; // a Wednesday
    const s = series(DAYS, (day) => ({ ...NORMAL(), closed: isWeekend(day) || day === holiday ? 450 : 1500 }));
    expect(alertsOn(s, CSR, holiday).map((a) => `${a.metric}/${a.kind}`)).toEqual(['volume/spike']);
    expect(alertsOn(s, CSR, holiday)[0].message).toMatch(/^CSR Tier 1 volume fell \d+% on 2026-05-20: [\d,]+ tickets closed against 1,\d{3} tickets on a normal Wednesday\./);
    expect(alertsOn(s, CSR, holiday, { holidays: [holiday] })).toEqual([]);
  });

  it('work closing without success: an alert every day it lasts, also once the normal has taken it in (before: silent after the first days)', () => {
    const start = DAYS.indexOf('2026-05-01');
    // from May, every ticket fails; spend goes on (failed work still costs)
    const s = series(DAYS, (day, i) => ({ ...steady()(day), success: i >= start ? 0 : 0.93 }));
    const m = monitorSeries(s, [CSR], DEFAULT_DAILY_SETTINGS);
    const days = DAYS.slice(start + 1);
    const costAlerts = days.map((d) => m[0].days[DAYS.indexOf(d)]!.alerts.filter((a) => a.metric === 'cost_per_outcome'));
    expect(days.filter((_, k) => costAlerts[k].length === 0)).toEqual([]);
    // past the 14-day window no outcome is left in it: the alert says so
    const late = costAlerts[days.indexOf('2026-06-10')][0];
    expect(late).toMatchObject({ kind: CSR.slo_max_cost_per_outcome !== null ? 'slo' : 'drift', severity: 'high', value: null, since: '2026-05-01' });
    expect(late.message).toMatch(/^CSR Tier 1 closed [\d,]+ tickets over the last 14 days with no successful outcome and spent \$[\d,.]+: no cost per ticket to show, above its (SLO|target) of \$\d\.\d\d whatever it is, since 2026-05-01\. Review required\.$/);
    // a steady agent never gets it
    expect(allAlerts(series(DAYS, steady()), CSR, 40).filter((a) => /succe/.test(a.message))).toEqual([]);
  });

  it('drift vs target: cost per ticket 10% above target over the window says what, how much, against what, since when', () => {
    const start = DAYS.indexOf('2026-06-01');
    // usage per ticket up so cost per ticket runs ~$1.87 against the $1.70 target (+10%)
    const s = series(DAYS, (day, i) => ({ ...steady()(day), use: i >= start ? 0.99 : 0.6 }));
    const day = DAYS[start + 3];
    const drift = alertsOn(s, CSR, day).find((a) => a.kind === 'drift')!;
    expect(drift).toMatchObject({ agent_id: 'csr', metric: 'cost_per_outcome', kind: 'drift', target: 1.7, since: '2026-06-01' });
    expect(drift.change_pct!).toBeGreaterThan(8);
    expect(drift.change_pct!).toBeLessThan(14);
    expect(drift.value! / 1.7 - 1).toBeCloseTo(drift.change_pct! / 100, 3);
    expect(drift.message).toMatch(/^CSR Tier 1 cost per ticket ran \d+(\.\d)?% above target over the last 3 days: \$1\.\d\d against the \$1\.70 target \(alert above 5\.0%\), since 2026-06-01\. Likely driver: model and tool cost per ticket up \d+%/);
    // the same data with a 20% threshold on the agent: no drift alert
    expect(alertsOn(s, { ...CSR, alert_drift_pct: 0.2 }, day).filter((a) => a.kind === 'drift')).toEqual([]);
  });

  it('a level shift of 8% against the normal is caught within two days, with since = its first day', () => {
    const start = DAYS.indexOf('2026-05-11');
    // +20% usage per ticket ≈ +8% cost per ticket (usage is ~40% of it); still under target
    const s = series(DAYS, (day, i) => ({ ...steady()(day), use: i >= start ? 0.72 : 0.6 }));
    const first = allAlerts(s, CSR, start).filter((a) => a.metric === 'cost_per_outcome');
    expect(first.length).toBeGreaterThan(0);
    const firstDay = DAYS.findIndex((d, i) => i >= start && alertsOn(s, CSR, d).some((a) => a.metric === 'cost_per_outcome'));
    expect(firstDay - start).toBeLessThanOrEqual(1);
    const shift = alertsOn(s, CSR, DAYS[start + 2]).find((a) => a.kind === 'shift')!;
    expect(shift).toMatchObject({ metric: 'cost_per_outcome', since: '2026-05-11' });
    expect(shift.change_pct!).toBeGreaterThan(5);
    expect(shift.message).toMatch(/rose \d+(\.\d)?% above its normal over the last \d days: \$1\.\d\d against its normal \$1\.\d\d, since 2026-05-11\. Likely driver: model and tool cost/);
    // nothing before it started
    expect(allAlerts(s, CSR, 40).filter((a) => DAYS.indexOf(a.since) < start - 1)).toEqual([]);
  });

  it('a one-day retry storm (+45%) is a spike on its day, named with its driver, and not a shift the day after', () => {
    const day = DAYS.indexOf('2026-05-13');
    const s = series(DAYS, (d, i) => ({ ...steady()(d), use: i === day ? 1.25 : 0.6, retryShare: i === day ? 0.55 : 0.03 }));
    const spike = alertsOn(s, CSR, DAYS[day]).find((a) => a.metric === 'cost_per_outcome' && a.kind === 'spike')!;
    expect(spike.change_pct!).toBeGreaterThan(35);
    expect(spike.severity).toBe('high');
    expect(spike.message).toMatch(/jumped \d+% above its normal on 2026-05-13: .*Likely driver: retries: \d+\.\d% of calls failed or were retried, against 3\.0% normally/);
    expect(alertsOn(s, CSR, DAYS[day + 1]).filter((a) => a.metric === 'cost_per_outcome')).toEqual([]);
  });

  it('a tiny change with a huge volume is significant but under the minimum effect: no alert (unless the agent asks for 1%)', () => {
    const start = DAYS.indexOf('2026-05-11');
    const s = series(DAYS, (day, i) => ({ ...steady(20_000)(day), use: i >= start ? 0.63 : 0.6 })); // +5% usage ≈ +2% cost
    expect(allAlerts(s, CSR, start).filter((a) => a.metric === 'cost_per_outcome' && a.kind !== 'drift')).toEqual([]);
    expect(allAlerts(s, { ...CSR, alert_min_change_pct: 0.01 }, start).filter((a) => a.metric === 'cost_per_outcome').length).toBeGreaterThan(0);
  });

  it('accuracy: a 6-point drop with ~180 reviews a day is caught within two days; below the SLO it says flag for retraining', () => {
    const start = DAYS.indexOf('2026-05-11');
    const s = series(DAYS, (day, i) => ({ ...steady()(day), accuracy: i >= start ? 0.88 : 0.94 }));
    const firstDay = DAYS.findIndex((d, i) => i >= start && alertsOn(s, CSR, d).some((a) => a.metric === 'accuracy'));
    expect(firstDay - start).toBeLessThanOrEqual(1);
    const later = alertsOn(s, CSR, DAYS[start + 4]);
    const slo = later.find((a) => a.metric === 'accuracy' && a.kind === 'slo')!;
    expect(slo).toMatchObject({ target: 0.9, severity: 'high' });
    expect(slo.message).toMatch(/^CSR Tier 1 accuracy 8\d\.\d% over the last \d+ days \([\d,]+ reviews\) is below its SLO of 90\.0%, since 2026-05-11: flag for retraining\. Against its own normal since 2026-05-11: −\d\.\d points \(normal 9\d\.\d%\)\.$/);
  });

  it('small samples: a day with 3 reviews and 1 approval is not an accuracy crash; the report says accuracy was not judged', () => {
    const s = series(DAYS, (day) => ({ ...steady(12)(day), reviewRate: 0.12 }), 5);
    const low: Agent = { ...CSR, agent_id: 'csr' };
    const pts = s.agents[0].points;
    const t = DAYS.indexOf('2026-06-10');
    Object.assign(pts[t], { reviews: 3, reviewed: 3, approved: 1, review: 15 });
    pts[t].total = round2(pts[t].api + pts[t].retry + pts[t].review + pts[t].overhead);
    expect(alertsOn(s, low, DAYS[t]).filter((a) => a.metric === 'accuracy')).toEqual([]);
    const r = dailyReport(s, [low], [DAYS[t]]);
    expect(r.report.days[0].text).toMatch(/Accuracy not judged against its SLO \(fewer than 30 reviews in 14 days\): CSR Tier 1 \(\d+\)\./);
  });

  it('review rate 12% → 22% ("something is wrong"): a review-rate alert, and cost per ticket up with review rate as the driver', () => {
    const start = DAYS.indexOf('2026-05-11');
    const s = series(DAYS, (day, i) => ({ ...steady()(day), reviewRate: i >= start ? 0.22 : 0.12 }));
    // with an SLO far away, the change against the normal speaks
    const a = alertsOn(s, { ...CSR, slo_max_review_rate: 0.5 }, DAYS[start + 1]);
    const rr = a.find((x) => x.metric === 'review_rate')!;
    expect(rr.kind).toBe('shift');
    expect(rr.message).toMatch(/^CSR Tier 1 review rate rose from 12\.\d% to 2\d\.\d% over the last 2 days \([\d,]+ tickets; \+\d+\.\d points\), since 2026-05-11: review cost about \+\$0\.\d\d per ticket\.$/);
    const cpo = a.find((x) => x.metric === 'cost_per_outcome')!;
    expect(cpo.message).toMatch(/Likely driver: review rate: 2\d\.\d% of tickets reviewed against 12\.\d% normally/);
    // with the 18% SLO: one review-rate alert, the SLO breach, which also says how far it moved from the normal
    const slo = alertsOn(s, CSR, DAYS[start + 1]).filter((x) => x.metric === 'review_rate');
    expect(slo.map((x) => x.kind)).toEqual(['slo']);
    expect(slo[0].message).toMatch(/^CSR Tier 1 review rate 2\d\.\d% over the last 3 days \([\d,]+ of [\d,]+ tickets\) is above its SLO of 18\.0%, since 2026-05-11\. Something's wrong: review required\. Against its own normal since 2026-05-11: \+\d+\.\d points \(normal 12\.\d%\)\.$/);
  });

  it('without 14 days of history only targets and SLOs are judged, and the report says so', () => {
    const s = series(DAYS.slice(0, 10), steady());
    const r = dailyReport(s, [CSR], [DAYS[9]]);
    expect(r.report.days[0].alerts).toEqual([]);
    expect(r.report.days[0].text).toContain('Not enough history for a normal yet (targets and SLOs still checked): CSR Tier 1 (');
  });
});
