// Aggregates (per agent, business unit or everything, per period) and the summary JSON of issue 3.
// Sums run in integer cents over the published (cent-rounded) rows, so every figure ties to the rows a sheet shows.
import type { Aggregate, LedgerRow, UnattributedRow } from '../model/ledger';
import type { RejectedRow } from '../model/records';
import { toCents } from './rounding';
import type { LedgerResult, Summary, SummaryAgent, SummaryBusinessUnit, SummaryComponents } from './types';

const COMPONENT_KEYS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;

interface Acc {
  key: string;
  period: string;
  work_items: number;
  outcomes: number;
  closed: number;
  reviews: number;
  approved: number;
  reviewed: number;
  cents: Record<(typeof COMPONENT_KEYS)[number] | 'unattributed', number>;
  /** agent → outcomes, to weight a business unit's targets */
  agentOutcomes: Map<string, number>;
}

const newAcc = (key: string, period: string): Acc => ({
  key,
  period,
  work_items: 0,
  outcomes: 0,
  closed: 0,
  reviews: 0,
  approved: 0,
  reviewed: 0,
  cents: { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0 },
  agentOutcomes: new Map(),
});

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
  for (const p of periods) {
    const accs = new Map<string, Acc>();
    const get = (key: string) => {
      let a = accs.get(key);
      if (!a) accs.set(key, (a = newAcc(key, p)));
      return a;
    };
    if (by === 'all') get('*');
    else for (const ag of result.agents) get(by === 'agent' ? ag.agent_id : ag.business_unit);
    for (const r of result.rows) {
      if (r.period !== p) continue;
      const a = get(keyOf(by, r));
      a.work_items++;
      a.outcomes += r.success;
      a.closed += r.closed;
      a.reviews += r.reviews;
      a.approved += r.approved;
      a.reviewed += r.reviewed;
      for (const c of COMPONENT_KEYS) a.cents[c] += toCents(r[c]);
      if (r.success) a.agentOutcomes.set(r.agent_id, (a.agentOutcomes.get(r.agent_id) ?? 0) + 1);
      else if (!a.agentOutcomes.has(r.agent_id)) a.agentOutcomes.set(r.agent_id, 0);
    }
    for (const u of result.unattributed) {
      if (u.period !== p) continue;
      get(keyOf(by, u)).cents.unattributed += toCents(u.total);
    }
    const keys = [...accs.keys()];
    for (const key of keys) {
      const a = accs.get(key)!;
      let totalCents = a.cents.unattributed;
      for (const c of COMPONENT_KEYS) totalCents += a.cents[c];
      const total = totalCents / 100;
      let target: number | null = null;
      let human: number | null = null;
      if (by === 'agent') {
        const ag = agentById.get(key);
        target = ag?.target_cost_per_outcome ?? null;
        human = ag?.human_cost_per_unit ?? null;
      } else if (by === 'business_unit') {
        // Outcome-weighted over the unit's agents (plain mean when nothing succeeded yet); agents without a figure are left out.
        const members = new Map(a.agentOutcomes);
        for (const ag of result.agents) if (ag.business_unit === key && !members.has(ag.agent_id)) members.set(ag.agent_id, 0);
        target = weighted(members, (id) => agentById.get(id)?.target_cost_per_outcome ?? null);
        human = weighted(members, (id) => agentById.get(id)?.human_cost_per_unit ?? null);
      }
      out.push({
        key,
        period: p,
        work_items: a.work_items,
        outcomes: a.outcomes,
        closed: a.closed,
        api: a.cents.api / 100,
        retry: a.cents.retry / 100,
        tools: a.cents.tools / 100,
        review: a.cents.review / 100,
        overhead: a.cents.overhead / 100,
        trueup: a.cents.trueup / 100,
        unattributed: a.cents.unattributed / 100,
        total,
        cost_per_outcome: a.outcomes > 0 ? total / a.outcomes : null,
        cost_per_work_item: a.work_items > 0 ? total / a.work_items : null,
        accuracy: a.reviews > 0 ? a.approved / a.reviews : null,
        review_rate: a.work_items > 0 ? a.reviewed / a.work_items : null,
        target_cost_per_outcome: target,
        human_cost_per_unit: human,
      });
    }
  }
  return out;
}

function weighted(members: Map<string, number>, value: (id: string) => number | null): number | null {
  let wSum = 0;
  let vSum = 0;
  let plain = 0;
  let n = 0;
  for (const [id, w] of members) {
    const v = value(id);
    if (v === null) continue;
    wSum += w;
    vSum += w * v;
    plain += v;
    n++;
  }
  if (n === 0) return null;
  return wSum > 0 ? vSum / wSum : plain / n;
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

/** The summary JSON of issue 3 for one period. `totals.api` etc. are the ledger rows'; `totals.unattributed` all unattributed rows'. */
export function summarize(result: LedgerResult, period: string, extras: { rejected: RejectedRow[] }): Summary {
  const all = aggregate(result, 'all', period)[0];
  const agentBU = new Map(result.agents.map((a) => [a.agent_id, a.business_unit]));
  const agents: SummaryAgent[] = aggregate(result, 'agent', period).map((a) => ({
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
  const business_units: SummaryBusinessUnit[] = aggregate(result, 'business_unit', period).map((a) => ({
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
