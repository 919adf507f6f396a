// The same figures the report sheets compute, computed here in TypeScript from the core's aggregates. They are
// the oracle the workbook tests compare every host's recalculated cells with, and they sort the payback rows.
import { aggregate } from '../core/ledger/aggregate';
import type { LedgerResult } from '../core/ledger/types';
import type { Agent, PriceOverride } from '../core/model/records';
import { PriceBook } from '../core/pricing';
import type { BudgetLine, Drivers } from './inputs';
import type { PaybackInputs, PaybackRowInput } from './reports';

const cents = (x: number) => Math.round(x * 100) / 100;

export interface BudgetFigures {
  lines: { business_unit: string; agents: number; cost_per_unit: number; volume: number; monthly: number }[];
  agents: number;
  volume: number;
  monthly: number;
  blended: number;
  annualLabor: number;
  annualTotal: number;
  margin: number;
  withMargin: number;
}

export function computeBudget(lines: readonly BudgetLine[], d: Drivers): BudgetFigures {
  const ls = lines.map((l) => ({ business_unit: l.business_unit, agents: l.agents, cost_per_unit: l.cost_per_unit, volume: l.monthly_volume, monthly: cents(l.cost_per_unit * l.monthly_volume) }));
  const monthly = cents(ls.reduce((s, l) => s + l.monthly, 0));
  const volume = ls.reduce((s, l) => s + l.volume, 0);
  const annualLabor = cents(monthly * 12);
  const annualTotal = cents(annualLabor + d.model_migrations_usd + d.infrastructure_usd + d.prompt_engineering_usd);
  const margin = cents(annualTotal * d.margin_pct);
  return {
    lines: ls,
    agents: ls.reduce((s, l) => s + l.agents, 0),
    volume,
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
  [/^claude-3-5-sonnet|^claude-3-7-sonnet|^claude-sonnet-4/, 'claude-3-5-haiku'],
  [/^claude-3-5-haiku/, 'claude-3-haiku'],
];

export function suggestCandidate(model: string): string {
  for (const [re, c] of CANDIDATES) if (re.test(model)) return c;
  return model;
}

const providerOf = (model: string) => (/^(gpt|o\d|text-embedding|chatgpt)/.test(model) ? 'openai' : /^claude/.test(model) ? 'anthropic' : '');

/** Default payback inputs: current prices at the period's mid-month through the workbook's Prices, a suggested candidate. */
export function defaultPaybackInputs(result: LedgerResult, period: string, agents: readonly Agent[], prices: readonly PriceOverride[] = [], oneOff = 40_000, parallelMonths = 1): PaybackInputs {
  const book = new PriceBook([...prices]);
  const date = `${period}-15`;
  const price = (model: string) => {
    if (!model) return { input: 0, output: 0 };
    const u = book.unitPrices({ provider: providerOf(model), model, date });
    return u.source === 'unpriced' || !Number.isFinite(u.input) ? { input: 0, output: 0 } : { input: u.input, output: u.output };
  };
  const rows: PaybackRowInput[] = agents.map((a) => {
    const cand = suggestCandidate(a.model);
    const cur = price(a.model);
    const next = price(cand);
    return {
      agent_id: a.agent_id, candidate_model: cand,
      current_input_mtok: cur.input, current_output_mtok: cur.output,
      candidate_input_mtok: next.input, candidate_output_mtok: next.output,
      one_off_usd: oneOff, parallel_months: parallelMonths,
    };
  });
  return { period, rows };
}

export interface PaybackFigure {
  agent_id: string;
  volume: number;
  inputPerItem: number;
  outputPerItem: number;
  currentUnit: number;
  candidateUnit: number;
  spend: number;
  savingPct: number;
  saving: number;
  parallelCost: number;
  payback: number | null;
  rank: number | null;
  quarter: string;
}

export function computePayback(result: LedgerResult, inputs: PaybackInputs): PaybackFigure[] {
  const rowsByAgent = new Map<string, { n: number; inTok: number; outTok: number; apiCents: number }>();
  for (const r of result.rows) {
    if (r.period !== inputs.period) continue;
    let a = rowsByAgent.get(r.agent_id);
    if (!a) rowsByAgent.set(r.agent_id, (a = { n: 0, inTok: 0, outTok: 0, apiCents: 0 }));
    a.n++;
    a.inTok += r.input_tokens;
    a.outTok += r.output_tokens;
    a.apiCents += Math.round(r.api * 100) + Math.round(r.retry * 100);
  }
  const figs = inputs.rows.map((p) => {
    const a = rowsByAgent.get(p.agent_id) ?? { n: 0, inTok: 0, outTok: 0, apiCents: 0 };
    const inputPerItem = a.n ? a.inTok / a.n : 0;
    const outputPerItem = a.n ? a.outTok / a.n : 0;
    const currentUnit = (inputPerItem * p.current_input_mtok + outputPerItem * p.current_output_mtok) / 1e6;
    const candidateUnit = (inputPerItem * p.candidate_input_mtok + outputPerItem * p.candidate_output_mtok) / 1e6;
    const spend = a.apiCents / 100;
    const savingPct = currentUnit > 0 ? 1 - candidateUnit / currentUnit : 0;
    const saving = cents(spend * savingPct);
    const parallelCost = cents(p.parallel_months * spend * (1 - savingPct));
    const payback = saving > 0 ? (p.one_off_usd + parallelCost) / saving : null;
    return { agent_id: p.agent_id, volume: a.n, inputPerItem, outputPerItem, currentUnit, candidateUnit, spend, savingPct, saving, parallelCost, payback, rank: null as number | null, quarter: 'no saving' };
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

/** Agent ids sorted by payback (no saving last), as the sheet lists them. */
export function paybackOrder(figs: readonly PaybackFigure[]): string[] {
  return [...figs].sort((a, b) => (a.payback ?? Infinity) - (b.payback ?? Infinity) || a.agent_id.localeCompare(b.agent_id)).map((f) => f.agent_id);
}

export interface SloFigure {
  agent_id: string;
  period: string;
  work_items: number;
  outcomes: number;
  total: number;
  cost_per_outcome: number | null;
  vs_target: number | null;
  accuracy: number | null;
  review_rate: number | null;
  above: 0 | 1;
  twoMonths: boolean;
  alert: boolean;
  retireRun: number;
}

/** The SLO Monitor's rows from aggregate(result, 'agent', period) for every period. */
export function computeSlo(result: LedgerResult, alertPct = 0.05): SloFigure[] {
  const out: SloFigure[] = [];
  const byPeriod = new Map(result.periods.map((p) => [p, new Map(aggregate(result, 'agent', p).map((a) => [a.key, a]))]));
  for (const ag of result.agents) {
    let prevAbove = 0;
    let run = 0;
    result.periods.forEach((p, i) => {
      const a = byPeriod.get(p)!.get(ag.agent_id)!;
      const cpo = a.outcomes > 0 ? a.total / a.outcomes : null;
      const target = ag.target_cost_per_outcome;
      const vs = cpo !== null && target !== null && target > 0 ? cpo / target - 1 : null;
      const above: 0 | 1 = vs !== null && vs > 0 ? 1 : 0;
      const bad = (cpo !== null && ag.human_cost_per_unit !== null && cpo > ag.human_cost_per_unit) || (a.accuracy !== null && ag.slo_min_accuracy !== null && a.accuracy < ag.slo_min_accuracy);
      run = bad ? (i === 0 ? 1 : run + 1) : 0;
      out.push({
        agent_id: ag.agent_id, period: p, work_items: a.work_items, outcomes: a.outcomes, total: a.total, cost_per_outcome: cpo,
        vs_target: vs, accuracy: a.accuracy, review_rate: a.review_rate, above, twoMonths: i > 0 && above === 1 && prevAbove === 1,
        alert: vs !== null && vs > alertPct, retireRun: run,
      });
      prevAbove = above;
    });
  }
  return out;
}
