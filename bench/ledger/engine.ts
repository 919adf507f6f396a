// One engine on one month of canonical files, in its own process so that its peak memory is its own:
//   node --import tsx bench/ledger/engine.ts js|duckdb|clickhouse|bare DIR PERIOD [--rows OUT.json]
// Prints one JSON line: seconds (timed: reading the files and building the ledger and its aggregates), peak RSS, the
// engine's phases, and every agent's published components in cents for the period (the agreement check).
// `bare` is the yardstick: DuckDB's read_csv + the per-work-item aggregation of bench/ledger/sql.mjs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregate } from '../../src/core/ledger';
import type { Aggregate } from '../../src/core/model/ledger';
import { buildFromFilesSql, clickhouseRequest, duckdbRequest } from '../../src/cli/commands/build-sql';
import { buildFromFiles, type BuildInputs } from '../../src/cli/commands/build';

const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total'] as const;
const perAgent = (aggs: Aggregate[]) =>
  Object.fromEntries(aggs.map((a) => [a.key, Object.fromEntries(COMPONENTS.map((c) => [c, Math.round(a[c] * 100)]))]));

async function main() {
  const [engine, dir, period] = process.argv.slice(2);
  const rowsOut = process.argv.includes('--rows') ? process.argv[process.argv.indexOf('--rows') + 1] : '';
  const f = (name: string) => join(dir, name);
  const files: BuildInputs = {
    usage: [f('usage.csv')], workItems: [f('work_items.csv')], reviews: [f('reviews.csv')], agents: f('agents.csv'), rates: f('rates.csv'),
    toolPrices: f('tool_prices.csv'), overheads: f('overheads.csv'), invoices: f('invoices.csv'), prices: f('prices.csv'),
  };
  const t0 = performance.now();
  let out: Record<string, unknown>;
  if (engine === 'bare') {
    // @ts-expect-error the yardstick is plain JavaScript
    const { duckdb } = await import('./sql.mjs');
    const r = await duckdb(dir);
    out = { seconds: (performance.now() - t0) / 1000, items: r.result.size };
  } else if (engine === 'js') {
    // the CLI's own build (`build` without --out): context files, work items, usage (a worker thread reads it), reviews
    const o = await buildFromFiles(files, period, { out: () => undefined, err: () => undefined });
    const result = o.result;
    const agents = perAgent(aggregate(result, 'agent', period));
    out = { seconds: (performance.now() - t0) / 1000, agents, rows: result.rows.length, conservation: result.conservation };
    if (rowsOut) writeFileSync(rowsOut, JSON.stringify(result.rows));
  } else {
    const io = { out: () => undefined, err: () => undefined };
    const req = engine === 'clickhouse' ? clickhouseRequest(!!rowsOut, {}) : duckdbRequest(!!rowsOut);
    const o = await buildFromFilesSql(files, period, io, req);
    const agents = perAgent(o.sql.aggregate('agent', period));
    out = { seconds: (performance.now() - t0) / 1000, agents, native: o.sql.native, phases: o.sql.timings, conservation: o.result.conservation };
    if (rowsOut) writeFileSync(rowsOut, JSON.stringify(o.result.rows));
  }
  console.log(JSON.stringify({ engine, ...out, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
