// `build --engine duckdb|clickhouse`: the ledger computed by the SQL engines of src/engines. The database reads the
// canonical usage, work-item and review files itself; the small inputs (agents, rates, prices…) are read by the
// JavaScript import as for the JavaScript engine. A file the database cannot take as it is (a row that is not in the
// simple canonical form, a repeated id with other content) is read by the JavaScript import instead, so rejected rows
// keep their file, line, column and message (README.md "Choosing an engine").
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import Papa from 'papaparse';
import type { LedgerContext } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import { MAX_TOKENS, MAX_USD } from '../../core/model/ranges';
import { PriceBook } from '../../core/pricing';
import { columnsOf, detectDelimiter, normalizeHeader, usageRowsIn, type ImportReport, type RecordKind } from '../../sources/files';
import { importCanonicalFile } from './read-files';
import type { SqlConnection } from '../../engines/connection';
import { CLICKHOUSE_REQUEST_TIMEOUT_S, openChdb, openClickHouse, type ClickHouseConnection } from '../../engines/clickhouse';
import type { LoadedConfig } from '../../sources/config';
import { periodWindow, tableUsage, type TableConnection } from '../../sources/clickhouse';
import { duckdbRelation, jsonlKeys, openDuckDb, parquetColumns, type NativeFile } from '../../engines/duckdb';
import { buildLedgerSql, SqlOutOfMemory, type FeedStats, type RecordSink, type SqlFeeds, type SqlLedger } from '../../engines/ledger/engine';
import { USAGE_TEXT_COLUMNS, WORK_ITEM_TEXT_COLUMNS, REVIEW_TEXT_COLUMNS } from '../../engines/ledger/canonical';
import type { BuildInputs, BuildOutcome } from './build';
import { fmt } from './args';
import type { CliIO } from './index';
import { pushAll } from '../../sources/common/types';
import { readContextFiles } from './context-files';

export const ENGINES = ['js', 'duckdb', 'clickhouse'] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * Without --engine: the JavaScript engine below this many bytes of usage files (about 2.8M canonical events), DuckDB
 * from there on. The JavaScript engine is the faster one through the CLI (bench/README.md, 30 Nov: 1M events 3.7 s
 * against 4.4 s, 2.86M events 8.5 s against 9.2 s, 10M events 35 s against 39 s), but it holds the month in memory
 * (0.4 GB at 1M events, 0.87 GB at 2.86M, 2.6 GB at 10M) and fails past Node's heap limit (about 2 GB on an 8 GB
 * machine), while DuckDB keeps to DUCKDB_MEMORY_LIMIT and spills past it.
 */
export const DUCKDB_FROM_BYTES = 400_000_000;

/** The files' total size (a missing file counts 0: the import reports it). */
export function bytesOf(files: string[]): number {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // a missing file is reported by the import
    }
  }
  return bytes;
}

/** The engine asked for; else duckdb for large usage files or any Parquet file (DuckDB reads it natively, columnar), else js. */
export function chooseEngine(requested: string | undefined, usageFiles: string[], otherFiles: string[] = []): EngineName {
  if (requested !== undefined) return requested as EngineName;
  if ([...usageFiles, ...otherFiles].some((f) => formatOf(f) === 'parquet')) return 'duckdb';
  return bytesOf(usageFiles) >= DUCKDB_FROM_BYTES ? 'duckdb' : 'js';
}

function formatOf(path: string): NativeFile['format'] {
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : /\.parquet$/i.test(path) ? 'parquet' : 'csv';
}

const HEAD_BYTES = 65536;

function head(path: string, bytes = HEAD_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * How a canonical file's columns map to canonical columns, read from its head the way the JavaScript import reads it
 * (delimiter, header normalization). null when the import must read it (missing required column, unreadable file:
 * its own message then says why; a path the embedded ClickHouse would read as a pattern).
 */
export async function sniffCanonicalFile(path: string, kind: RecordKind, conn?: SqlConnection): Promise<NativeFile | null> {
  const format = formatOf(path);
  const specs = columnsOf(kind);
  const canonical = (h: string) => {
    const n = normalizeHeader(h);
    return specs.some((s) => s.name === n) ? n : '';
  };
  if (conn && 'readsPath' in conn && !(conn as ClickHouseConnection).readsPath(path)) return null;
  let cells: string[];
  let delimiter: string | undefined;
  try {
    if (format === 'parquet') {
      if (!conn || conn.dialect.name !== 'duckdb') return null;
      cells = Object.keys(await parquetColumns(conn, path));
    } else {
      const text = head(path).replace(/^\uFEFF/, '');
      if (format === 'csv') {
        delimiter = detectDelimiter(text);
        cells = Papa.parse<string[]>(text, { delimiter, preview: 1 }).data[0] ?? [];
      } else {
        const whole = statSync(path).size <= HEAD_BYTES;
        const keys = new Set<string>();
        for (const line of whole ? text.split(/\r?\n/) : text.split(/\r?\n/).slice(0, -1)) {
          if (!line.trim()) continue;
          const o = JSON.parse(line) as Record<string, unknown>;
          for (const k of Object.keys(o)) keys.add(k);
        }
        // the whole file's keys: one first seen past the head is read too
        cells = whole ? [...keys] : await jsonlKeys(path, [...keys]);
      }
    }
  } catch {
    return null;
  }
  const columns = cells.map((c) => ({ source: c, canonical: canonical(c) }));
  const present = new Set(columns.map((c) => c.canonical));
  if (specs.some((s) => !s.optional && !present.has(s.name))) return null;
  // two columns for one canonical name: the JavaScript import decides between them and reports it
  if (specs.some((s) => columns.filter((c) => c.canonical === s.name).length > 1)) return null;
  return { path, format, delimiter, columns };
}

export interface SqlBuildRequest {
  engine: 'duckdb' | 'clickhouse';
  /** bring the ledger rows into the result (for a workbook) */
  rows: boolean;
  /** opens the database (DuckDB in memory, a ClickHouse server, or embedded chDB) */
  open(): Promise<SqlConnection>;
  /** what to tell a user whose build ran out of the database's memory */
  memoryHint?: string;
  /** makes a file readable as a relation of canonical text columns (DuckDB: read_csv; ClickHouse: upload to a table) */
  relation(conn: SqlConnection, file: NativeFile, kind: RecordKind, index: number): Promise<string>;
}

const TEXT_COLUMNS: Record<'usage' | 'work_items' | 'reviews', readonly string[]> = { usage: USAGE_TEXT_COLUMNS, work_items: WORK_ITEM_TEXT_COLUMNS, reviews: REVIEW_TEXT_COLUMNS };

/**
 * DuckDB's memory limit for a build unless DUCKDB_MEMORY_LIMIT says otherwise: past it DuckDB spills to a temporary
 * directory, so a 10M-event month stays under ~2.5 GB of process memory (4 GB without; bench/README.md).
 */
export const DUCKDB_MEMORY_LIMIT = '2GB';

export function duckdbMemoryLimit(env: Record<string, string | undefined>): string {
  const v = env.DUCKDB_MEMORY_LIMIT?.trim();
  if (!v) return DUCKDB_MEMORY_LIMIT;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v)) throw new Error(`DUCKDB_MEMORY_LIMIT: expected a size such as 4GB or 512MB, got "${v.slice(0, 40)}"`);
  return v;
}

export const duckdbRequest = (rows: boolean, env: Record<string, string | undefined> = process.env): SqlBuildRequest => ({
  engine: 'duckdb',
  rows,
  memoryHint: `DuckDB's memory limit is ${duckdbMemoryLimit(env)}${env.DUCKDB_MEMORY_LIMIT?.trim() ? ' (DUCKDB_MEMORY_LIMIT)' : ' by default'}: set DUCKDB_MEMORY_LIMIT higher (e.g. 8GB) and build again`,
  open: () => openDuckDb({ memoryLimit: duckdbMemoryLimit(env) }),
  relation: async (conn, file, kind) => duckdbRelation(file, TEXT_COLUMNS[kind as 'usage'], file.format === 'parquet' ? await parquetColumns(conn, file.path) : undefined),
});

/** What scanLines finds: physical lines, blank lines, records and the lines they span. */
export interface LineScan {
  lines: number;
  blank: number;
  records: number;
  recordLines: number;
}

/**
 * Line accounting for a file the database read (the JavaScript import counts it as it reads): physical lines, blank
 * lines, and the records and the lines they span, by a byte scan that follows CSV quotes (a quoted cell may span
 * lines). The line break is the file's first one, as LineReader (src/sources/common/text.ts) takes it: a lone `\r`
 * (old Mac "CSV (Macintosh)" exports) makes every `\r` a break; otherwise `\n` is, and a lone `\r` is data. Its
 * record count is also the check that the database split the file into the records the import reads (engine.ts).
 * A quote opens a quoted cell only at the start of a cell (`ab"c` is data, as the import reads it); inside one, `""` is
 * a quote.
 * Asynchronous, so it runs while the database reads. Parquet has no lines.
 */
export async function scanLines(path: string, format: NativeFile['format'], delimiter = ','): Promise<LineScan> {
  const out = { lines: 0, blank: 0, records: 0, recordLines: 0 };
  if (format === 'parquet') return out;
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const delim = delimiter.charCodeAt(0);
    let inQuotes = false;
    let quoteEnds = false; // inside quotes, the last byte was a quote: closing, unless the next is a quote too
    let cellStart = true; // the next byte starts a cell
    let content = false; // a non-blank byte in the current record
    let span = 0; // lines the current record has ended so far (inside quotes)
    let first = true;
    let partial = false; // bytes after the last line break
    let brk = -1; // the line break byte (0x0a, or 0x0d in a file whose first break is a lone CR); -1 until seen
    let other = 0x0d; // the other break byte: blank like a space
    let n: number;
    while ((n = (await fh.read(buf, 0, buf.length, null)).bytesRead) > 0) {
      let i = 0;
      if (first && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
      first = false;
      const view = buf.subarray(0, n);
      if (brk < 0) {
        const lf = view.indexOf(0x0a, i);
        const cr = view.indexOf(0x0d, i);
        // a CR ending the chunk could be the first half of CRLF: the next chunk tells (a 1 MB header line is not a file we read)
        if (cr >= 0 && (lf < 0 || cr < lf) && cr + 1 < n && view[cr + 1] !== 0x0a) [brk, other] = [0x0d, 0x0a];
        else if (lf >= 0 || cr >= 0) brk = 0x0a;
      }
      const nlByte = brk < 0 ? 0x0a : brk;
      if (!inQuotes && !quoteEnds && (format !== 'csv' || view.indexOf(0x22, i) === -1)) {
        // no quote in this chunk: line breaks found by indexOf, a line's bytes read only until its first non-blank one
        for (;;) {
          const nl = view.indexOf(nlByte, i);
          const end = nl === -1 ? n : nl;
          for (let j = i; !content && j < end; j++) {
            const c = view[j];
            if (c !== 0x20 && c !== 0x09 && c !== other) content = true;
          }
          if (end > i) partial = true;
          if (nl === -1) {
            if (n > i) cellStart = view[n - 1] === delim;
            break;
          }
          cellStart = true;
          out.lines++;
          partial = false;
          span++;
          if (content) {
            out.records++;
            out.recordLines += span;
          } else out.blank += span;
          content = false;
          span = 0;
          i = nl + 1;
        }
        continue;
      }
      for (; i < n; i++) {
        const c = buf[i];
        if (quoteEnds) {
          quoteEnds = false;
          if (c === 0x22) continue; // "" inside quotes: a quote, still inside
          inQuotes = false;
        }
        if (c === nlByte) {
          out.lines++;
          partial = false;
          span++;
          if (inQuotes) continue;
          cellStart = true;
          if (content) {
            out.records++;
            out.recordLines += span;
          } else out.blank += span;
          content = false;
          span = 0;
          continue;
        }
        partial = true;
        if (c === 0x22 && format === 'csv') {
          if (inQuotes) quoteEnds = true;
          else if (cellStart) inQuotes = true;
        }
        if (!inQuotes) cellStart = c === delim;
        if (c !== 0x20 && c !== 0x09 && c !== other) content = true;
      }
    }
    if (partial) {
      out.lines++;
      span++;
      if (content) {
        out.records++;
        out.recordLines += span;
      } else out.blank += span;
    }
  } finally {
    await fh.close();
  }
  return out;
}

/**
 * Line scans at a time: each holds a 1 MB buffer and a file handle, and a month of hourly exports is 744 files (all
 * at once: 744 MB, and past the open-file limit of a Mac, 256).
 */
export const SCANS_AT_ONCE = 4;

/** Runs at most `n` of the functions given to it at a time; the others wait their turn, in order. */
export function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((r) => waiting.push(r)); // a run that ends hands its place to the next
    try {
      return await f();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

function nativeReport(file: NativeFile | null, path: string, kind: RecordKind, s: FeedStats[number] | undefined, ignored: string[], l: LineScan | undefined): ImportReport {
  const read = s?.read ?? 0;
  const r: ImportReport = { file: path, kind, read, accepted: s?.accepted ?? 0, rejectedCount: 0, rejected: [], duplicates: s?.duplicates ?? 0, conflicts: 0, ignoredColumns: ignored, duplicateColumns: [], lines: 0, linesAccounted: 0 };
  if (file && l && file.format !== 'parquet') {
    // the lines the scan found records on count as accounted only for as many records as the database read: a record
    // the database skipped (or one it split) leaves the line accounting off by as much
    const header = file.format === 'csv' ? 1 : 0;
    r.lines = l.lines;
    r.linesAccounted = l.blank + l.recordLines + (read - (l.records - header));
  }
  return r;
}

/** CLICKHOUSE_REQUEST_TIMEOUT: seconds any request of a build may take (default an hour), else a clear error. */
export function clickhouseRequestTimeout(env: Record<string, string | undefined>): number {
  const v = env.CLICKHOUSE_REQUEST_TIMEOUT?.trim();
  if (!v) return CLICKHOUSE_REQUEST_TIMEOUT_S;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new Error(`CLICKHOUSE_REQUEST_TIMEOUT: expected seconds such as 600, got "${v.slice(0, 40)}"`);
  return Number(v);
}

/** ClickHouse: the server of CLICKHOUSE_URL (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE), else embedded chDB. */
export const clickhouseRequest = (rows: boolean, env: Record<string, string | undefined>): SqlBuildRequest => ({
  engine: 'clickhouse',
  rows,
  open: () =>
    env.CLICKHOUSE_URL
      ? openClickHouse({
        url: env.CLICKHOUSE_URL, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD, database: env.CLICKHOUSE_DATABASE,
        requestTimeoutMs: clickhouseRequestTimeout(env) * 1000,
      })
      : openChdb(),
  relation: async (conn, file, kind, index) => (conn as ClickHouseConnection).upload(file, TEXT_COLUMNS[kind as 'usage'], `llsrc_${kind}_${index}`),
});

export function sqlRequest(engine: string, rows: boolean, env: Record<string, string | undefined>): SqlBuildRequest {
  return engine === 'clickhouse' ? clickhouseRequest(rows, env) : duckdbRequest(rows, env);
}

/** A build the database ran out of memory for, said in the user's terms (which setting to raise). */
function explainOom(e: unknown, req: SqlBuildRequest): unknown {
  if (!(e instanceof SqlOutOfMemory)) return e;
  return new Error(`${req.engine} ran out of memory (${e.message})${req.memoryHint ? `. ${req.memoryHint}` : ''}`);
}

/** The ledger of canonical files through a SQL engine; the same outcome as buildFromFiles (build.ts). */
export async function buildFromFilesSql(files: BuildInputs, period: string, io: CliIO, req: SqlBuildRequest): Promise<BuildOutcome & { sql: SqlLedger }> {
  const reports: ImportReport[] = [];
  const { ctx, rejected: bookRejected } = await readContextFiles(files, io, reports);
  const conn = await req.open();
  try {
    const kinds = [['usage', files.usage], ['work_items', files.workItems], ['reviews', files.reviews]] as const;
    const sniffed: Record<string, (NativeFile | null)[]> = {};
    for (const [kind, paths] of kinds) sniffed[kind] = await Promise.all(paths.map((p) => sniffCanonicalFile(p, kind, conn)));
    // A kind goes natively only when every one of its files can; the rest come through the JavaScript import.
    const nativeKind = (kind: string) => sniffed[kind].length > 0 && sniffed[kind].every((f) => f !== null);
    // Each native file's lines, scanned while the database reads it: its records must be the ones the database read
    // (feeds.records), and they give the line accounting of its report.
    const scans = new Map<string, Promise<LineScan>>();
    const slot = limiter(SCANS_AT_ONCE);
    for (const [kind, paths] of kinds) {
      if (!nativeKind(kind)) continue;
      paths.forEach((p, i) => {
        const scan = slot(() => scanLines(p, sniffed[kind][i]!.format, sniffed[kind][i]!.delimiter));
        scan.catch(() => undefined); // awaited where it is used; unused when the JavaScript import reads the files
        scans.set(`${kind}\u0001${p}`, scan);
      });
    }
    const records = async (kind: RecordKind) =>
      Promise.all(kinds.find(([k]) => k === kind)![1].map(async (p, i) => {
        const f = sniffed[kind][i];
        if (!f || f.format === 'parquet') return undefined;
        const l = await scans.get(`${kind}\u0001${p}`)!;
        return l.records - (f.format === 'csv' ? 1 : 0);
      }));
    const feeds: SqlFeeds = { usageOnePass: true, records };
    const relations = async (kind: RecordKind) => Promise.all(sniffed[kind].map((f, i) => req.relation(conn, f!, kind, i)));
    if (nativeKind('usage')) feeds.usage = await relations('usage');
    if (nativeKind('work_items')) feeds.workItems = await relations('work_items');
    if (nativeKind('reviews')) feeds.reviews = await relations('reviews');
    const jsReports: ImportReport[] = [];
    const progress = (file: string) => (n: number) => io.err(`build: ${file}: ${fmt(n)} rows read…`);
    feeds.load = async (sink: RecordSink) => {
      jsReports.length = 0;
      for (const path of files.workItems) jsReports.push(await importCanonicalFile(path, { kind: 'work_items', fileName: path, sink: (w) => sink.addWorkItem(w), onProgress: progress(path) }));
      for (const path of files.usage) jsReports.push(await importCanonicalFile(path, { kind: 'usage', fileName: path, sink: (e) => sink.addEvent(e), onProgress: progress(path) }));
      for (const path of files.reviews) jsReports.push(await importCanonicalFile(path, { kind: 'reviews', fileName: path, sink: (r) => sink.addReview(r), onProgress: progress(path) }));
    };
    const sql = await buildLedgerSql(conn, ctx, feeds, { rows: req.rows, priceBook: new PriceBook(ctx.prices), expectedEvents: usageRowsIn(bytesOf(files.usage)) }).catch((e) => Promise.reject(explainOom(e, req)));
    if (sql.fallbackReason) io.err(`build: ${req.engine}: ${sql.fallbackReason}; the JavaScript import read the records`);
    // Reports in input order: work items, usage, reviews — native ones from the database's counts.
    const jsByFile = new Map(jsReports.map((r) => [`${r.kind}\u0001${r.file}`, r]));
    for (const [kind, paths] of [['work_items', files.workItems], ['usage', files.usage], ['reviews', files.reviews]] as const) {
      const stats = kind === 'usage' ? sql.stats.usage : kind === 'work_items' ? sql.stats.workItems : sql.stats.reviews;
      for (const [i, p] of paths.entries()) {
        const js = jsByFile.get(`${kind}\u0001${p}`);
        const f = sniffed[kind][i];
        const ignored = f ? f.columns.filter((c) => !c.canonical && c.source.trim() !== '').map((c) => normalizeHeader(c.source)) : [];
        reports.push(js ?? nativeReport(f, p, kind, stats[i], ignored, await scans.get(`${kind}\u0001${p}`)));
      }
    }
    const rejected: RejectedRow[] = [...bookRejected];
    for (const r of reports) {
      if (r.fatal) rejected.push({ file: r.file, line: 1, column: '', value: '', reason: r.fatal });
      pushAll(rejected, r.rejected);
      if (r.rejectedCount > r.rejected.length) rejected.push({ file: r.file, line: 0, column: '', value: '', reason: `${fmt(r.rejectedCount - r.rejected.length)} more rejected rows not listed` });
    }
    const failedFiles = reports.filter((r) => r.fatal).map((r) => r.file);
    io.err(`build: ${req.engine}: ${sql.native ? 'read natively' : 'records read by the JavaScript import'}; ${Object.entries(sql.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
    return {
      period, result: sql.result, ctx, reports, rejected, usable: sql.result.counts.events > 0, aggregate: sql.aggregate, engine: req.engine, sql, workbook: files.workbook,
      ...(failedFiles.length ? { partial: true, failedFiles } : {}),
    };
  } finally {
    await conn.close();
  }
}


/** A month-end config's records (vendor files, API pulls, canonical inputs: already read) through a SQL engine. */
export async function buildFromConfigSql(loaded: LoadedConfig, period: string, io: CliIO, req: SqlBuildRequest): Promise<BuildOutcome & { sql: SqlLedger }> {
  const i = loaded.inputs;
  const ctx: LedgerContext = { agents: i.agents, rates: i.rates, toolPrices: i.toolPrices, overheads: i.overheads, invoices: i.invoices, prices: i.prices };
  const tables = loaded.config.clickhouse?.usage ?? [];
  if (tables.length && req.engine !== 'clickhouse') throw new Error('the config reads usage from ClickHouse tables ("clickhouse"): build it with --engine clickhouse');
  if (tables.length && i.events.length) throw new Error('the config reads usage from ClickHouse tables and from other sources; read the usage from one or the other');
  const conn = await req.open();
  const tableRejected: RejectedRow[] = [];
  let tableRows = 0;
  try {
    const feeds: SqlFeeds = {
      load: async (sink) => {
        for (const w of i.workItems) sink.addWorkItem(w);
        for (const e of i.events) sink.addEvent(e);
        for (const r of i.reviews) sink.addReview(r);
      },
    };
    if (tables.length) {
      feeds.typedUsage = async (c) => {
        const rels: string[] = [];
        for (const [k, t] of tables.entries()) {
          const rel = await tableUsage(c as unknown as TableConnection, t, loaded.links, t.from && t.to ? { from: t.from, to: t.to } : periodWindow(period), k);
          // rows whose token counts do not nest, or whose counts or cost are out of range, are not usage the ledger can
          // take: listed, never dropped in silence
          for (const r of await c.query(`SELECT event_id, why FROM ${rel} AS r WHERE ok = 0 ORDER BY event_id LIMIT 1000`)) {
            const reason = r.why === 'range'
              ? `a token count outside 0–${MAX_TOKENS.toExponential()} or a cost outside 0–${MAX_USD.toExponential()} USD; not imported`
              : 'token counts do not nest (cached or cache-write tokens above the input, or output parts above the output); not imported';
            tableRejected.push({ file: t.name ?? t.table, line: 0, column: 'usage_details', value: String(r.event_id), reason });
          }
          // the rows the table gives the ledger (row accounting: handed vs counted)
          for (const r of await c.query(`SELECT count() AS n FROM ${rel} AS r WHERE ok = 1`)) tableRows += Number(r.n);
          rels.push(`SELECT * FROM ${rel} AS r${k}`);
        }
        return `(${rels.join(' UNION ALL ')})`;
      };
    }
    const sql = await buildLedgerSql(conn, ctx, feeds, { rows: req.rows, expectedEvents: i.events.length }).catch((e) => Promise.reject(explainOom(e, req)));
    io.err(`build: ${req.engine}: ${Object.entries(sql.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
    return {
      period, result: sql.result, ctx, reports: loaded.imports, rejected: [...loaded.rejected, ...tableRejected], warnings: loaded.warnings, usable: sql.result.counts.events > 0,
      sources: loaded.sources, partial: loaded.partial, aggregate: sql.aggregate, engine: req.engine, sql,
      // records handed to the ledger: the config's (as buildFromConfig) plus the rows the ClickHouse tables gave
      handed: i.events.length + i.workItems.length + i.reviews.length + tableRows,
    };
  } finally {
    await conn.close();
  }
}
