// What a ledger build produces (DESIGN.md §3). Amounts on rows are USD rounded to the cent by
// largest remainder, so any sum of rows (SUMIFS in a sheet, a chargeback line) ties to the cent;
// the exact sums are kept in `Conservation` for the micro-dollar checks.
import type { Component, Outcome, RejectedRow } from './records';

export type PriceSource = 'catalog' | 'override' | 'provider_reported' | 'unpriced';

/**
 * One work item in one period (YYYY-MM). On a Ledger sheet too large for per-item rows (src/workbook/README.md
 * "Grain"), a row stands for several such rows summed (core/ledger/grain.ts): `work_items` counts them and the count
 * columns (`reviewed`, `closed`, `success`) are sums, so every figure summed from rows is the same at either grain.
 */
export interface LedgerRow {
  period: string;
  work_item_id: string;
  agent_id: string;
  business_unit: string;
  type: string;
  api: number;
  retry: number;
  tools: number;
  review: number;
  overhead: number;
  trueup: number;
  total: number;
  input_tokens: number;
  output_tokens: number;
  events: number;
  retries: number;
  review_minutes: number;
  /** reviews recognized in this period, and how many of them were approved */
  reviews: number;
  approved: number;
  /** 1 when the item has a review in this period (an aggregated row: how many of its items have one) */
  reviewed: number;
  outcome: Outcome;
  /** when the item closed; an aggregated row: the day (YYYY-MM-DD) its items closed in the period, else "" */
  closed_at: string;
  /** 1 when the item closed in this period (with any outcome), and when it closed as a success (aggregated: sums) */
  closed: number;
  success: number;
  /** the work-item rows this row stands for: absent = 1 (a work item's own row); more on an aggregated row */
  work_items?: number;
}

/** How many work-item rows a ledger row stands for (1 unless it is an aggregated row). */
export const workItemsOf = (r: Pick<LedgerRow, 'work_items'>): number => r.work_items ?? 1;

/** Cost that reached no work item: usage with no (or an unknown) work item, or overhead whose scope had no work items. */
export interface UnattributedRow {
  period: string;
  /** the agent, or "Unassigned" */
  agent_id: string;
  business_unit: string;
  /** usage = events with no/unknown work item; review = reviews of an unknown work item;
   * overhead = overhead whose scope had no work items; trueup = an invoice with no usage events */
  kind: 'usage' | 'review' | 'overhead' | 'trueup';
  /** why: "no work item", "unknown work item W-1", "no work items in scope agent:x" */
  reason: string;
  events: number;
  api: number;
  retry: number;
  tools: number;
  /** reviews of work items that were never imported (added for kind 'review') */
  review: number;
  overhead: number;
  trueup: number;
  total: number;
}

export type AggregateComponent = Component | 'unattributed' | 'total';

export interface Aggregate {
  /** agent id, business unit name, or "*" */
  key: string;
  period: string;
  work_items: number;
  outcomes: number;
  closed: number;
  api: number;
  retry: number;
  tools: number;
  review: number;
  overhead: number;
  trueup: number;
  unattributed: number;
  total: number;
  cost_per_outcome: number | null;
  cost_per_work_item: number | null;
  accuracy: number | null;
  review_rate: number | null;
  target_cost_per_outcome: number | null;
  human_cost_per_unit: number | null;
}

export interface PricedEventNote {
  event_id: string;
  provider: string;
  model: string;
  period: string;
  agent_id: string;
  reason: string;
}

export interface Conservation {
  /** Σ exact cost of accepted events + reviews */
  events_and_reviews: number;
  /** Σ exact api+retry+tools+review of ledger rows + exact unattributed usage cost */
  ledger_plus_unattributed: number;
  difference: number;
  overhead_imported: number;
  overhead_allocated: number;
  overhead_unallocated: number;
  overhead_difference: number;
  /** Σ over invoiced providers of (invoice − computed cost of their events), each to the cent: what the true-up spreads */
  invoice_minus_computed: number;
  /** Σ exact true-up on ledger and unattributed lines */
  trueup_spread: number;
  trueup_difference: number;
  /** the published rows add up: each row's total is the sum of its components, each component's column sums to its
   * rounded exact total (the true-up column to the invoices minus the computed costs, each to the cent) */
  cents_tie: boolean;
  /** every published component of every business unit, agent and business unit × agent cell is within one cent of
   * its exact value */
  lines_within_cent: boolean;
  ok: boolean;
}

export type { RejectedRow };
