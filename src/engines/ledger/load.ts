// Phase 0 — load: the canonical usage events, work items and reviews as typed relations, de-duplicated, and the
// usage grouped per ledger line × price key (the only pass over the events: everything after works on the groups).
import { MAX_REVIEW_MINUTES, MAX_UNITS, utcMs } from '../../core/model/ranges';
import type { Dialect } from '../dialect';
import { TOKENS, dayExpr, money, periodExpr, text, timestamp, tokens, untrimmed, utcText } from './canonical';
import { T, num, q, type Run } from './run';

/** Events with more input tokens than this keep their own size in the group key: the smallest long-context threshold
 * of the bundled catalog is 128,000 (checked by a test); below it no price depends on the request's size. */
export const TIER_FLOOR = 100_000;

/** The typed event relation's columns (what every usage source becomes). */
export const EVENT_COLUMNS = [
  'event_id', 'period', 'day', 'utc', 'ms', 'agent', 'wid', 'provider', 'model', 'kind', 'status', 'batch', 'cost', 'units',
  ...TOKENS.map((t) => t[0]), 'st', 'cx',
] as const;

/**
 * Typed events from a relation of canonical text columns (a CSV/JSONL file read as text). Per row, `ok` = 1 when the
 * id, timestamp, kind, status, numbers, batch flag and context tier are in the simple form and the token counts nest;
 * the text keys (work item, agent, provider, model, service tier) stay as they are and are checked once per distinct
 * value after grouping (`checkGroups`), which is far cheaper than per row.
 */
export function typedUsageFromText(d: Dialect, raw: string, withMs: boolean): string {
  const c = (name: string) => `coalesce(${d.id(name)}, '')`;
  const typed = `SELECT src,
    CASE WHEN ${c('event_id')} <> '' AND ${untrimmed(d, c('event_id'))} THEN ${c('event_id')} END AS event_id,
    ${timestamp(d, c('timestamp'), false)} AS ts,
    ${c('agent_id')} AS agent_t, ${c('work_item_id')} AS wid, ${c('provider')} AS provider, ${c('model')} AS model,
    CASE WHEN ${d.oneOf(c('kind'), ['llm', 'embedding', 'vector_search', 'tool'])} THEN ${c('kind')} END AS kind,
    CASE WHEN ${c('status')} = '' OR ${c('status')} = 'ok' THEN 'ok' WHEN ${d.oneOf(c('status'), ['error', 'retry'])} THEN ${c('status')} END AS status,
    CASE WHEN ${c('batch')} = '' OR ${c('batch')} = 'false' THEN 0 WHEN ${c('batch')} = 'true' THEN 1
      WHEN ${d.oneOf(`lower(${c('batch')})`, ['true', '1', 'yes', 'y'])} THEN 1 WHEN ${d.oneOf(`lower(${c('batch')})`, ['false', '0', 'no', 'n'])} THEN 0 END AS batch,
    ${money(d, c('cost_usd'), 'NULL')} AS cost, CASE WHEN ${c('cost_usd')} = '' THEN 1 ELSE 0 END AS no_cost,
    ${money(d, c('units'), '0', MAX_UNITS)} AS units,
    ${TOKENS.map(([k, name]) => `${tokens(d, c(name))} AS ${k}`).join(', ')},
    lower(${c('service_tier')}) AS st,
    CASE WHEN ${d.oneOf(c('context_tier'), ['', 'standard', 'long'])} THEN ${c('context_tier')} END AS cx
  FROM ${raw}`;
  const notNull = ['event_id', 'ts', 'kind', 'status', 'batch', 'units', ...TOKENS.map((t) => t[0]), 'cx'].map((f) => `${f} IS NOT NULL`).join(' AND ');
  // usageCountsIssue (core/model/records.ts): the parts of the input and output nest
  const nest = `ci <= it AND ci + cw <= it AND w1h <= cw AND cai <= ai AND cii <= ii AND cai + cii <= ci AND ci + cw + ai - cai + ii - cii <= it AND ao + io + rt <= ot`;
  const checked = `SELECT *, CASE WHEN ${notNull} AND (cost IS NOT NULL OR no_cost = 1) AND ${nest} THEN 1 ELSE 0 END AS ok FROM (${typed}) AS t`;
  return `SELECT src, ok, event_id, ts, agent_t,
    CASE WHEN ok = 1 THEN ${periodExpr(d, 'ts')} END AS period,
    CASE WHEN ok = 1 THEN ${dayExpr(d, 'ts')} END AS day,
    CASE WHEN ok = 1 AND ${utcText(d, 'ts')} THEN 1 ELSE 0 END AS utc,
    ${withMs ? `CASE WHEN ok = 1 THEN ${d.epochMs('ts')} END` : '0'} AS ms,
    CASE WHEN agent_t = '' THEN 'Unassigned' ELSE agent_t END AS agent,
    wid, provider, model, kind, status, batch, cost, units, ${TOKENS.map(([k]) => k).join(', ')}, st, cx
  FROM (${checked}) AS e`;
}

/**
 * The text keys of the usage groups that the simple form leaves to this check: work item, agent, provider (every
 * group), model and service tier (groups priced by the price book). Counts the distinct values the JavaScript import
 * would read differently (surrounding whitespace).
 */
export async function checkGroups(x: Run): Promise<number> {
  const { d } = x;
  const bad = (col: string, cond: string, where = '') => `SELECT ${d.int('count(*)')} AS n FROM (SELECT DISTINCT ${col} AS v FROM ${T.g}${where}) AS t WHERE NOT (${cond})`;
  const text = (col: string, where = '') => bad(col, untrimmed(d, 'v'), where);
  const parts = [
    text('wid'), text('agent'), text('provider'), text('model_k', ' WHERE part = 1 OR untool = 1'),
    bad('st_k', `v = '' OR ${d.fullMatch('v', '[a-z0-9_.-]+')}`, ' WHERE part = 1'),
  ];
  const [r] = await q(x, `SELECT ${parts.map((p, i) => `(${p}) AS b${i}`).join(', ')}`);
  return Object.values(r ?? {}).reduce<number>((s, v) => s + num(v), 0);
}

/**
 * The usage groups (T.g), in two parts from one GROUP BY. Part 0: events whose cost is known per event (provider-reported
 * cost_usd, or units × tool price), grouped per line key (work item, period, agent) and provider, with their api,
 * retry and tools cost already summed; tool calls without a price keep their kind and model for the unpriced list.
 * Part 1: token events the price book prices, grouped per line key × price key (provider, model, batch, service and
 * context tier, UTC day, segment of the day, size when past TIER_FLOOR, web searches), with their token sums, to be
 * priced once per key. Both parts carry every column (0 or '' where it does not apply).
 */
function groupColumns(x: Run, withSeg: boolean): { keys: string[]; sums: (weight?: string) => string[]; rowExprs: string } {
  const { d } = x;
  const tool = x.pricer.toolPrice('tool');
  const vs = x.pricer.toolPrice('vector_search');
  const tokenKind = d.oneOf('kind', ['llm', 'embedding']);
  const known = [
    'WHEN cost IS NOT NULL THEN cost',
    ...(tool === undefined ? [] : [`WHEN kind = 'tool' THEN units * ${d.num(tool)}`]),
    ...(vs === undefined ? [] : [`WHEN kind = 'vector_search' THEN units * ${d.num(vs)}`]),
  ];
  const noToolPrice = [...(tool === undefined ? ['tool'] : []), ...(vs === undefined ? ['vector_search'] : [])];
  const untool = noToolPrice.length ? `CASE WHEN cost IS NULL AND ${d.oneOf('kind', noToolPrice)} THEN 1 ELSE 0 END` : '0';
  // A Prices row taking effect at a time of day splits the days it falls in (the price book prices at the instant).
  const bounds = withSeg ? x.ctx.prices.filter((p) => p.effective_from.length > 10).map((p) => utcMs(p.effective_from)).filter(Number.isFinite) : [];
  const sorted = [...new Set(bounds)].sort((a, b) => a - b);
  const seg = sorted.length ? `CASE ${sorted.map((b, i) => `WHEN ms >= ${b} THEN ${i + 1}`).reverse().join(' ')} ELSE 0 END` : '0';
  const rowExprs = `*,
    CASE WHEN status <> 'ok' THEN 'retry' WHEN ${tokenKind} THEN 'api' ELSE 'tools' END AS cls,
    CASE WHEN cost IS NULL AND ${tokenKind} THEN 1 ELSE 0 END AS priced,
    coalesce(CASE ${known.join(' ')} END, 0) AS ck,
    ${untool} AS untool`;
  const pk = (e: string, dflt: string) => `CASE WHEN priced = 1 THEN ${e} ELSE ${dflt} END`;
  const keys = [
    'priced AS part', 'wid', 'period', 'agent', 'provider', `${pk('cls', "''")} AS cls`, 'untool',
    `CASE WHEN priced = 1 OR untool = 1 THEN model ELSE '' END AS model_k`, `CASE WHEN untool = 1 THEN kind ELSE '' END AS kind_k`,
    `${pk('batch', '0')} AS batch_k`, `${pk('st', "''")} AS st_k`, `${pk('cx', "''")} AS cx_k`, `${pk('day', "''")} AS day_k`,
    `${pk(`CASE WHEN utc = 1 AND ${x.pricer.fastPricing ? 1 : 0} = 1 THEN 1 ELSE 0 END`, '0')} AS fast`,
    `${pk(seg, '0')} AS seg`,
    `${pk(`CASE WHEN it > ${TIER_FLOOR} THEN it ELSE -1 END`, '-1')} AS size`,
    `${pk('CASE WHEN ws > 0 THEN 1 ELSE 0 END', '0')} AS wsf`,
  ];
  const w = (e: string, weight?: string) => (weight ? `(${e}) * ${weight}` : e);
  const sums = (weight?: string) => [
    `${d.int(weight ? `sum(${weight})` : 'count(*)')} AS n`,
    `${d.int(`sum(${w(`CASE WHEN status <> 'ok' THEN 1 ELSE 0 END`, weight)})`)} AS retries`,
    `sum(${w(`CASE WHEN cls = 'api' THEN ck ELSE 0 END`, weight)}) AS api`,
    `sum(${w(`CASE WHEN cls = 'retry' THEN ck ELSE 0 END`, weight)}) AS retry`,
    `sum(${w(`CASE WHEN cls = 'tools' THEN ck ELSE 0 END`, weight)}) AS tools`,
    `sum(${w('ck', weight)}) AS cost`,
    ...TOKENS.map(([k]) => `sum(${w(k, weight)}) AS ${k}`),
  ];
  return { keys, sums, rowExprs };
}

const keyNames = (keys: string[]) => keys.map((k) => (k.includes(' AS ') ? k.slice(k.lastIndexOf(' AS ') + 4) : k));

/** SELECT … GROUP BY of the usage groups from a typed event relation (its rows with ok = 1). */
export function groupSelect(x: Run, events: string, withSeg: boolean, weight?: string): string {
  const { keys, sums, rowExprs } = groupColumns(x, withSeg);
  const names = keyNames(keys);
  return `SELECT ${keys.join(', ')}, ${sums(weight).join(', ')}
    FROM (SELECT ${rowExprs} FROM (${events}) AS e0 WHERE ok = 1) AS e
    GROUP BY ${names.join(', ')}`;
}

/** Every accepted event with the key of its group (for listing the unpriced ones one by one). */
export function keyedEvents(x: Run, events: string): string {
  const withSeg = x.ctx.prices.some((p) => p.effective_from.length > 10);
  const { keys, rowExprs } = groupColumns(x, withSeg);
  return `SELECT event_id, model, kind, ${keys.join(', ')}
    FROM (SELECT ${rowExprs} FROM (${events}) AS e0 WHERE ok = 1) AS e`;
}

export interface UsageStats {
  /** per source index: rows read and rows not in the simple form */
  perSrc: Map<number, { read: number; bad: number }>;
  /** rows beyond the first of each repeated event id (same or different content) */
  repeats: number;
}

/**
 * Groups the usage (T.g) and counts rows per source, rows outside the simple form and repeated ids. DuckDB reading
 * files does it in one scan of the typed events: rows outside the simple form are grouped too (part 3), and the source
 * is part of the key, so the counts per source come from the groups; the repeated ids are counted by a second scan of
 * the id column alone (`ids`, the raw text: it is only needed when every row is in the simple form, and then the text
 * is the typed id). Materializing the typed events for both (as before) cost a copy of the month: 6 GB at 10M events.
 */
export async function loadUsage(x: Run, events: string, onePass: boolean, ids?: string): Promise<UsageStats> {
  const { conn, d } = x;
  const withSeg = x.ctx.prices.some((p) => p.effective_from.length > 10);
  const stats: UsageStats = { perSrc: new Map(), repeats: 0 };
  if (onePass && ids && d.name === 'duckdb') {
    const { keys, sums, rowExprs } = groupColumns(x, withSeg);
    const all = ['CASE WHEN ok = 0 THEN 3 ELSE priced END AS part', 'src', ...keys.slice(1)];
    await conn.exec(
      d.createTable(
        `${T.g}_all`,
        `SELECT ${all.join(', ')}, ${sums().join(', ')}
        FROM (SELECT ${rowExprs} FROM (${events}) AS e0) AS e
        GROUP BY priced, ${keyNames(all).join(', ')}`,
      ),
    );
    for (const r of await q(x, `SELECT src, ${d.int('sum(n)')} AS n, ${d.int('sum(CASE WHEN part = 3 THEN n ELSE 0 END)')} AS bad FROM ${T.g}_all GROUP BY src`)) {
      stats.perSrc.set(num(r.src), { read: num(r.n), bad: num(r.bad) });
    }
    if (![...stats.perSrc.values()].some((v) => v.bad > 0)) {
      // Distinct 64-bit hashes rather than the ids (at 10M events 3.3 s instead of 5.9 s, on a loaded machine). Equal
      // ids have equal hashes, so a repeat is never missed; a collision (≈ 3·10⁻⁶ at 10M ids) only sends the build through
      // dropDuplicates, which compares the ids themselves and finds nothing to drop.
      const [rep] = await q(x, `SELECT ${d.int('count(*) - count(DISTINCT hash(event_id))')} AS repeats FROM (${ids}) AS i`);
      stats.repeats = num(rep?.repeats);
    }
    // a view, not a copy: the groups stay where the statement put them (DuckDB only)
    await conn.exec(`CREATE OR REPLACE TEMP VIEW ${T.g} AS SELECT * EXCLUDE (src) FROM ${T.g}_all WHERE part < 2`);
    x.gView = true;
    return stats;
  }
  for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n, ${d.countIf('ok = 0')} AS bad FROM (${events}) AS e GROUP BY src`)) {
    stats.perSrc.set(num(r.src), { read: num(r.n), bad: num(r.bad) });
  }
  const [rep] = await q(x, `SELECT ${d.int('count(*) - count(DISTINCT event_id)')} AS repeats FROM (${events}) AS e WHERE ok = 1`);
  stats.repeats = num(rep?.repeats);
  await conn.exec(d.createTable(T.g, groupSelect(x, events, withSeg)));
  return stats;
}

/** Drops the usage groups (a view over the one-pass table on DuckDB, else a table) once attribution has used them. */
export async function dropGroups(x: Run): Promise<void> {
  if (x.gView) await x.conn.exec(`DROP VIEW IF EXISTS ${T.g}`);
  else await x.conn.exec(x.d.dropTable(T.g));
  x.gView = false;
  // the one-pass table stays behind the view, or behind the table dropDuplicates made from it
  await x.conn.exec(x.d.dropTable(`${T.g}_all`));
}

/** The content of an event for duplicate detection: every field but the id (and line_item), as the JS fingerprint. */
const CONTENT = ['period', 'day', 'utc', 'ms', 'agent', 'wid', 'provider', 'model', 'kind', 'status', 'batch', 'cost', 'units', ...TOKENS.map((t) => t[0]), 'st', 'cx'];
/**
 * The same for events read from files (typedUsageFromText): the timestamp and agent as written, as the JS fingerprint
 * has them. The typed columns lose what the ledger does not price by — the time when no price changes at a time of day
 * (`ms` is 0 then), an empty agent against "Unassigned" — so two events differing only there read as duplicates here
 * and as a conflict in the JavaScript engine.
 */
export const FILE_CONTENT = ['ts', 'agent_t', ...CONTENT.filter((c) => !['period', 'day', 'utc', 'ms', 'agent'].includes(c))];

/**
 * Repeated event ids: when every repeat has the same content, their extra copies are subtracted from the groups and
 * counted per source (a repeat is a duplicate of the first copy, which is in the lowest source); 'conflict' when some
 * repeat differs (the first copy wins, and only the JavaScript import knows which is first).
 */
export async function dropDuplicates(x: Run, events: string, content = CONTENT): Promise<{ conflict: boolean; perSrc: Map<number, number> }> {
  const { conn, d } = x;
  const withSeg = x.ctx.prices.some((p) => p.effective_from.length > 10);
  const dupRows = `SELECT e.*, ${d.hash(content.map((c) => `coalesce(${d.text(c)}, '~')`))} AS h
    FROM (${events}) AS e WHERE ok = 1 AND event_id IN (SELECT event_id FROM (${events}) AS e1 WHERE ok = 1 GROUP BY event_id HAVING count(*) > 1)`;
  await conn.exec(d.createTable(`${T.g}_dup`, dupRows));
  const [c] = await q(x, `SELECT ${d.int('count(*)')} AS n FROM (SELECT event_id FROM ${T.g}_dup GROUP BY event_id HAVING count(DISTINCT h) > 1) AS c`);
  const perSrc = new Map<number, number>();
  if (num(c?.n) > 0) return { conflict: true, perSrc };
  for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n FROM (
      SELECT src, event_id, row_number() OVER (PARTITION BY event_id ORDER BY src) AS k FROM ${T.g}_dup) AS t WHERE k > 1 GROUP BY src`)) {
    perSrc.set(num(r.src), num(r.n));
  }
  // one copy per id, weighted by minus its extra copies, added to the groups and grouped again
  const one = `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY src) AS k, count(*) OVER (PARTITION BY event_id) AS copies FROM ${T.g}_dup) AS t WHERE k = 1`;
  const minus = groupSelect(x, `SELECT *, 1 - copies AS w FROM (${one}) AS o`, withSeg, 'w');
  const { keys, sums } = groupColumns(x, withSeg);
  const names = keyNames(keys);
  const re = keyNames(sums()).map((a) => (a === 'n' || a === 'retries' ? `${d.int(`sum(${a})`)} AS ${a}` : `sum(${a}) AS ${a}`));
  await conn.exec(d.createTable(`${T.g}_fixed`, `SELECT ${names.join(', ')}, ${re.join(', ')} FROM (SELECT * FROM ${T.g} UNION ALL ${minus}) AS u GROUP BY ${names.join(', ')} HAVING sum(n) > 0`));
  await conn.exec(x.gView ? `DROP VIEW ${T.g}` : d.dropTable(T.g));
  x.gView = false;
  await conn.exec(d.createTable(T.g, `SELECT * FROM ${T.g}_fixed`));
  await conn.exec(d.dropTable(`${T.g}_fixed`));
  await conn.exec(d.dropTable(`${T.g}_dup`));
  return { conflict: false, perSrc };
}

/** Typed work items from canonical text columns (`ok` = 1 in the simple form). */
export function typedItemsFromText(d: Dialect, raw: string): string {
  const c = (name: string) => `coalesce(${d.id(name)}, '')`;
  const typed = `SELECT src,
    CASE WHEN ${c('work_item_id')} <> '' THEN ${text(d, c('work_item_id'))} END AS wid,
    CASE WHEN ${c('agent_id')} <> '' THEN ${text(d, c('agent_id'))} END AS agent,
    ${text(d, c('business_unit'))} AS bu, ${text(d, c('type'))} AS type,
    ${timestamp(d, c('opened_at'), true)} AS opened_at, ${timestamp(d, c('closed_at'), true)} AS closed_at,
    CASE WHEN ${c('outcome')} = '' THEN 'pending' WHEN ${d.oneOf(c('outcome'), ['success', 'failure', 'pending'])} THEN ${c('outcome')} END AS outcome
  FROM ${raw}`;
  const ok = ['wid', 'agent', 'bu', 'type', 'opened_at', 'closed_at', 'outcome'].map((f) => `${f} IS NOT NULL`).join(' AND ');
  return `SELECT src, ok, wid, agent, bu, type, opened_at, closed_at,
    CASE WHEN ok = 1 AND closed_at <> '' THEN ${periodExpr(d, 'closed_at')} ELSE '' END AS cperiod, outcome
  FROM (SELECT *, CASE WHEN ${ok} THEN 1 ELSE 0 END AS ok FROM (${typed}) AS t) AS i`;
}

/** Typed reviews from canonical text columns. */
export function typedReviewsFromText(d: Dialect, raw: string): string {
  const c = (name: string) => `coalesce(${d.id(name)}, '')`;
  const typed = `SELECT src,
    CASE WHEN ${c('work_item_id')} <> '' THEN ${text(d, c('work_item_id'))} END AS wid,
    CASE WHEN ${c('reviewer_role')} <> '' THEN ${text(d, c('reviewer_role'))} END AS role,
    CASE WHEN ${c('minutes')} <> '' THEN ${money(d, c('minutes'), 'NULL', MAX_REVIEW_MINUTES)} END AS minutes,
    CASE WHEN ${d.oneOf(c('result'), ['approved', 'corrected', 'rejected'])} THEN ${c('result')} END AS result,
    ${timestamp(d, c('reviewed_at'), false)} AS reviewed_at
  FROM ${raw}`;
  const ok = ['wid', 'role', 'minutes', 'result', 'reviewed_at'].map((f) => `${f} IS NOT NULL`).join(' AND ');
  return `SELECT src, ok, wid, role, minutes, result, reviewed_at, CASE WHEN ok = 1 THEN ${periodExpr(d, 'reviewed_at')} END AS period
  FROM (SELECT *, CASE WHEN ${ok} THEN 1 ELSE 0 END AS ok FROM (${typed}) AS t) AS r`;
}

export interface RecordStats {
  perSrc: Map<number, { read: number; bad: number; duplicates: number }>;
  conflict: boolean;
}

/**
 * Work items (T.items): the first of each id; a repeat with the same content is a duplicate, with other content a
 * conflict (then the JavaScript import must decide which came first).
 */
export async function loadItems(x: Run, items: string): Promise<RecordStats> {
  const { conn, d } = x;
  const fields = ['wid', 'agent', 'bu', 'type', 'opened_at', 'closed_at', 'cperiod', 'outcome'];
  await conn.exec(d.createTable(`${T.items}_raw`, items));
  const stats: RecordStats = { perSrc: new Map(), conflict: false };
  for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n, ${d.countIf('ok = 0')} AS bad FROM ${T.items}_raw GROUP BY src`)) {
    stats.perSrc.set(num(r.src), { read: num(r.n), bad: num(r.bad), duplicates: 0 });
  }
  // the usual case, every id once, is settled by one count; only repeated ids need the conflict and duplicate queries
  const [rep] = await q(x, `SELECT ${d.int('count(*) - count(DISTINCT wid)')} AS n FROM ${T.items}_raw WHERE ok = 1`);
  const repeats = num(rep?.n) > 0;
  if (repeats) {
    const [c] = await q(x, `SELECT ${d.int('count(*)')} AS n FROM (SELECT wid FROM ${T.items}_raw WHERE ok = 1 GROUP BY wid HAVING count(DISTINCT ${d.hash(fields.slice(1))}) > 1) AS c`);
    stats.conflict = num(c?.n) > 0;
    for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n FROM (SELECT src, row_number() OVER (PARTITION BY wid ORDER BY src) AS k FROM ${T.items}_raw WHERE ok = 1) AS t WHERE k > 1 GROUP BY src`)) {
      const s = stats.perSrc.get(num(r.src));
      if (s) s.duplicates = num(r.n);
    }
  }
  await conn.exec(d.createTable(T.items, `SELECT ${repeats ? 'DISTINCT ' : ''}${fields.join(', ')} FROM ${T.items}_raw WHERE ok = 1`));
  await conn.exec(d.dropTable(`${T.items}_raw`));
  return stats;
}

/** Reviews (T.reviews): a review equal in every field to an earlier one is a duplicate (RULES.md "Records in"). */
export async function loadReviews(x: Run, reviews: string): Promise<RecordStats> {
  const { conn, d } = x;
  const fields = ['wid', 'role', 'minutes', 'result', 'reviewed_at', 'period'];
  await conn.exec(d.createTable(`${T.reviews}_raw`, reviews));
  const stats: RecordStats = { perSrc: new Map(), conflict: false };
  for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n, ${d.countIf('ok = 0')} AS bad FROM ${T.reviews}_raw GROUP BY src`)) {
    stats.perSrc.set(num(r.src), { read: num(r.n), bad: num(r.bad), duplicates: 0 });
  }
  for (const r of await q(x, `SELECT src, ${d.int('count(*)')} AS n FROM (SELECT src, row_number() OVER (PARTITION BY ${fields.slice(0, 5).join(', ')} ORDER BY src) AS k FROM ${T.reviews}_raw WHERE ok = 1) AS t WHERE k > 1 GROUP BY src`)) {
    const s = stats.perSrc.get(num(r.src));
    if (s) s.duplicates = num(r.n);
  }
  await conn.exec(d.createTable(T.reviews, `SELECT DISTINCT ${fields.join(', ')} FROM ${T.reviews}_raw WHERE ok = 1`));
  await conn.exec(d.dropTable(`${T.reviews}_raw`));
  return stats;
}
