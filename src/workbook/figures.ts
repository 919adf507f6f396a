// The same figures the report sheets compute, computed here in TypeScript from the core's aggregates. They are
// the oracle the workbook tests compare every host's recalculated cells with, they sort the payback rows, and the
// task pane's alerts and the AILABOR.SLOSTATUS function read their statuses — so a status is decided one way only.
import { aggregate } from '../core/ledger/aggregate';
import { roundShown } from '../core/ledger/rounding';
import type { LedgerResult } from '../core/ledger/types';
import { workItemsOf, type Aggregate } from '../core/model/ledger';
import type { Agent, PriceOverride } from '../core/model/records';
import { utcMs } from '../core/model/ranges';
import { CATALOG_VERSION, PriceBook, normalizeProvider } from '../core/pricing';
import type { BudgetLine, Drivers } from './inputs';
import type { ModelPriceRow, PaybackInputs, PaybackRowInput, SloStatus } from './reports';

const cents = (x: number) => roundShown(x, 2);

export interface BudgetFigures {
  lines: { business_unit: string; agents: number; cost_per_unit: number; volume: number; fixed: number; monthly: number }[];
  agents: number;
  volume: number;
  fixed: number;
  monthly: number;
  blended: number;
  annualLabor: number;
  annualTotal: number;
  margin: number;
  withMargin: number;
}

export function computeBudget(lines: readonly BudgetLine[], d: Drivers): BudgetFigures {
  const ls = lines.map((l) => ({
    business_unit: l.business_unit, agents: l.agents, cost_per_unit: l.cost_per_unit, volume: l.monthly_volume, fixed: l.fixed_monthly_usd ?? 0,
    monthly: cents(l.cost_per_unit * l.monthly_volume + (l.fixed_monthly_usd ?? 0)),
  }));
  const monthly = cents(ls.reduce((s, l) => s + l.monthly, 0));
  const volume = ls.reduce((s, l) => s + l.volume, 0);
  const annualLabor = cents(monthly * 12);
  const annualTotal = cents(annualLabor + d.model_migrations_usd + d.infrastructure_usd + d.prompt_engineering_usd);
  const margin = cents(annualTotal * d.margin_pct);
  return {
    lines: ls,
    agents: ls.reduce((s, l) => s + l.agents, 0),
    volume,
    fixed: cents(ls.reduce((s, l) => s + l.fixed, 0)),
    monthly,
    blended: volume > 0 ? monthly / volume : 0,
    annualLabor,
    annualTotal,
    margin,
    withMargin: cents(annualTotal + margin),
  };
}

/** A cheaper sibling to suggest as the migration candidate; the user overwrites it on the sheet. */
export const CANDIDATES: [RegExp, string][] = [
  [/^gpt-4o-mini/, 'gpt-4.1-nano'],
  [/^gpt-4o/, 'gpt-4.1-mini'],
  [/^gpt-4\.1$/, 'gpt-4.1-mini'],
  // the playbook's own migration (Step 5): Claude 3 Sonnet to Claude 3.5 Sonnet
  [/^claude-3-sonnet/, 'claude-3-5-sonnet'],
  [/^claude-3-5-sonnet|^claude-3-7-sonnet|^claude-sonnet-4/, 'claude-3-5-haiku'],
  [/^claude-3-5-haiku/, 'claude-3-haiku'],
];

export function suggestCandidate(model: string): string {
  for (const [re, c] of CANDIDATES) if (re.test(model)) return c;
  return model;
}

const providerOf = (model: string) => (/^(gpt|o\d|text-embedding|chatgpt)/.test(model) ? 'openai' : /^claude/.test(model) ? 'anthropic' : '');

/**
 * The Prices row (1-based position among the sheet's data rows) that gives a model its negotiated price, or its
 * discount, at a date: the rule PriceBook applies (model-specific beats "*", a named provider beats none, then the
 * latest effective date), so the Model prices block can link to the very row the ledger priced with.
 */
export function pricesRowFor(prices: readonly PriceOverride[], model: string, provider: string, date: string, has: (r: PriceOverride) => boolean): number | undefined {
  const t = Date.parse(`${date}T00:00:00Z`);
  let best: number | undefined;
  let bestRank = -1;
  let bestFrom = -Infinity;
  prices.forEach((r, i) => {
    if (!has(r)) return;
    const from = r.effective_from ? utcMs(r.effective_from) : -Infinity;
    if (from > t) return;
    const rp = normalizeProvider(r.provider === '*' ? '' : r.provider);
    if (rp && rp !== normalizeProvider(provider)) return;
    const specific = r.model !== '*' && r.model.toLowerCase() === model.toLowerCase();
    if (!specific && r.model !== '*') return;
    const rank = (specific ? 2 : 0) + (rp ? 1 : 0);
    if (best === undefined || rank > bestRank || (rank === bestRank && from >= bestFrom)) {
      best = i + 1;
      bestRank = rank;
      bestFrom = from;
    }
  });
  return best;
}

/**
 * The Model prices block of the Migration Payback: each model's catalog price at the period's mid-month, and the
 * Prices rows (positions `pricesRows[i]`, default i + 1) that override or discount it.
 */
export function modelPriceRows(models: readonly string[], period: string, prices: readonly PriceOverride[], pricesRows?: readonly number[]): ModelPriceRow[] {
  const date = `${period}-15`;
  const catalog = new PriceBook([]);
  const book = new PriceBook([...prices]);
  const pos = (i: number | undefined) => (i === undefined ? undefined : (pricesRows?.[i - 1] ?? i));
  return [...new Set(models.filter(Boolean))].sort().map((model) => {
    const provider = providerOf(model);
    const c = catalog.unitPrices({ provider, model, date });
    const hasCatalog = c.source !== 'unpriced' && Number.isFinite(c.input);
    const negotiated = pricesRowFor(prices, model, provider, date, (r) => r.input_mtok !== null || r.output_mtok !== null);
    const discount = pricesRowFor(prices, model, provider, date, (r) => r.discount_pct !== null && r.discount_pct !== 0);
    const effective = book.unitPrices({ provider, model, date });
    const priced = effective.source !== 'unpriced' && Number.isFinite(effective.input);
    const source = negotiated
      ? `Prices row ${pos(negotiated)! + 1}${discount ? `, discount row ${pos(discount)! + 1}` : ''}`
      : discount
        ? `${CATALOG_VERSION}, discount on Prices row ${pos(discount)! + 1}`
        : hasCatalog
          ? `${CATALOG_VERSION} at ${date}`
          : 'not priced: type the prices, or add a Prices row';
    return {
      model,
      provider,
      input_mtok: priced ? effective.input : null,
      output_mtok: priced ? effective.output : null,
      source,
      ...(negotiated ? { pricesRow: pos(negotiated), pricesModel: prices[negotiated - 1].model } : {}),
      ...(discount ? { discountRow: pos(discount), discountModel: prices[discount - 1].model } : {}),
      catalog_input: hasCatalog ? c.input : null,
      catalog_output: hasCatalog ? c.output : null,
    };
  });
}

/**
 * Default payback inputs: each agent's current model and a suggested cheaper candidate, priced through the workbook's
 * Prices at the period's mid-month (the Model prices block links to those rows), a one-off of $40,000 (the
 * playbook's) and no parallel run (the playbook counts none: $40,000 at $20,000 a month saved is 2.0 months).
 */
export function defaultPaybackInputs(result: LedgerResult, period: string, agents: readonly Agent[], prices: readonly PriceOverride[] = [], oneOff = 40_000, parallelMonths = 0, pricesRows?: readonly number[]): PaybackInputs {
  const rows0 = agents.map((a) => ({ a, cand: suggestCandidate(a.model) }));
  const models = modelPriceRows(rows0.flatMap((x) => [x.a.model, x.cand]), period, prices, pricesRows);
  const price = (model: string) => models.find((m) => m.model === model) ?? { input_mtok: null, output_mtok: null };
  const rows: PaybackRowInput[] = rows0.map(({ a, cand }) => {
    const cur = price(a.model);
    const next = price(cand);
    return {
      agent_id: a.agent_id, candidate_model: cand,
      current_input_mtok: cur.input_mtok ?? NaN, current_output_mtok: cur.output_mtok ?? NaN,
      candidate_input_mtok: next.input_mtok ?? NaN, candidate_output_mtok: next.output_mtok ?? NaN,
      one_off_usd: oneOff, parallel_months: parallelMonths,
    };
  });
  void result;
  return { period, rows, models };
}

export interface PaybackFigure {
  agent_id: string;
  volume: number;
  inputPerItem: number;
  outputPerItem: number;
  currentUnit: number | null;
  candidateUnit: number | null;
  /** the Ledger's api + retry of the agent in the period */
  ledgerSpend: number;
  /** the spend the saving is taken on: typed, else the Ledger's */
  spend: number;
  savingPct: number | null;
  saving: number | null;
  parallelCost: number;
  /** null = never pays back (`why` says why) */
  payback: number | null;
  why: string;
  rank: number | null;
  quarter: string;
}

export function computePayback(result: LedgerResult, inputs: PaybackInputs, agents: readonly Agent[] = result.agents): PaybackFigure[] {
  const rowsByAgent = new Map<string, { n: number; inTok: number; outTok: number; apiCents: number }>();
  for (const r of result.rows) {
    if (r.period !== inputs.period) continue;
    let a = rowsByAgent.get(r.agent_id);
    if (!a) rowsByAgent.set(r.agent_id, (a = { n: 0, inTok: 0, outTok: 0, apiCents: 0 }));
    a.n += workItemsOf(r);
    a.inTok += r.input_tokens;
    a.outTok += r.output_tokens;
    a.apiCents += Math.round(r.api * 100) + Math.round(r.retry * 100);
  }
  const prices = new Map((inputs.models ?? []).map((m) => [m.model, m]));
  const priceOf = (model: string, fallback: [number, number]): [number | null, number | null] => {
    const m = inputs.models ? prices.get(model) : undefined;
    if (inputs.models) return m ? [m.input_mtok, m.output_mtok] : [null, null];
    return [Number.isFinite(fallback[0]) ? fallback[0] : null, Number.isFinite(fallback[1]) ? fallback[1] : null];
  };
  const figs = inputs.rows.map((p) => {
    const a = rowsByAgent.get(p.agent_id) ?? { n: 0, inTok: 0, outTok: 0, apiCents: 0 };
    const model = agents.find((x) => x.agent_id === p.agent_id)?.model ?? '';
    const [ci, co] = priceOf(model, [p.current_input_mtok, p.current_output_mtok]);
    const [ki, ko] = priceOf(p.candidate_model, [p.candidate_input_mtok, p.candidate_output_mtok]);
    const inputPerItem = a.n ? a.inTok / a.n : 0;
    const outputPerItem = a.n ? a.outTok / a.n : 0;
    const currentUnit = ci !== null && co !== null ? (inputPerItem * ci + outputPerItem * co) / 1e6 : null;
    const candidateUnit = ki !== null && ko !== null ? (inputPerItem * ki + outputPerItem * ko) / 1e6 : null;
    const ledgerSpend = a.apiCents / 100;
    const spend = p.monthly_spend_usd ?? ledgerSpend;
    const savingPct = currentUnit !== null && candidateUnit !== null && currentUnit > 0 ? 1 - candidateUnit / currentUnit : null;
    const saving = savingPct === null ? null : cents(spend * savingPct);
    const parallelCost = cents(p.parallel_months * spend * (1 - (savingPct ?? 0)));
    // to a millionth of a month, as the sheet (its rank compares 15-digit text: reports.ts)
    const payback = saving !== null && saving > 0 ? roundShown((p.one_off_usd + parallelCost) / saving, 6) : null;
    const why =
      payback !== null ? ''
      : ci === null || co === null ? 'no price for the current model: add it to Model prices'
      : ki === null || ko === null ? 'no price for the candidate model: add it to Model prices'
      : !(currentUnit! > 0) ? 'no tokens for this agent in the period'
      : !(spend > 0) ? 'no model spend in the period'
      : !(savingPct! > 0) ? 'the candidate costs as much or more per unit'
      : 'the saving rounds to $0.00';
    return { agent_id: p.agent_id, volume: a.n, inputPerItem, outputPerItem, currentUnit, candidateUnit, ledgerSpend, spend, savingPct, saving, parallelCost, payback, why, rank: null as number | null, quarter: 'never' };
  });
  const perQ = inputs.migrationsPerQuarter ?? 2;
  const maxP = inputs.maxPaybackMonths ?? 12;
  const [y, m] = inputs.period.split('-').map(Number);
  const q0 = Math.floor((m - 1) / 3) + 1;
  const firstYear = inputs.firstYear ?? (q0 === 4 ? y + 1 : y);
  const firstQuarter = inputs.firstQuarter ?? (q0 === 4 ? 1 : q0 + 1);
  figs.forEach((f, i) => {
    if (f.payback === null) return;
    const less = figs.filter((g) => g.payback !== null && g.payback < f.payback!).length;
    const sameBefore = figs.slice(0, i + 1).filter((g) => g.payback === f.payback).length;
    f.rank = less + sameBefore;
    if (f.payback <= maxP) {
      const idx = firstYear * 4 + firstQuarter - 1 + Math.floor((f.rank - 1) / perQ);
      f.quarter = `${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
    } else f.quarter = `not within ${maxP} months`;
  });
  return figs;
}

/** Agent ids sorted by payback (never last), as the sheet lists them. */
export function paybackOrder(figs: readonly PaybackFigure[]): string[] {
  return [...figs].sort((a, b) => (a.payback ?? Infinity) - (b.payback ?? Infinity) || a.agent_id.localeCompare(b.agent_id)).map((f) => f.agent_id);
}

export interface SloFigure {
  agent_id: string;
  period: string;
  work_items: number;
  outcomes: number;
  total: number;
  /** at displayed precision (cents); null when nothing succeeded */
  cost_per_outcome: number | null;
  /** (cost per outcome ÷ target − 1) at tenths of a percent */
  vs_target: number | null;
  accuracy: number | null;
  review_rate: number | null;
  status: SloStatus;
  /** cost with no successful outcome in the month */
  noOutcomes: boolean;
  /** what breached its SLO (empty unless status is "SLO breach" or "no outcomes" with a cost SLO) */
  breaches: ('cost' | 'accuracy' | 'review_rate')[];
  above: 0 | 1;
  twoMonths: boolean;
  alert: boolean;
  retireRun: number;
}

/** a > b when both are numbers (the sheets' gt()). */
const gtN = (a: number | null, b: number | null) => a !== null && b !== null && a > b;
const shown = (x: number | null, d: number) => (x === null ? null : roundShown(x, d));

/**
 * One agent-month of the SLO Monitor, decided as its formulas decide it: comparisons at displayed precision (cents
 * for costs, tenths of a percent for shares), cost with no successful outcome as "no outcomes" (above target, an
 * alert, over any cost SLO and human baseline).
 */
export function sloFigure(a: Aggregate, ag: Agent, alertPct: number): Omit<SloFigure, 'agent_id' | 'period' | 'twoMonths' | 'retireRun'> & { retireBad: boolean } {
  const cpo = a.outcomes > 0 ? roundShown(a.total / a.outcomes, 2) : null;
  const target = shown(ag.target_cost_per_outcome, 2);
  const vs = cpo !== null && target !== null && target > 0 ? roundShown(cpo / target - 1, 3) : null;
  const accuracy = shown(a.accuracy, 3);
  const reviewRate = a.work_items > 0 ? shown(a.review_rate, 3) : null;
  const noOutcomes = a.outcomes === 0 && a.total > 0;
  const breaches: SloFigure['breaches'] = [];
  if (gtN(cpo, shown(ag.slo_max_cost_per_outcome, 2)) || (noOutcomes && ag.slo_max_cost_per_outcome !== null)) breaches.push('cost');
  if (gtN(shown(ag.slo_min_accuracy, 3), accuracy)) breaches.push('accuracy');
  if (gtN(reviewRate, shown(ag.slo_max_review_rate, 3))) breaches.push('review_rate');
  const above: 0 | 1 = noOutcomes || gtN(cpo, target) ? 1 : 0;
  const alert = noOutcomes || gtN(vs, roundShown(alertPct, 3));
  const status: SloStatus =
    a.work_items === 0 && a.total === 0 ? 'no activity'
    : noOutcomes ? 'no outcomes'
    : breaches.length ? 'SLO breach'
    : alert ? 'alert'
    : above ? 'above target'
    : ag.target_cost_per_outcome === null ? 'no target'
    : 'on target';
  const retireBad = gtN(cpo, shown(ag.human_cost_per_unit, 2)) || gtN(shown(ag.slo_min_accuracy, 3), accuracy) || (noOutcomes && ag.human_cost_per_unit !== null);
  return { work_items: a.work_items, outcomes: a.outcomes, total: a.total, cost_per_outcome: cpo, vs_target: vs, accuracy, review_rate: reviewRate, status, noOutcomes, breaches, above, alert, retireBad };
}

/** The SLO Monitor's rows from aggregate(result, 'agent', period) for every period. */
export function computeSlo(result: LedgerResult, alertPct = 0.05): SloFigure[] {
  const out: SloFigure[] = [];
  const byPeriod = new Map(result.periods.map((p) => [p, new Map(aggregate(result, 'agent', p).map((a) => [a.key, a]))]));
  for (const ag of result.agents) {
    let prevAbove = 0;
    let run = 0;
    result.periods.forEach((p, i) => {
      const f = sloFigure(byPeriod.get(p)!.get(ag.agent_id)!, ag, alertPct);
      run = f.retireBad ? (i === 0 ? 1 : run + 1) : 0;
      const { retireBad, ...rest } = f;
      void retireBad;
      out.push({ ...rest, agent_id: ag.agent_id, period: p, twoMonths: i > 0 && f.above === 1 && prevAbove === 1, retireRun: run });
      prevAbove = f.above;
    });
  }
  return out;
}
