// The state of one SQL ledger build: the connection, its dialect, the build's inputs and what the phases learn on the
// way (dictionaries computed in JavaScript from distinct values, small per-period figures).
import type { Agent } from '../../core/model/records';
import type { LedgerContext } from '../../core/ledger';
import type { InvoiceSlots } from '../../core/ledger/trueup';
import type { EventPricer } from '../../core/ledger/price';
import type { SqlConnection, SqlValue } from '../connection';
import type { Dialect } from '../dialect';

/** Names of the scratch tables, one per phase's output. */
export const T = {
  events: 'll_events', // typed events (JavaScript loader) — absent on the native path
  g: 'll_g', // usage grouped per line key × price key (load)
  prices: 'll_prices', // the prices table (price)
  gc: 'll_gc', // groups with their cost (price)
  items: 'll_items',
  reviews: 'll_reviews',
  agents: 'll_agents',
  prov: 'll_prov', // raw provider → invoice slot per period (true-up)
  accp: 'll_accp', // accumulations by (work item, period, agent, provider), a key possibly on several rows, with their line key (attribute)
  lines0: 'll_lines0', // ledger rows and unattributed usage/review lines, exact (attribute)
  linep: 'll_linep', // cost and events per line and invoice slot (true-up weights)
  ovscope: 'll_ovscope', // (overhead, agent, business unit) in scope
  ov: 'll_ov',
  ovshare: 'll_ovshare', // overhead per row (overheads)
  tushare: 'll_tushare', // true-up per line (true-up)
  extra: 'll_extra', // unallocated overhead and invoice-without-usage lines (made in JavaScript)
  lines: 'll_lines', // every line with its index in published order and all exact components
  cells: 'll_cells',
  cellc: 'll_cellc', // each cell's cents per table (controlled rounding, JavaScript)
  cents: 'll_cents', // each line's cents per table (largest remainder)
  pub: 'll_pub', // every line with its cents per table (publish)
} as const;

export interface Run {
  conn: SqlConnection;
  d: Dialect;
  ctx: LedgerContext;
  pricer: EventPricer;
  slots: InvoiceSlots;
  agentById: Map<string, Agent>;
  agentBU: (id: string) => string;
  /** per period: Σ invoice − computed in cents (the true-up table's target) and in USD */
  trueupCents: Map<string, number>;
  trueupUsd: Map<string, number>;
  /** per period: overheads imported / allocated / unallocated (USD) */
  overheads: Map<string, { imported: number; allocated: number; unallocated: number }>;
  periods: string[];
  /** T.g is a view over the one-pass statement's table (DuckDB) rather than a table */
  gView: boolean;
  /** log of phase timings (ms), for the benchmark */
  timings: Record<string, number>;
}

export async function q<T = Record<string, SqlValue>>(x: Run, sql: string): Promise<T[]> {
  return x.conn.query<T>(sql);
}

export async function timed<T>(x: Run, phase: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    x.timings[phase] = (x.timings[phase] ?? 0) + performance.now() - t0;
  }
}

export const num = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
export const str = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
