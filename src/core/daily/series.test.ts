import { LedgerBuilder, aggregate, type LedgerContext, type LedgerResult } from '../ledger';
import { periodOf } from '../ledger/builder';
import { agent, c, ev, inputs, rv, wi } from '../ledger/fixtures';
import type { LedgerInputs } from '../model/records';
import { sampleData } from '../sample';
import { dayOf } from './days';
import { DAILY_MONEY, DailyCollector, monthOfDays, type DailySeries } from './series';

function build(i: LedgerInputs): { result: LedgerResult; series: DailySeries } {
  const ctx: LedgerContext = { agents: i.agents, rates: i.rates, toolPrices: i.toolPrices, overheads: i.overheads, invoices: i.invoices, prices: i.prices };
  const daily = new DailyCollector();
  const b = new LedgerBuilder(ctx, { observer: daily });
  for (const w of i.workItems) b.addWorkItem(w);
  for (const e of i.events) b.addEvent(e);
  for (const r of i.reviews) b.addReview(r);
  const result = b.finish();
  return { result, series: daily.series(result) };
}

/** Every money column, total and count of a month of days against aggregate() for every agent and business unit. */
function tieProblems(result: LedgerResult, series: DailySeries): string[] {
  const out: string[] = [];
  for (const period of result.periods) {
    for (const [by, scopes] of [['agent', series.agents], ['business_unit', series.business_units]] as const) {
      for (const a of aggregate(result, by, period)) {
        const scope = scopes.find((s) => s.id === a.key);
        if (!scope) {
          out.push(`${by} ${a.key} missing from the series`);
          continue;
        }
        const m = monthOfDays(series, scope, period);
        for (const k of [...DAILY_MONEY, 'total'] as const) if (c(m[k]) !== c(a[k])) out.push(`${by} ${a.key} ${period} ${k}: days ${m[k]} vs month ${a[k]}`);
        if (m.outcomes !== a.outcomes) out.push(`${by} ${a.key} ${period} outcomes: days ${m.outcomes} vs month ${a.outcomes}`);
        if (m.closed !== a.closed) out.push(`${by} ${a.key} ${period} closed: days ${m.closed} vs month ${a.closed}`);
        const rows = result.rows.filter((r) => r.period === period && (by === 'agent' ? r.agent_id : r.business_unit) === a.key);
        const reviews = rows.reduce((n, r) => n + r.reviews, 0);
        const approved = rows.reduce((n, r) => n + r.approved, 0);
        const events = rows.reduce((n, r) => n + r.events, 0);
        if (m.reviews !== reviews || m.approved !== approved) out.push(`${by} ${a.key} ${period} reviews: days ${m.reviews}/${m.approved} vs month ${reviews}/${approved}`);
        if (m.events !== events) out.push(`${by} ${a.key} ${period} events: days ${m.events} vs month ${events}`);
      }
    }
  }
  return out;
}

describe('daily series from the ledger rules', () => {
  it('dayOf dates a timestamp as periodOf does (offsets converted, Z / +00:00 / none read as UTC)', () => {
    for (const ts of ['2026-10-31T23:59:59Z', '2026-11-01T01:00:00+02:00', '2026-10-31T22:00:00-05:00', '2026-10-05T10:00:00', '2026-10-05', '2026-10-05T10:00:00+00:00', '2026-12-31T23:30:00-01:00']) {
      expect(dayOf(ts).slice(0, 7)).toBe(periodOf(ts));
    }
    expect(dayOf('2026-11-01T01:00:00+02:00')).toBe('2026-10-31');
    expect(dayOf('2026-10-31T22:00:00-05:00')).toBe('2026-11-01');
  });

  it('a hand-checked case: event days, review day, close day, allocations and unattributed cost land where the rules say', () => {
    const i = inputs({
      agents: [agent({ agent_id: 'a1', business_unit: 'Support' }), agent({ agent_id: 'a2', business_unit: 'Claims' })],
      rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 60 }],
      workItems: [
        wi({ work_item_id: 'W1', closed_at: '2026-10-07T09:00:00Z', outcome: 'success' }),
        wi({ work_item_id: 'W2', agent_id: 'a2', closed_at: '2026-11-01T00:30:00+01:00', outcome: 'failure' }),
        wi({ work_item_id: 'W3', closed_at: '2026-10-20T09:00:00Z', outcome: 'success' }),
      ],
      events: [
        ev({ work_item_id: 'W1', timestamp: '2026-10-05T10:00:00Z', cost_usd: 3 }),
        ev({ work_item_id: 'W1', timestamp: '2026-10-06T10:00:00Z', cost_usd: 1 }),
        ev({ work_item_id: 'W1', timestamp: '2026-10-06T11:00:00Z', cost_usd: 0.5, status: 'retry' }),
        ev({ agent_id: 'a2', work_item_id: 'W2', timestamp: '2026-11-01T01:00:00+02:00', cost_usd: 2 }),
        ev({ work_item_id: '', timestamp: '2026-10-09T10:00:00Z', cost_usd: 0.25 }),
        ev({ agent_id: 'a2', work_item_id: 'GHOST', timestamp: '2026-10-10T10:00:00Z', cost_usd: 0.75 }),
      ],
      reviews: [rv({ work_item_id: 'W1', minutes: 6, reviewed_at: '2026-10-08T09:00:00Z' }), rv({ work_item_id: 'GHOST', minutes: 3, reviewed_at: '2026-10-11T09:00:00Z', result: 'rejected' })],
      overheads: [
        { period: '2026-10', category: 'infra', amount_usd: 10, scope: 'agent:a1', driver: 'work_items' },
        { period: '2026-10', category: 'idle', amount_usd: 3.1, scope: 'business_unit:Nobody', driver: 'work_items' },
      ],
    });
    const { result, series } = build(i);
    expect(tieProblems(result, series)).toEqual([]);
    const a1 = series.agents.find((s) => s.id === 'a1')!;
    const a2 = series.agents.find((s) => s.id === 'a2')!;
    const at = (s: typeof a1, day: string) => s.points[series.days.indexOf(day)];
    expect(series.days[0]).toBe('2026-10-01');
    expect(series.days[series.days.length - 1]).toBe('2026-10-31');
    // W1: api 3 on the 5th, 1 on the 6th; retry 0.50 on the 6th; review 6 min × $60/h = $6 on the 8th; closed on the 7th.
    expect(at(a1, '2026-10-05').api).toBe(3);
    expect(at(a1, '2026-10-06').api).toBe(1);
    expect(at(a1, '2026-10-06').retry).toBe(0.5);
    expect(at(a1, '2026-10-08').review).toBe(6);
    expect([at(a1, '2026-10-07').closed, at(a1, '2026-10-07').outcomes]).toEqual([1, 1]);
    expect([at(a1, '2026-10-08').reviews, at(a1, '2026-10-08').approved, at(a1, '2026-10-08').reviewed]).toEqual([1, 1, 1]);
    // Overhead $10 over a1's items W1 and W3 ($5 each): W1's over its own cost by day (3 : 1.5 : 6 of 10.5), W3 (no
    // cost, closed on the 20th) on its close day.
    expect(at(a1, '2026-10-05').overhead).toBe(1.43);
    expect(at(a1, '2026-10-06').overhead).toBe(0.71);
    expect(at(a1, '2026-10-08').overhead).toBe(2.86);
    expect(at(a1, '2026-10-20').overhead).toBe(5);
    // usage with no work item on a1 on the 9th; a2's unknown item on the 10th and its review ($3) on the 11th.
    expect(at(a1, '2026-10-09').unattributed).toBe(0.25);
    expect(at(a2, '2026-10-10').unattributed).toBe(0.75);
    expect(at(a2, '2026-10-11').unattributed).toBe(3);
    expect(at(a2, '2026-10-11').reviews).toBe(0); // reviews of unknown items are not in accuracy (as monthly)
    // 01:00+02:00 on Nov 1st is Oct 31st UTC; W2 closed 00:30+01:00 on Nov 1st = Oct 31st 23:30 UTC
    expect(at(a2, '2026-10-31').api).toBe(2);
    expect([at(a2, '2026-10-31').closed, at(a2, '2026-10-31').outcomes]).toEqual([1, 0]);
    // overhead with no item in scope: spread evenly over October's 31 days on Unassigned / Nobody (3.10 = 31 × 0.10)
    const nobody = series.business_units.find((s) => s.id === 'Nobody')!;
    expect(nobody.points.every((p) => p.unattributed === 0.1)).toBe(true);
    expect(series.last_data_day).toBe('2026-10-31');
    expect(a1.models![series.days.indexOf('2026-10-05')]).toEqual({ 'acme-1': 3 });
  });

  it('true-up and rounding: the sample organisation, two months, every agent and business unit ties to the month to the cent', () => {
    const d = sampleData({ scale: 0.004, months: 2, seed: 11 });
    const { result, series } = build(d);
    expect(result.conservation.ok).toBe(true);
    expect(result.unattributed.length).toBeGreaterThan(0);
    expect(result.rows.some((r) => r.trueup !== 0)).toBe(true);
    expect(tieProblems(result, series)).toEqual([]);
    expect(series.days.length).toBe(61);
    // the days are not one lump: costs spread over most days of each month
    const csr = series.agents.find((s) => s.id === 'csr-tier1')!;
    expect(csr.points.filter((p) => p.total > 0).length).toBeGreaterThan(55);
  });

  it('the tie check can fail: a ledger row one cent off shows up as that agent and month', () => {
    const d = sampleData({ scale: 0.002, months: 1, seed: 3 });
    const { result, series } = build(d);
    const bent: LedgerResult = { ...result, rows: result.rows.map((r, k) => (k === 5 ? { ...r, overhead: r.overhead + 0.01, total: r.total + 0.01 } : r)) };
    const row = result.rows[5];
    expect(tieProblems(bent, series)).toEqual(
      expect.arrayContaining([expect.stringContaining(`agent ${row.agent_id} ${row.period} overhead`), expect.stringContaining(`business_unit ${row.business_unit} ${row.period} total`)]),
    );
  });
});
