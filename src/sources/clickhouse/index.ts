// Tables where the logs already live, read by the ClickHouse engine (src/engines) in place: Langfuse v3's
// `observations` (with its `traces`) and Helicone's `request_response_rmt`, mapped to the canonical usage columns with
// the same semantics as the file/API mappers of src/sources/langfuse and src/sources/helicone, and the same link rules.
// What needs JavaScript (model and provider names, the reading of Langfuse's usage keys) is decided per distinct value
// with those mappers' own functions and handed to the query as small tables; the rows never leave the database.
// Schemas: Langfuse packages/shared/clickhouse/migrations/unclustered/0001_traces, 0002_observations; Helicone
// clickhouse/migrations/20200101000041_request_response_replacing_merge_tree + schema_43 (cache tokens), schema_44
// (audio tokens), schema_52 (cost, nano-USD). A Distributed table on a cluster is read the same way (`global` for the
// Langfuse traces join).
import { z } from 'zod';
import { MAX_TOKENS, MAX_USD } from '../../core/model/ranges';
import { normalizeModel } from '../common/normalize';
import type { LinkField, LinkRule, LinkRules } from '../links';

const ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, { message: 'expected a table name such as observations or default.request_response_rmt' });

export const clickhouseTableSchema = z.object({
  /** shown in reports; default the format */
  name: z.string().optional(),
  format: z.enum(['langfuse', 'helicone']),
  /** the table (database.table allowed): observations / request_response_rmt, or a Distributed table over them */
  table: ident,
  /** Langfuse: the traces table (session, user, tags and metadata of each observation); default `traces` beside `table` */
  traces: ident.optional(),
  /** an extra SQL condition on the table, e.g. "project_id = 'p1'" or "organization_id = '…'" (the config author's SQL) */
  where: z.string().optional(),
  /** ISO bounds of the events read; default the config's period (its UTC month) */
  from: z.string().optional(),
  to: z.string().optional(),
  /** read with FINAL: the latest version of each row of a ReplacingMergeTree (both vendors' tables are) */
  final: z.boolean().default(true),
  /** Langfuse on a cluster: GLOBAL JOIN of the traces (Distributed tables on both sides) */
  global: z.boolean().default(false),
  /** Helicone: prompt_tokens excludes cache reads/writes (`separate`, as Helicone stores them) */
  tokenConvention: z.enum(['separate', 'inclusive', 'auto']).default('separate'),
  /** Helicone: the unit of `cost` (nano-USD in ClickHouse) */
  costUnit: z.enum(['nano_usd', 'usd']).default('nano_usd'),
});
export type ClickHouseTable = z.output<typeof clickhouseTableSchema>;

/** What the mapping needs from the database connection (the engine's SqlConnection fits). */
export interface TableConnection {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  createAndInsert(table: string, columns: { name: string; type: 'text' | 'double' | 'int' }[], rows: (string | number | null)[][]): Promise<void>;
}

const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A ClickHouse string array literal. */
const arr = (xs: readonly string[]) => `[${xs.map(lit).join(', ')}]::Array(String)`;

/** The link fields of a format as SQL expressions over the mapped row (`o` the table, `t` the Langfuse trace). */
interface LinkSql {
  metadata(key: string): string;
  tags: string;
  property(name: string): string;
  scalar: Partial<Record<LinkField['from'], string>>;
}

/** One rule's candidates as SQL text values (several for tags), in the order links.ts tries them. */
function candidates(f: LinkField, l: LinkSql): { list: string } | { one: string } {
  switch (f.from) {
    case 'metadata':
      return { one: l.metadata(f.key) };
    case 'tag':
      return { list: `arrayMap(x -> trimBoth(substringUTF8(x, ${[...f.prefix].length + 1})), arrayFilter(x -> startsWith(x, ${lit(f.prefix)}), ${l.tags}))` };
    case 'property':
      return { one: l.property(f.name.toLowerCase().replace(/^helicone-property-/, '')) };
    default:
      return { one: l.scalar[f.from] ?? "''" };
  }
}

/**
 * A rule's value as links.ts's valueOf computes it: the first non-empty candidate that matches the pattern (its first
 * capture group, else the whole match, trimmed) and the map (when given); the prefix is prepended to unmapped values.
 */
function ruleSql(rule: LinkRule, l: LinkSql): string {
  const step = (v: string) => {
    let x = `trimBoth(${v})`;
    if (rule.pattern) x = `trimBoth(extract(${x}, ${lit(rule.pattern)}))`;
    if (rule.map) {
      const keys = Object.keys(rule.map);
      return `trimBoth(transform(${x}, ${arr(keys)}, ${arr(keys.map((k) => rule.map![k]))}, ''))`;
    }
    return `if(${x} = '', '', concat(${lit(rule.prefix ?? '')}, ${x}))`;
  };
  const c = candidates(rule.field as LinkField, l);
  if ('one' in c) return step(c.one);
  return `arrayFirst(v -> v <> '', arrayMap(v -> ${step('v')}, ${c.list}))`;
}

/** The first rule (of those that apply to the format) with a value, else '' (links.ts firstMatch). */
function rulesSql(rules: LinkRule[], format: string, l: LinkSql, fallback = "''"): string {
  const parts = rules.filter((r) => !r.formats || r.formats.length === 0 || r.formats.includes(format)).map((r) => `nullIf(${ruleSql(r, l)}, '')`);
  return `coalesce(${[...parts, fallback].join(', ')})`;
}

const INPUT_BASE = new Set(['input', 'prompt', 'input_tokens', 'prompt_tokens']);
const OUTPUT_BASE = new Set(['output', 'completion', 'output_tokens', 'completion_tokens']);

/** How langfuseTokens (src/sources/langfuse) reads one usage_details key (lower-cased). */
function langfuseKey(key: string): { part: 'total' | 'web' | 'inBase' | 'outBase' | 'in' | 'out' | 'none'; sub: string } {
  if (key === 'total' || key === 'total_tokens') return { part: 'total', sub: '' };
  if (/web_search/.test(key)) return { part: 'web', sub: '' };
  if (INPUT_BASE.has(key)) return { part: 'inBase', sub: '' };
  if (OUTPUT_BASE.has(key)) return { part: 'outBase', sub: '' };
  if (key.startsWith('output') || key.startsWith('completion')) {
    return { part: 'out', sub: /reasoning/.test(key) ? 'reasoning' : /audio/.test(key) ? 'audio' : /image/.test(key) ? 'image' : '' };
  }
  if (key.startsWith('input') || key.startsWith('prompt') || key.startsWith('cache')) {
    const read = /cache_read|input_cached|cached_tokens|cached_input|cache_hit/.test(key);
    const write = !read && /cache_creation|cache_write/.test(key);
    return { part: 'in', sub: read ? 'read' : write ? (/1h/.test(key) ? 'write1h' : 'write') : /audio/.test(key) ? 'audio' : /image/.test(key) ? 'image' : '' };
  }
  return { part: 'none', sub: '' };
}

/** The window of a period (YYYY-MM): its UTC month. */
export function periodWindow(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number);
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

const MODELS = 'll_src_models';

/**
 * `ok` (the row is usage the ledger takes) and `why` (else: 'range' or 'nest'). The file and API mappers validate every
 * event (usageEventSchema): a count outside 0–MAX_TOKENS or a cost outside 0–MAX_USD is rejected there, so it is here.
 */
function okAndWhy(nest: string, counts: string[]): string {
  const range = `${counts.map((c) => `${c} >= 0 AND ${c} <= ${MAX_TOKENS}`).join(' AND ')} AND (cost IS NULL OR (cost >= 0 AND cost <= ${MAX_USD}))`;
  return `CASE WHEN (${range}) AND (${nest}) THEN 1 ELSE 0 END AS ok, CASE WHEN NOT (${range}) THEN 'range' WHEN NOT (${nest}) THEN 'nest' ELSE '' END AS why`;
}

/**
 * The canonical typed usage relation of a vendor table (the columns of src/engines/ledger/load.ts EVENT_COLUMNS, plus
 * `src` and `ok`), after the model dictionary is loaded. `skipped` counts rows that are not usage (Langfuse spans and
 * events); `ok` = 0 on usage rows the ledger cannot take, with `why`: 'nest' (token counts do not nest) or 'range' (a count
 * or cost outside the documented ranges), listed by id.
 */
export async function tableUsage(conn: TableConnection, t: ClickHouseTable, links: LinkRules, window: { from: string; to: string }, src = 0): Promise<string> {
  const fin = t.final ? ' FINAL' : '';
  const inWindow = (col: string) => `${col} >= parseDateTime64BestEffort(${lit(window.from)}, 3, 'UTC') AND ${col} < parseDateTime64BestEffort(${lit(window.to)}, 3, 'UTC')`;
  const extra = t.where ? ` AND (${t.where})` : '';
  const models = `${MODELS}_${src}`;
  if (t.format === 'langfuse') {
    const where = `${inWindow('o.start_time')} AND o.is_deleted = 0 AND upper(o.type) IN ('GENERATION', 'EMBEDDING')${extra}`;
    const base = `${t.table} AS o${fin}`;
    const raw = await conn.query<{ m: string }>(`SELECT DISTINCT coalesce(o.provided_model_name, '') AS m FROM ${base} WHERE ${where}`);
    await conn.createAndInsert(models, [{ name: 'raw', type: 'text' }, { name: 'provider', type: 'text' }, { name: 'model', type: 'text' }], raw.map((r) => {
      const n = normalizeModel('', String(r.m ?? ''));
      return [String(r.m ?? ''), n.provider, n.model];
    }));
    const keys = (await conn.query<{ k: string }>(`SELECT DISTINCT arrayJoin(mapKeys(o.usage_details)) AS k FROM ${base} WHERE ${where}`)).map((r) => String(r.k));
    const of = (pred: (c: ReturnType<typeof langfuseKey>) => boolean) => {
      const ks = keys.filter((k) => pred(langfuseKey(k.toLowerCase())));
      return ks.length ? `toFloat64(arraySum(arrayMap(k -> o.usage_details[k], ${arr(ks)})))` : 'toFloat64(0)';
    };
    const totalKeys = keys.filter((k) => langfuseKey(k.toLowerCase()).part === 'total');
    const total = totalKeys.length ? `if(${totalKeys.map((k) => `mapContains(o.usage_details, ${lit(k)})`).join(' OR ')}, ${of((c) => c.part === 'total')}, NULL)` : 'NULL';
    const traces = t.traces ?? (t.table.includes('.') ? `${t.table.split('.')[0]}.traces` : 'traces');
    const md = (key: string) => `if(mapContains(o.metadata, ${lit(key)}), o.metadata[${lit(key)}], coalesce(tr.metadata[${lit(key)}], ''))`;
    const l: LinkSql = {
      metadata: md,
      tags: 'coalesce(tr.tags, []::Array(String))',
      property: () => "''",
      scalar: { session: "coalesce(tr.session_id, '')", user: "coalesce(tr.user_id, '')", project: 'o.project_id' },
    };
    const nest = 'ci <= it AND ci + cw <= it AND w1h <= cw AND ro <= ot AND ao + io + ro <= ot';
    return `(SELECT ${src} AS src, ${okAndWhy(nest, ['it', 'ci', 'cw', 'ot', 'w1h', 'ai', 'ii', 'ao', 'io', 'ro', 'ws'])}, event_id,
        formatDateTime(ts, '%Y-%m', 'UTC') AS period, formatDateTime(ts, '%Y-%m-%d', 'UTC') AS day, 1 AS utc, toUnixTimestamp64Milli(ts) AS ms,
        agent, wid, provider, model, kind, status, 0 AS batch, cost, toFloat64(0) AS units,
        it, ci, cw, ot, w1h, ai, toFloat64(0) AS cai, ii, toFloat64(0) AS cii, ao, io, ro AS rt, ws, '' AS st, '' AS cx
      FROM (SELECT o.id AS event_id, toDateTime64(o.start_time, 3, 'UTC') AS ts,
          coalesce(nullIf(${rulesSql(links.agent, 'langfuse', l, lit(links.default_agent))}, ''), 'Unassigned') AS agent,
          ${rulesSql(links.work_item, 'langfuse', l)} AS wid,
          mm.provider AS provider, mm.model AS model,
          if(upper(o.type) = 'EMBEDDING', 'embedding', 'llm') AS kind, if(upper(o.level) = 'ERROR', 'error', 'ok') AS status,
          if(mapContains(o.cost_details, 'total'), toFloat64(o.cost_details['total']), toFloat64(o.total_cost)) AS cost,
          ${of((c) => c.part === 'inBase')} AS in_base, ${of((c) => c.part === 'outBase')} AS out_base,
          ${of((c) => c.part === 'in')} AS in_parts, ${of((c) => c.part === 'out')} AS out_parts, ${total} AS total,
          (${total} IS NOT NULL AND ${total} <> in_base + out_base + in_parts + out_parts AND ${total} = in_base + out_base) AS overlapping,
          in_base + if(overlapping, 0, in_parts) AS it, ${of((c) => c.sub === 'read')} AS ci,
          ${of((c) => c.sub === 'write' || c.sub === 'write1h')} AS cw, least(${of((c) => c.sub === 'write1h')}, cw) AS w1h,
          ${of((c) => c.part === 'in' && c.sub === 'audio')} AS ai, ${of((c) => c.part === 'in' && c.sub === 'image')} AS ii,
          out_base + if(overlapping, 0, out_parts) AS ot, ${of((c) => c.sub === 'reasoning')} AS ro,
          ${of((c) => c.part === 'out' && c.sub === 'audio')} AS ao, ${of((c) => c.part === 'out' && c.sub === 'image')} AS io, ${of((c) => c.part === 'web')} AS ws
        FROM ${base}
        ${t.global ? 'GLOBAL ' : ''}LEFT JOIN (SELECT id, session_id, user_id, tags, metadata FROM ${traces}${fin} WHERE is_deleted = 0) AS tr ON tr.id = o.trace_id
        LEFT JOIN ${models} AS mm ON mm.raw = coalesce(o.provided_model_name, '')
        WHERE ${where}) AS x)`;
  }
  // Helicone
  const where = `${inWindow('o.request_created_at')}${extra}`;
  const base = `${t.table} AS o${fin}`;
  const raw = await conn.query<{ p: string; m: string }>(`SELECT DISTINCT toString(o.provider) AS p, toString(o.model) AS m FROM ${base} WHERE ${where}`);
  await conn.createAndInsert(models, [{ name: 'rawp', type: 'text' }, { name: 'raw', type: 'text' }, { name: 'provider', type: 'text' }, { name: 'model', type: 'text' }, { name: 'sep', type: 'int' }], raw.map((r) => {
    const n = normalizeModel(String(r.p ?? ''), String(r.m ?? ''));
    // canonicalInput (src/sources/common/normalize.ts): separate, or auto = separate for Anthropic models
    const sep = t.tokenConvention === 'separate' || (t.tokenConvention === 'auto' && (n.provider === 'anthropic' || (n.provider === 'aws' && /anthropic|claude/i.test(n.model))));
    return [String(r.p ?? ''), String(r.m ?? ''), n.provider, n.model, sep ? 1 : 0];
  }));
  const l: LinkSql = {
    // heliconeRow: metadata = the custom properties (names lower-cased without the Helicone-Property- prefix)
    metadata: (key) => `arrayFirst(v -> v <> '', arrayMap((k, v) -> if(replaceRegexpOne(lower(k), '^helicone-property-', '') = ${lit(key)}, trimBoth(v), ''), mapKeys(o.properties), mapValues(o.properties)))`,
    tags: '[]::Array(String)',
    property: (name) => `arrayFirst(v -> v <> '', arrayMap((k, v) -> if(replaceRegexpOne(lower(k), '^helicone-property-', '') = ${lit(name)}, trimBoth(v), ''), mapKeys(o.properties), mapValues(o.properties)))`,
    scalar: { user: "trimBoth(toString(o.user_id))", session: `arrayFirst(v -> v <> '', arrayMap((k, v) -> if(replaceRegexpOne(lower(k), '^helicone-property-', '') = 'session', trimBoth(v), ''), mapKeys(o.properties), mapValues(o.properties)))` },
  };
  const cost = t.costUnit === 'nano_usd' ? 'toFloat64(o.cost) / 1000000000' : 'toFloat64(o.cost)';
  const nest = 'ci <= it AND ci + cw <= it AND ai <= it';
  return `(SELECT ${src} AS src, ${okAndWhy(nest, ['it', 'ci', 'cw', 'ot', 'ai', 'ao'])}, event_id,
      formatDateTime(ts, '%Y-%m', 'UTC') AS period, formatDateTime(ts, '%Y-%m-%d', 'UTC') AS day, 1 AS utc, toUnixTimestamp64Milli(ts) AS ms,
      agent, wid, provider, model, kind, status, 0 AS batch, cost, toFloat64(0) AS units,
      it, ci, cw, ot, toFloat64(0) AS w1h, ai, toFloat64(0) AS cai, toFloat64(0) AS ii, toFloat64(0) AS cii, ao, toFloat64(0) AS io, toFloat64(0) AS rt,
      toFloat64(0) AS ws, '' AS st, '' AS cx
    FROM (SELECT toString(o.request_id) AS event_id, toDateTime64(o.request_created_at, 3, 'UTC') AS ts,
        coalesce(nullIf(${rulesSql(links.agent, 'helicone', l, lit(links.default_agent))}, ''), 'Unassigned') AS agent,
        ${rulesSql(links.work_item, 'helicone', l)} AS wid,
        mm.provider AS provider, mm.model AS model,
        if(match(coalesce(o.target_url, ''), '(?i)embed'), 'embedding', 'llm') AS kind,
        if(o.status >= 200 AND o.status < 400, 'ok', 'error') AS status,
        if(o.cost IS NULL, NULL, ${cost}) AS cost,
        toFloat64(coalesce(o.prompt_tokens, 0)) AS prompt, toFloat64(o.prompt_cache_read_tokens) AS ci, toFloat64(o.prompt_cache_write_tokens) AS cw,
        toFloat64(o.prompt_audio_tokens) AS ai,
        if(mm.sep = 1 OR ci + cw > prompt, prompt + ci + cw, prompt) + ai AS it,
        toFloat64(coalesce(o.completion_tokens, 0)) + toFloat64(o.completion_audio_tokens) AS ot, toFloat64(o.completion_audio_tokens) AS ao
      FROM ${base}
      LEFT JOIN ${models} AS mm ON mm.rawp = toString(o.provider) AND mm.raw = toString(o.model)
      WHERE ${where}) AS x)`;
}
