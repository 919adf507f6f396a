// The Ledger at a coarser grain (src/workbook/README.md "Grain"): per-work-item rows summed to one row per period ×
// agent × business unit × closing day × outcome × type, for a workbook that cannot hold a row per work item. Every
// figure a report or an AILABOR function computes from rows is a sum (components, tokens, events, reviews, approved,
// reviewed, closed, success) or a count of work items (`work_items`), so it is the same at either grain. Money is
// summed in integer cents of the published (already rounded) rows: an aggregated row's api is exactly the sum of its
// items' api cents, so the controlled rounding's promises (RULES.md "Rounding") carry over unchanged.
import { workItemsOf, type LedgerRow } from '../model/ledger';
import { codePointCmp as cmp } from '../model/text';
import { dayOf } from './period';
import { toCents } from './rounding';

/** The UTC day a row's items closed in its period ("" when they did not close in it): the grain's day. The UTC day, not
 * the text's: an item closed at 2026-10-31T22:00-05:00 closed in November's period, on 1 November. */
export function closingDay(r: Pick<LedgerRow, 'closed' | 'closed_at'>): string {
  return r.closed > 0 && r.closed_at ? dayOf(r.closed_at) : '';
}

const MONEY = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;

interface Group {
  row: LedgerRow;
  cents: number[];
}

/**
 * Per-work-item rows (or rows already aggregated) summed to one row per period, agent, business unit, closing day
 * (`closed_at`: the day the items closed in the period, "" for items that did not close in it), outcome and type.
 * `work_item_id` is "" and `work_items` counts the work-item rows. Sorted by period, agent, business unit, day,
 * outcome, type (code point order, as the per-item rows), so the result does not depend on the input's order.
 */
export function aggregateRows(rows: readonly LedgerRow[]): LedgerRow[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const day = closingDay(r);
    const key = `${r.period}\u0000${r.agent_id}\u0000${r.business_unit}\u0000${day}\u0000${r.outcome}\u0000${r.type}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        row: {
          period: r.period, work_item_id: '', agent_id: r.agent_id, business_unit: r.business_unit, type: r.type,
          api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, total: 0,
          input_tokens: 0, output_tokens: 0, events: 0, retries: 0, review_minutes: 0, reviews: 0, approved: 0, reviewed: 0,
          outcome: r.outcome, closed_at: day, closed: 0, success: 0, work_items: 0,
        },
        cents: [0, 0, 0, 0, 0, 0, 0],
      };
      groups.set(key, g);
    }
    const a = g.row;
    for (let k = 0; k < MONEY.length; k++) g.cents[k] += toCents(r[MONEY[k]]);
    g.cents[6] += toCents(r.total);
    a.input_tokens += r.input_tokens;
    a.output_tokens += r.output_tokens;
    a.events += r.events;
    a.retries += r.retries;
    a.review_minutes += r.review_minutes;
    a.reviews += r.reviews;
    a.approved += r.approved;
    a.reviewed += r.reviewed;
    a.closed += r.closed;
    a.success += r.success;
    a.work_items! += workItemsOf(r);
  }
  const out: LedgerRow[] = [];
  for (const g of groups.values()) {
    for (let k = 0; k < MONEY.length; k++) g.row[MONEY[k]] = g.cents[k] / 100;
    g.row.total = g.cents[6] / 100;
    // minutes are decimals: drop the float residue of the sum (below a micro-minute)
    g.row.review_minutes = Math.round(g.row.review_minutes * 1e6) / 1e6;
    out.push(g.row);
  }
  return out.sort(
    (x, y) =>
      cmp(x.period, y.period) || cmp(x.agent_id, y.agent_id) || cmp(x.business_unit, y.business_unit) || cmp(x.closed_at, y.closed_at) || cmp(x.outcome, y.outcome) || cmp(x.type, y.type),
  );
}
