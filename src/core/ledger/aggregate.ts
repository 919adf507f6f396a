// Aggregates (per agent, business unit or everything, per period) and the summary JSON of issue 3.
// Sums run in integer cents over the published (cent-rounded) rows, so every figure ties to the rows a sheet shows.
import type { Aggregate, LedgerRow, UnattributedRow } from '../model/ledger';
import type { RejectedRow } from '../model/records';
import { addRow, addUnattributed, finishAggregate, newAcc, rowCents, type Acc } from './accumulate';
import type { LedgerResult, Summary, SummaryAgent, SummaryBusinessUnit, SummaryComponents } from './types';

function keyOf(by: 'agent' | 'business_unit' | 'all', r: LedgerRow | UnattributedRow): string {
  return by === 'agent' ? r.agent_id : by === 'business_unit' ? r.business_unit : '*';
}

/**
 * One Aggregate per key (agent id, business unit or "*") per period; `period` undefined = every period.
 * Components come from the ledger rows; `unattributed` is the total of the key's unattributed rows, and `total`
 * includes it (chargeback covers all spend). Every configured agent (and its business unit) appears, with zeros
 * when idle.
 */
export function aggregate(result: LedgerResult, by: 'agent' | 'business_unit' | 'all', period?: string): Aggregate[] {
  const periods = period === undefined ? result.periods : [period];
  const out: Aggregate[] = [];
  const agentById = new Map(result.agents.map((a) => [a.agent_id, a]));
  const cents: number[] = [];
  for (const p of periods) {
    const accs = new Map<string, Acc>();
    const get = (key: string) => {
      let a = accs.get(key);
      if (!a) accs.set(key, (a = newAcc()));
      return a;
    };
    if (by === 'all') get('*');
    else for (const ag of result.agents) get(by === 'agent' ? ag.agent_id : ag.business_unit);
    for (const r of result.rows) {
      if (r.period !== p) continue;
      addRow(get(keyOf(by, r)), r, rowCents(r, cents));
    }
    for (const u of result.unattributed) {
      if (u.period !== p) continue;
      addUnattributed(get(keyOf(by, u)), u);
    }
    for (const [key, a] of accs) out.push(finishAggregate(a, key, p, by, result.agents, agentById));
  }
  return out;
}

function components(a: Aggregate): SummaryComponents {
  return {
    api: a.api,
    retry: a.retry,
    tools: a.tools,
    review: a.review,
    overhead: a.overhead,
    trueup: a.trueup,
    unattributed: a.unattributed,
    total: a.total,
  };
}

/** Aggregates of a result for one period (`aggregate` over its rows, or an engine's own, e.g. the SQL engines'). */
export type Aggregator = (by: 'agent' | 'business_unit' | 'all', period: string) => Aggregate[];

/**
 * The summary JSON of issue 3 for one period. `totals.api` etc. are the ledger rows'; `totals.unattributed` all
 * unattributed rows'. `aggregates` defaults to `aggregate` over the result's rows.
 */
export function summarize(
  result: Pick<LedgerResult, 'agents' | 'catalog_version' | 'conservationByPeriod' | 'unpriced'> & Partial<LedgerResult>,
  period: string,
  extras: { rejected: RejectedRow[] },
  aggregates: Aggregator = (by, p) => aggregate(result as LedgerResult, by, p),
): Summary {
  const all = aggregates('all', period)[0];
  const agentBU = new Map(result.agents.map((a) => [a.agent_id, a.business_unit]));
  const agents: SummaryAgent[] = aggregates('agent', period).map((a) => ({
    agent_id: a.key,
    business_unit: agentBU.get(a.key) ?? 'Unassigned',
    work_items: a.work_items,
    outcomes: a.outcomes,
    ...components(a),
    cost_per_outcome: a.cost_per_outcome,
    cost_per_work_item: a.cost_per_work_item,
    accuracy: a.accuracy,
    review_rate: a.review_rate,
    target_cost_per_outcome: a.target_cost_per_outcome,
    human_cost_per_unit: a.human_cost_per_unit,
  }));
  const business_units: SummaryBusinessUnit[] = aggregates('business_unit', period).map((a) => ({
    business_unit: a.key,
    ...components(a),
    work_items: a.work_items,
    outcomes: a.outcomes,
    cost_per_outcome: a.cost_per_outcome,
  }));
  const conservation = result.conservationByPeriod[period] ?? {
    events_and_reviews: 0,
    ledger_plus_unattributed: 0,
    difference: 0,
    overhead_imported: 0,
    overhead_allocated: 0,
    overhead_unallocated: 0,
    overhead_difference: 0,
    invoice_minus_computed: 0,
    trueup_spread: 0,
    trueup_difference: 0,
    cents_tie: true,
    lines_within_cent: true,
    ok: true,
  };
  return {
    period,
    catalog_version: result.catalog_version,
    totals: components(all),
    work_items: all.work_items,
    outcomes: all.outcomes,
    agents,
    business_units,
    rejected: extras.rejected.map((r) => ({ file: r.file, line: r.line, column: r.column, reason: r.reason })),
    unpriced: result.unpriced.filter((u) => u.period === period),
    conservation,
  };
}
