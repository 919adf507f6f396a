// Phase 3 — allocate overheads (core/ledger/overheads.ts): which rows an overhead's scope covers is decided in
// JavaScript with core's own matching, per agent and business unit (a row's scope depends on nothing else); the shares
// are computed in SQL over the rows of the period, pro rata to the driver. An overhead whose scope has no rows becomes
// an unattributed line on the scope's agent and business unit, as core makes it.
import { inScope, overheadScope, unallocatedReason, type ScopeContext } from '../../core/ledger/overheads';
import type { SqlValue } from '../connection';
import type { Cte } from './attribute';
import { T, q, str, type Run } from './run';

/** The overheads (T.ov, with the line an unallocated one becomes) and their scopes per agent and business unit (T.ovscope). */
export async function prepareOverheads(x: Run): Promise<void> {
  const { ctx } = x;
  const sx: ScopeContext = { agentById: x.agentById, agents: ctx.agents, agentBU: x.agentBU };
  // the agents and business units ledger rows can have: those of the work items
  const pairs = await q(x, `SELECT DISTINCT i.agent AS agent, CASE WHEN i.bu <> '' THEN i.bu ELSE coalesce(ag.bu, 'Unassigned') END AS bu
    FROM ${T.items} AS i LEFT JOIN ${T.agents} AS ag ON ag.agent = i.agent`);
  const scope: SqlValue[][] = [];
  const ovRows: SqlValue[][] = [];
  ctx.overheads.forEach((o, i) => {
    const s = overheadScope(o, sx);
    ovRows.push([i, o.period, o.amount_usd, o.driver, s.agent, s.bu, unallocatedReason(o, s, o.period)]);
    for (const c of pairs) if (inScope(s, str(c.agent), str(c.bu))) scope.push([i, str(c.agent), str(c.bu)]);
    let p = x.overheads.get(o.period);
    if (!p) x.overheads.set(o.period, (p = { imported: 0, allocated: 0, unallocated: 0 }));
    p.imported += o.amount_usd;
  });
  await x.conn.createAndInsert(T.ov, [
    { name: 'o', type: 'int' }, { name: 'period', type: 'text' }, { name: 'amount', type: 'double' }, { name: 'driver', type: 'text' },
    { name: 'agent', type: 'text' }, { name: 'bu', type: 'text' }, { name: 'reason', type: 'text' },
  ], ovRows);
  await x.conn.createAndInsert(T.ovscope, [{ name: 'o', type: 'int' }, { name: 'agent', type: 'text' }, { name: 'bu', type: 'text' }], scope);
}

/** CTEs `ovs` (overhead per line key) and `ovu` (unallocated overhead lines, LINE_COLUMNS). */
export function overheadCtes(x: Run): Cte[] {
  const { d } = x;
  return [
    ['ovr', `SELECT ov.o AS o, l.period AS period, l.lkey AS lkey, ov.amount AS amount, ov.driver AS driver,
        CASE WHEN ov.driver = 'api_cost' THEN l.api + l.retry WHEN ov.driver = 'tokens' THEN l.it + l.ot ELSE 1 END AS w
      FROM lines0 AS l JOIN ${T.ovscope} AS s ON s.agent = l.agent AND s.bu = l.bu
      JOIN ${T.ov} AS ov ON ov.o = s.o AND ov.period = l.period WHERE l.is_row = 1`, true],
    ['ovt', `SELECT o, sum(w) AS sw, count(*) AS cnt FROM ovr GROUP BY o`, true],
    // no driver weight at all: shared equally (core: "rather than leave it unallocated")
    ['ovs', `SELECT r.period AS period, r.lkey AS lkey,
        sum(CASE WHEN r.driver = 'work_items' OR NOT (t.sw > 0) THEN (r.amount * 1) / t.cnt ELSE (r.amount * r.w) / t.sw END) AS share
      FROM ovr AS r JOIN ovt AS t ON t.o = r.o GROUP BY r.period, r.lkey`, false],
    ['ovu', `SELECT 0 AS is_row, ov.period AS period, '' AS wid, ov.agent AS agent, ov.bu AS bu, 'overhead' AS kind, ov.reason AS reason,
        'o' || ${d.text('ov.o')} AS lkey, ${d.double('0')} AS api, ${d.double('0')} AS retry, ${d.double('0')} AS tools, ${d.double('0')} AS review,
        ov.amount AS ov0, ${d.double('0')} AS tu0, ${d.int('0')} AS n, ${d.int('0')} AS retries, ${d.double('0')} AS it, ${d.double('0')} AS ot,
        ${d.double('0')} AS rmin, ${d.int('0')} AS reviews, ${d.int('0')} AS approved, '' AS type, 'pending' AS outcome, '' AS closed_at, 0 AS closed, 0 AS success
      FROM ${T.ov} AS ov WHERE ov.o NOT IN (SELECT o FROM ovt)`, false],
  ];
}
