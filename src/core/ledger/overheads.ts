// Phase 3 — allocate overheads (RULES.md "Overheads"): each overhead of a period is shared exactly over the ledger
// rows in its scope by its driver; a scope with no rows keeps the amount visible as an unattributed overhead line.
// (Rounding to the cent is the round phase's.)
import { FSum } from './fsum';
import type { Agent, Overhead } from '../model/records';
import { UNASSIGNED } from './types';
import { Line } from './line';

/** Which rows an overhead's scope covers, and where its amount stays when it covers none. */
export interface OverheadScope {
  /** all rows; rows whose work item's agent is `key`; rows whose business unit is `key` (keys lower-cased, trimmed) */
  by: 'all' | 'agent' | 'business_unit';
  key: string;
  /** the trimmed scope text, for the reason of an unallocated line */
  text: string;
  /** agent and business unit of the unallocated line */
  agent: string;
  bu: string;
}

export interface ScopeContext {
  agentById: ReadonlyMap<string, Agent>;
  agents: readonly Agent[];
  agentBU: (agentId: string) => string;
}

/** Reads an overhead's scope (`all`, `agent:<id>`, `business_unit:<name>`; ids and names matched trimmed and case-insensitively). */
export function overheadScope(o: Pick<Overhead, 'scope'>, x: ScopeContext): OverheadScope {
  const scope = o.scope.trim();
  if (scope.toLowerCase().startsWith('agent:')) {
    const id = scope.slice(6).trim();
    const idL = id.toLowerCase();
    const agent = x.agentById.has(id) ? id : (x.agents.find((a) => a.agent_id.toLowerCase() === idL)?.agent_id ?? id);
    return { by: 'agent', key: idL, text: scope, agent, bu: x.agentBU(agent) };
  }
  if (scope.toLowerCase().startsWith('business_unit:')) {
    const bu = scope.slice(14).trim();
    return { by: 'business_unit', key: bu.toLowerCase(), text: scope, agent: UNASSIGNED, bu };
  }
  return { by: 'all', key: '', text: scope, agent: UNASSIGNED, bu: UNASSIGNED };
}

/** Does a row (its agent and business unit) fall in the scope? */
export function inScope(s: OverheadScope, agent: string, bu: string): boolean {
  return s.by === 'all' || (s.by === 'agent' ? agent.toLowerCase() === s.key : bu.toLowerCase() === s.key);
}

/** The reason on the unattributed line of an overhead whose scope had no work items in the period. */
export const unallocatedReason = (o: Pick<Overhead, 'category'>, s: OverheadScope, period: string) => `${o.category}: no work items in scope ${s.text} in ${period}`;

export interface OverheadTotals {
  imported: number;
  allocated: number;
  unallocated: number;
}

/**
 * Shares the period's overheads over its rows (into `Line.overhead`) and returns the totals for conservation and the
 * unattributed lines of overheads whose scope had no rows.
 */
export function allocateOverheads(period: string, pRows: Line[], overheads: readonly Overhead[], x: ScopeContext): { ov: OverheadTotals; extraU: Line[] } {
  const ov: OverheadTotals = { imported: 0, allocated: 0, unallocated: 0 };
  const allocated = new FSum(); // a share per row: a million of them on a 10M-event month
  const extraU: Line[] = [];
  for (const o of overheads) {
    if (o.period !== period) continue;
    ov.imported += o.amount_usd;
    const s = overheadScope(o, x);
    const rows = s.by === 'all' ? pRows : pRows.filter((r) => inScope(s, r.agent, r.bu));
    if (rows.length === 0) {
      const u = new Line('', period, s.agent);
      u.kind = 'overhead';
      u.bu = s.bu;
      u.reason = unallocatedReason(o, s, period);
      u.overhead = o.amount_usd;
      ov.unallocated += o.amount_usd;
      extraU.push(u);
      continue;
    }
    const w = new Float64Array(rows.length);
    if (o.driver === 'api_cost') for (let j = 0; j < w.length; j++) w[j] = rows[j].api + rows[j].retry;
    else if (o.driver === 'tokens') for (let j = 0; j < w.length; j++) w[j] = rows[j].inTok + rows[j].outTok;
    let sumW = 0;
    for (let j = 0; j < w.length; j++) sumW += w[j];
    // No driver weight at all (e.g. api_cost over items with no api cost yet): share equally rather than leave it unallocated.
    if (o.driver === 'work_items' || !(sumW > 0)) {
      w.fill(1);
      sumW = w.length;
    }
    for (let j = 0; j < w.length; j++) {
      const share = (o.amount_usd * w[j]) / sumW;
      rows[j].overhead += share;
      allocated.add(share);
    }
  }
  ov.allocated = allocated.value;
  return { ov, extraU };
}
