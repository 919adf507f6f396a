// The Trends tab's chart data: per agent and month, cost per outcome, accuracy and review rate against the agent's
// target or SLO (from the same computeSlo the SLO Monitor's formulas are checked against), and one scale per metric
// shared by every agent's chart, so two charts can be compared by eye.
import type { LedgerResult } from '../../core/ledger';
import { computeSlo } from '../../workbook';

export type TrendMetric = 'cost_per_outcome' | 'accuracy' | 'review_rate';

export const TREND_METRICS: { metric: TrendMetric; label: string; axis: string; target: string }[] = [
  { metric: 'cost_per_outcome', label: 'Cost per outcome', axis: 'USD per successful outcome', target: 'target' },
  { metric: 'accuracy', label: 'Accuracy', axis: 'approved reviews ÷ reviews', target: 'SLO minimum' },
  { metric: 'review_rate', label: 'Review rate', axis: 'work items reviewed ÷ work items', target: 'SLO maximum' },
];

export interface TrendSeries {
  agent_id: string;
  /** the agent's name from the Agents sheet, else its id */
  name: string;
  /** the cost-per-outcome target (kept as `target`: the Excel chart reads it) */
  target: number | null;
  /** cost per outcome per month (`value`), and the other metrics */
  points: { period: string; value: number | null; accuracy: number | null; review_rate: number | null }[];
  slo: { accuracy: number | null; review_rate: number | null };
}

export function trendSeries(result: LedgerResult): TrendSeries[] {
  const slo = computeSlo(result);
  return result.agents
    .map((a) => ({
      agent_id: a.agent_id,
      name: a.name || a.agent_id,
      target: a.target_cost_per_outcome,
      slo: { accuracy: a.slo_min_accuracy, review_rate: a.slo_max_review_rate },
      points: result.periods.map((p) => {
        const f = slo.find((x) => x.agent_id === a.agent_id && x.period === p);
        return { period: p, value: f?.cost_per_outcome ?? null, accuracy: f?.accuracy ?? null, review_rate: f?.review_rate ?? null };
      }),
    }))
    .filter((s) => s.points.some((p) => p.value !== null));
}

export const metricValue = (p: TrendSeries['points'][number], m: TrendMetric): number | null => (m === 'cost_per_outcome' ? p.value : p[m]);
export const metricTarget = (s: TrendSeries, m: TrendMetric): number | null => (m === 'cost_per_outcome' ? s.target : s.slo[m]);

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about `count` intervals up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** The axis every agent's chart of a metric shares: 0 to a round maximum above every value and target, with ticks. */
export function sharedScale(series: TrendSeries[], m: TrendMetric): { max: number; ticks: number[] } {
  let top = 0;
  for (const s of series) {
    for (const p of s.points) top = Math.max(top, metricValue(p, m) ?? 0);
    top = Math.max(top, metricTarget(s, m) ?? 0);
  }
  if (m !== 'cost_per_outcome') top = Math.max(top, 0.0001);
  if (top <= 0) return { max: 1, ticks: [0, 0.5, 1] };
  const step = niceStep(top, 4);
  const max = Math.ceil((top * 1.0001) / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Math.round(v * 1e9) / 1e9);
  return { max, ticks };
}
