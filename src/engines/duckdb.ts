// DuckDB, embedded (@duckdb/node-api): an in-memory database per build. It reads canonical CSV, JSONL and Parquet
// files itself (sources.ts), so a month of usage never passes through JavaScript.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SqlColumn, SqlConnection, SqlValue } from './connection';
import { duckdbDialect } from './dialect';

export interface DuckDbOptions {
  /** worker threads (default: DuckDB's, one per core) */
  threads?: number;
  /** DuckDB's memory limit, e.g. "2GB" (default: DuckDB's, 80% of RAM); past it, it spills to `tempDirectory` */
  memoryLimit?: string;
  tempDirectory?: string;
}

type JsValue = string | number | bigint | boolean | null | undefined | object;

function plain(v: JsValue): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

const plainRow = (r: Record<string, JsValue>) => {
  const o: Record<string, SqlValue> = {};
  for (const k in r) o[k] = plain(r[k]);
  return o;
};

const SQL_TYPE = { text: 'VARCHAR', double: 'DOUBLE', int: 'BIGINT' } as const;

export async function openDuckDb(options: DuckDbOptions = {}): Promise<SqlConnection> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const config: Record<string, string> = {};
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  // with a memory limit DuckDB spills to disk; an in-memory database would otherwise spill into ./.tmp of the working
  // directory, so it gets a directory of its own in the system's temp folder, removed on close
  const spill = options.tempDirectory ?? (options.memoryLimit ? mkdtempSync(join(tmpdir(), 'ai-labor-ledger-duckdb-')) : undefined);
  if (spill) config.temp_directory = spill;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  // Months and days are UTC (DESIGN §5); timestamps with offsets are converted in UTC.
  await conn.run("SET TimeZone = 'UTC'");
  const append = async (table: string, columns: SqlColumn[], rows: SqlValue[][]) => {
    const a = await conn.createAppender(table);
    for (const r of rows) {
      for (let i = 0; i < columns.length; i++) {
        const v = r[i];
        if (v === null || v === undefined) a.appendNull();
        else if (columns[i].type === 'text') a.appendVarchar(String(v));
        else if (columns[i].type === 'double') a.appendDouble(Number(v));
        else a.appendBigInt(BigInt(v));
      }
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
  };
  return {
    dialect: duckdbDialect,
    async exec(sql) {
      await conn.run(sql);
    },
    async query<T>(sql: string) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((r) => plainRow(r as Record<string, JsValue>)) as T[];
    },
    async stream(sql, onRows) {
      const result = await conn.stream(sql);
      for await (const batch of result.yieldRowObjectJs()) onRows(batch.map((r) => plainRow(r as Record<string, JsValue>)));
    },
    async createAndInsert(table, columns, rows) {
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.map((c) => `${duckdbDialect.id(c.name)} ${SQL_TYPE[c.type]}`).join(', ')})`);
      if (rows.length) await append(table, columns, rows);
    },
    async insert(table, columns, rows) {
      if (rows.length) await append(table, columns, rows);
    },
    async close() {
      conn.closeSync();
      instance.closeSync?.();
      if (spill && !options.tempDirectory) rmSync(spill, { recursive: true, force: true });
    },
  };
}

/** A canonical file the database reads itself: its format and which of its columns stands for which canonical column. */
export interface NativeFile {
  path: string;
  format: 'csv' | 'jsonl' | 'parquet';
  /** CSV: the delimiter (as the JavaScript import detects it) */
  delimiter?: string;
  /** the file's columns in order (CSV header cells, JSON keys, Parquet columns) and the canonical column each is ('' = ignored) */
  columns: { source: string; canonical: string }[];
}

const lit = duckdbDialect.str;

/**
 * A file's path as a DuckDB string literal naming exactly that file. DuckDB's file readers take a path as a glob
 * pattern: `usage[1].csv` would read usage1.csv and `usage*.csv` every match, so `[`, `*` and `?` are escaped as
 * one-character classes (`[[]`, `[*]`, `[?]`, which DuckDB matches literally; braces and backslashes are literal
 * already), and the path is made absolute (DuckDB expands a leading `~`).
 */
export const duckdbPath = (path: string) => lit(resolve(path).replace(/[[*?]/g, (m) => `[${m}]`));

/**
 * A relation with the canonical text columns of a file (absent columns NULL). CSV is read with the delimiter and quote
 * rules the JavaScript import uses, strictly (a ragged row is an error, so the import then reads the file itself);
 * Parquet values are turned into the text a canonical CSV would hold (timestamps as ISO UTC).
 */
export function duckdbRelation(file: NativeFile, canonical: readonly string[], parquetTypes?: Record<string, string>, rowNumbers = false): string {
  const pick = new Map<string, number>();
  file.columns.forEach((c, i) => {
    if (c.canonical && !pick.has(c.canonical)) pick.set(c.canonical, i);
  });
  const col = (i: number) => (file.format === 'csv' ? `c${i}` : duckdbDialect.id(file.columns[i].source));
  const select = canonical
    .map((name) => {
      const i = pick.get(name);
      if (i === undefined) return `CAST(NULL AS VARCHAR) AS ${name}`;
      if (file.format !== 'parquet') return `${col(i)} AS ${name}`;
      return `${parquetText(col(i), parquetTypes?.[file.columns[i].source] ?? 'VARCHAR')} AS ${name}`;
    })
    .join(', ');
  const path = duckdbPath(file.path);
  if (file.format === 'csv') {
    const cols = file.columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    return `(SELECT ${select} FROM read_csv(${path}, auto_detect = false, header = true, delim = ${lit(file.delimiter ?? ',')}, quote = '"', escape = '"',
      columns = {${cols}}, strict_mode = true, null_padding = false))`;
  }
  if (file.format === 'jsonl') {
    const cols = file.columns.map((c) => `${lit(c.source)}: 'VARCHAR'`).join(', ');
    return `(SELECT ${select} FROM read_json(${path}, format = 'newline_delimited', columns = {${cols}}))`;
  }
  // rowNumbers: each row's number in the file from 1 (row_no), to name a row in a message
  return rowNumbers ? `(SELECT ${select}, file_row_number + 1 AS row_no FROM read_parquet(${path}, file_row_number = true))` : `(SELECT ${select} FROM read_parquet(${path}))`;
}

/**
 * A Parquet column's value as the text a canonical CSV would hold: timestamps as ISO UTC, booleans as true/false, a
 * whole floating or decimal number as digits (pandas writes counts as float64 12.0 once a column has a gap), NaN
 * (pandas' missing value) as NULL. The database's reading and the JavaScript import's (readParquetTable) both use it.
 */
export function parquetText(col: string, type: string): string {
  const t = type.toUpperCase();
  if (t.startsWith('TIMESTAMP')) return `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
  if (t === 'BOOLEAN') return `CASE WHEN ${col} THEN 'true' WHEN NOT ${col} THEN 'false' END`;
  const float = /^(DOUBLE|FLOAT|REAL)/.test(t);
  if (float || t.startsWith('DECIMAL')) {
    return `CASE ${float ? `WHEN isnan(${col}) THEN NULL ` : ''}WHEN ${col} = trunc(${col}) AND abs(${col}) < 1e15 THEN CAST(CAST(${col} AS BIGINT) AS VARCHAR) ELSE CAST(${col} AS VARCHAR) END`;
  }
  return `CAST(${col} AS VARCHAR)`;
}

/**
 * A Parquet file as a table of text cells for the JavaScript import (import.ts TableSource): every column under its
 * own name, each value as parquetText makes it ('' for NULL), in file order (DuckDB keeps insertion order by default),
 * pulled batch by batch as the import asks for them. The row count is the file's metadata, read apart from the rows,
 * so the import's accounting can fail.
 */
export async function readParquetTable(path: string): Promise<{ header: string[]; rowCount: number; rows: AsyncIterable<string[][]>; close(): void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const close = () => {
    conn.closeSync();
    instance.closeSync?.();
  };
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${duckdbPath(path)})`)).getRowObjectsJS();
    const header = described.map((r) => String(r.column_name));
    const meta = (await conn.runAndReadAll(`SELECT CAST(coalesce(sum(num_rows), 0) AS BIGINT) AS n FROM parquet_file_metadata(${duckdbPath(path)})`)).getRowsJS();
    // One string per row, its cells joined by the unit separator (U+001F; in a cell, it and the backslash are escaped by a
    // backslash): the node API converts every value it hands over one by one, ~0.3 µs each, so a row of 27 cells as one
    // string reads a 1M-row file in well under half the time of its rows as arrays.
    // (numbers, timestamps and booleans have neither character: only text is escaped)
    const cell = (r: Record<string, unknown>) => {
      const v = `coalesce(${parquetText(duckdbDialect.id(String(r.column_name)), String(r.column_type))}, '')`;
      return /^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DOUBLE|FLOAT|REAL|DECIMAL|BOOLEAN|TIMESTAMP|DATE)/i.test(String(r.column_type))
        ? v
        : `replace(replace(${v}, '\\', '\\\\'), chr(31), '\\u')`;
    };
    const sql = `SELECT ${described.length ? described.map(cell).join(` || chr(31) || `) : "''"} AS line FROM read_parquet(${duckdbPath(path)})`;
    const width = header.length;
    async function* rows(): AsyncIterable<string[][]> {
      const result = await conn.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        const v = chunk.getColumnVector(0);
        const out: string[][] = new Array(chunk.rowCount);
        for (let i = 0; i < chunk.rowCount; i++) {
          const cells = String(v.getItem(i) ?? '').split('\x1f');
          if (cells.length !== width) throw new Error(`a row came as ${cells.length} cells, expected ${width}`);
          for (let c = 0; c < width; c++) if (cells[c].includes('\\')) cells[c] = cells[c].replace(/\\([\\u])/g, (_m, x: string) => (x === 'u' ? '\x1f' : '\\'));
          out[i] = cells;
        }
        yield out;
      }
    }
    return { header, rowCount: Number(meta[0]?.[0] ?? 0), rows: rows(), close };
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * Every top-level key of a JSON lines file, in order of first appearance, read by DuckDB over the whole file. A native
 * read is told only the keys it is given: one first seen past the head that sniffing reads (an omitted-when-empty field
 * such as cost_usd) would be dropped by the database and read by the import. `head`: the keys of the file's head, in
 * order; usually they are all (one DISTINCT pass: 1.0 s for 650 MB on two cores; JSON.parse of every line in JavaScript
 * takes 6.5 s), else a second, ordered pass (2.7 s) places the others. Throws on a line that is not a JSON object.
 */
export async function jsonlKeys(path: string, head: string[]): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const objects = `read_json_objects(${duckdbPath(path)}, format = 'newline_delimited')`;
  try {
    const all = (await conn.runAndReadAll(`SELECT DISTINCT unnest(json_keys(json)) AS k FROM ${objects}`)).getRowsJS().map((r) => String(r[0]));
    const known = new Set(head);
    if (all.every((k) => known.has(k))) return head.filter((k) => all.includes(k));
    // each key with the line and the place in it where it first appears (the import lists ignored keys in that order)
    const r = await conn.runAndReadAll(`SELECT k FROM (SELECT n, generate_subscripts(keys, 1) AS j, unnest(keys) AS k
        FROM (SELECT row_number() OVER () AS n, json_keys(json) AS keys FROM ${objects}) AS o) AS t
      GROUP BY k ORDER BY min(n), arg_min(j, n)`);
    return r.getRowsJS().map((row) => String(row[0]));
  } finally {
    conn.closeSync();
    instance.closeSync?.();
  }
}

/** The columns and their DuckDB types of a Parquet file. */
export async function parquetColumns(conn: SqlConnection, path: string): Promise<Record<string, string>> {
  const rows = await conn.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${duckdbPath(path)})`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}
