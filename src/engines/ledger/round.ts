// Phase 5 — round (core/ledger/round.ts): per period and per component table, the business unit × agent table of
// exact sums (summed in SQL) is rounded by core's controlledRound in JavaScript — the tables are small, one cell per
// business unit and agent — and each cell's cents go to its lines by largest remainder in SQL (a window per cell:
// there can be millions of lines), with the same floors, the same 2⁻³⁰-cent remainder keys and the same ties.
import { controlledRound, roundExactCents, sumToCents } from '../../core/ledger/rounding';
import { TRUEUP } from '../../core/ledger/round';
import type { Line } from '../../core/ledger/line';
import type { SqlValue } from '../connection';
import { T, num, q, str, type Run } from './run';

const LINE_COLUMNS = [
  'is_row', 'period', 'wid', 'agent', 'bu', 'kind', 'reason', 'lkey', 'api', 'retry', 'tools', 'review', 'ov0', 'tu0', 'n', 'retries', 'it', 'ot',
  'rmin', 'reviews', 'approved', 'type', 'outcome', 'closed_at', 'closed', 'success',
] as const;
/** The columns of T.lines. */
const LINES = [...LINE_COLUMNS, 'overhead', 'trueup', 'li'];
const TEXT = new Set(['period', 'wid', 'agent', 'bu', 'kind', 'reason', 'lkey', 'type', 'outcome', 'closed_at']);
const INT = new Set(['is_row', 'n', 'retries', 'reviews', 'approved', 'closed', 'success']);

/** T.lines: every line of every period with its overhead and true-up and its index in published order (rows by work
 * item, then unattributed lines by agent, kind and reason — the order of ties). */
export async function finalLines(x: Run, extra: Line[]): Promise<void> {
  const { d } = x;
  await x.conn.createAndInsert(
    T.extra,
    LINE_COLUMNS.map((name) => ({ name, type: TEXT.has(name) ? 'text' : INT.has(name) ? 'int' : 'double' })),
    extra.map((u, i) => LINE_COLUMNS.map((c): SqlValue => {
      switch (c) {
        case 'period': return u.period;
        case 'agent': return u.agent;
        case 'bu': return u.bu;
        case 'kind': return u.kind;
        case 'reason': return u.reason;
        case 'lkey': return `x${i}`;
        case 'ov0': return u.overhead;
        case 'tu0': return u.trueup;
        case 'outcome': return 'pending';
        default: return TEXT.has(c) ? '' : 0;
      }
    })),
  );
  const hasTu = x.slots.size > 0;
  await x.conn.exec(
    d.createTable(
      T.lines,
      `SELECT ${LINE_COLUMNS.map((c) => `l.${c} AS ${c}`).join(', ')}, l.ov0 + coalesce(o.overhead, 0) AS overhead, l.tu0 + coalesce(t.trueup, 0) AS trueup,
        row_number() OVER (PARTITION BY l.period ORDER BY l.is_row DESC, l.wid, l.agent, l.kind, l.reason) - 1 AS li
      FROM (SELECT ${LINE_COLUMNS.join(', ')} FROM ${T.lines0} UNION ALL SELECT ${LINE_COLUMNS.join(', ')} FROM ${T.extra}) AS l
      LEFT JOIN (SELECT period, lkey, sum(share) AS overhead FROM ${T.ovshare} GROUP BY period, lkey) AS o ON o.period = l.period AND o.lkey = l.lkey
      LEFT JOIN ${hasTu ? `(SELECT period, lkey, sum(share) AS trueup FROM ${T.tushare} GROUP BY period, lkey)` : `(SELECT '' AS period, '' AS lkey, ${d.double('0')} AS trueup)`} AS t
        ON t.period = l.period AND t.lkey = l.lkey`,
    ),
  );
}

/** Math.round (ties toward +∞) of a double, in SQL. */
const jsRound = (e: string) => `(floor(${e}) + CASE WHEN ${e} - floor(${e}) >= 0.5 THEN 1 ELSE 0 END)`;

/** floorCents (core/ledger/rounding.ts): the floor, or the nearest integer when within 1e-7 of it. */
const floorCents = (c: string) => `CASE WHEN abs(${c} - ${jsRound(c)}) < 1e-7 THEN ${jsRound(c)} ELSE floor(${c}) END`;

const K = [0, 1, 2, 3, 4, 5, 6] as const;

/** The exact cents of table k of a line, 0 when the line is not in the table (RULES.md "Rounding": 0–4 rows, 5 all lines, 6 unattributed). */
const EXACT = [
  'CASE WHEN is_row = 1 THEN api * 100 ELSE 0 END',
  'CASE WHEN is_row = 1 THEN retry * 100 ELSE 0 END',
  'CASE WHEN is_row = 1 THEN tools * 100 ELSE 0 END',
  'CASE WHEN is_row = 1 THEN review * 100 ELSE 0 END',
  'CASE WHEN is_row = 1 THEN overhead * 100 ELSE 0 END',
  'trueup * 100',
  'CASE WHEN is_row = 0 THEN ((((api + retry) + tools) + review) + overhead) * 100 ELSE 0 END',
];
const MEMBER = (k: number) => (k < TRUEUP ? 'is_row = 1' : k === TRUEUP ? '1 = 1' : 'is_row = 0');

export interface RoundingTargets {
  /** per period, per table: the cents the table sums to */
  target: Map<string, number[]>;
}

/**
 * Rounds every table of every period. T.pub: every line with its exact cents per table (e0–e6), its cell, business unit
 * and agent indices, and its published cents (c0–c6), each cell's cents spread over its lines by largest remainder.
 */
export async function roundLines(x: Run): Promise<RoundingTargets> {
  const { d } = x;
  // cells numbered as core's cellIndex numbers them: business units, agents and cells by first line
  await x.conn.exec(
    d.createTable(
      T.cells,
      `SELECT c.period AS period, c.bu AS bu, c.agent AS agent,
        dense_rank() OVER (PARTITION BY c.period ORDER BY c.first) - 1 AS cid,
        dense_rank() OVER (PARTITION BY c.period ORDER BY b.first) - 1 AS bid,
        dense_rank() OVER (PARTITION BY c.period ORDER BY a.first) - 1 AS aid
      FROM (SELECT period, bu, agent, min(li) AS first FROM ${T.lines} GROUP BY period, bu, agent) AS c
      JOIN (SELECT period, bu, min(li) AS first FROM ${T.lines} GROUP BY period, bu) AS b ON b.period = c.period AND b.bu = c.bu
      JOIN (SELECT period, agent, min(li) AS first FROM ${T.lines} GROUP BY period, agent) AS a ON a.period = c.period AND a.agent = c.agent`,
    ),
  );
  // narrow: each line's cell and exact cents (the line's other columns are joined back once, into T.pub)
  await x.conn.exec(
    d.createTable(
      `${T.cents}_ex`,
      `SELECT l.period AS period, l.li AS li, l.is_row AS is_row, c.cid AS cid, c.bid AS bid, c.aid AS aid, ${K.map((k) => `${EXACT[k]} AS e${k}`).join(', ')}
      FROM ${T.lines} AS l JOIN ${T.cells} AS c ON c.period = l.period AND c.bu = l.bu AND c.agent = l.agent`,
    ),
  );
  const cells = await q(x, `SELECT period, cid, bid, aid FROM ${T.cells} ORDER BY period, cid`);
  // compensated sums, as core's sumByCell: a plain sum's error over a million lines exceeds the rounding's remainder quantum
  const sums = await q(x, `SELECT period, cid, ${K.map((k) => `${d.fsum(`e${k}`)} AS s${k}`).join(', ')} FROM ${T.cents}_ex GROUP BY period, cid`);
  const totals = await q(x, `SELECT period, ${K.map((k) => `${d.fsum(`e${k}`)} AS s${k}`).join(', ')} FROM ${T.cents}_ex GROUP BY period`);
  const byPeriod = new Map<string, { rows: number[]; cols: number[]; exact: Float64Array[] }>();
  for (const c of cells) {
    let p = byPeriod.get(str(c.period));
    if (!p) byPeriod.set(str(c.period), (p = { rows: [], cols: [], exact: [] }));
    p.rows[num(c.cid)] = num(c.bid);
    p.cols[num(c.cid)] = num(c.aid);
  }
  for (const p of byPeriod.values()) p.exact = K.map(() => new Float64Array(p.rows.length));
  for (const s of sums) {
    const p = byPeriod.get(str(s.period))!;
    for (const k of K) p.exact[k][num(s.cid)] = num(s[`s${k}`]);
  }
  const total = new Map(totals.map((t) => [str(t.period), K.map((k) => num(t[`s${k}`]))]));
  const out: SqlValue[][] = [];
  const targets: RoundingTargets = { target: new Map() };
  for (const [period, p] of byPeriod) {
    const nRows = Math.max(-1, ...p.rows) + 1;
    const nCols = Math.max(-1, ...p.cols) + 1;
    const tg = K.map((k) => (k === TRUEUP ? (x.trueupCents.get(period) ?? 0) : sumToCents((total.get(period)?.[k] ?? 0) / 100)));
    targets.target.set(period, tg);
    // null only if the target were not the floor or ceiling of the exact total (as in core: plain largest remainder)
    const cents = K.map((k) => controlledRound(p.rows, p.cols, p.exact[k], nRows, nCols, tg[k]) ?? roundExactCents(p.exact[k], tg[k]));
    for (let c = 0; c < p.rows.length; c++) out.push([period, c, ...K.map((k) => cents[k][c])]);
  }
  await x.conn.createAndInsert(T.cellc, [{ name: 'period', type: 'text' }, { name: 'cid', type: 'int' }, ...K.map((k) => ({ name: `t${k}`, type: 'double' as const }))], out);
  // Largest remainder per cell and table, over one long table of (line, table) memberships: floors, the cents still
  // to give (need), and each line's rank by its remainder quantized to 2⁻³⁰ cent (ties to the earlier line; a cell of
  // 4,194,304+ lines by the raw remainder, as roundExactCents does), or by the smallest remainder first when cents must
  // be taken back. One window (a sort of the memberships) does every table.
  const long = K.map((k) => `SELECT period, li, cid, ${k} AS k, e${k} AS e FROM ${T.cents}_ex WHERE ${MEMBER(k)}`).join(' UNION ALL ');
  const cc = K.map((k) => `SELECT period, cid, ${k} AS k, t${k} AS t FROM ${T.cellc}`).join(' UNION ALL ');
  const rem = 'f.e - f.f';
  const key = `CASE WHEN nd.need >= 0 THEN -(CASE WHEN nd.n < 4194304 THEN ${jsRound(`greatest(${rem}, 0) * 1073741824`)} ELSE ${rem} END) ELSE ${rem} END`;
  await x.conn.exec(
    d.createTable(
      `${T.cents}_lr`,
      `WITH f AS (SELECT m.*, ${floorCents('e')} AS f FROM (${long}) AS m),
      s AS (SELECT period, cid, k, sum(f) AS sf, count(*) AS n FROM f GROUP BY period, cid, k),
      nd AS (SELECT s.period AS period, s.cid AS cid, s.k AS k, c.t - s.sf AS need, s.n AS n FROM s JOIN (${cc}) AS c ON c.period = s.period AND c.cid = s.cid AND c.k = s.k),
      r AS (SELECT f.period AS period, f.li AS li, f.k AS k, f.f AS f, nd.need AS need, nd.n AS n,
        row_number() OVER (PARTITION BY f.period, f.cid, f.k ORDER BY ${key}, f.li) AS rk
        FROM f JOIN nd ON nd.period = f.period AND nd.cid = f.cid AND nd.k = f.k)
      SELECT period, li, k, f + CASE WHEN need > 0 AND rk <= need THEN 1 WHEN need < 0 AND rk <= -need THEN -1 ELSE 0 END AS c,
        CASE WHEN abs(need) > n THEN 1 ELSE 0 END AS too_far
      FROM r`,
    ),
  );
  const pivot = K.map((k) => `coalesce(sum(CASE WHEN k = ${k} THEN c END), 0) AS c${k}`).join(', ');
  await x.conn.exec(
    d.createTable(
      T.pub,
      `SELECT ${LINES.map((c) => `l.${c} AS ${c}`).join(', ')}, ${['cid', 'bid', 'aid', ...K.map((k) => `e${k}`)].map((c) => `e.${c} AS ${c}`).join(', ')}, ${K.map((k) => `p.c${k} AS c${k}`).join(', ')}, p.too_far AS too_far
       FROM ${T.lines} AS l JOIN ${T.cents}_ex AS e ON e.period = l.period AND e.li = l.li
       JOIN (SELECT period, li, ${pivot}, max(too_far) AS too_far FROM ${T.cents}_lr GROUP BY period, li) AS p ON p.period = l.period AND p.li = l.li`,
    ),
  );
  const [bad] = await q(x, `SELECT ${d.int('count(*)')} AS n FROM ${T.pub} WHERE too_far = 1`);
  // largest remainder moves at most one cent per line; a cell needing more would mean its target is not the floor or
  // ceiling of its sum, which controlled rounding never produces
  if (num(bad?.n) > 0) throw new Error('SQL engine: a cell needs more than one cent per line; rounding is inconsistent');
  await x.conn.exec(d.dropTable(`${T.cents}_ex`));
  await x.conn.exec(d.dropTable(`${T.cents}_lr`));
  return targets;
}
