// `build`: imports canonical files (or everything a month-end config names: vendor files, API pulls, link rules and
// canonical inputs), builds the ledger, then runs each requested output step (summary JSON, workbook).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerBuilder, buildLedger, summarize, type Aggregator, type BuildOptions, type LedgerContext, type LedgerResult, type Summary } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import { DailyCollector, type DailySeries } from '../../core/daily';
import { UsageMixCollector, observeAll, type UsageMixRow } from '../../core/ledger/usage-mix';
import { PriceBook } from '../../core/pricing';
import { importAccounting, usageRowsIn, type ImportReport } from '../../sources/files';
import { importCanonicalFile, rejectedText } from './read-files';
import { readParquetTable } from '../../engines/duckdb';
import { loadMonthEndConfigFile } from '../../sources/config-node';
import type { LoadedConfig, SourceReport } from '../../sources/config';
import type { FetchLike } from '../../sources/common/http';
import { checkAccount, pushAll } from '../../sources/common/types';
import { writeFileAtomic } from './safe-write';
import type { CliIO, Command } from './index';
import { UsageError, fmt, parseFlags, requirePeriod } from './args';
import { WorkbookRefused, writeWorkbookFile } from './workbook';
import { readContextFiles } from './context-files';
import { DUCKDB_FROM_BYTES, DUCKDB_MEMORY_LIMIT, ENGINES, buildFromConfigSql, bytesOf, buildFromFilesSql, chooseEngine, sqlRequest } from './build-sql';

export interface BuildInputs {
  usage: string[];
  workItems: string[];
  reviews: string[];
  agents?: string;
  rates?: string;
  toolPrices?: string;
  overheads?: string;
  invoices?: string;
  prices?: string;
  /** an edited workbook whose input sheets (Agents, Rates, ...) stand in for the files not given */
  workbook?: string;
}

export interface BuildOutcome {
  period: string;
  result: LedgerResult;
  ctx: LedgerContext;
  reports: ImportReport[];
  /** every rejected row and every file-level error (as a row at line 1), in input order */
  rejected: RejectedRow[];
  /** `--config` runs: records kept whose vendor figures disagree (totals vs parts, reported cost vs catalog price) */
  warnings?: RejectedRow[];
  /** true when at least one usage event was accepted */
  usable: boolean;
  /** `--config` runs: what each source of the config produced */
  sources?: SourceReport[];
  /** true when an API source stopped early (`--config`) or an input file could not be read at all: the outputs then
   * cover only what was read, say so, and the command exits 3 */
  partial?: boolean;
  /** the daily series, when the build collected one (for the workbook's Daily and Daily Monitor sheets) */
  daily?: DailySeries;
  /** the usage behind the cost, when the build collected it (the workbook's Usage Mix sheet) */
  usageMix?: UsageMixRow[];
  /** `--config` runs: events, work items and reviews handed to the ledger builder */
  handed?: number;
  /** `--workbook`: the edited workbook the inputs came from (its own sheets carry over into --out) */
  workbook?: string;
  /** `--force`: replace an output whose existing content would be lost (a dated backup is kept) */
  force?: boolean;
  /** input files that could not be read at all (the rest were built) */
  failedFiles?: string[];
  /** the SQL engines (--engine duckdb|clickhouse): aggregates summed in the database; `result.rows` may then be empty */
  aggregate?: Aggregator;
  engine?: string;
}

/** An output step: a flag whose value is a path, and what to write there from the built ledger. */
export interface BuildOutput {
  flag: string;
  help: string;
  write(outcome: BuildOutcome, path: string, io: CliIO): Promise<void> | void;
}

export interface Attribution {
  /** usage cost of the period: api + retry + tools of the ledger rows and of the unattributed usage lines */
  usage_usd: number;
  /** usage cost that reached a known work item */
  linked_usd: number;
  /** usage cost no link rule tied to a known work item (kept on its agent or Unassigned) */
  unattributed_usd: number;
  linked_share: number;
  unattributed_share: number;
}

/**
 * How much of the period's usage cost the link rules tied to work items, in cents of the published rows. Usage only:
 * reviews of unknown items, overhead whose scope had no work items and invoice true-up are not "unattributed usage".
 */
export function attribution(result: Pick<LedgerResult, 'rows' | 'unattributed'>, period: string, aggregate?: Aggregator): Attribution {
  const c = (x: number) => Math.round(x * 100);
  let linked = 0;
  let unattributed = 0;
  if (aggregate) {
    // the rows' api, retry and tools are the aggregate's (unattributed lines only add true-up and unattributed)
    const all = aggregate('all', period)[0];
    if (all) linked = c(all.api) + c(all.retry) + c(all.tools);
  } else for (const r of result.rows) if (r.period === period) linked += c(r.api) + c(r.retry) + c(r.tools);
  for (const u of result.unattributed) if (u.period === period && u.kind === 'usage') unattributed += c(u.api) + c(u.retry) + c(u.tools);
  const usage = linked + unattributed;
  const share = (x: number) => (usage ? Math.round((x / usage) * 1e4) / 1e4 : 0);
  return { usage_usd: usage / 100, linked_usd: linked / 100, unattributed_usd: unattributed / 100, linked_share: share(linked), unattributed_share: share(unattributed) };
}

export interface RowAccountingFile {
  file: string;
  /** canonical record kind, or the vendor format */
  kind: string;
  records: number;
  accepted: number;
  skipped: number;
  duplicates: number;
  rejected: number;
  /** records − (accepted + skipped + duplicates + rejected) */
  difference: number;
  /** canonical files: physical lines read, and lines the header, blank lines and records account for */
  lines?: number;
  lines_accounted?: number;
  ok: boolean;
}

export interface RowAccounting {
  ok: boolean;
  files: RowAccountingFile[];
  /** records the imports handed to the ledger vs what the ledger builder counted (added, duplicate or conflicting) */
  ledger: { handed: number; counted: number; ok: boolean };
}

/**
 * Row accounting, beside conservation: for every file, each physical record read is accepted, skipped on purpose,
 * a duplicate or rejected (DESIGN.md §3); and the records handed to the ledger are the ones its builder counted.
 * Each figure is counted where it happens (line reader, record reader, row outcome, ledger builder).
 */
export function rowAccounting(o: BuildOutcome): RowAccounting {
  const files: RowAccountingFile[] = [];
  let handed = 0;
  for (const r of o.reports) {
    const a = importAccounting(r);
    files.push({
      file: r.file, kind: r.kind, records: r.read, accepted: r.accepted, skipped: 0, duplicates: r.duplicates, rejected: r.rejectedCount,
      difference: a.difference, lines: r.lines, lines_accounted: r.linesAccounted, ok: a.ok,
    });
    if (r.kind === 'usage' || r.kind === 'work_items' || r.kind === 'reviews') handed += r.accepted + r.duplicates + r.conflicts;
  }
  for (const s of o.sources ?? []) {
    for (const a of s.files ?? []) {
      const c = checkAccount(a);
      files.push({ file: a.file, kind: a.format, records: a.records, accepted: a.accepted, skipped: a.skipped, duplicates: a.duplicates, rejected: a.rejected, difference: c.difference, ok: c.ok });
    }
  }
  // Under --config every source's records reach the ledger through LedgerInputs: count those instead.
  if (o.handed !== undefined) handed = o.handed;
  const n = o.result.counts;
  const counted = n.events + n.work_items + n.reviews + n.duplicates + n.conflicts;
  const ledger = { handed, counted, ok: handed === counted };
  return { ok: ledger.ok && files.every((f) => f.ok), files, ledger };
}

export function buildSummary(o: BuildOutcome): Summary & { row_accounting: RowAccounting; attribution: Attribution; imports: object[]; sources?: SourceReport[]; partial?: boolean } {
  const summary = summarize(o.result, o.period, { rejected: o.rejected }, o.aggregate);
  return {
    ...summary,
    row_accounting: rowAccounting(o),
    attribution: attribution(o.result, o.period, o.aggregate),
    imports: o.reports.map((r) => ({
      file: r.file, kind: r.kind, read: r.read, accepted: r.accepted, rejected: r.rejectedCount, duplicates: r.duplicates, conflicts: r.conflicts,
      ...(r.fatal ? { error: r.fatal } : {}), ...(r.ignoredColumns.length ? { ignored_columns: r.ignoredColumns } : {}),
      ...(r.duplicateColumns.length ? { duplicate_columns: r.duplicateColumns } : {}),
    })),
    ...(o.sources ? { sources: o.sources, partial: !!o.partial } : o.failedFiles ? { partial: true } : {}),
  };
}

/** One line naming every partial source and every file that could not be read, or '' when there is none. */
export function partialNote(o: BuildOutcome): string {
  if (!o.partial) return '';
  const parts: string[] = [];
  const names = (o.sources ?? []).filter((s) => s.partial).map((s) => s.name);
  if (names.length || !o.failedFiles?.length) parts.push(`${names.join(', ') || 'a source'} stopped early`);
  for (const f of o.failedFiles ?? []) parts.push(`${f} could not be read (missing the whole file)`);
  return `PARTIAL: ${parts.join('; ')}; the figures cover only what was read`;
}

export const BUILD_OUTPUTS: BuildOutput[] = [
  {
    flag: 'summary',
    help: '--summary OUT.json   the period summary: totals, agents, business units, rejected rows, conservation',
    write(o, path, io) {
      const s = buildSummary(o);
      writeFileAtomic(path, JSON.stringify(s, null, 2) + '\n');
      const note = partialNote(o);
      const a = s.attribution;
      const ra = s.row_accounting;
      io.out(`Wrote ${path}: ${o.period} total $${s.totals.total.toFixed(2)} over ${fmt(s.work_items)} work items, ${fmt(s.rejected.length)} rejected rows, conservation difference ${s.conservation.difference}, row accounting ${ra.ok ? 'ok' : 'DOES NOT BALANCE'}${note ? ` — ${note}` : ''}`);
      if (!ra.ok) {
        for (const f of ra.files.filter((x) => !x.ok)) io.err(`build: row accounting: ${f.file}: ${fmt(f.records)} records ≠ ${fmt(f.accepted)} accepted + ${fmt(f.skipped)} skipped + ${fmt(f.duplicates)} duplicates + ${fmt(f.rejected)} rejected${f.lines !== undefined ? `; ${fmt(f.lines)} lines, ${fmt(f.lines_accounted ?? 0)} accounted for` : ''}`);
        if (!ra.ledger.ok) io.err(`build: row accounting: ${fmt(ra.ledger.handed)} records handed to the ledger, ${fmt(ra.ledger.counted)} counted by it`);
      }
      io.out(`  usage $${a.usage_usd.toFixed(2)}: linked to work items $${a.linked_usd.toFixed(2)} (${(a.linked_share * 100).toFixed(1)}%), unattributed $${a.unattributed_usd.toFixed(2)} (${(a.unattributed_share * 100).toFixed(1)}%)`);
    },
  },
  {
    flag: 'out',
    help: '--out WORKBOOK.xlsx  the workbook: Chargeback, Budget, Migration Payback, SLO Monitor, Agent P&L, Ledger and input sheets',
    async write(o, path, io) {
      const note = partialNote(o);
      await writeWorkbookFile({
        path, result: o.result, ctx: o.ctx, period: o.period, rejected: o.rejected, warnings: o.warnings, base: o.workbook, force: o.force, daily: o.daily, usageMix: o.usageMix,
        ...(note ? { incomplete: note.replace(/^PARTIAL: /, '') } : {}),
      }, io);
    },
  },
];

/** The usage rows the files hold, about (sizes the ledger's de-duplication table). */
export function estimateRows(paths: string[]): number {
  return usageRowsIn(bytesOf(paths));
}

/** `observer`: sees every priced event and review (the daily series of `report daily` and the workbook). */
export async function buildFromFiles(files: BuildInputs, period: string, io: CliIO, options: Pick<BuildOptions, 'observer'> = {}): Promise<BuildOutcome> {
  const reports: ImportReport[] = [];
  const progress = (file: string) => (n: number) => io.err(`build: ${file}: ${fmt(n)} rows read…`);
  const { ctx, rejected: bookRejected } = await readContextFiles(files, io, reports);
  const builder = new LedgerBuilder(ctx, { priceBook: new PriceBook(ctx.prices), expectedEvents: estimateRows(files.usage), observer: options.observer });
  // The work items are read here while a large usage file is read on a worker thread (node.ts): the builder takes
  // items and events in any order with the same result (items only fill the item table). Reviews come after the
  // events, as before: both add to the same sums, and a sum's order must not depend on timing.
  const usageReports: ImportReport[] = [];
  const usage = (async () => {
    for (const path of files.usage) usageReports.push(await importCanonicalFile(path, { kind: 'usage', fileName: path, sink: (e) => builder.addEvent(e), onProgress: progress(path) }));
  })();
  usage.catch(() => undefined); // its error is thrown by the await below, not reported as unhandled while items are read
  try {
    for (const path of files.workItems) reports.push(await importCanonicalFile(path, { kind: 'work_items', fileName: path, sink: (w) => builder.addWorkItem(w), onProgress: progress(path) }));
  } finally {
    await usage;
  }
  let events = 0;
  for (const r of usageReports) {
    events += r.accepted;
    reports.push(r);
  }
  for (const path of files.reviews) reports.push(await importCanonicalFile(path, { kind: 'reviews', fileName: path, sink: (rv) => builder.addReview(rv), onProgress: progress(path) }));
  const result = builder.finish();
  const rejected: RejectedRow[] = [...bookRejected];
  for (const r of reports) {
    if (r.fatal) rejected.push({ file: r.file, line: 1, column: '', value: '', reason: r.fatal });
    pushAll(rejected, r.rejected);
    if (r.rejectedCount > r.rejected.length) {
      rejected.push({ file: r.file, line: 0, column: '', value: '', reason: `${fmt(r.rejectedCount - r.rejected.length)} more rejected rows not listed` });
    }
  }
  // A file that could not be read at all leaves its whole content out: the build is incomplete, and says so.
  const failedFiles = reports.filter((r) => r.fatal).map((r) => r.file);
  return { period, result, ctx, reports, rejected, usable: events > 0, workbook: files.workbook, ...(failedFiles.length ? { partial: true, failedFiles } : {}) };
}

/** Ledger from a loaded month-end config: every source and input is already read; rejected rows come along. */
export function buildFromConfig(loaded: LoadedConfig, period = loaded.period, options: Pick<BuildOptions, 'observer'> = {}): BuildOutcome {
  const i = loaded.inputs;
  const ctx: LedgerContext = { agents: i.agents, rates: i.rates, toolPrices: i.toolPrices, overheads: i.overheads, invoices: i.invoices, prices: i.prices };
  const result = buildLedger(i, { expectedEvents: i.events.length, observer: options.observer });
  return {
    period, result, ctx, reports: loaded.imports, rejected: loaded.rejected, warnings: loaded.warnings, usable: i.events.length > 0, sources: loaded.sources,
    partial: loaded.partial, handed: i.events.length + i.workItems.length + i.reviews.length,
  };
}

const INPUT_FLAGS = ['usage', 'work-items', 'reviews', 'agents', 'rates', 'tool-prices', 'overheads', 'invoices', 'prices', 'workbook'];

const usage = `Usage: ai-labor-ledger build --usage F... --work-items F... [--reviews F...] [--agents F] [--rates F]
         [--tool-prices F] [--overheads F] [--invoices F] [--prices F] [--workbook IN.xlsx] --period YYYY-MM
         --summary OUT.json and/or --out WORKBOOK.xlsx [--engine js|duckdb|clickhouse]
       ai-labor-ledger build --config MONTH-END.json [--period YYYY-MM] [--summary OUT.json] [--out WORKBOOK.xlsx] [--engine …]

Imports canonical CSV (comma, semicolon or tab), JSONL (.jsonl) or Parquet (.parquet) files, builds the ledger and writes:
${BUILD_OUTPUTS.map((o) => `  ${o.help}`).join('\n')}

--workbook IN.xlsx reads the input sheets (Agents, Rates, Tool Prices, Prices, Overheads, Invoices) of an edited
workbook for every one of those files not given as a flag; a bad cell is reported by its address. With --out, the
workbook is written over IN.xlsx's own sheets: its Budget Drivers, Benchmarks and any sheet the user added carry over.
--out never overwrites a file it cannot read, nor cells or sheets a user added there: it refuses and says what would
be lost; --force writes anyway and keeps the old file as NAME.backup-DATE-TIME.xlsx. Every output is written to a
temporary file beside it and renamed over it, so a killed build leaves the previous file whole.
--engine js|duckdb|clickhouse computes the ledger with the JavaScript engine, in DuckDB (embedded: it reads the
usage, work-item and review files itself) or in ClickHouse (CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD,
CLICKHOUSE_DATABASE, CLICKHOUSE_REQUEST_TIMEOUT in seconds from the environment; without CLICKHOUSE_URL, the embedded
chDB when it is installed). All three
publish the same figures to the cent. Default: js below ${DUCKDB_FROM_BYTES / 1e6} MB of usage files, duckdb above
and for any Parquet input, which DuckDB reads natively (README.md "Choosing an engine"). DuckDB keeps to DUCKDB_MEMORY_LIMIT (default ${DUCKDB_MEMORY_LIMIT}; past it, it spills to
the system's temp folder). The js engine reads a usage file of 32 MB or more on a worker thread (AI_LEDGER_USAGE_WORKER=0:
never). The daily series (the workbook's Daily and Daily Monitor sheets) comes from the js engine only.
--config FILE names the period, sources (vendor files or API pulls, credentials from environment variables), link
rules, canonical inputs and outputs in one JSON file; paths in it are relative to it. --period and output flags
override the file's. A config names all inputs: do not combine it with --usage, --work-items and the like.
Rows that fail validation are skipped and listed in the summary with file, line (a Parquet file: row from 1), column and
reason.
Exit codes: 0 done; 1 no usage event could be read at all (nothing written); 2 bad flags or an invalid config file
(each problem named by its JSON path); 3 outputs written but incomplete: an API source stopped early (the summary says
"partial": true and names the source; resume it with its "cursor") or an input file could not be read at all; the
workbook's report sheets then carry an "INCOMPLETE" line; 4 an output was refused because writing it would lose what
is in the existing file (named; --force to replace it, keeping a backup).`;

/**
 * The config's outputs, checked before any source is read (an API pull may take minutes): every key must be a
 * build output, and there must be somewhere to write. Unreadable or invalid JSON is left to the loader to report.
 */
function checkConfigOutputs(path: string, v: Record<string, unknown>): string | null {
  let outputs: unknown;
  try {
    outputs = (JSON.parse(readFileSync(path, 'utf8')) as { outputs?: unknown })?.outputs;
  } catch {
    return null;
  }
  const given = outputs && typeof outputs === 'object' && !Array.isArray(outputs) ? Object.keys(outputs) : [];
  const unknown = given.filter((k) => !BUILD_OUTPUTS.some((o) => o.flag === k));
  if (unknown.length) return `${path}: outputs.${unknown[0]}: unknown output; expected ${BUILD_OUTPUTS.map((o) => `"${o.flag}"`).join(' or ')}`;
  if (!BUILD_OUTPUTS.some((o) => v[o.flag] || given.includes(o.flag))) {
    return `${path}: outputs: say where to write (${BUILD_OUTPUTS.map((o) => `"${o.flag}"`).join(' or ')}), or pass ${BUILD_OUTPUTS.map((o) => `--${o.flag}`).join(' or ')}`;
  }
  return null;
}

export interface BuildCommandDeps {
  /** for API sources in --config (default the global fetch) */
  fetch?: FetchLike;
  /** credentials for API sources (default process.env) */
  env?: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

function printRejected(outcome: BuildOutcome, io: CliIO) {
  for (const r of outcome.rejected.slice(0, 10)) io.err(`  ${rejectedText(r)}`);
}

export function makeBuildCommand(deps: BuildCommandDeps = {}): Command {
  return {
    name: 'build',
    summary: 'import usage, work items and reviews (or a month-end --config), build the ledger, write the summary',
    usage,
    async run(argv: string[], io: CliIO) {
      let v: Record<string, string | string[] | boolean | undefined>;
      let period: string | undefined;
      try {
        v = parseFlags('build', argv, {
          usage: { type: 'string', multiple: true },
          'work-items': { type: 'string', multiple: true },
          reviews: { type: 'string', multiple: true },
          agents: { type: 'string' }, rates: { type: 'string' }, 'tool-prices': { type: 'string' }, overheads: { type: 'string' },
          invoices: { type: 'string' }, prices: { type: 'string' }, period: { type: 'string' }, workbook: { type: 'string' },
          config: { type: 'string' }, engine: { type: 'string' }, force: { type: 'boolean' },
          ...Object.fromEntries(BUILD_OUTPUTS.map((o) => [o.flag, { type: 'string' as const }])),
        });
        if (v.engine !== undefined && !(ENGINES as readonly string[]).includes(v.engine as string)) throw new UsageError(`build: --engine: expected ${ENGINES.join(', ')}, got "${String(v.engine)}"`);
        if (v.config) {
          const mixed = INPUT_FLAGS.filter((f) => v[f] !== undefined);
          if (mixed.length) throw new UsageError(`build: --config names every input; remove ${mixed.map((f) => `--${f}`).join(', ')} (or list those files under "inputs" in the config)`);
          period = v.period === undefined ? undefined : requirePeriod('build', v.period as string);
        } else {
          if (!(v.usage as string[] | undefined)?.length) throw new UsageError('build: --usage FILE is required (usage events, CSV, JSONL or Parquet), or --config MONTH-END.json');
          if (!(v['work-items'] as string[] | undefined)?.length) throw new UsageError('build: --work-items FILE is required');
          period = requirePeriod('build', v.period as string | undefined);
          if (!BUILD_OUTPUTS.some((o) => v[o.flag])) throw new UsageError(`build: say where to write: ${BUILD_OUTPUTS.map((o) => `--${o.flag}`).join(' or ')}`);
        }
      } catch (e) {
        io.err((e as Error).message);
        return 2;
      }
      const t0 = Date.now();
      let outcome: BuildOutcome;
      const paths: Record<string, string | undefined> = {};
      if (v.config) {
        const outputProblem = checkConfigOutputs(v.config as string, v);
        if (outputProblem) {
          io.err(`build: ${outputProblem}`);
          return 2;
        }
        let loaded: LoadedConfig;
        try {
          loaded = await loadMonthEndConfigFile(v.config as string, {
            fetch: deps.fetch ?? (globalThis.fetch as unknown as FetchLike),
            env: deps.env ?? process.env,
            sleep: deps.sleep,
            log: (m) => io.err(`build: ${m}`),
            readTable: readParquetTable,
          });
        } catch (e) {
          // Invalid JSON, a schema problem (named by its JSON path) or a credential in the file.
          io.err(`build: ${(e as Error).message}`);
          return 2;
        }
        for (const o of BUILD_OUTPUTS) paths[o.flag] = (v[o.flag] as string | undefined) ?? loaded.outputs[o.flag];
        for (const s of loaded.sources) {
          io.err(`build: source ${s.name} (${s.format}): ${[['events', s.events], ['work items', s.work_items], ['reviews', s.reviews], ['invoice lines', s.invoices], ['overheads', s.overheads], ['rejected', s.rejected], ['skipped', s.skipped], ['consistency warnings', s.warnings ?? 0]]
            .filter(([, n]) => n)
            .map(([k, n]) => `${fmt(n as number)} ${k}`)
            .join(', ') || 'nothing read'}${s.partial ? ` — PARTIAL: ${s.error ?? 'stopped early'}${s.cursor ? `; resume with "cursor": ${JSON.stringify(s.cursor)}` : ''}` : s.cursor ? `; next incremental run: "cursor": ${JSON.stringify(s.cursor)}` : ''}`);
        }
        const engine = (v.engine as string | undefined) ?? (loaded.config.clickhouse ? 'clickhouse' : 'js');
        // the workbook has the Daily, Daily Monitor and Usage Mix sheets: collect them on the way (only then; js engine only)
        const daily = paths.out && engine === 'js' ? new DailyCollector() : undefined;
        const mix = paths.out && engine === 'js' ? new UsageMixCollector() : undefined;
        outcome = engine === 'js' ? buildFromConfig(loaded, period, { observer: observeAll(daily, mix) }) : await buildFromConfigSql(loaded, period ?? loaded.period, io, sqlRequest(engine, !!paths.out, deps.env ?? process.env));
        if (daily) outcome.daily = daily.series(outcome.result);
        else if (paths.out) io.err(`build: --engine ${engine}: the daily series and the usage mix come from the js engine only; the workbook has no Daily, Daily Monitor and Usage Mix sheets`);
        if (mix) outcome.usageMix = mix.rows();
      } else {
        for (const o of BUILD_OUTPUTS) paths[o.flag] = v[o.flag] as string | undefined;
        const inputs: BuildInputs = {
          usage: v.usage as string[], workItems: v['work-items'] as string[], reviews: (v.reviews as string[] | undefined) ?? [],
          agents: v.agents as string | undefined, rates: v.rates as string | undefined, toolPrices: v['tool-prices'] as string | undefined,
          overheads: v.overheads as string | undefined, invoices: v.invoices as string | undefined, prices: v.prices as string | undefined,
          workbook: v.workbook as string | undefined,
        };
        const engine = chooseEngine(v.engine as string | undefined, inputs.usage, [...inputs.workItems, ...inputs.reviews]);
        const daily = paths.out && engine === 'js' ? new DailyCollector() : undefined;
        const mix = paths.out && engine === 'js' ? new UsageMixCollector() : undefined;
        outcome = engine === 'js' ? await buildFromFiles(inputs, period!, io, { observer: observeAll(daily, mix) }) : await buildFromFilesSql(inputs, period!, io, sqlRequest(engine, !!paths.out, deps.env ?? process.env));
        if (daily) outcome.daily = daily.series(outcome.result);
        else if (paths.out) io.err(`build: --engine ${engine}: the daily series and the usage mix come from the js engine only; the workbook has no Daily, Daily Monitor and Usage Mix sheets`);
        if (mix) outcome.usageMix = mix.rows();
        for (const r of outcome.reports) {
          if (r.fatal) io.err(r.fatal);
          else if (r.rejectedCount || r.conflicts) io.err(`${r.file}: ${fmt(r.rejectedCount)} of ${fmt(r.read)} rows rejected${r.conflicts ? ` (${fmt(r.conflicts)} conflicting duplicates)` : ''}; listed in the summary`);
        }
      }
      if (!outcome.usable) {
        io.err(`build: no usage event could be read; nothing written.${outcome.rejected.length ? ' First problems:' : ''}`);
        printRejected(outcome, io);
        // a file with a header and no rows has nothing to reject: say which it was, or the message names nothing
        for (const r of outcome.reports) if (r.kind === 'usage' && !r.fatal && r.read === 0) io.err(`  ${r.file}: no data rows under the header`);
        return 1;
      }
      if (v.config && outcome.rejected.length) {
        io.err(`build: ${fmt(outcome.rejected.length)} rejected rows (all listed in the summary); first:`);
        printRejected(outcome, io);
      }
      if (!outcome.result.periods.includes(outcome.period)) io.err(`build: warning: no data falls in ${outcome.period} (data covers ${outcome.result.periods.join(', ') || 'no period'})`);
      outcome.force = !!v.force;
      for (const o of BUILD_OUTPUTS) {
        const path = paths[o.flag];
        if (!path) continue;
        mkdirSync(dirname(path), { recursive: true });
        try {
          await o.write(outcome, path, io);
        } catch (e) {
          if (!(e instanceof WorkbookRefused)) throw e;
          io.err(`build: --${o.flag}: ${e.message}`);
          return 4;
        }
      }
      const note = partialNote(outcome);
      if (note) io.err(`build: ${note}`);
      io.err(`build: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return outcome.partial ? 3 : 0;
    },
  };
}

export const buildCommand = makeBuildCommand();
