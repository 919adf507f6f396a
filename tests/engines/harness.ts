// Runs the same records through the JavaScript engine and the SQL engines (DuckDB and ClickHouse on chDB; records
// through the JavaScript loader, and canonical files read by the database itself), and compares every published figure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate, buildLedger, summarize, type LedgerContext, type LedgerResult } from '../../src/core/ledger';
import type { LedgerInputs } from '../../src/core/model/records';
import { toCsv, type RecordKind } from '../../src/sources/files';
import type { SqlConnection } from '../../src/engines/connection';
import { buildLedgerSql, type SqlBuildOptions, type SqlLedger } from '../../src/engines/ledger/engine';
import { buildFromFilesSql, clickhouseRequest, duckdbRequest, type SqlBuildRequest } from '../../src/cli/commands/build-sql';
import { buildFromFiles, type BuildInputs } from '../../src/cli/commands/build';

export const quietIO = () => {
  const err: string[] = [];
  return { io: { out: () => undefined, err: (t: string) => void err.push(t) }, err };
};

const ctxOf = (i: LedgerInputs): LedgerContext => ({ agents: i.agents, rates: i.rates, toolPrices: i.toolPrices, overheads: i.overheads, invoices: i.invoices, prices: i.prices });

/** The records through the JavaScript loader into a SQL engine (buildLedger's order: work items, events, reviews). */
export async function viaLoader(open: () => Promise<SqlConnection>, i: LedgerInputs, options: SqlBuildOptions = {}): Promise<SqlLedger> {
  const conn = await open();
  try {
    return await buildLedgerSql(
      conn,
      ctxOf(i),
      {
        load: async (s) => {
          for (const w of i.workItems) s.addWorkItem(w);
          for (const e of i.events) s.addEvent(e);
          for (const r of i.reviews) s.addReview(r);
        },
      },
      { rows: true, keepExact: true, ...options },
    );
  } finally {
    await conn.close();
  }
}

/** Writes the inputs as canonical CSV files (as `demo` writes them); returns the build's file flags. */
export function writeCanonical(i: LedgerInputs, dir = mkdtempSync(join(tmpdir(), 'engines-'))): BuildInputs {
  const w = (kind: RecordKind, name: string, records: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(path, toCsv(kind, records as never[]));
    return path;
  };
  return {
    usage: [w('usage', 'usage.csv', i.events)], workItems: [w('work_items', 'work_items.csv', i.workItems)], reviews: [w('reviews', 'reviews.csv', i.reviews)],
    agents: w('agents', 'agents.csv', i.agents), rates: w('rates', 'rates.csv', i.rates), toolPrices: w('tool_prices', 'tool_prices.csv', i.toolPrices),
    overheads: w('overheads', 'overheads.csv', i.overheads), invoices: w('invoices', 'invoices.csv', i.invoices), prices: w('prices', 'prices.csv', i.prices),
  };
}

export const ENGINE_REQUESTS: Record<string, () => SqlBuildRequest> = {
  duckdb: () => duckdbRequest(true),
  clickhouse: () => clickhouseRequest(true, {}),
};

/** Canonical files through the CLI's SQL build (the database reads them itself, or falls back to the JavaScript import). */
/** `build`'s flags for canonical files written by writeCanonical (the command line as users type it). */
export function buildFlags(files: BuildInputs, summary: string, period = '2026-10'): string[] {
  return [
    '--usage', ...files.usage, '--work-items', ...files.workItems, '--reviews', ...files.reviews, '--agents', files.agents!, '--rates', files.rates!,
    '--tool-prices', files.toolPrices!, '--overheads', files.overheads!, '--invoices', files.invoices!, '--prices', files.prices!, '--period', period, '--summary', summary,
  ];
}

export async function viaFiles(files: BuildInputs, engine: 'duckdb' | 'clickhouse', period = '2026-10') {
  const { io, err } = quietIO();
  const o = await buildFromFilesSql(files, period, io, ENGINE_REQUESTS[engine]());
  return { ...o, log: err };
}

export async function viaFilesJs(files: BuildInputs, period = '2026-10') {
  const { io } = quietIO();
  return buildFromFiles(files, period, io);
}

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a));

/**
 * Every published figure equal: rows (per item), unattributed lines, agents, invoice reconciliation, counts, unpriced
 * groups, conflicts; per agent, business unit and everything (the SQL aggregates against core's aggregate); the
 * summary of every period; conservation flags equal and its exact sums within a micro-dollar.
 */
export function expectAgree(js: LedgerResult, sql: SqlLedger, label: string, opts: { conflicts?: boolean } = {}) {
  const r = sql.result;
  const ctx = `${label}: `;
  expect({ ctx, periods: r.periods }).toEqual({ ctx, periods: js.periods });
  expect({ ctx, rows: r.rows }).toEqual({ ctx, rows: js.rows });
  expect({ ctx, unattributed: r.unattributed }).toEqual({ ctx, unattributed: js.unattributed });
  expect({ ctx, agents: r.agents }).toEqual({ ctx, agents: js.agents });
  expect({ ctx, providers: r.providers?.map((p) => ({ ...p, computed_exact: 0 })) }).toEqual({ ctx, providers: js.providers?.map((p) => ({ ...p, computed_exact: 0 })) });
  for (const [a, b] of (r.providers ?? []).map((p, k) => [p.computed_exact, js.providers![k].computed_exact])) expect(near(a, b, 1e-9)).toBe(true);
  expect({ ctx, counts: r.counts }).toEqual({ ctx, counts: js.counts });
  expect({ ctx, groups: r.unpricedGroups }).toEqual({ ctx, groups: js.unpricedGroups });
  // in the same order too: core's order (core/ledger/unpriced.ts), which the SQL engines sort by
  expect({ ctx, unpriced: r.unpriced }).toEqual({ ctx, unpriced: js.unpriced });
  if (opts.conflicts !== false) expect({ ctx, conflicts: r.conflicts }).toEqual({ ctx, conflicts: js.conflicts });
  for (const p of js.periods) {
    for (const by of ['agent', 'business_unit', 'all'] as const) {
      expect({ ctx, p, by, agg: sql.aggregate(by, p) }).toEqual({ ctx, p, by, agg: aggregate(js, by, p) });
    }
    const a = summarize(js, p, { rejected: [] });
    const b = summarize(r, p, { rejected: [] }, sql.aggregate);
    expect({ ctx, p, summary: { ...b, conservation: null } }).toEqual({ ctx, p, summary: { ...a, conservation: null } });
  }
  for (const [name, a, b] of [['all', r.conservation, js.conservation], ...js.periods.map((p) => [p, r.conservationByPeriod[p], js.conservationByPeriod[p]] as const)] as const) {
    for (const k of ['cents_tie', 'lines_within_cent', 'ok'] as const) expect({ ctx, name, k, v: a[k] }).toEqual({ ctx, name, k, v: b[k] });
    for (const k of ['events_and_reviews', 'ledger_plus_unattributed', 'overhead_imported', 'overhead_allocated', 'overhead_unallocated', 'invoice_minus_computed', 'trueup_spread'] as const) {
      expect({ ctx, name, k, ok: near(a[k], b[k], 1e-9) || Math.abs(a[k] - b[k]) < 1e-6 }).toEqual({ ctx, name, k, ok: true });
    }
  }
}

export { buildLedger };
