// The published ledger: per-line cents pivoted back into rows (T.pub), unattributed lines with their own cost split
// over its components (core's roundExactCents, in JavaScript: they are few), and the aggregates of the summary —
// per agent, business unit and everything — summed in SQL over the published cents.
import type { Aggregate, LedgerRow, UnattributedRow } from '../../core/model/ledger';
import type { Agent, Outcome } from '../../core/model/records';
import { finishAggregate, newAcc, type Acc } from '../../core/ledger/accumulate';
import { roundExactCents, toCents } from '../../core/ledger/rounding';
import { T, num, q, str, type Run } from './run';

const usd = (cents: number) => (cents + 0) / 100;

export interface PublishedUnattributed {
  row: UnattributedRow;
  exact: { api: number; retry: number; tools: number; review: number; overhead: number; trueup: number };
}

/** Unattributed lines in published order, each line's own cost (c6) split over its components by largest remainder. */
export async function unattributedLines(x: Run): Promise<PublishedUnattributed[]> {
  const rows = await q(x, `SELECT period, agent, bu, kind, reason, n, api, retry, tools, review, overhead, trueup, c5, c6 FROM ${T.pub} WHERE is_row = 0 ORDER BY period, li`);
  return rows.map((r) => {
    const e = { api: num(r.api), retry: num(r.retry), tools: num(r.tools), review: num(r.review), overhead: num(r.overhead), trueup: num(r.trueup) };
    const [a, b, t, v, o] = roundExactCents([e.api * 100, e.retry * 100, e.tools * 100, e.review * 100, e.overhead * 100], num(r.c6));
    const tu = num(r.c5);
    return {
      exact: e,
      row: {
        period: str(r.period), agent_id: str(r.agent), business_unit: str(r.bu), kind: str(r.kind) as UnattributedRow['kind'], reason: str(r.reason),
        events: num(r.n), api: usd(a), retry: usd(b), tools: usd(t), review: usd(v), overhead: usd(o), trueup: usd(tu), total: usd(a + b + t + v + o + tu),
      },
    };
  });
}

/** The ledger rows in published order (period, then work item), streamed out of SQL. */
export async function ledgerRows(x: Run, withExact: boolean): Promise<{ rows: LedgerRow[]; exact: Aggregate[] | null; exactRows: { api: number; retry: number; tools: number; review: number; overhead: number; trueup: number }[] }> {
  const rows: LedgerRow[] = [];
  const exactRows: { api: number; retry: number; tools: number; review: number; overhead: number; trueup: number }[] = [];
  await x.conn.stream(
    `SELECT period, wid, agent, bu, type, c0, c1, c2, c3, c4, c5, it, ot, n, retries, rmin, reviews, approved, outcome, closed_at, closed, success
      ${withExact ? ', api, retry, tools, review, overhead, trueup' : ''}
    FROM ${T.pub} WHERE is_row = 1 ORDER BY period, li`,
    (batch) => {
      for (const r of batch) {
        const c = [num(r.c0), num(r.c1), num(r.c2), num(r.c3), num(r.c4), num(r.c5)];
        rows.push({
          period: str(r.period), work_item_id: str(r.wid), agent_id: str(r.agent), business_unit: str(r.bu), type: str(r.type),
          api: usd(c[0]), retry: usd(c[1]), tools: usd(c[2]), review: usd(c[3]), overhead: usd(c[4]), trueup: usd(c[5]),
          total: usd(c[0] + c[1] + c[2] + c[3] + c[4] + c[5]),
          input_tokens: num(r.it), output_tokens: num(r.ot), events: num(r.n), retries: num(r.retries), review_minutes: num(r.rmin),
          reviews: num(r.reviews), approved: num(r.approved), reviewed: num(r.reviews) > 0 ? 1 : 0, outcome: str(r.outcome) as Outcome,
          closed_at: str(r.closed_at), closed: num(r.closed) ? 1 : 0, success: num(r.success) ? 1 : 0,
        });
        if (withExact) exactRows.push({ api: num(r.api), retry: num(r.retry), tools: num(r.tools), review: num(r.review), overhead: num(r.overhead), trueup: num(r.trueup) });
      }
    },
  );
  // A stream that ends early at a row boundary (a proxy or a dropped connection ending the body cleanly) would leave a
  // ledger short of rows with nothing said: the count comes from a separate answer, checked whole.
  const [c] = await q(x, `SELECT ${x.d.int('count(*)')} AS n FROM ${T.pub} WHERE is_row = 1`);
  if (rows.length !== num(c?.n)) throw new Error(`${x.d.name}: the database sent ${rows.length.toLocaleString('en-US')} of the ${num(c?.n).toLocaleString('en-US')} ledger rows (its answer was cut short); build again`);
  return { rows, exact: null, exactRows };
}

/**
 * The aggregates of `aggregate()` (core/ledger/aggregate.ts) from SQL: integer-cent sums of the published rows per key
 * and period, plus the unattributed lines (their true-up as true-up, the rest as unattributed), finished by core's
 * finishAggregate. Every configured agent (and its business unit) appears, with zeros when idle.
 */
export async function sqlAggregates(x: Run, agents: Agent[], unattributed: UnattributedRow[]): Promise<(by: 'agent' | 'business_unit' | 'all', period: string) => Aggregate[]> {
  const rows = await q(
    x,
    `SELECT period, agent, bu, ${x.d.int('count(*)')} AS work_items, sum(success) AS outcomes, sum(closed) AS closed, sum(reviews) AS reviews,
      sum(approved) AS approved, sum(CASE WHEN reviews > 0 THEN 1 ELSE 0 END) AS reviewed,
      sum(c0) AS api, sum(c1) AS retry, sum(c2) AS tools, sum(c3) AS review, sum(c4) AS overhead, sum(c5) AS trueup, min(li) AS first
    FROM ${T.pub} WHERE is_row = 1 GROUP BY period, agent, bu ORDER BY period, first`,
  );
  const agentById = new Map(agents.map((a) => [a.agent_id, a]));
  const cache = new Map<string, Aggregate[]>();
  return (by, period) => {
    const key = `${by}\u0001${period}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const accs = new Map<string, Acc>();
    const get = (k: string) => {
      let a = accs.get(k);
      if (!a) accs.set(k, (a = newAcc()));
      return a;
    };
    if (by === 'all') get('*');
    else for (const ag of agents) get(by === 'agent' ? ag.agent_id : ag.business_unit);
    // cells in order of their first row, so each business unit meets its agents in row order (its outcome weights)
    for (const r of rows) {
      if (str(r.period) !== period) continue;
      const a = get(by === 'agent' ? str(r.agent) : by === 'business_unit' ? str(r.bu) : '*');
      a.work_items += num(r.work_items);
      a.outcomes += num(r.outcomes);
      a.closed += num(r.closed);
      a.reviews += num(r.reviews);
      a.approved += num(r.approved);
      a.reviewed += num(r.reviewed);
      a.cents.api += num(r.api);
      a.cents.retry += num(r.retry);
      a.cents.tools += num(r.tools);
      a.cents.review += num(r.review);
      a.cents.overhead += num(r.overhead);
      a.cents.trueup += num(r.trueup);
      const ag = str(r.agent);
      a.agentOutcomes.set(ag, (a.agentOutcomes.get(ag) ?? 0) + num(r.outcomes));
    }
    for (const u of unattributed) {
      if (u.period !== period) continue;
      const a = get(by === 'agent' ? u.agent_id : by === 'business_unit' ? u.business_unit : '*');
      const t = toCents(u.trueup);
      a.cents.trueup += t;
      a.cents.unattributed += toCents(u.total) - t;
    }
    const out = [...accs].map(([k, a]) => finishAggregate(a, k, period, by, agents, agentById));
    cache.set(key, out);
    return out;
  };
}
