// Small record factories for the ledger tests (typed defaults as the readers produce them).
import { blankAgent, emptyLedgerInputs, emptyUsageEvent, type Agent, type LedgerInputs, type Review, type UsageEvent, type WorkItem } from '../model/records';

let seq = 0;
export function ev(o: Partial<UsageEvent> = {}): UsageEvent {
  seq++;
  return { ...emptyUsageEvent(), event_id: `ev-${seq}`, timestamp: '2026-10-05T10:00:00Z', agent_id: 'a1', work_item_id: 'W1', provider: 'openai', model: 'acme-1', ...o };
}

export function wi(o: Partial<WorkItem> & { work_item_id: string }): WorkItem {
  return { agent_id: 'a1', business_unit: '', type: 'ticket', opened_at: '', closed_at: '', outcome: 'pending', ...o };
}

export function rv(o: Partial<Review> & { work_item_id: string }): Review {
  return { reviewer_role: 'analyst', minutes: 0, result: 'approved', reviewed_at: '2026-10-06T09:00:00Z', ...o };
}

export function agent(o: Partial<Agent> & { agent_id: string; business_unit: string }): Agent {
  return { ...blankAgent(o.agent_id, o.business_unit), name: o.agent_id, unit_name: 'ticket', ...o };
}

export function inputs(o: Partial<LedgerInputs> = {}): LedgerInputs {
  return { ...emptyLedgerInputs(), ...o };
}

/** Cents of a USD amount, for exact comparisons of sums. */
export const c = (usd: number) => Math.round(usd * 100);
