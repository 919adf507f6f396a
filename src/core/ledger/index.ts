// The ledger engine (DESIGN.md §3): prices every event, attributes it to its work item and period, allocates
// overheads and invoice true-ups, rounds to the cent by largest remainder and checks conservation.
// Rules and interpretations: RULES.md next to this file.
import type { LedgerInputs } from '../model/records';
import { LedgerBuilder } from './builder';
import type { BuildOptions, LedgerResult } from './types';

export * from './types';
export { LedgerBuilder } from './builder';
export { aggregate, summarize, type Aggregator } from './aggregate';
export { largestRemainder, allocateCents, toCents } from './rounding';

/** Convenience over `LedgerBuilder`: work items, then events, then reviews. */
export function buildLedger(inputs: LedgerInputs, options?: BuildOptions): LedgerResult {
  const b = new LedgerBuilder(
    {
      agents: inputs.agents,
      rates: inputs.rates,
      toolPrices: inputs.toolPrices,
      overheads: inputs.overheads,
      invoices: inputs.invoices,
      prices: inputs.prices,
    },
    options,
  );
  for (const w of inputs.workItems) b.addWorkItem(w);
  for (const e of inputs.events) b.addEvent(e);
  for (const r of inputs.reviews) b.addReview(r);
  return b.finish();
}
