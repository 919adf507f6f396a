// The one definition of "linked share" the pane shows (Refresh summary, Maturity, anywhere else): the part of all
// cost, every month loaded, that is traced to a work item; the rest is unattributed cost. Computed in cents from
// the Ledger and Unattributed rows, so it is the same number however the pane got the ledger (a refresh in this
// session or the workbook's own sheets).
import type { LedgerResult } from '../../core/ledger';

export const LINKED_SHARE_GLOSSARY =
  'Linked share: the part of all AI cost traced to a work item (a ticket, claim or loan application). The rest is unattributed: usage no work item claims, still charged to its agent.';

const cents = (x: number) => Math.round(x * 100);

/** 1 − unattributed cost ÷ total cost (unattributed included), over every month of the ledger; 0 when there is no cost. */
export function linkedShare(result: Pick<LedgerResult, 'rows' | 'unattributed'>): number {
  let linked = 0;
  let unattributed = 0;
  for (const r of result.rows) linked += cents(r.total);
  for (const u of result.unattributed) unattributed += cents(u.total);
  const total = linked + unattributed;
  return total > 0 ? 1 - unattributed / total : 0;
}

/**
 * "99.96%": two decimals, rounded down, so any unattributed cost keeps it under 100% (rounding 99.996% up to
 * "100.00%" would say everything is linked when it is not).
 */
export function formatLinkedShare(share: number): string {
  return `${(Math.floor(share * 10000 + 1e-9) / 100).toFixed(2)}%`;
}
