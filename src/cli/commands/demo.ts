// `demo`: writes the sample organisation as canonical CSV files, streaming (a million events never sit in memory).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample, samplePeriods } from '../../core/sample';
import { csvHeader, csvLine, toCsv, type RecordKind } from '../../sources/files';
import type { CliIO, Command } from './index';
import { UsageError, fmt, numberFlag, parseFlags } from './args';
import { LEDGER_DETAIL_MAX_ROWS } from '../../workbook/grain';
import { demoLedger, estimateDemoRows, LEDGER_GRAINS, WorkbookRefused, writeWorkbookFile } from './workbook';

export const DEMO_FILES: Record<RecordKind, string> = {
  usage: 'usage.csv', work_items: 'work_items.csv', reviews: 'reviews.csv', agents: 'agents.csv', rates: 'rates.csv',
  tool_prices: 'tool_prices.csv', overheads: 'overheads.csv', invoices: 'invoices.csv', prices: 'prices.csv',
};

/** Appends lines to a file in ~1 MB writes: bounded memory without stream back-pressure plumbing in a sync generator. */
class LineWriter {
  private fd: number;
  private buf = '';
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.buf = header;
  }
  write(line: string) {
    this.buf += line;
    if (this.buf.length > 1 << 20) this.flush();
  }
  flush() {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

export interface DemoOptions {
  outDir: string;
  months?: number;
  scale?: number;
  seed?: number;
  endPeriod?: string;
  withCost?: boolean;
  onProgress?: (events: number) => void;
}

export function writeDemo(o: DemoOptions) {
  mkdirSync(o.outDir, { recursive: true });
  const usage = new LineWriter(join(o.outDir, DEMO_FILES.usage), csvHeader('usage'));
  const items = new LineWriter(join(o.outDir, DEMO_FILES.work_items), csvHeader('work_items'));
  const reviews = new LineWriter(join(o.outDir, DEMO_FILES.reviews), csvHeader('reviews'));
  let next = 250_000;
  let n = 0;
  try {
    const ctx = generateSample(
      { months: o.months, scale: o.scale, seed: o.seed, endPeriod: o.endPeriod, withCost: o.withCost },
      {
        event: (e) => {
          usage.write(csvLine('usage', e));
          if (++n >= next && o.onProgress) { o.onProgress(n); next += 250_000; }
        },
        workItem: (w) => items.write(csvLine('work_items', w)),
        review: (r) => reviews.write(csvLine('reviews', r)),
      },
    );
    const small = { agents: ctx.agents, rates: ctx.rates, tool_prices: ctx.toolPrices, overheads: ctx.overheads, invoices: ctx.invoices, prices: ctx.prices } as const;
    for (const [kind, records] of Object.entries(small) as [RecordKind, never[]][]) {
      const w = new LineWriter(join(o.outDir, DEMO_FILES[kind]), '');
      w.write(toCsv(kind, records));
      w.close();
    }
    return ctx;
  } finally {
    usage.close();
    items.close();
    reviews.close();
  }
}

const usage = `Usage: ai-labor-ledger demo --out-dir DIR [--out WORKBOOK.xlsx] [--months N] [--scale X] [--seed S] [--end YYYY-MM]

Writes the sample organisation of the CFO playbook (Customer Service, Claims Underwriting, Loan Origination;
7 agents) as canonical CSV files: ${Object.values(DEMO_FILES).join(', ')}.

  --out-dir DIR   where to write (created if missing)
  --out F.xlsx    also (or instead) write the whole workbook built from the sample: Chargeback, Budget, Migration
                  Payback, SLO Monitor, Agent P&L, Ledger, input sheets (with --out the defaults are --scale 0.05
                  --months 3). Above ${fmt(LEDGER_DETAIL_MAX_ROWS)} work-item rows the Ledger sheet holds them summed by agent ×
                  day × business unit × outcome, with the same figures in every report, and the rows themselves go
                  to F.ledger-detail.csv beside it. An existing F.xlsx is written over: the sheets a user added stay;
                  a file that cannot be read, or cells of the user's that would be lost, make it refuse (exit 4)
                  unless --force (the old file is kept as F.backup-DATE-TIME.xlsx)
  --ledger-grain auto|work_item|aggregated
                  the Ledger sheet's rows (default auto: per work item up to ${fmt(LEDGER_DETAIL_MAX_ROWS)} rows)
  --force         see --out
  --months N      months of data, ending with --end (default 6; 3 with --out)
  --end YYYY-MM   the last month (default 2026-10)
  --scale X       volume multiplier (default 1 = ~130,000 work items and ~1M usage events a month; 0.05 with --out)
  --seed S        random seed (default 42); the same flags give the same files
  --with-cost     fill cost_usd on every usage event with its computed cost`;

/** Defaults: the playbook's full volume over six months as CSV; a workbook-sized sample with --out. */
const CSV_DEFAULTS = { scale: 1, months: 6 };
const WORKBOOK_DEFAULTS = { scale: 0.05, months: 3 };

export const demoCommand: Command = {
  name: 'demo',
  summary: 'write the sample organisation as canonical CSV files',
  usage,
  async run(argv: string[], io: CliIO) {
    try {
      const v = parseFlags('demo', argv, {
        'out-dir': { type: 'string' }, months: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' },
        end: { type: 'string' }, 'with-cost': { type: 'boolean' }, out: { type: 'string' }, force: { type: 'boolean' }, 'ledger-grain': { type: 'string' },
      });
      const grain = (v['ledger-grain'] as string | undefined) ?? 'auto';
      if (!(LEDGER_GRAINS as readonly string[]).includes(grain)) throw new UsageError(`demo: --ledger-grain "${grain}": expected ${LEDGER_GRAINS.join(', ')}`);
      if (!v['out-dir'] && !v.out) throw new UsageError('demo: --out-dir DIR is required (or --out WORKBOOK.xlsx)');
      // With --out the defaults are a quick workbook's; any volume fits (the Ledger sheet is aggregated above the threshold).
      const defaults = v.out ? WORKBOOK_DEFAULTS : CSV_DEFAULTS;
      const months = numberFlag('demo', '--months', v.months as string | undefined, defaults.months, (n) => Number.isInteger(n) && n >= 1 && n <= 120, 'a whole number of months from 1 to 120');
      const scale = numberFlag('demo', '--scale', v.scale as string | undefined, defaults.scale, (n) => n > 0 && n <= 100, 'a number > 0 (1 = the playbook volumes)');
      const chosen = [v.scale === undefined ? `--scale ${scale}` : '', v.months === undefined ? `--months ${months}` : ''].filter(Boolean);
      if (v.out && chosen.length) {
        io.err(`demo: writing the workbook with ${chosen.join(' ')} (defaults for --out: ~${fmt(estimateDemoRows(scale, months))} Ledger rows; pass --scale/--months for more: --scale 1 --months 6 is the playbook's half year)`);
      }
      const seed = numberFlag('demo', '--seed', v.seed as string | undefined, 42, (n) => Number.isInteger(n), 'a whole number');
      const end = (v.end as string | undefined) ?? '2026-10';
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(end)) throw new UsageError(`demo: --end "${end}" is not a period; expected YYYY-MM such as 2026-10`);
      const periods = samplePeriods(months, end);
      const t0 = Date.now();
      if (v.out) {
        if (estimateDemoRows(scale, months) > 300_000) io.err(`demo: building ~${fmt(estimateDemoRows(scale, months))} work-item rows from ~${fmt(Math.round(8 * estimateDemoRows(scale, months)))} usage events in memory (the playbook's six months: about a minute and 2 GB)…`);
        const { result, ctx, daily } = demoLedger({ months, scale, seed, endPeriod: end, withCost: !!v['with-cost'] });
        await writeWorkbookFile({ path: v.out as string, result, ctx, period: periods[periods.length - 1], rejected: [], force: !!v.force, daily, ledgerGrain: grain as (typeof LEDGER_GRAINS)[number] }, io);
        if (!v['out-dir']) return 0;
      }
      const ctx = writeDemo({
        outDir: v['out-dir'] as string, months, scale, seed, endPeriod: end, withCost: !!v['with-cost'],
        onProgress: (n) => io.err(`demo: ${fmt(n)} usage events written…`),
      });
      io.out(
        `Wrote ${periods[0]}..${periods[periods.length - 1]} to ${v['out-dir']}: ${fmt(ctx.stats.events)} usage events, ${fmt(ctx.stats.workItems)} work items, ` +
          `${fmt(ctx.stats.reviews)} reviews, ${ctx.agents.length} agents, ${ctx.overheads.length} overheads, ${ctx.invoices.length} invoices (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
      return 0;
    } catch (e) {
      if (e instanceof UsageError || e instanceof RangeError) {
        io.err(e.message);
        return 2;
      }
      if (e instanceof WorkbookRefused) {
        io.err(`demo: --out: ${e.message}`);
        return 4;
      }
      io.err(`demo: ${(e as Error).message}`);
      return 1;
    }
  },
};
