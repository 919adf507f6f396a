// Phase 3 — allocate overheads (core/ledger/overheads.ts): which rows an overhead's scope covers is decided in
// JavaScript with core's own matching (per business unit × agent cell: a row's scope depends on nothing else); the
// shares are computed in SQL over the rows, pro rata to the driver.
import { Line } from '../../core/ledger/line';
import { inScope, overheadScope, unallocatedReason, type ScopeContext } from '../../core/ledger/overheads';
import type { SqlValue } from '../connection';
import { T, num, q, str, type Run } from './run';

/** Allocates every period's overheads; returns the unallocated overhead lines (scopes with no rows). */
export async function allocateOverheads(x: Run): Promise<Line[]> {
  const { d, ctx } = x;
  const sx: ScopeContext = { agentById: x.agentById, agents: ctx.agents, agentBU: x.agentBU };
  const cells = await q(x, `SELECT DISTINCT period, agent, bu FROM ${T.lines0} WHERE is_row = 1`);
  const scope: SqlValue[][] = [];
  const ovRows: SqlValue[][] = [];
  ctx.overheads.forEach((o, i) => {
    const s = overheadScope(o, sx);
    ovRows.push([i, o.period, o.amount_usd, o.driver]);
    for (const c of cells) if (str(c.period) === o.period && inScope(s, str(c.agent), str(c.bu))) scope.push([i, str(c.agent), str(c.bu)]);
  });
  await x.conn.createAndInsert(T.ov, [{ name: 'o', type: 'int' }, { name: 'period', type: 'text' }, { name: 'amount', type: 'double' }, { name: 'driver', type: 'text' }], ovRows);
  await x.conn.createAndInsert(T.ovscope, [{ name: 'o', type: 'int' }, { name: 'agent', type: 'text' }, { name: 'bu', type: 'text' }], scope);
  await x.conn.exec(
    d.createTable(
      T.ovshare,
      `WITH r AS (
        SELECT ov.o AS o, l.period AS period, l.lkey AS lkey, ov.amount AS amount, ov.driver AS driver,
          CASE WHEN ov.driver = 'api_cost' THEN l.api + l.retry WHEN ov.driver = 'tokens' THEN l.it + l.ot ELSE 1 END AS w
        FROM ${T.lines0} AS l JOIN ${T.ovscope} AS s ON s.agent = l.agent AND s.bu = l.bu
        JOIN ${T.ov} AS ov ON ov.o = s.o AND ov.period = l.period WHERE l.is_row = 1),
      t AS (SELECT o, sum(w) AS sw, count(*) AS cnt FROM r GROUP BY o)
      SELECT r.period AS period, r.lkey AS lkey, r.o AS o,
        CASE WHEN r.driver = 'work_items' OR NOT (t.sw > 0) THEN (r.amount * 1) / t.cnt ELSE (r.amount * r.w) / t.sw END AS share
      FROM r JOIN t ON t.o = r.o`,
    ),
  );
  const allocated = await q(x, `SELECT o, ${x.d.fsum('share')} AS allocated FROM ${T.ovshare} GROUP BY o`);
  const byO = new Map(allocated.map((r) => [num(r.o), num(r.allocated)]));
  const extra: Line[] = [];
  ctx.overheads.forEach((o, i) => {
    let p = x.overheads.get(o.period);
    if (!p) x.overheads.set(o.period, (p = { imported: 0, allocated: 0, unallocated: 0 }));
    p.imported += o.amount_usd;
    const a = byO.get(i);
    if (a !== undefined) {
      p.allocated += a;
      return;
    }
    const s = overheadScope(o, sx);
    const u = new Line('', o.period, s.agent);
    u.kind = 'overhead';
    u.bu = s.bu;
    u.reason = unallocatedReason(o, s, o.period);
    u.overhead = o.amount_usd;
    p.unallocated += o.amount_usd;
    extra.push(u);
  });
  return extra;
}
