// The published output of a build: ledger rows and unattributed rows in cents (as rounded), and the agents list with
// placeholders for ids seen in the data but not configured (RULES.md "Agents").
import { blankAgent, type Agent } from '../model/records';
import type { LedgerRow, UnattributedRow } from '../model/ledger';
import { UNASSIGNED } from './types';
import { usd, type Line } from './line';

/** An agent id seen in the data but not on the Agents sheet (or "Unassigned"): kept visible under business unit "Unassigned". */
export function placeholderAgent(id: string): Agent {
  return { ...blankAgent(id, UNASSIGNED), name: id === UNASSIGNED ? 'Unassigned (no agent known)' : `${id} (not on the Agents sheet)` };
}

export function publishRow(l: Line): LedgerRow {
  const it = l.rec!;
  const closed = it.closedPeriod === l.period ? 1 : 0;
  return {
    period: l.period,
    work_item_id: l.item,
    agent_id: l.agent,
    business_unit: l.bu,
    type: it.type,
    api: usd(l.cApi),
    retry: usd(l.cRetry),
    tools: usd(l.cTools),
    review: usd(l.cReview),
    overhead: usd(l.cOverhead),
    trueup: usd(l.cTrueup),
    total: usd(l.cApi + l.cRetry + l.cTools + l.cReview + l.cOverhead + l.cTrueup),
    input_tokens: l.inTok + 0,
    output_tokens: l.outTok + 0,
    events: l.events,
    retries: l.retries,
    review_minutes: l.reviewMin + 0,
    reviews: l.reviews,
    approved: l.approved,
    reviewed: l.reviews > 0 ? 1 : 0,
    outcome: it.outcome,
    closed_at: it.closed_at,
    closed,
    success: closed && it.outcome === 'success' ? 1 : 0,
  };
}

export function publishUnattributed(l: Line): UnattributedRow {
  return {
    period: l.period,
    agent_id: l.agent,
    business_unit: l.bu,
    kind: l.kind,
    reason: l.reason,
    events: l.events,
    api: usd(l.cApi),
    retry: usd(l.cRetry),
    tools: usd(l.cTools),
    review: usd(l.cReview),
    overhead: usd(l.cOverhead),
    trueup: usd(l.cTrueup),
    total: usd(l.cApi + l.cRetry + l.cTools + l.cReview + l.cOverhead + l.cTrueup),
  };
}

/** The configured agents, then a placeholder for every other agent id on a row or an unattributed row, sorted. */
export function agentsWithPlaceholders(configured: Iterable<Agent>, isConfigured: (id: string) => boolean, rows: readonly { agent_id: string }[], unattributed: readonly { agent_id: string }[]): Agent[] {
  const agents: Agent[] = [...configured];
  const seen = new Set<string>();
  for (const r of rows) seen.add(r.agent_id);
  for (const u of unattributed) seen.add(u.agent_id);
  const missing = [...seen].filter((id) => !isConfigured(id)).sort();
  for (const id of missing) agents.push(placeholderAgent(id));
  return agents;
}
