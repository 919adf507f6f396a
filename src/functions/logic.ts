// The pure logic behind the AILABOR.* functions: argument checking and the figures, over a loaded ledger (LedgerIndex
// + the snapshot's prices and benchmarks). functions.ts (Excel, async) and hyperformula.ts (HyperFormula, sync) are
// one-line wrappers over these. Every figure comes from LedgerIndex, whose aggregates equal core aggregate().
import type { Scope } from '../core/ledger/ledger-index';
import { workItemsOf, type Aggregate, type LedgerRow } from '../core/model/ledger';
import type { Agent } from '../core/model/records';
import { PriceBook } from '../core/pricing';
import { roundShown } from '../core/ledger/rounding';
import { LEDGER_COLUMNS } from '../workbook/data';
import { sloFigure } from '../workbook/figures';
import { PLAYBOOK_BENCHMARKS, type Benchmark } from '../workbook/inputs';
import { errorValue, fail } from './errors';
import type { LoadedLedger } from './store';

export const COMPONENT_NAMES = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];
export const TREND_METRICS = [
  'cost_per_outcome', 'cost_per_work_item', 'outcomes', 'work_items', 'accuracy', 'review_rate', ...COMPONENT_NAMES,
] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];
export const BOUNDS = ['mid', 'low', 'high'] as const;
export const LEDGER_COLUMN_NAMES = LEDGER_COLUMNS.map((c) => c.key);

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const PERIOD_EXPECTED = 'expected a month YYYY-MM (e.g. 2026-10), an ISO date or an Excel date';

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------- arguments

/** YYYY-MM of a period argument: YYYY-MM, an ISO date or timestamp (its UTC month), or an Excel serial date. */
export function periodOf(v: unknown, name = 'period'): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 1 || v > 2958465) fail('invalidValue', `${name}: ${PERIOD_EXPECTED}, got ${v}`);
    return new Date(EXCEL_EPOCH_MS + Math.floor(v) * 86400000).toISOString().slice(0, 7);
  }
  if (typeof v !== 'string') fail('invalidValue', `${name}: ${PERIOD_EXPECTED}, got ${shown(v)}`);
  const s = v.trim();
  if (PERIOD_RE.test(s)) return s;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))) return s.slice(0, 7);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d/.test(s)) {
    // no offset = UTC (DESIGN §5); with an offset, the UTC month, as the ledger dates events
    const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
    if (!Number.isNaN(t)) return new Date(t).toISOString().slice(0, 7);
  }
  fail('invalidValue', `${name}: ${PERIOD_EXPECTED}, got ${shown(v)}`);
}

/** The period argument, or the ledger's latest month when left empty. */
function period(l: LoadedLedger, v: unknown): string {
  if (!isBlank(v)) return periodOf(v);
  const p = l.index.latestPeriod;
  if (p === undefined) fail('notAvailable', 'The ledger is empty: refresh data in the task pane (no period to default to)');
  return p;
}

function checkLedger(l: LoadedLedger) {
  if (l.snapshot.missing?.includes('Ledger')) fail('notAvailable', 'No Ledger sheet in this workbook: build the ledger from the task pane (Refresh)');
}

function scopeOf(l: LoadedLedger, v: unknown, name = 'scope'): Scope {
  checkLedger(l);
  if (isBlank(v) || typeof v === 'boolean') fail('invalidValue', `${name}: expected an agent id, a business unit or "*" for all, got ${isBlank(v) ? 'an empty value' : shown(v)}`);
  const s = String(v).trim();
  const scope = l.index.resolveScope(s);
  if (!scope) fail('notAvailable', `Unknown agent '${s}': not an agent id or business unit in the ledger or on the Agents sheet ("*" = all)`);
  return scope;
}

function agentOf(l: LoadedLedger, v: unknown): Agent {
  const scope = scopeOf(l, v, 'agent');
  if (scope.kind !== 'agent') fail('invalidValue', `agent: expected an agent id (SLOs and targets are set per agent on the Agents sheet), got ${scope.kind === 'all' ? '"*"' : `business unit '${scope.key}'`}`);
  return l.index.agent(scope.key)!;
}

function componentOf(v: unknown): ComponentName {
  if (isBlank(v)) return 'total';
  const c = String(v).trim().toLowerCase() as ComponentName;
  if (!COMPONENT_NAMES.includes(c)) fail('invalidValue', `component: expected one of ${COMPONENT_NAMES.join(', ')}, got ${shown(v)}`);
  return c;
}

function numberArg(v: unknown, name: string, opts: { min?: number; def?: number } = {}): number {
  if (isBlank(v) && opts.def !== undefined) return opts.def;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || (opts.min !== undefined && n < opts.min)) fail('invalidValue', `${name}: expected a number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got ${isBlank(v) ? 'an empty value' : shown(v)}`);
  return n;
}

const label = (s: Scope) => (s.kind === 'all' ? 'all agents ("*")' : `'${s.key}'`);

// ---------------------------------------------------------------- ledger-backed figures

function agg(l: LoadedLedger, scope: unknown, p: unknown): { a: Aggregate; s: Scope; p: string } {
  const s = scopeOf(l, scope);
  const pp = period(l, p);
  return { a: l.index.get(s, pp), s, p: pp };
}

export function costPerOutcome(l: LoadedLedger, scope: unknown, p?: unknown, component?: unknown): number {
  const c = componentOf(component);
  const { a, s, p: pp } = agg(l, scope, p);
  if (a.outcomes === 0) fail('divisionByZero', `No outcomes for ${label(s)} in ${pp}: cost per outcome is undefined`);
  return a[c] / a.outcomes;
}

export function costPerWorkItem(l: LoadedLedger, scope: unknown, p?: unknown, component?: unknown): number {
  const c = componentOf(component);
  const { a, s, p: pp } = agg(l, scope, p);
  if (a.work_items === 0) fail('divisionByZero', `No work items for ${label(s)} in ${pp}: cost per work item is undefined`);
  return a[c] / a.work_items;
}

export function totalCost(l: LoadedLedger, scope: unknown, p?: unknown, component?: unknown): number {
  const c = componentOf(component);
  return agg(l, scope, p).a[c];
}

export const outcomes = (l: LoadedLedger, scope: unknown, p?: unknown): number => agg(l, scope, p).a.outcomes;
export const workItems = (l: LoadedLedger, scope: unknown, p?: unknown): number => agg(l, scope, p).a.work_items;

export function accuracy(l: LoadedLedger, scope: unknown, p?: unknown): number {
  const { a, s, p: pp } = agg(l, scope, p);
  if (a.accuracy === null) fail('divisionByZero', `No reviews for ${label(s)} in ${pp}: accuracy is undefined`);
  return a.accuracy;
}

export function reviewRate(l: LoadedLedger, scope: unknown, p?: unknown): number {
  const { a, s, p: pp } = agg(l, scope, p);
  if (a.review_rate === null) fail('divisionByZero', `No work items for ${label(s)} in ${pp}: review rate is undefined`);
  return a.review_rate;
}

/**
 * Cost per outcome minus target (the Chargeback's Variance), or as a fraction of the target (its Variance %), at the
 * precision the sheet shows and compares them: cost per outcome and target in cents, the percentage in tenths of a
 * percent (so 6.90 ÷ 3 against a 2.30 target is 0, not 4e-16).
 */
export function targetVariance(l: LoadedLedger, scope: unknown, p?: unknown, asPercent?: unknown): number {
  const { a, s, p: pp } = agg(l, scope, p);
  const target = a.target_cost_per_outcome;
  if (target === null) fail('notAvailable', `No target for ${label(s)}: set target_cost_per_outcome on the Agents sheet`);
  if (a.outcomes === 0) fail('divisionByZero', `No outcomes for ${label(s)} in ${pp}: cost per outcome is undefined${a.total > 0 ? ' (cost with no successful outcome)' : ''}`);
  const shownTarget = roundShown(target, 2);
  const variance = roundShown(roundShown(a.total / a.outcomes, 2) - shownTarget, 2);
  if (asPercent !== true && asPercent !== 1) return variance;
  if (shownTarget <= 0) fail('divisionByZero', `The target of ${label(s)} is 0: variance % is undefined`);
  return roundShown(variance / shownTarget, 3);
}

const pct1 = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)}`;

/**
 * The SLO Monitor's verdict for an agent and month, decided by the same function (figures.ts sloFigure, at displayed
 * precision): "NO ACTIVITY"; "NO OUTCOMES" for cost with no successful outcome; "BREACH …" exactly when the sheet says
 * "SLO breach", naming each breach (cost as % over its SLO, accuracy and review rate in percentage points); otherwise
 * "NO SLO" for an agent without any SLO, else "OK".
 */
export function sloStatus(l: LoadedLedger, agent: unknown, p?: unknown): string {
  const ag = agentOf(l, agent);
  const pp = period(l, p);
  const a = l.index.get({ kind: 'agent', key: ag.agent_id }, pp);
  const f = sloFigure(a, ag, 0.05);
  if (f.status === 'no activity') return 'NO ACTIVITY';
  if (f.status === 'no outcomes') return 'NO OUTCOMES';
  const breaches: string[] = [];
  const maxCost = ag.slo_max_cost_per_outcome;
  if (f.breaches.includes('cost') && f.cost_per_outcome !== null && maxCost !== null) {
    const shownMax = roundShown(maxCost, 2);
    breaches.push(shownMax > 0 ? `cost ${pct1(roundShown(f.cost_per_outcome / shownMax - 1, 3))}%` : `cost ${f.cost_per_outcome.toFixed(2)} > 0`);
  }
  if (f.breaches.includes('accuracy')) breaches.push(`accuracy ${pct1(f.accuracy! - roundShown(ag.slo_min_accuracy!, 3))} pts`);
  if (f.breaches.includes('review_rate')) breaches.push(`review rate ${pct1(f.review_rate! - roundShown(ag.slo_max_review_rate!, 3))} pts`);
  if (breaches.length) return `BREACH ${breaches.join(', ')}`;
  return maxCost === null && ag.slo_min_accuracy === null && ag.slo_max_review_rate === null ? 'NO SLO' : 'OK';
}

/** Agent P&L's "Saving vs human": ROUND(ROUND(outcomes × human cost per unit, 2) − total cost, 2). */
function agentSaving(l: LoadedLedger, ag: Agent, p: string): number | null {
  if (ag.human_cost_per_unit === null) return null;
  const a = l.index.get({ kind: 'agent', key: ag.agent_id }, p);
  return round2(round2(a.outcomes * ag.human_cost_per_unit) - a.total);
}

/**
 * Human cost of the outcomes minus their AI cost: for an agent its Agent P&L "Saving vs human"; for a business unit
 * (or "*") the sum of that figure over its agents (by the Agents sheet's business_unit) that have a human baseline.
 */
export function humanSavings(l: LoadedLedger, scope: unknown, p?: unknown): number {
  const s = scopeOf(l, scope);
  const pp = period(l, p);
  const agents = s.kind === 'agent' ? [l.index.agent(s.key)!] : l.index.agents.filter((a) => s.kind === 'all' || a.business_unit === s.key);
  let cents = 0;
  let n = 0;
  for (const ag of agents) {
    const v = agentSaving(l, ag, pp);
    if (v === null) continue;
    cents += Math.round(v * 100);
    n++;
  }
  if (n === 0) fail('notAvailable', `No human baseline for ${label(s)}: set human_cost_per_unit on the Agents sheet`);
  return cents / 100;
}

function metricOf(v: unknown): TrendMetric {
  if (isBlank(v)) return 'cost_per_outcome';
  const m = String(v).trim().toLowerCase() as TrendMetric;
  if (!TREND_METRICS.includes(m)) fail('invalidValue', `metric: expected one of ${TREND_METRICS.join(', ')}, got ${shown(v)}`);
  return m;
}

const nextMonth = (p: string) => {
  const [y, m] = p.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/** One value per month from `from` to `to` (a spilled column); a month where the metric is undefined gets #DIV/0!. */
export function trend(l: LoadedLedger, scope: unknown, from: unknown, to: unknown, metric?: unknown): number[][] {
  const s = scopeOf(l, scope);
  if (isBlank(from)) fail('invalidValue', `from_period: ${PERIOD_EXPECTED}, got an empty value`);
  const f = periodOf(from, 'from_period');
  const t = isBlank(to) ? period(l, undefined) : periodOf(to, 'to_period');
  const m = metricOf(metric);
  if (f > t) fail('invalidValue', `from_period (${f}) must not be after to_period (${t})`);
  const out: number[][] = [];
  for (let p = f; p <= t; p = nextMonth(p)) {
    if (out.length >= 1200) fail('invalidValue', `from_period to to_period spans more than 1,200 months (${f} to ${t})`);
    const a = l.index.get(s, p);
    const v = m === 'cost_per_outcome' ? a.cost_per_outcome : m === 'cost_per_work_item' ? a.cost_per_work_item : a[m];
    out.push([v === null ? (errorValue('divisionByZero', `${m} of ${label(s)} is undefined in ${p}`) as unknown as number) : v]);
  }
  return out;
}

function columnsOf(v: unknown): (keyof LedgerRow & string)[] {
  if (isBlank(v)) return LEDGER_COLUMN_NAMES;
  const names = String(v).split(/[,;]/).map((x) => x.trim().toLowerCase()).filter(Boolean);
  const bad = names.filter((n) => !LEDGER_COLUMN_NAMES.includes(n as keyof LedgerRow & string));
  if (!names.length || bad.length) fail('invalidValue', `columns: expected a comma-separated list of ${LEDGER_COLUMN_NAMES.join(', ')}; unknown: ${bad.map((b) => `"${b}"`).join(', ') || 'none given'}`);
  return names as (keyof LedgerRow & string)[];
}

/** The scope's ledger rows in the period, with a header row (the Ledger sheet's column names); aggregated rows at that grain. */
export function ledger(l: LoadedLedger, scope: unknown, p?: unknown, columns?: unknown): (string | number)[][] {
  const cols = columnsOf(columns);
  const s = scopeOf(l, scope);
  const rows = l.index.rowsOf(s, period(l, p));
  const out: (string | number)[][] = [cols];
  // work_items: 1 on a work item's own row (absent from it), the count on an aggregated Ledger's row
  for (const r of rows) out.push(cols.map((c) => (c === 'work_items' ? workItemsOf(r) : (r[c] as string | number))));
  return out;
}

/** The size LEDGER spills to (HyperFormula needs it before evaluating). */
export function ledgerSize(l: LoadedLedger, scope: unknown, p?: unknown, columns?: unknown): { rows: number; cols: number } {
  const cols = columnsOf(columns);
  return { rows: l.index.rowsOf(scopeOf(l, scope), period(l, p)).length + 1, cols: cols.length };
}

export function trendSize(l: LoadedLedger, from: unknown, to: unknown): number {
  const f = periodOf(from, 'from_period');
  const t = isBlank(to) ? period(l, undefined) : periodOf(to, 'to_period');
  const [fy, fm] = f.split('-').map(Number);
  const [ty, tm] = t.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm) + 1;
}

// ---------------------------------------------------------------- calculators

/**
 * Months to pay back a migration, as the Migration Payback sheet computes it: saving = ROUND(current − candidate, 2),
 * parallel-run cost = ROUND(months × candidate, 2), payback = (migration cost + parallel-run cost) ÷ saving.
 */
export function payback(migrationCost: unknown, current: unknown, candidate: unknown, parallelMonths?: unknown): number {
  const one = numberArg(migrationCost, 'migration_cost', { min: 0 });
  const cur = numberArg(current, 'current_monthly_cost', { min: 0 });
  const cand = numberArg(candidate, 'candidate_monthly_cost', { min: 0 });
  const months = numberArg(parallelMonths, 'parallel_run_months', { min: 0, def: 0 });
  const saving = round2(cur - cand);
  if (saving <= 0) fail('notAvailable', `No saving: candidate_monthly_cost (${cand}) is not below current_monthly_cost (${cur}), so the migration never pays back`);
  return (one + round2(months * cand)) / saving;
}

function unitCost(book: PriceBook, model: unknown, tokens: { input_tokens: number; output_tokens: number; cached_input_tokens: number }, date: string | undefined, name: string): number {
  const m = isBlank(model) ? fail('invalidValue', `${name}: expected a model name such as "gpt-4o", got an empty value`) : String(model).trim();
  const r = book.priceTokens({ model: m, provider: '', date, batch: false }, { ...tokens, cache_write_tokens: 0 });
  if (r.cost_usd === null) fail('notAvailable', r.reason ?? `Unknown model "${m}": add it on the Prices sheet`);
  return r.cost_usd;
}

/**
 * Monthly USD saved by moving `monthly_volume` units of work from the current to the candidate model, at the price
 * book's prices on `date`: volume × (current cost per unit − candidate cost per unit). The Migration Payback sheet's
 * saving with the spend priced from the tokens instead of read from the Ledger.
 */
export function migrationSavings(
  book: PriceBook,
  currentModel: unknown,
  candidateModel: unknown,
  inputPerUnit: unknown,
  outputPerUnit: unknown,
  volume: unknown,
  cachedPerUnit: unknown,
  date: string | undefined,
): number {
  const tokens = {
    input_tokens: numberArg(inputPerUnit, 'input_tokens_per_unit', { min: 0 }),
    output_tokens: numberArg(outputPerUnit, 'output_tokens_per_unit', { min: 0 }),
    cached_input_tokens: numberArg(cachedPerUnit, 'cached_input_tokens_per_unit', { min: 0, def: 0 }),
  };
  if (tokens.cached_input_tokens > tokens.input_tokens) fail('invalidValue', `cached_input_tokens_per_unit (${tokens.cached_input_tokens}) cannot exceed input_tokens_per_unit (${tokens.input_tokens}): input counts every input token`);
  const n = numberArg(volume, 'monthly_volume', { min: 0 });
  return n * (unitCost(book, currentModel, tokens, date, 'current_model') - unitCost(book, candidateModel, tokens, date, 'candidate_model'));
}

/**
 * A peer figure in USD from the Benchmarks sheet (the playbook's figures when the sheet is missing or empty): the row
 * whose benchmark name matches, else every row of the segment. low = the lowest low_usd, high = the highest high_usd,
 * mid (default) = the mean of the rows' midpoints.
 */
export function peerBenchmark(benchmarks: readonly Benchmark[] | undefined, segment: unknown, bound?: unknown): number {
  const list = benchmarks && benchmarks.length ? benchmarks : PLAYBOOK_BENCHMARKS;
  const b = isBlank(bound) ? 'mid' : (String(bound).trim().toLowerCase() as (typeof BOUNDS)[number]);
  if (!BOUNDS.includes(b)) fail('invalidValue', `bound: expected one of ${BOUNDS.join(', ')}, got ${shown(bound)}`);
  if (isBlank(segment)) fail('invalidValue', 'segment: expected a segment or benchmark name from the Benchmarks sheet, got an empty value');
  const key = String(segment).trim().toLowerCase();
  let rows = list.filter((r) => r.benchmark.trim().toLowerCase() === key);
  if (!rows.length) rows = list.filter((r) => r.segment.trim().toLowerCase() === key);
  if (!rows.length) {
    const segments = [...new Set(list.map((r) => r.segment).filter(Boolean))];
    fail('notAvailable', `No benchmark or segment '${String(segment).trim()}' on the Benchmarks sheet (segments: ${segments.join(', ')})`);
  }
  const lows = rows.map((r) => r.low_usd ?? r.high_usd).filter((x): x is number => x !== null);
  const highs = rows.map((r) => r.high_usd ?? r.low_usd).filter((x): x is number => x !== null);
  if (!lows.length) fail('notAvailable', `The benchmark rows for '${String(segment).trim()}' have no low_usd or high_usd`);
  if (b === 'low') return Math.min(...lows);
  if (b === 'high') return Math.max(...highs);
  const mids = rows.filter((r) => r.low_usd !== null || r.high_usd !== null).map((r) => ((r.low_usd ?? r.high_usd)! + (r.high_usd ?? r.low_usd)!) / 2);
  return mids.reduce((x, y) => x + y, 0) / mids.length;
}

/** The price book of the loaded snapshot's Prices rows (cached per snapshot), else `fallback`. */
const books = new WeakMap<LoadedLedger, PriceBook>();
export function priceBookOf(l: LoadedLedger | null, fallback: PriceBook): PriceBook {
  if (!l || !l.snapshot.prices) return fallback;
  let b = books.get(l);
  if (!b) books.set(l, (b = new PriceBook(l.snapshot.prices)));
  return b;
}
