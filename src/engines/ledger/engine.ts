// The ledger of DESIGN.md §3 as SQL, phase by phase as core's LedgerBuilder runs it (src/core/ledger, RULES.md):
// load → price → attribute → allocate overheads → true-up → round → conserve → publish. Figures are computed in the
// database (DuckDB or ClickHouse); what needs the price book, string rules of core or the small business unit × agent
// tables is done in JavaScript with core's own functions, from distinct values the database hands over. The result
// is a LedgerResult equal to the JavaScript engine's to the cent (tests/engines), plus SQL aggregates for the summary.
import type { Aggregator } from '../../core/ledger/aggregate';
import type { AddResult, ConflictNote, LedgerContext, LedgerResult, UnpricedGroup } from '../../core/ledger';
import type { PricedEventNote } from '../../core/model/ledger';
import type { Agent, Review, UsageEvent, WorkItem } from '../../core/model/records';
import { CATALOG_VERSION, PriceBook } from '../../core/pricing';
import { EventPricer } from '../../core/ledger/price';
import { InvoiceSlots } from '../../core/ledger/trueup';
import { cmp } from '../../core/ledger/line';
import { agentsWithPlaceholders } from '../../core/ledger/publish';
import { UNASSIGNED, type InvoicedProvider } from '../../core/ledger/types';
import type { SqlConnection } from '../connection';
import { EVENT_TABLE_COLUMNS, RecordIngest } from './ingest';
import { FILE_CONTENT, checkGroups, dropDuplicates, dropGroups, keyedEvents, loadItems, loadReviews, loadUsage, typedItemsFromText, typedReviewsFromText, typedUsageFromText, type RecordStats } from './load';
import { buildPrices, buildRates, costedGroups } from './price';
import { attribute } from './attribute';
import { allocateOverheads } from './overheads';
import { spreadTrueup } from './trueup';
import { finalLines, roundLines } from './round';
import { conserve } from './conserve';
import { ledgerRows, sqlAggregates, unattributedLines } from './publish';
import { T, num, q, str, timed, type Run } from './run';

/** Takes records one at a time (the JavaScript import's sink), de-duplicated as LedgerBuilder does. */
export interface RecordSink {
  addEvent(e: UsageEvent): AddResult;
  addWorkItem(w: WorkItem): AddResult;
  addReview(r: Review): AddResult;
}

/** Where the canonical records come from. Kinds with no relation come through `load`. */
export interface SqlFeeds {
  /** relations with the canonical text columns (DESIGN §3 names, empty/NULL for absent) and `src` (the file's index) */
  usage?: string[];
  workItems?: string[];
  reviews?: string[];
  /** a typed usage relation (EVENT_COLUMNS + `src` + `ok`), e.g. a ClickHouse table mapped to canonical columns; a
   * function when it needs tables of its own first (src/sources/clickhouse) */
  typedUsage?: string | ((conn: SqlConnection) => Promise<string>);
  /** the usage relations are files, best scanned once (DuckDB reads, groups and counts in one pass) */
  usageOnePass?: boolean;
  /** streams every record of the kinds not given as relations through the sink (the JavaScript import) */
  load?: (sink: RecordSink) => Promise<void>;
  /**
   * Per file relation of a kind: the records the JavaScript import would read from it (undefined: not known, e.g.
   * Parquet). A database that split a file into other records (a lone CR read as a line break, a file of CR breaks
   * read as one line) disagrees here, and the JavaScript import reads the records instead.
   */
  records?: (kind: 'usage' | 'work_items' | 'reviews') => Promise<(number | undefined)[]>;
}

export interface SqlBuildOptions {
  /** as BuildOptions.maxUnpricedListed / maxConflictsListed */
  maxUnpricedListed?: number;
  maxConflictsListed?: number;
  /** keep every line's exact components in `result.exact` (checks against the published cents) */
  keepExact?: boolean;
  /** bring the ledger rows into `result.rows` (a workbook needs them; a summary does not: `aggregate` answers it) */
  rows?: boolean;
  priceBook?: PriceBook;
  expectedEvents?: number;
  /** runs between rounding and the checks (tests break the published cents or the exact lines with it, to show the
   * checks fail) */
  beforeChecks?: (conn: SqlConnection) => Promise<void>;
}

/** Per source relation (file) of a kind: rows read, accepted, duplicates (native path). */
export type FeedStats = { read: number; accepted: number; duplicates: number }[];

export interface SqlLedger {
  result: LedgerResult;
  /** aggregates per agent / business unit / everything, summed in SQL over the published cents */
  aggregate: Aggregator;
  /** native: every record was read by the database; otherwise why the JavaScript import read them */
  native: boolean;
  fallbackReason?: string;
  stats: { usage: FeedStats; workItems: FeedStats; reviews: FeedStats };
  timings: Record<string, number>;
}

/** Thrown inside a native build when the JavaScript import must read the records (its messages and order decide). */
export class NeedsJsImport extends Error {}


/** The database refused a statement for want of memory (DuckDB past its memory limit, ClickHouse past max_memory_usage). */
export class SqlOutOfMemory extends Error {}
const OUT_OF_MEMORY = /Out of Memory Error|failed to pin block|could not allocate block|MEMORY_LIMIT_EXCEEDED|memory limit exceeded/i;

const stat = (s: RecordStats['perSrc'] | Map<number, { read: number; bad: number }>, n: number, dups: Map<number, number> = new Map()): FeedStats =>
  Array.from({ length: n }, (_, i) => {
    const v = s.get(i) as { read: number; bad: number; duplicates?: number } | undefined;
    const duplicates = v?.duplicates ?? dups.get(i) ?? 0;
    return { read: v?.read ?? 0, accepted: (v?.read ?? 0) - duplicates, duplicates };
  });

/**
 * Builds the ledger in SQL. When a natively read file has a row outside the simple form or a conflicting repeat, the
 * records are read again through `feeds.load` (the JavaScript import) if it is given, else it throws.
 */
export async function buildLedgerSql(conn: SqlConnection, ctx: LedgerContext, feeds: SqlFeeds, options: SqlBuildOptions = {}): Promise<SqlLedger> {
  const native = !!(feeds.usage?.length || feeds.typedUsage || feeds.workItems?.length || feeds.reviews?.length);
  const oom = (e: unknown) => (OUT_OF_MEMORY.test(String((e as Error)?.message ?? e)) ? new SqlOutOfMemory(String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)) : e);
  if (!native) return run(conn, ctx, feeds, options).catch((e) => Promise.reject(oom(e)));
  try {
    return await run(conn, ctx, feeds, options);
  } catch (e) {
    // reading the records in JavaScript would need the same memory in the database: no second try
    if (oom(e) instanceof SqlOutOfMemory) throw oom(e);
    if (!feeds.load || feeds.typedUsage) throw e;
    // A file the database refuses to read (DuckDB's parallel CSV reader and a 50 MB line, an encoding it rejects) is
    // read by the JavaScript import instead, which names the bad rows; a fault of the SQL phases themselves fails again
    // there, so nothing is hidden. The database's message is cut short: it may quote the offending line.
    const reason = e instanceof NeedsJsImport ? e.message : `the database could not read a file natively (${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 160)})`;
    await dropScratch(conn);
    const r = await run(conn, ctx, { load: feeds.load }, options).catch((e2) => Promise.reject(oom(e2)));
    return { ...r, native: false, fallbackReason: reason };
  }
}

/** The database read each file into as many records as the JavaScript import finds in it, or the import reads them. */
async function sameRecords(feeds: SqlFeeds, kind: 'usage' | 'work_items' | 'reviews', perSrc: Map<number, { read: number }>): Promise<void> {
  if (!feeds.records) return;
  for (const [i, expected] of (await feeds.records(kind)).entries()) {
    const read = perSrc.get(i)?.read ?? 0;
    if (expected !== undefined && read !== expected) {
      throw new NeedsJsImport(`${kind.replace('_', ' ')} source ${i + 1}: the database read ${read} records where the file holds ${expected} (its line breaks read another way)`);
    }
  }
}

/** Drops every scratch table and view of a build (a fallback starts again on the same connection). */
async function dropScratch(conn: SqlConnection): Promise<void> {
  const d = conn.dialect;
  if (d.name === 'duckdb') {
    for (const r of await conn.query(`SELECT table_name AS name, table_type AS type FROM information_schema.tables WHERE starts_with(table_name, 'll_')`)) {
      await conn.exec(`DROP ${str(r.type) === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${d.id(str(r.name))}`);
    }
  } else {
    for (const r of await conn.query(`SELECT name FROM system.tables WHERE is_temporary AND startsWith(name, 'll_')`)) await conn.exec(d.dropTable(d.id(str(r.name))));
  }
}

async function run(conn: SqlConnection, ctx: LedgerContext, feeds: SqlFeeds, options: SqlBuildOptions): Promise<SqlLedger> {
  const agentById = new Map<string, Agent>();
  for (const a of ctx.agents) if (!agentById.has(a.agent_id)) agentById.set(a.agent_id, a);
  const x: Run = {
    conn,
    d: conn.dialect,
    ctx,
    pricer: new EventPricer(options.priceBook ?? new PriceBook(ctx.prices), ctx.prices, ctx.rates, ctx.toolPrices),
    slots: new InvoiceSlots(ctx.invoices),
    agentById,
    agentBU: (id) => agentById.get(id)?.business_unit ?? UNASSIGNED,
    trueupCents: new Map(),
    trueupUsd: new Map(),
    overheads: new Map(),
    periods: [],
    gView: false,
    timings: {},
  };
  const { d } = x;
  // a connection may have served a build before (a fallback, a server session): start from a clean slate
  await dropScratch(conn);
  await conn.createAndInsert(T.agents, [{ name: 'agent', type: 'text' }, { name: 'bu', type: 'text' }], [...agentById.values()].map((a) => [a.agent_id, a.business_unit]));

  // 0. Load.
  let ingest: RecordIngest | null = null;
  const needLoad = !(feeds.usage?.length || feeds.typedUsage) || !feeds.workItems?.length || !feeds.reviews?.length;
  if (needLoad && feeds.load) {
    ingest = new RecordIngest(conn, options.maxConflictsListed, options.expectedEvents);
    await ingest.open();
    const sink = ingest;
    const skip = () => 'added' as AddResult;
    await timed(x, 'load-js', () =>
      feeds.load!({
        addEvent: feeds.usage?.length || feeds.typedUsage ? skip : (e) => sink.addEvent(e),
        addWorkItem: feeds.workItems?.length ? skip : (w) => sink.addWorkItem(w),
        addReview: feeds.reviews?.length ? skip : (r) => sink.addReview(r),
      }),
    );
    await ingest.close();
  }
  const union = (rels: string[]) => rels.map((r, i) => `SELECT ${i} AS src, * FROM ${r}`).join(' UNION ALL ');
  if (!ingest && !(feeds.usage?.length || feeds.typedUsage)) await conn.createAndInsert(T.events, EVENT_TABLE_COLUMNS, []);
  const eventsRel = feeds.typedUsage
    ? typeof feeds.typedUsage === 'string'
      ? feeds.typedUsage
      : await feeds.typedUsage(conn)
    : feeds.usage?.length
      ? typedUsageFromText(d, `(${union(feeds.usage)}) AS raw`, x.ctx.prices.some((p) => p.effective_from.length > 10))
      : `SELECT * FROM ${T.events}`;
  let usageStats: FeedStats = [];
  let repeatedIds = false;
  {
    const st = await timed(x, 'load-usage', () => loadUsage(x, eventsRel, !!feeds.usageOnePass, feeds.usage?.length ? `SELECT event_id FROM (${union(feeds.usage)}) AS raw` : undefined));
    const bad = [...st.perSrc.entries()].find(([, v]) => v.bad > 0);
    if (bad && !feeds.typedUsage) throw new NeedsJsImport(`usage source ${bad[0] + 1} has ${bad[1].bad} rows the database does not read natively`);
    if (feeds.usage?.length) await sameRecords(feeds, 'usage', st.perSrc);
    if (feeds.usage?.length && (await timed(x, 'load-check', () => checkGroups(x))) > 0) throw new NeedsJsImport('usage has text keys the database does not read natively (surrounding whitespace, bytes that are not UTF-8, an unknown kind or status)');
    let dups = new Map<number, number>();
    repeatedIds = st.repeats > 0;
    if (repeatedIds) {
      const r = await timed(x, 'load-duplicates', () => dropDuplicates(x, eventsRel, !feeds.typedUsage && feeds.usage?.length ? FILE_CONTENT : undefined));
      if (r.conflict) throw new NeedsJsImport('usage has repeated event ids with different content');
      dups = r.perSrc;
    }
    usageStats = feeds.usage?.length ? stat(st.perSrc, feeds.usage.length, dups) : [];
  }
  const itemsRel = feeds.workItems?.length
    ? typedItemsFromText(d, `(${union(feeds.workItems)}) AS raw`)
    : `SELECT * FROM ${ingest ? `${T.items}_in` : `(SELECT 0 AS src, 1 AS ok, '' AS wid, '' AS agent, '' AS bu, '' AS type, '' AS opened_at, '' AS closed_at, '' AS cperiod, '' AS outcome) AS n WHERE 1 = 0`}`;
  const is = await timed(x, 'load-items', () => loadItems(x, itemsRel));
  if (feeds.workItems?.length && ([...is.perSrc.values()].some((v) => v.bad > 0) || is.conflict)) throw new NeedsJsImport('work items the database does not read natively, or conflicting repeats');
  if (feeds.workItems?.length) await sameRecords(feeds, 'work_items', is.perSrc);
  const reviewsRel = feeds.reviews?.length
    ? typedReviewsFromText(d, `(${union(feeds.reviews)}) AS raw`)
    : `SELECT * FROM ${ingest ? `${T.reviews}_in` : `(SELECT 0 AS src, 1 AS ok, '' AS wid, '' AS role, ${d.double('0')} AS minutes, '' AS result, '' AS reviewed_at, '' AS period) AS n WHERE 1 = 0`}`;
  const rs = await timed(x, 'load-reviews', () => loadReviews(x, reviewsRel));
  if (feeds.reviews?.length && [...rs.perSrc.values()].some((v) => v.bad > 0)) throw new NeedsJsImport('reviews the database does not read natively');
  if (feeds.reviews?.length) await sameRecords(feeds, 'reviews', rs.perSrc);

  // 1. Price.
  await timed(x, 'price', async () => {
    await buildPrices(x);
    await buildRates(x);
  });
  // 2. Attribute.
  await timed(x, 'attribute', () => attribute(x));
  // Unpriced events and reviews, grouped; then the usage groups are done with (a large table at 10M events: dropping
  // each phase's input once it is consumed keeps the database's peak memory down).
  const groups: UnpricedGroup[] = [];
  for (const r of await q(x, `SELECT period, provider, model_k AS model, reason, sum(n) AS n FROM (${costedGroups()}) AS gc WHERE reason IS NOT NULL GROUP BY period, provider, model_k, reason
      UNION ALL SELECT period, '' AS provider, 'reviewer role ' || role AS model, reason, ${d.int('count(*)')} AS n FROM ${T.reviews}_c WHERE reason IS NOT NULL GROUP BY period, role, reason`)) {
    groups.push({ period: str(r.period), provider: str(r.provider), model: str(r.model), reason: str(r.reason), count: num(r.n) });
  }
  await dropGroups(x);
  // 3. Overheads, 4. true-up (their unattributed lines come back from JavaScript).
  const extra = [...(await timed(x, 'overheads', () => allocateOverheads(x))), ...(await timed(x, 'trueup', () => spreadTrueup(x)))];
  const periodSet = new Set<string>();
  for (const r of await q(x, `SELECT DISTINCT period FROM ${T.lines0} UNION SELECT DISTINCT period FROM ${T.accp} UNION SELECT DISTINCT period FROM ${T.reviews}_c`)) periodSet.add(str(r.period));
  for (const o of ctx.overheads) periodSet.add(o.period);
  for (const p of x.slots.slotPeriod) periodSet.add(p);
  x.periods = [...periodSet].filter((p) => p !== '').sort();
  // 5. Round.
  await timed(x, 'lines', () => finalLines(x, extra));
  for (const t of [T.lines0, T.ovshare, T.tushare]) await conn.exec(d.dropTable(t));
  const targets = await timed(x, 'round', () => roundLines(x));
  // 6. Conserve.
  if (options.beforeChecks) await options.beforeChecks(conn);
  const cons = await timed(x, 'conserve', () => conserve(x, targets));
  await conn.exec(d.dropTable(T.lines));

  // Publish.
  const u = await timed(x, 'unattributed', () => unattributedLines(x));
  const unattributed = u.map((l) => l.row);
  const rowAgents = await q(x, `SELECT DISTINCT agent FROM ${T.pub} WHERE is_row = 1`);
  const agents = agentsWithPlaceholders(agentById.values(), (id) => agentById.has(id), rowAgents.map((r) => ({ agent_id: str(r.agent) })), unattributed);
  const aggregate = await timed(x, 'aggregate', () => sqlAggregates(x, agents, unattributed));
  const fetched = options.rows ? await timed(x, 'rows', () => ledgerRows(x, !!options.keepExact)) : { rows: [], exactRows: [] };

  // Unpriced events and reviews: the first ones listed.
  const maxListed = options.maxUnpricedListed ?? 10_000;
  groups.sort((a, b) => cmp(a.period, b.period) || cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.reason, b.reason));
  const unpricedCount = groups.reduce((s, g) => s + g.count, 0);
  const unpriced: PricedEventNote[] = [];
  if (unpricedCount > 0 && maxListed > 0) {
    // core's order (core/ledger/unpriced.ts): events by period and id, then reviews; DISTINCT drops the extra copies of
    // a duplicated event that the database read natively (copies of one event give one note), only when there are any:
    // over a wholly unpriced month it would hash every event (+100 MB at 1M events)
    {
      const on = ['provider', 'model_k', 'batch_k', 'st_k', 'cx_k', 'day_k', 'fast', 'seg', 'size', 'wsf'].map((c) => `p.${c} = e.${c}`).join(' AND ');
      const list = await q(
        x,
        `SELECT ${repeatedIds ? 'DISTINCT ' : ''}e.event_id AS event_id, e.provider AS provider, e.model AS model, e.period AS period, e.agent AS agent,
          CASE WHEN e.part = 1 THEN p.reason ELSE 'no tool price for kind ' || e.kind || ' on the Tool Prices sheet, and the event has no cost_usd' END AS reason
        FROM (${keyedEvents(x, eventsRel)}) AS e LEFT JOIN ${T.prices} AS p ON e.part = 1 AND ${on}
        WHERE (e.part = 1 AND p.reason IS NOT NULL) OR e.untool = 1
        ORDER BY period, event_id LIMIT ${maxListed}`,
      );
      for (const r of list) unpriced.push({ event_id: str(r.event_id), provider: str(r.provider), model: str(r.model), period: str(r.period), agent_id: str(r.agent), reason: str(r.reason) });
    }
    if (unpriced.length < maxListed) {
      for (const r of await q(x, `SELECT wid, role, reviewed_at, period, reason FROM ${T.reviews}_c WHERE reason IS NOT NULL ORDER BY period, wid, reviewed_at, role LIMIT ${maxListed - unpriced.length}`)) {
        unpriced.push({ event_id: `review of ${str(r.wid)} at ${str(r.reviewed_at)}`, provider: '', model: `reviewer role ${str(r.role)}`, period: str(r.period), agent_id: '', reason: str(r.reason) });
      }
    }
  }

  const providers: InvoicedProvider[] = [];
  for (const p of x.periods) for (const s of x.slots.slotsOf(p)) providers.push(x.slots.invoicedProvider(s));
  const [cnt] = await q(x, `SELECT (SELECT ${d.int('coalesce(sum(n), 0)')} FROM ${T.accp}) AS events, (SELECT ${d.int('count(*)')} FROM ${T.items}) AS items, (SELECT ${d.int('count(*)')} FROM ${T.reviews}) AS reviews`);
  const dupCount = (s: FeedStats) => s.reduce((a, v) => a + v.duplicates, 0);
  const itemStats = feeds.workItems?.length ? stat(is.perSrc, feeds.workItems.length) : [];
  const reviewStats = feeds.reviews?.length ? stat(rs.perSrc, feeds.reviews.length) : [];
  const conflicts: ConflictNote[] = ingest ? ingest.conflicts : [];
  const result: LedgerResult = {
    catalog_version: CATALOG_VERSION,
    periods: x.periods,
    rows: fetched.rows,
    unattributed,
    unpriced,
    unpricedGroups: groups,
    conflicts,
    conservation: cons.all,
    conservationByPeriod: cons.byPeriod,
    agents,
    counts: {
      events: num(cnt?.events),
      duplicates: (ingest?.counts.duplicates ?? 0) + dupCount(usageStats) + dupCount(itemStats) + dupCount(reviewStats),
      conflicts: ingest?.counts.conflicts ?? 0,
      work_items: num(cnt?.items),
      reviews: num(cnt?.reviews),
      unpriced: unpricedCount,
    },
    providers,
    ...(options.keepExact && options.rows ? { exact: { rows: fetched.exactRows, unattributed: u.map((l) => l.exact) } } : {}),
  };
  return { result, aggregate, native: !ingest, stats: { usage: usageStats, workItems: itemStats, reviews: reviewStats }, timings: x.timings };
}
