// The one accumulation behind aggregate() and LedgerIndex: integer-cent sums per scope and period, and the
// Aggregate made from them (outcome-weighted business-unit targets). Shared so the two can never drift apart.
import { workItemsOf, type Aggregate, type LedgerRow, type UnattributedRow } from '../model/ledger';
import type { Agent } from '../model/records';
import { toCents } from './rounding';

export const COMPONENT_KEYS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;

export interface Acc {
  work_items: number;
  outcomes: number;
  closed: number;
  reviews: number;
  approved: number;
  reviewed: number;
  cents: Record<(typeof COMPONENT_KEYS)[number] | 'unattributed', number>;
  /** agent → its outcomes, to weight a business unit's targets */
  agentOutcomes: Map<string, number>;
}

export const newAcc = (): Acc => ({
  work_items: 0,
  outcomes: 0,
  closed: 0,
  reviews: 0,
  approved: 0,
  reviewed: 0,
  cents: { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0 },
  agentOutcomes: new Map(),
});

/** The row's components in cents, in COMPONENT_KEYS order (into `out`, so a hot loop allocates nothing). */
export function rowCents(r: LedgerRow, out: number[] = new Array<number>(COMPONENT_KEYS.length)): number[] {
  for (let k = 0; k < COMPONENT_KEYS.length; k++) out[k] = toCents(r[COMPONENT_KEYS[k]]);
  return out;
}

/** A ledger row: a work item's own row, or an aggregated one (grain.ts) that counts `work_items` and sums the rest. */
export function addRow(a: Acc, r: LedgerRow, cents: readonly number[]): void {
  a.work_items += workItemsOf(r);
  a.outcomes += r.success;
  a.closed += r.closed;
  a.reviews += r.reviews;
  a.approved += r.approved;
  a.reviewed += r.reviewed;
  for (let k = 0; k < COMPONENT_KEYS.length; k++) a.cents[COMPONENT_KEYS[k]] += cents[k];
  a.agentOutcomes.set(r.agent_id, (a.agentOutcomes.get(r.agent_id) ?? 0) + r.success);
}

/**
 * An unattributed line: its true-up counts as true-up (the True-up column is all the invoice true-up, on work items
 * or not), the rest as unattributed (cost that reached no work item). RULES.md "Aggregates".
 */
export function addUnattributed(a: Acc, u: Pick<UnattributedRow, 'total' | 'trueup'>): void {
  const t = toCents(u.trueup);
  a.cents.trueup += t;
  a.cents.unattributed += toCents(u.total) - t;
}

/**
 * Outcome-weighted over the members (a plain mean when nothing succeeded yet); members without a figure are left out.
 * Summed in agent-id order, not row order, so the figure is the same bit for bit whatever the rows' order or grain.
 */
function weighted(members: Map<string, number>, value: (id: string) => number | null): number | null {
  let wSum = 0;
  let vSum = 0;
  let plain = 0;
  let n = 0;
  for (const id of [...members.keys()].sort()) {
    const w = members.get(id)!;
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

export function finishAggregate(
  a: Acc,
  key: string,
  period: string,
  kind: 'agent' | 'business_unit' | 'all',
  agents: readonly Agent[],
  agentById: ReadonlyMap<string, Agent>,
): Aggregate {
  let totalCents = a.cents.unattributed;
  for (const c of COMPONENT_KEYS) totalCents += a.cents[c];
  const total = totalCents / 100;
  let target: number | null = null;
  let human: number | null = null;
  if (kind === 'agent') {
    const ag = agentById.get(key);
    target = ag?.target_cost_per_outcome ?? null;
    human = ag?.human_cost_per_unit ?? null;
  } else if (kind === 'business_unit') {
    // idle agents of the unit count too (weight 0), so a unit with no successes still gets its agents' plain mean
    const members = new Map(a.agentOutcomes);
    for (const ag of agents) if (ag.business_unit === key && !members.has(ag.agent_id)) members.set(ag.agent_id, 0);
    target = weighted(members, (id) => agentById.get(id)?.target_cost_per_outcome ?? null);
    human = weighted(members, (id) => agentById.get(id)?.human_cost_per_unit ?? null);
  }
  return {
    key,
    period,
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
  };
}
