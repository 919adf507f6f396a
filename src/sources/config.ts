// The month-end config: one validated JSON file naming the sources (vendor files or API pulls), link rules,
// canonical input files, the period and the outputs, so a month-end run is one command (`build --config FILE`).
// Credentials are never in it: API sources read them from environment variables (see pulls.ts).
import { z } from 'zod';
import { emptyLedgerInputs, periodString, type LedgerInputs, type RejectedRow } from '../core/model/records';
import { wellFormed } from '../core/model/text';
import { fatalReport, importRecords, importTable, type ImportReport, type RecordKind, type TableSource } from './files';
import { pushAll, type MapResult, type RecordAccount } from './common/types';
import { formatPath, linkRulesSchema, type LinkRules } from './links';
import { FORMATS, parseSourceFile, type SourceFormat } from './formats';
import { PULL_SOURCES, runPull, type Env } from './pulls';
import { clickhouseTableSchema } from './clickhouse';
import type { FetchLike, PullDeps } from './common/http';

const CREDENTIAL_KEYS = ['apiKey', 'adminKey', 'secretKey', 'publicKey', 'apiToken', 'oauthToken', 'password', 'token', 'username', 'email'];

export const sourceConfigSchema = z
  .object({
    /** shown in reports; default the format */
    name: z.string().optional(),
    format: z.enum(FORMATS as unknown as [SourceFormat, ...SourceFormat[]]),
    /** vendor files to import */
    files: z.array(z.string().min(1)).optional(),
    /** API pull settings (base URL, dates, JQL…); credentials come from the environment */
    api: z.record(z.string(), z.unknown()).optional(),
    /** resume a partial pull */
    cursor: z.string().optional(),
    /** format options (agent mapping, outcome map, costsAs, column mapping for generic…) */
    options: z.record(z.string(), z.unknown()).default({}),
    /** canonical files only: which record kind they hold */
    kind: z.enum(['usage', 'work_items', 'reviews', 'agents', 'rates', 'tool_prices', 'overheads', 'invoices', 'prices']).optional(),
  })
  .superRefine((s, ctx) => {
    if (!!s.files === !!s.api) ctx.addIssue({ code: 'custom', message: 'expected either "files" or "api", not both or neither' });
    if (s.api && !PULL_SOURCES[s.format]) ctx.addIssue({ code: 'custom', path: ['api'], message: `${s.format} has no API pull; API sources: ${Object.keys(PULL_SOURCES).join(', ')}` });
    if (s.format === 'canonical' && !s.kind) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'expected the record kind of canonical files (usage, work_items, reviews…)' });
    for (const k of Object.keys(s.api ?? {})) {
      if (CREDENTIAL_KEYS.includes(k)) {
        const env = PULL_SOURCES[s.format]?.credentials[k];
        ctx.addIssue({ code: 'custom', path: ['api', k], message: `credentials do not belong in the config file; set ${env ?? 'the environment variable'} instead` });
      }
    }
  });

const paths = z.array(z.string().min(1)).default([]);
export const monthEndConfigSchema = z.object({
  period: periodString,
  links: linkRulesSchema.default(() => linkRulesSchema.parse({})),
  sources: z.array(sourceConfigSchema).default([]),
  /** canonical CSV/JSONL files (the same as build's flags) */
  inputs: z
    .object({
      usage: paths, work_items: paths, reviews: paths,
      agents: z.string().optional(), rates: z.string().optional(), tool_prices: z.string().optional(),
      overheads: z.string().optional(), invoices: z.string().optional(), prices: z.string().optional(),
    })
    .default({ usage: [], work_items: [], reviews: [] }),
  /** output flag → path: { "summary": "out/summary.json", "out": "out/ledger.xlsx" } (the build command's outputs) */
  outputs: z.record(z.string(), z.string()).default({}),
  /**
   * Usage read in place from ClickHouse tables (Langfuse, Helicone) by `build --engine clickhouse`; the server from
   * CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE (src/sources/clickhouse, src/engines)
   */
  clickhouse: z.object({ usage: z.array(clickhouseTableSchema).min(1) }).optional(),
});
export type MonthEndConfig = z.output<typeof monthEndConfigSchema>;

/** Validates a parsed config; throws one message listing every problem with its path. */
export function parseMonthEndConfig(json: unknown, name = 'config'): MonthEndConfig {
  const r = monthEndConfigSchema.safeParse(json);
  if (r.success) return r.data;
  throw new Error(`${name}: ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
}

export interface ConfigDeps {
  /** reads a file named in the config (the CLI resolves paths against the config file's folder) */
  readText(path: string): Promise<string>;
  /** reads a Parquet file named in the config as a table of text cells (the CLI: DuckDB); without it, such a file is a problem */
  readTable?(path: string): Promise<TableSource & { close(): void }>;
  /** needed only when the config has API sources */
  fetch?: FetchLike;
  env?: Env;
  sleep?: PullDeps['sleep'];
  log?(message: string): void;
}

export interface SourceReport {
  name: string;
  format: string;
  events: number;
  work_items: number;
  reviews: number;
  invoices: number;
  overheads: number;
  rejected: number;
  skipped: number;
  /** vendor files: the row accounting of each (what became of every physical record) */
  files?: RecordAccount[];
  /** records kept whose vendor figures disagree (totals vs parts, reported cost vs catalog price), listed in `warnings` */
  warnings?: number;
  /** API sources: stopped early, with the cursor to resume and why */
  partial?: boolean;
  cursor?: string | null;
  error?: string;
}

export interface LoadedConfig {
  config: MonthEndConfig;
  period: string;
  links: LinkRules;
  inputs: LedgerInputs;
  /** every rejected row and every file/source-level problem, in config order */
  rejected: RejectedRow[];
  /** every consistency warning of the sources (records kept as the vendor reported them) */
  warnings: RejectedRow[];
  sources: SourceReport[];
  outputs: Record<string, string>;
  /** true when any API source stopped early */
  partial: boolean;
  /** canonical files read (sources of format canonical and `inputs`), with their row accounting */
  imports: ImportReport[];
}

const KIND_TARGET: Record<RecordKind, keyof LedgerInputs> = {
  usage: 'events', work_items: 'workItems', reviews: 'reviews', agents: 'agents', rates: 'rates', tool_prices: 'toolPrices',
  overheads: 'overheads', invoices: 'invoices', prices: 'prices',
};

/**
 * Reads every source and input the config names into LedgerInputs plus the rejected rows. A missing file or a
 * failed pull becomes a rejected row at line 0/1 naming it: nothing is dropped silently.
 */
/**
 * Vendor records come from JSON (files, API pages) and may hold lone surrogates from `\ud800` escapes: they are
 * read as U+FFFD, as the canonical import reads them and every SQL engine stores them (core/model/text.ts).
 */
function wellFormedStrings(records: Record<string, unknown>[]): void {
  for (const r of records) {
    for (const k in r) {
      const v = r[k];
      if (typeof v === 'string') r[k] = wellFormed(v);
    }
  }
}

export async function loadMonthEndConfig(json: unknown, name: string, deps: ConfigDeps): Promise<LoadedConfig> {
  const config = parseMonthEndConfig(json, name);
  const inputs = emptyLedgerInputs();
  const rejected: RejectedRow[] = [];
  const sources: SourceReport[] = [];
  let partial = false;

  async function read(path: string): Promise<string | null> {
    try {
      return await deps.readText(path);
    } catch (e) {
      const code = (e as { code?: string }).code;
      rejected.push({ file: path, line: 1, column: '', value: '', reason: `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (e as Error).message})` });
      return null;
    }
  }
  const imports: ImportReport[] = [];
  async function canonical(kind: RecordKind, path: string): Promise<number> {
    const target = inputs[KIND_TARGET[kind]] as unknown[];
    const sink = (r: unknown) => { target.push(r); };
    let rep: ImportReport;
    if (/\.parquet$/i.test(path)) {
      const readTable = deps.readTable;
      rep = readTable
        ? await importTable(() => readTable(path), { kind, fileName: path, sink })
        : fatalReport(path, kind, 'a Parquet file, which this reader does not take (the command line reads Parquet)');
    } else {
      const textIn = await read(path);
      if (textIn === null) return 1;
      rep = await importRecords({ kind, fileName: path, input: textIn, sink });
    }
    imports.push(rep);
    if (rep.fatal) rejected.push({ file: path, line: 1, column: '', value: '', reason: rep.fatal });
    pushAll(rejected, rep.rejected);
    if (rep.rejectedCount > rep.rejected.length) {
      rejected.push({ file: path, line: 0, column: '', value: '', reason: `${(rep.rejectedCount - rep.rejected.length).toLocaleString('en-US')} more rejected rows not listed` });
    }
    return rep.rejectedCount + (rep.fatal ? 1 : 0);
  }
  const warnings: RejectedRow[] = [];
  const add = (rep: SourceReport, r: MapResult) => {
    for (const list of [r.events, r.workItems, r.reviews, r.invoices, r.overheads] as unknown as Record<string, unknown>[][]) wellFormedStrings(list);
    pushAll(inputs.events, r.events);
    pushAll(inputs.workItems, r.workItems);
    pushAll(inputs.reviews, r.reviews);
    pushAll(inputs.invoices, r.invoices);
    pushAll(inputs.overheads, r.overheads);
    pushAll(rejected, r.rejected);
    rep.events += r.events.length;
    rep.work_items += r.workItems.length;
    rep.reviews += r.reviews.length;
    rep.invoices += r.invoices.length;
    rep.overheads += r.overheads.length;
    // Files say how many records they rejected (the list may be capped); API pages list every one.
    rep.rejected += r.accounts ? r.accounts.reduce((n, a) => n + a.rejected, 0) : r.rejected.length;
    rep.skipped += r.skipped;
    if (r.accounts) pushAll((rep.files ??= []), r.accounts);
    if (r.warnings?.length) {
      for (const w of r.warnings) warnings.push(w);
      rep.warnings = (rep.warnings ?? 0) + r.warnings.length;
    }
  };

  for (const s of config.sources) {
    const rep: SourceReport = { name: s.name ?? s.format, format: s.format, events: 0, work_items: 0, reviews: 0, invoices: 0, overheads: 0, rejected: 0, skipped: 0 };
    sources.push(rep);
    if (s.files) {
      for (const path of s.files) {
        if (s.format === 'canonical') {
          rep.rejected += await canonical(s.kind as RecordKind, path);
          continue;
        }
        const textIn = await read(path);
        if (textIn === null) {
          rep.rejected++;
          continue;
        }
        add(rep, parseSourceFile(s.format, textIn, path, { links: config.links, options: s.options }));
      }
    } else {
      if (!deps.fetch) throw new Error(`${name}: source ${rep.name} pulls from an API but no fetch was given`);
      deps.log?.(`${rep.name}: pulling ${PULL_SOURCES[s.format].label}…`);
      let res;
      try {
        res = await runPull(s.format, { ...s.options, ...s.api }, deps.env ?? {}, {
          fetch: deps.fetch, cursor: s.cursor, sleep: deps.sleep, links: config.links, log: deps.log && ((m: string) => deps.log!(`${rep.name}: ${m}`)),
        });
      } catch (e) {
        // Settings/credential problems (zod) name the field; no secret value is in them.
        const msg = e instanceof z.ZodError ? e.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') : (e as Error).message;
        rejected.push({ file: rep.name, line: 0, column: '', value: '', reason: `${s.format} pull not started: ${msg}` });
        rep.error = msg;
        rep.partial = true;
        partial = true;
        continue;
      }
      add(rep, res);
      rep.cursor = res.cursor;
      if (res.partial) {
        partial = true;
        rep.partial = true;
        rep.error = res.error;
        rejected.push({ file: rep.name, line: 0, column: '', value: res.cursor ?? '', reason: `partial pull (${res.pages} pages read): ${res.error}; resume with "cursor": ${JSON.stringify(res.cursor)}` });
      }
    }
  }

  const i = config.inputs;
  for (const [kind, p] of [['agents', i.agents], ['rates', i.rates], ['tool_prices', i.tool_prices], ['overheads', i.overheads], ['invoices', i.invoices], ['prices', i.prices]] as const) {
    if (p) await canonical(kind, p);
  }
  for (const p of i.work_items) await canonical('work_items', p);
  for (const p of i.usage) await canonical('usage', p);
  for (const p of i.reviews) await canonical('reviews', p);

  return { config, period: config.period, links: config.links, inputs, rejected, warnings, sources, outputs: config.outputs, partial, imports };
}
