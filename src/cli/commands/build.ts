// `build`: imports canonical files, builds the ledger, then runs each requested output step (the summary JSON
// today; the workbook issue adds `--out WORKBOOK.xlsx` as one more entry in BUILD_OUTPUTS).
import { statSync, writeFileSync } from 'node:fs';
import { LedgerBuilder, summarize, type LedgerContext, type LedgerResult, type Summary } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import { PriceBook } from '../../core/pricing';
import type { ImportReport, RecordKind } from '../../sources/files';
import { importFile } from '../../sources/files/node';
import type { CliIO, Command } from './index';
import { UsageError, fmt, parseFlags, requirePeriod } from './args';
import { cellErrorsAsRejected, readWorkbookInputs, writeWorkbookFile } from './workbook';

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
  /** true when at least one usage event was accepted */
  usable: boolean;
}

/** An output step: a flag whose value is a path, and what to write there from the built ledger. */
export interface BuildOutput {
  flag: string;
  help: string;
  write(outcome: BuildOutcome, path: string, io: CliIO): Promise<void> | void;
}

export function buildSummary(o: BuildOutcome): Summary & { imports: object[] } {
  const summary = summarize(o.result, o.period, { rejected: o.rejected });
  return {
    ...summary,
    imports: o.reports.map((r) => ({
      file: r.file, kind: r.kind, read: r.read, accepted: r.accepted, rejected: r.rejectedCount, duplicates: r.duplicates, conflicts: r.conflicts,
      ...(r.fatal ? { error: r.fatal } : {}), ...(r.ignoredColumns.length ? { ignored_columns: r.ignoredColumns } : {}),
    })),
  };
}

export const BUILD_OUTPUTS: BuildOutput[] = [
  {
    flag: 'summary',
    help: '--summary OUT.json   the period summary: totals, agents, business units, rejected rows, conservation',
    write(o, path, io) {
      const s = buildSummary(o);
      writeFileSync(path, JSON.stringify(s, null, 2) + '\n');
      io.out(`Wrote ${path}: ${o.period} total $${s.totals.total.toFixed(2)} over ${fmt(s.work_items)} work items, ${fmt(s.rejected.length)} rejected rows, conservation difference ${s.conservation.difference}`);
    },
  },
  {
    flag: 'out',
    help: '--out WORKBOOK.xlsx  the workbook: Chargeback, Budget, Migration Payback, SLO Monitor, Agent P&L, Ledger and input sheets',
    async write(o, path, io) {
      await writeWorkbookFile({ path, result: o.result, ctx: o.ctx, period: o.period, rejected: o.rejected }, io);
    },
  },
];

/** A canonical usage row is ~120 bytes: enough to size the ledger's de-duplication table once (it grows if wrong). */
export function estimateRows(paths: string[]): number {
  let bytes = 0;
  for (const p of paths) {
    try {
      bytes += statSync(p).size;
    } catch {
      // a missing file is reported by the import
    }
  }
  return Math.ceil(bytes / 120);
}

export async function buildFromFiles(files: BuildInputs, period: string, io: CliIO): Promise<BuildOutcome> {
  const reports: ImportReport[] = [];
  const progress = (file: string) => (n: number) => io.err(`build: ${file}: ${fmt(n)} rows read…`);
  async function readAll<T>(kind: RecordKind, path: string | undefined): Promise<T[]> {
    if (!path) return [];
    const out: T[] = [];
    reports.push(await importFile(path, { kind, fileName: path, sink: (r) => { out.push(r as T); } }));
    return out;
  }
  const book = files.workbook ? await readWorkbookInputs(files.workbook, io) : null;
  const ctx: LedgerContext = {
    agents: files.agents || !book?.ctx.agents ? await readAll('agents', files.agents) : book.ctx.agents,
    rates: files.rates || !book?.ctx.rates ? await readAll('rates', files.rates) : book.ctx.rates,
    toolPrices: files.toolPrices || !book?.ctx.toolPrices ? await readAll('tool_prices', files.toolPrices) : book.ctx.toolPrices,
    overheads: files.overheads || !book?.ctx.overheads ? await readAll('overheads', files.overheads) : book.ctx.overheads,
    invoices: files.invoices || !book?.ctx.invoices ? await readAll('invoices', files.invoices) : book.ctx.invoices,
    prices: files.prices || !book?.ctx.prices ? await readAll('prices', files.prices) : book.ctx.prices,
  };
  const builder = new LedgerBuilder(ctx, { priceBook: new PriceBook(ctx.prices), expectedEvents: estimateRows(files.usage) });
  for (const path of files.workItems) reports.push(await importFile(path, { kind: 'work_items', fileName: path, sink: (w) => builder.addWorkItem(w), onProgress: progress(path) }));
  let events = 0;
  for (const path of files.usage) {
    const r = await importFile(path, { kind: 'usage', fileName: path, sink: (e) => builder.addEvent(e), onProgress: progress(path) });
    events += r.accepted;
    reports.push(r);
  }
  for (const path of files.reviews) reports.push(await importFile(path, { kind: 'reviews', fileName: path, sink: (rv) => builder.addReview(rv), onProgress: progress(path) }));
  const result = builder.finish();
  const rejected: RejectedRow[] = book ? cellErrorsAsRejected(files.workbook!, book.errors) : [];
  for (const r of reports) {
    if (r.fatal) rejected.push({ file: r.file, line: 1, column: '', value: '', reason: r.fatal });
    rejected.push(...r.rejected);
    if (r.rejectedCount > r.rejected.length) {
      rejected.push({ file: r.file, line: 0, column: '', value: '', reason: `${fmt(r.rejectedCount - r.rejected.length)} more rejected rows not listed` });
    }
  }
  return { period, result, ctx, reports, rejected, usable: events > 0 };
}

const usage = `Usage: ai-labor-ledger build --usage F... --work-items F... [--reviews F...] [--agents F] [--rates F]
         [--tool-prices F] [--overheads F] [--invoices F] [--prices F] [--workbook IN.xlsx] --period YYYY-MM
         --summary OUT.json and/or --out WORKBOOK.xlsx

Imports canonical CSV (comma, semicolon or tab) or JSONL (.jsonl) files, builds the ledger and writes:
${BUILD_OUTPUTS.map((o) => `  ${o.help}`).join('\n')}

--workbook IN.xlsx reads the input sheets (Agents, Rates, Tool Prices, Prices, Overheads, Invoices) of an edited
workbook for every one of those files not given as a flag; a bad cell is reported by its address.
Rows that fail validation are skipped and listed in the summary with file, line, column and reason.
Exit code 1 when no usage event could be read at all, 2 for bad flags, else 0.`;

export const buildCommand: Command = {
  name: 'build',
  summary: 'import usage, work items and reviews, build the ledger, write the summary',
  usage,
  async run(argv: string[], io: CliIO) {
    let v: Record<string, string | string[] | boolean | undefined>;
    let period: string;
    try {
      v = parseFlags('build', argv, {
        usage: { type: 'string', multiple: true },
        'work-items': { type: 'string', multiple: true },
        reviews: { type: 'string', multiple: true },
        agents: { type: 'string' }, rates: { type: 'string' }, 'tool-prices': { type: 'string' }, overheads: { type: 'string' },
        invoices: { type: 'string' }, prices: { type: 'string' }, period: { type: 'string' }, workbook: { type: 'string' },
        ...Object.fromEntries(BUILD_OUTPUTS.map((o) => [o.flag, { type: 'string' as const }])),
      });
      if (!(v.usage as string[] | undefined)?.length) throw new UsageError('build: --usage FILE is required (usage events, CSV or JSONL)');
      if (!(v['work-items'] as string[] | undefined)?.length) throw new UsageError('build: --work-items FILE is required');
      period = requirePeriod('build', v.period as string | undefined);
      if (!BUILD_OUTPUTS.some((o) => v[o.flag])) throw new UsageError(`build: say where to write: ${BUILD_OUTPUTS.map((o) => `--${o.flag}`).join(' or ')}`);
    } catch (e) {
      io.err((e as Error).message);
      return 2;
    }
    const t0 = Date.now();
    const outcome = await buildFromFiles(
      {
        usage: v.usage as string[], workItems: v['work-items'] as string[], reviews: (v.reviews as string[] | undefined) ?? [],
        agents: v.agents as string | undefined, rates: v.rates as string | undefined, toolPrices: v['tool-prices'] as string | undefined,
        overheads: v.overheads as string | undefined, invoices: v.invoices as string | undefined, prices: v.prices as string | undefined,
        workbook: v.workbook as string | undefined,
      },
      period,
      io,
    );
    for (const r of outcome.reports) {
      if (r.fatal) io.err(r.fatal);
      else if (r.rejectedCount || r.conflicts) io.err(`${r.file}: ${fmt(r.rejectedCount)} of ${fmt(r.read)} rows rejected${r.conflicts ? ` (${fmt(r.conflicts)} conflicting duplicates)` : ''}; listed in the summary`);
    }
    if (!outcome.usable) {
      io.err('build: no usage event could be read; nothing written. First problems:');
      for (const r of outcome.rejected.slice(0, 10)) io.err(`  ${r.file}${r.line ? ` line ${r.line}` : ''}${r.column ? `, ${r.column}` : ''}: ${r.reason}`);
      return 1;
    }
    if (!outcome.result.periods.includes(period)) io.err(`build: warning: no data falls in ${period} (data covers ${outcome.result.periods.join(', ') || 'no period'})`);
    for (const o of BUILD_OUTPUTS) {
      const path = v[o.flag] as string | undefined;
      if (path) await o.write(outcome, path, io);
    }
    io.err(`build: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
