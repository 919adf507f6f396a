// Phase 2 — attribute (core/ledger/attribute.ts): per-line accumulations of the costed groups and reviews; lines of
// imported work items become ledger rows (one per item and period, on the item's agent and business unit, closing
// periods included), the rest unattributed lines per period × agent × kind × reason.
import { costedGroups } from './price';
import { T, type Run } from './run';

/**
 * T.accp: costs, events and tokens by (work item id, period, event agent, provider) — the accumulators of core's
 * LedgerBuilder, split by provider for the true-up — with the key of the line they land on: 'r' + item for an
 * imported work item, else 'u' + agent + (no work item | unknown work item). A key may have several rows (one per
 * costed group): every reader sums them, so they are not summed here (a hash aggregation of millions of rows saved).
 */
async function accumulate(x: Run): Promise<void> {
  const { d } = x;
  await x.conn.exec(
    d.createTable(
      T.accp,
      `SELECT ${['wid', 'period', 'agent', 'provider', 'api', 'retry', 'tools', 'cost', 'n', 'retries', 'it', 'ot'].map((c) => `a.${c} AS ${c}`).join(', ')},
        CASE WHEN i.wid IS NOT NULL THEN 1 ELSE 0 END AS known,
        CASE WHEN i.wid IS NOT NULL THEN 'r' || a.wid ELSE 'u' || a.agent || ${d.str('\u0001')} || CASE WHEN a.wid = '' THEN 'none' ELSE 'unknown' END END AS lkey
      FROM (${costedGroups()}) AS a
      LEFT JOIN ${T.items} AS i ON i.wid = a.wid`,
    ),
  );
}

/** T.lines0: ledger rows and unattributed usage and review lines, with their exact components (no overhead/true-up yet). */
export async function attribute(x: Run): Promise<void> {
  const { d } = x;
  await accumulate(x);
  const unknownReason = (noun: string) =>
    `${d.str(noun)} || 'unknown work item' || CASE WHEN cnt > 1 THEN 's' ELSE '' END || ' ' || ids || CASE WHEN cnt > 3 THEN ' (+' || ${d.text(d.int('cnt - 3'))} || ' more)' ELSE '' END`;
  const zeros = (cols: string[]) => cols.map((c) => `0 AS ${c}`).join(', ');
  const sql = `
WITH rva AS (
  SELECT r.wid AS wid, r.period AS period, ${d.fsum('r.cost')} AS review, ${d.sortedSum('r.minutes')} AS rmin, count(*) AS reviews, sum(r.approved) AS approved,
    max(CASE WHEN i.wid IS NOT NULL THEN 1 ELSE 0 END) AS known
  FROM ${T.reviews}_c AS r LEFT JOIN ${T.items} AS i ON i.wid = r.wid GROUP BY r.wid, r.period),
rowparts AS (
  SELECT wid, period, api, retry, tools, 0 AS review, n, retries, it, ot, ${zeros(['rmin', 'reviews', 'approved'])} FROM ${T.accp} WHERE known = 1
  UNION ALL
  SELECT wid, period, ${zeros(['api', 'retry', 'tools'])}, review, ${zeros(['n', 'retries', 'it', 'ot'])}, rmin, reviews, approved FROM rva WHERE known = 1
  UNION ALL
  SELECT wid, cperiod AS period, ${zeros(['api', 'retry', 'tools', 'review', 'n', 'retries', 'it', 'ot', 'rmin', 'reviews', 'approved'])} FROM ${T.items} WHERE cperiod <> ''),
rowsum AS (
  SELECT wid, period, sum(api) AS api, sum(retry) AS retry, sum(tools) AS tools, sum(review) AS review, sum(n) AS n, sum(retries) AS retries,
    sum(it) AS it, sum(ot) AS ot, sum(rmin) AS rmin, sum(reviews) AS reviews, sum(approved) AS approved
  FROM rowparts GROUP BY wid, period),
usage_u AS (
  SELECT period, agent, CASE WHEN wid = '' THEN 'none' ELSE 'unknown' END AS cls, min(lkey) AS lkey,
    sum(api) AS api, sum(retry) AS retry, sum(tools) AS tools, sum(n) AS n, sum(retries) AS retries, sum(it) AS it, sum(ot) AS ot,
    count(DISTINCT CASE WHEN wid <> '' THEN wid END) AS cnt, ${d.firstSorted(`CASE WHEN wid <> '' THEN wid END`, 3)} AS ids
  FROM ${T.accp} WHERE known = 0
  GROUP BY period, agent, CASE WHEN wid = '' THEN 'none' ELSE 'unknown' END),
event_agent AS (SELECT wid, min(agent) AS agent FROM ${T.accp} WHERE known = 0 AND wid <> '' GROUP BY wid),
review_u AS (
  SELECT r.period AS period, coalesce(ea.agent, 'Unassigned') AS agent, sum(r.review) AS review, count(DISTINCT r.wid) AS cnt, ${d.firstSorted('r.wid', 3)} AS ids
  FROM rva AS r LEFT JOIN event_agent AS ea ON ea.wid = r.wid
  WHERE r.known = 0
  GROUP BY r.period, coalesce(ea.agent, 'Unassigned'))
SELECT 1 AS is_row, s.period AS period, s.wid AS wid, i.agent AS agent, CASE WHEN i.bu <> '' THEN i.bu ELSE coalesce(ag.bu, 'Unassigned') END AS bu,
  'usage' AS kind, '' AS reason, 'r' || s.wid AS lkey,
  s.api AS api, s.retry AS retry, s.tools AS tools, s.review AS review, ${d.double('0')} AS ov0, ${d.double('0')} AS tu0,
  ${d.int('s.n')} AS n, ${d.int('s.retries')} AS retries, s.it AS it, s.ot AS ot, s.rmin AS rmin, ${d.int('s.reviews')} AS reviews, ${d.int('s.approved')} AS approved,
  i.type AS type, i.outcome AS outcome, i.closed_at AS closed_at, CASE WHEN i.cperiod = s.period THEN 1 ELSE 0 END AS closed,
  CASE WHEN i.cperiod = s.period AND i.outcome = 'success' THEN 1 ELSE 0 END AS success
FROM rowsum AS s JOIN ${T.items} AS i ON i.wid = s.wid LEFT JOIN ${T.agents} AS ag ON ag.agent = i.agent
UNION ALL
SELECT 0, u.period, '', u.agent, coalesce(ag.bu, 'Unassigned'), 'usage',
  CASE WHEN u.cls = 'none' THEN 'no work item' ELSE ${unknownReason('')} END, u.lkey,
  u.api, u.retry, u.tools, 0, 0, 0, ${d.int('u.n')}, ${d.int('u.retries')}, u.it, u.ot, 0, 0, 0, '', 'pending', '', 0, 0
FROM usage_u AS u LEFT JOIN ${T.agents} AS ag ON ag.agent = u.agent
UNION ALL
SELECT 0, v.period, '', v.agent, coalesce(ag.bu, 'Unassigned'), 'review', ${unknownReason('reviews of ')},
  'v' || v.agent, 0, 0, 0, v.review, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 'pending', '', 0, 0
FROM review_u AS v LEFT JOIN ${T.agents} AS ag ON ag.agent = v.agent`;
  await x.conn.exec(d.createTable(T.lines0, sql));
}

/** Cost and events per line and raw provider (the true-up's weights). */
export function providerWeights(): string {
  return `SELECT period, lkey, provider, sum(cost) AS cost, sum(n) AS n FROM ${T.accp} GROUP BY period, lkey, provider`;
}
