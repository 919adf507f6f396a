// The demo workbook the figure tests recalculate: the sample organisation at a small scale, through the ledger.
import { buildLedger } from '../../src/core/ledger';
import type { LedgerContext } from '../../src/core/ledger/types';
import { sampleData } from '../../src/core/sample';
import { buildWorkbook, defaultBudget, defaultPaybackInputs, DEFAULT_DRIVERS, lastPeriod, type LedgerGrainOptions } from '../../src/workbook';
import type { FigureInputs } from './figures-check';

export function demoWorkbook(scale = 0.002, months = 3, ledger?: LedgerGrainOptions) {
  const d = sampleData({ scale, months });
  const result = buildLedger(d);
  const ctx: LedgerContext = { agents: d.agents, rates: d.rates, toolPrices: d.toolPrices, overheads: d.overheads, invoices: d.invoices, prices: d.prices };
  const period = lastPeriod(result);
  const budget = defaultBudget(result, ctx, period);
  const payback = defaultPaybackInputs(result, period, ctx.agents, ctx.prices);
  const rejected = [{ file: 'usage.csv', line: 7, column: 'input_tokens', value: '=HYPERLINK("http://x","click")', reason: 'expected a whole number ≥ 0' }];
  const spec = buildWorkbook({ result, ctx, period, budget, payback, rejected, ledger });
  const figures: FigureInputs = { result, ctx, period, budget: { lines: budget.lines, drivers: { ...DEFAULT_DRIVERS } }, payback };
  return { data: d, result, ctx, period, spec, figures };
}
