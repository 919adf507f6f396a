// ClickHouse: a server through its official client (@clickhouse/client, HTTP), or the same engine embedded in Node
// (chDB, for tests and for `build --engine clickhouse` without a server). Scratch tables are session-scoped temporary
// tables, so nothing is left on a shared server; the source tables (a Distributed table on a cluster) are only read.
import { createReadStream } from 'node:fs';
import type { ClickHouseSettings } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import type { SqlColumn, SqlConnection, SqlValue } from './connection';
import { clickhouseDialect } from './dialect';
import { wellFormed } from '../core/model/text';
import type { NativeFile } from './duckdb';

/**
 * Settings every query of a build runs with. precise_float_parsing: ClickHouse's default float parser is not correctly
 * rounded (on 20,000 random decimals it read 10% one bit off; the JavaScript engine's Number() is exact), and a price
 * or a cost one bit off can move a cent.
 */
export const CLICKHOUSE_SETTINGS = {
  join_use_nulls: 1,
  // an alias (sum(it) AS it) must not capture the column of the same name elsewhere in the query, as in standard SQL
  prefer_column_name_to_alias: 1,
  precise_float_parsing: 1,
  union_default_mode: 'DISTINCT',
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_denormals: 0,
  max_query_size: 100_000_000,
} as const;

/** How canonical text files are uploaded: positional Nullable(String) columns, CSV read as the JavaScript import does. */
const CSV_SETTINGS = (delimiter: string) => ({
  format_csv_delimiter: delimiter,
  format_csv_allow_single_quotes: 0,
  format_csv_allow_double_quotes: 1,
  input_format_csv_skip_first_lines: 1,
  input_format_csv_trim_whitespaces: 0,
  input_format_csv_allow_variable_number_of_columns: 0,
  input_format_csv_empty_as_default: 1,
  // ClickHouse reads an unquoted \N as NULL (then '' here); to the JavaScript import it is the text \N — a rejected
  // cost, an agent named \N. Empty is the only NULL a CSV cell can mean, as it already is.
  format_csv_null_representation: '',
});
const JSON_SETTINGS = {
  input_format_skip_unknown_fields: 1,
  input_format_json_read_numbers_as_strings: 1,
  input_format_json_read_bools_as_strings: 1,
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
};

const TYPE = { text: 'Nullable(String)', double: 'Nullable(Float64)', int: 'Nullable(Int64)' } as const;
const id = clickhouseDialect.id;

function plain(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return String(v);
}

export interface ClickHouseConnection extends SqlConnection {
  /** makes a canonical file readable as text columns — uploaded into a temporary table (a server), or read in place
   * (embedded) — and returns the relation with canonical names */
  upload(file: NativeFile, canonical: readonly string[], table: string): Promise<string>;
  /** the file can be read as it is named: the embedded engine's file() takes `*`, `?` and braces as a pattern, with no
   * escape (a backslash matched nothing in a probe), so such a path is read by the JavaScript import instead */
  readsPath(path: string): boolean;
}

// ClickHouse refuses a lone surrogate in JSON ("missing second part of surrogate pair"): the whole build failed
const rowsAsJson = (columns: SqlColumn[], rows: SqlValue[][]) =>
  rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] === undefined ? null : typeof r[i] === 'string' ? wellFormed(r[i] as string) : r[i]])));

function relationOver(table: string, file: NativeFile, canonical: readonly string[]): string {
  const pick = new Map<string, number>();
  file.columns.forEach((c, i) => {
    if (c.canonical && !pick.has(c.canonical)) pick.set(c.canonical, i);
  });
  const col = (i: number) => (file.format === 'csv' ? `c${i}` : id(file.columns[i].source));
  return `(SELECT ${canonical.map((n) => (pick.has(n) ? `${col(pick.get(n)!)} AS ${n}` : `CAST(NULL AS Nullable(String)) AS ${n}`)).join(', ')} FROM ${table})`;
}

const tableColumns = (file: NativeFile) =>
  file.columns.map((c, i) => `${file.format === 'csv' ? `c${i}` : id(c.source)} Nullable(String)`).join(', ');

export interface ClickHouseServerOptions {
  url: string;
  username?: string;
  password?: string;
  database?: string;
  /** extra settings (e.g. max_memory_usage) */
  settings?: Record<string, string | number>;
  /** how long the server has to answer its first request (default 30 s) */
  connectTimeoutMs?: number;
  /** how long any later request may take before the build stops (default an hour: a 10M-event statement runs minutes) */
  requestTimeoutMs?: number;
}

export const CLICKHOUSE_REQUEST_TIMEOUT_S = 3600;

/** The URL as it may be printed: no user or password (they come from the environment, but a URL may carry them too). */
export function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Before a build, the server must answer like ClickHouse: GET /ping answers "Ok." (not a redirect, a login page or
 * silence), then `SELECT version()` returns its row. @clickhouse/client alone reports a redirect by its body ("moved"),
 * waits an hour for a server that never answers, and reads an HTML page as zero rows: a build would then go on with
 * empty results.
 */
async function checkServer(o: ClickHouseServerOptions, query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<void> {
  const where = `the ClickHouse server at ${printableUrl(o.url)} (CLICKHOUSE_URL)`;
  const timeout = o.connectTimeoutMs ?? 30_000;
  let res: Response;
  try {
    res = await fetch(new URL('/ping', o.url), { redirect: 'manual', signal: AbortSignal.timeout(timeout) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError') throw new Error(`${where} did not answer within ${timeout / 1000} s`);
    throw new Error(`${where} cannot be reached: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new Error(`${where} answered with a redirect (HTTP ${res.status}${res.headers.get('location') ? ` to ${printableUrl(res.headers.get('location')!)}` : ''}); set CLICKHOUSE_URL to the server's own address`);
  }
  const body = (await res.text()).slice(0, 200);
  if (res.status !== 200 || body.trim() !== 'Ok.') {
    throw new Error(`${where} does not answer like ClickHouse: /ping gave HTTP ${res.status} "${body.replace(/\s+/g, ' ').trim().slice(0, 80)}" instead of "Ok."`);
  }
  const rows = await query("SELECT version() AS v, 'ai-labor-ledger' AS probe");
  if (rows.length !== 1 || rows[0].probe !== 'ai-labor-ledger' || !/^\d+\./.test(String(rows[0].v))) {
    throw new Error(`${where} does not answer like ClickHouse: SELECT version() gave ${JSON.stringify(rows).slice(0, 80)}`);
  }
}

/** A ClickHouse server through @clickhouse/client; one HTTP session per build (temporary tables live in it). */
export async function openClickHouse(o: ClickHouseServerOptions): Promise<ClickHouseConnection> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const requestTimeoutMs = o.requestTimeoutMs ?? CLICKHOUSE_REQUEST_TIMEOUT_S * 1000;
  const client = createClient({
    url: o.url,
    username: o.username ?? 'default',
    password: o.password ?? '',
    database: o.database ?? 'default',
    session_id: `ai-labor-ledger-${randomUUID()}`,
    clickhouse_settings: { ...CLICKHOUSE_SETTINGS, ...(o.settings ?? {}) } as unknown as ClickHouseSettings,
    request_timeout: requestTimeoutMs,
    // failures are thrown and reported by the caller; the client's own log would print request details to the console
    log: { level: ClickHouseLogLevel.OFF },
  });
  // the client's own message for a request past request_timeout is "Timeout error."
  const isTimeout = (e: unknown) => /^Timeout error/i.test(String((e as Error)?.message ?? ''));
  const stalled = (e: unknown): unknown =>
    isTimeout(e) ? new Error(`the ClickHouse server at ${printableUrl(o.url)} (CLICKHOUSE_URL) did not finish a request within ${requestTimeoutMs / 1000} s (CLICKHOUSE_REQUEST_TIMEOUT); the build stopped`) : e;
  const guard = <T>(p: Promise<T>): Promise<T> => p.catch((e) => Promise.reject(stalled(e)));
  const command = async (query: string) => {
    await guard(client.command({ query }));
  };
  // Format JSON, not JSONEachRow: the client reads a body that is not JSON lines (an HTML page) as no rows at all;
  // a whole JSON document either parses, with its row count, or fails.
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    const rs = await guard(client.query({ query: sql, format: 'JSON' }));
    const notJson = (why: string) => new Error(`the ClickHouse server at ${printableUrl(o.url)} (CLICKHOUSE_URL) gave an answer that is not ClickHouse's JSON (${why.slice(0, 80)})`);
    const doc = (await rs.json().catch((e: Error) => Promise.reject(isTimeout(e) ? stalled(e) : notJson(e.message)))) as { data?: unknown; rows?: unknown };
    if (!Array.isArray(doc?.data) || doc.rows !== doc.data.length) throw notJson(`${JSON.stringify(doc)}`);
    return doc.data as Record<string, unknown>[];
  };
  try {
    await checkServer(o, query);
  } catch (e) {
    await client.close();
    throw e;
  }
  return {
    dialect: clickhouseDialect,
    exec: command,
    query: async <T>(sql: string) => (await query(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))) as T[],
    async stream(sql, onRows) {
      const rs = await guard(client.query({ query: sql, format: 'JSONEachRow' }));
      await guard((async () => {
        for await (const rows of rs.stream()) {
          onRows(rows.map((r) => {
            const o = r.json() as Record<string, unknown>;
            for (const k in o) o[k] = plain(o[k]);
            return o as Record<string, SqlValue>;
          }));
        }
      })());
    },
    async createAndInsert(table, columns, rows) {
      await command(`DROP TEMPORARY TABLE IF EXISTS ${table}`);
      await command(`CREATE TEMPORARY TABLE ${table} (${columns.map((c) => `${id(c.name)} ${TYPE[c.type]}`).join(', ')}) ENGINE = Memory`);
      if (rows.length) await guard(client.insert({ table, values: rowsAsJson(columns, rows), format: 'JSONEachRow' }));
    },
    async insert(table, columns, rows) {
      if (rows.length) await guard(client.insert({ table, values: rowsAsJson(columns, rows), format: 'JSONEachRow' }));
    },
    readsPath: () => true,
    async upload(file, canonical, table) {
      await command(`CREATE TEMPORARY TABLE ${table} (${tableColumns(file)}) ENGINE = Memory`);
      const csv = file.format === 'csv';
      await guard(client.insert({
        table,
        values: createReadStream(file.path),
        format: csv ? 'CSV' : ('JSONEachRow' as 'CSV'),
        clickhouse_settings: (csv ? CSV_SETTINGS(file.delimiter ?? ',') : JSON_SETTINGS) as unknown as ClickHouseSettings,
      }));
      return relationOver(table, file, canonical);
    },
    async close() {
      await client.close();
    },
  };
}

interface ChdbSession {
  query(sql: string, format?: string): string;
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

/**
 * ClickHouse embedded (chDB, the ClickHouse engine as a Node addon). Loaded only when asked for: it is a development
 * dependency (~550 MB), never part of the add-in bundle.
 */
export async function openChdb(): Promise<ClickHouseConnection> {
  let Session: new () => ChdbSession;
  try {
    ({ Session } = (await import('chdb' as string)) as { Session: new () => ChdbSession });
  } catch {
    throw new Error('the embedded ClickHouse (npm package chdb) is not installed; set CLICKHOUSE_URL to a ClickHouse server, or install chdb');
  }
  const s = new Session();
  const settings = Object.entries(CLICKHOUSE_SETTINGS).map(([k, v]) => `${k} = ${typeof v === 'string' ? `'${v}'` : v}`).join(', ');
  s.query(`SET ${settings}`);
  const run = async (sql: string) => (await s.queryAsync(sql, { format: 'JSONEachRow' })).text();
  const parse = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        for (const k in o) o[k] = plain(o[k]);
        return o as Record<string, SqlValue>;
      });
  // The rows as a string literal to the table function format(), not inline after FORMAT: chDB is clickhouse-local, and
  // with data on the process's standard input (a pipe, a heredoc, a CI step) it refused an inline insert ("both
  // inlined and external data"). max_query_size (above) admits the literal.
  const insertJson = async (table: string, columns: SqlColumn[], rows: SqlValue[][]) => {
    const names = columns.map((c) => id(c.name)).join(', ');
    const structure = clickhouseDialect.str(columns.map((c) => `${id(c.name)} ${TYPE[c.type]}`).join(', '));
    for (let i = 0; i < rows.length; i += 20_000) {
      const body = rowsAsJson(columns, rows.slice(i, i + 20_000)).map((r) => JSON.stringify(r)).join('\n');
      await run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM format(JSONEachRow, ${structure}, ${clickhouseDialect.str(body)})`);
    }
  };
  const settingsClause = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => `${k} = ${typeof v === 'string' ? clickhouseDialect.str(v) : v}`).join(', ');
  return {
    dialect: clickhouseDialect,
    async exec(sql) {
      await run(sql);
    },
    async query<T>(sql: string) {
      return parse(await run(sql)) as T[];
    },
    async stream(sql, onRows) {
      onRows(parse(await run(sql)));
    },
    async createAndInsert(table, columns, rows) {
      await run(`DROP TEMPORARY TABLE IF EXISTS ${table}`);
      await run(`CREATE TEMPORARY TABLE ${table} (${columns.map((c) => `${id(c.name)} ${TYPE[c.type]}`).join(', ')}) ENGINE = Memory`);
      await insertJson(table, columns, rows);
    },
    insert: insertJson,
    readsPath: (path) => !/[*?{}]/.test(path),
    async upload(file, canonical) {
      // Embedded, the engine reads the file where it is (the table function file()): no copy, whatever its size.
      const csv = file.format === 'csv';
      const structure = file.columns.map((c, i) => `${csv ? `c${i}` : id(c.source)} Nullable(String)`).join(', ');
      const source = `(SELECT * FROM file(${clickhouseDialect.str(file.path)}, ${csv ? 'CSV' : 'JSONEachRow'}, ${clickhouseDialect.str(structure)})
        SETTINGS ${settingsClause(csv ? CSV_SETTINGS(file.delimiter ?? ',') : JSON_SETTINGS)})`;
      return relationOver(source, file, canonical);
    },
    async close() {
      s.close();
    },
  };
}
