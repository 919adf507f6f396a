// Cost per outcome by agent and month against target: the Trends tab's chart data (from the same computeSlo the
// SLO Monitor's formulas are checked against).
import type { LedgerResult } from '../../core/ledger';
import { computeSlo } from '../../workbook';

export interface TrendSeries {
  agent_id: string;
  target: number | null;
  points: { period: string; value: number | null }[];
}

export function trendSeries(result: LedgerResult): TrendSeries[] {
  const slo = computeSlo(result);
  return result.agents
    .map((a) => ({
      agent_id: a.agent_id,
      target: a.target_cost_per_outcome,
      points: result.periods.map((p) => ({ period: p, value: slo.find((f) => f.agent_id === a.agent_id && f.period === p)?.cost_per_outcome ?? null })),
    }))
    .filter((s) => s.points.some((p) => p.value !== null));
}
