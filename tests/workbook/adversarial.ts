// A workbook whose every name is one a criterion would misread (issue 12): wildcards, a tilde, leading and inner
// operators, quotes and apostrophes, names differing only in case, a 300-character business unit, a "date" and a
// "decimal comma" as names. It also carries a month with cost and no successful outcome, a cost per outcome equal to
// its target up to float noise, items that sit in another business unit than their agent, unattributed usage,
// overheads and three invoiced providers (one with wildcards and quotes in its name).
import { buildLedger } from '../../src/core/ledger';
import { agent, ev, rv, wi } from '../../src/core/ledger/fixtures';
import type { LedgerContext } from '../../src/core/ledger/types';
import type { Review, UsageEvent, WorkItem } from '../../src/core/model/records';
import { buildWorkbook, defaultBudget, defaultPaybackInputs, DEFAULT_DRIVERS, type LedgerGrainOptions } from '../../src/workbook';
import type { FigureInputs } from './figures-check';

export const LONG_BU = `Business unit ${'x'.repeat(290)}`;
export const NAMES = {
  star: { agent: 'agent*', bu: 'Customer*' },
  plain: { agent: 'agent-1', bu: 'Customer Service' },
  upper: { agent: 'AGENT*', bu: 'customer*' },
  eq: { agent: '=1+1', bu: '=Claims' },
  lt: { agent: '<a>', bu: '<>Ops' },
  q: { agent: 'a?c', bu: 'Cust?mer' },
  quote: { agent: 'it\'s "quoted"', bu: 'O\'Brien "Legal"' },
  tilde: { agent: 'tilde~x', bu: 'a~b' },
  long: { agent: `L${'o'.repeat(259)}ng`, bu: LONG_BU },
  date: { agent: '1,70', bu: '2026-10' },
} as const;

export function adversarialWorkbook(ledger?: LedgerGrainOptions) {
  const agents = [
    agent({ agent_id: NAMES.star.agent, business_unit: NAMES.star.bu, target_cost_per_outcome: 1, human_cost_per_unit: 3, slo_max_cost_per_outcome: 5, model: 'gpt-4o' }),
    agent({ agent_id: NAMES.plain.agent, business_unit: NAMES.plain.bu, target_cost_per_outcome: 2, human_cost_per_unit: 4, model: 'gpt-4o-mini' }),
    agent({ agent_id: NAMES.upper.agent, business_unit: NAMES.upper.bu, target_cost_per_outcome: 3, model: 'claude-3-5-sonnet' }),
    agent({ agent_id: NAMES.eq.agent, business_unit: NAMES.eq.bu, target_cost_per_outcome: 4, slo_min_accuracy: 0.9, model: 'claude-3-5-haiku' }),
    agent({ agent_id: NAMES.lt.agent, business_unit: NAMES.lt.bu, target_cost_per_outcome: 0.5, model: 'gpt-4o' }),
    // its October cost per outcome is 6.90 / 3 = 2.3000000000000003: on target at displayed precision
    agent({ agent_id: NAMES.q.agent, business_unit: NAMES.q.bu, target_cost_per_outcome: 2.3, model: 'weird*model?' }),
    agent({ agent_id: NAMES.quote.agent, business_unit: NAMES.quote.bu, target_cost_per_outcome: 1.5, slo_max_review_rate: 0.2, model: 'gpt-4o' }),
    agent({ agent_id: NAMES.tilde.agent, business_unit: NAMES.tilde.bu, model: 'gpt-4o-mini' }),
    agent({ agent_id: NAMES.long.agent, business_unit: NAMES.long.bu, target_cost_per_outcome: 1, model: 'gpt-4o' }),
    agent({ agent_id: NAMES.date.agent, business_unit: NAMES.date.bu, target_cost_per_outcome: 1, model: 'gpt-4o-mini' }),
  ];
  const workItems: WorkItem[] = [];
  const events: UsageEvent[] = [];
  const reviews: Review[] = [];
  const providers = ['openai', 'anthropic', '*"star"*', 'acme'];
  let n = 0;
  agents.forEach((a, ai) => {
    for (const period of ['2026-09', '2026-10']) {
      const items = a.agent_id === NAMES.q.agent ? 3 : 5 + ai;
      for (let i = 0; i < items; i++) {
        const id = `${a.agent_id}|${period}|${i}`;
        // agent* closes nothing successfully in October: cost with no outcome
        const outcome = a.agent_id === NAMES.star.agent && period === '2026-10' ? 'failure' : i % 4 === 3 ? 'failure' : 'success';
        // every third item of agent-1 sits in agent*'s business unit, and one of AGENT*'s in agent-1's
        const bu = a.agent_id === NAMES.plain.agent && i % 3 === 0 ? NAMES.star.bu : a.agent_id === NAMES.upper.agent && i === 1 ? NAMES.plain.bu : '';
        workItems.push(wi({ work_item_id: id, agent_id: a.agent_id, business_unit: bu, closed_at: `${period}-20T00:00:00Z`, outcome }));
        const ts = `${period}-${String(3 + (i % 20)).padStart(2, '0')}T10:00:00Z`;
        if (a.agent_id === NAMES.q.agent) {
          events.push(ev({ event_id: `e${n++}`, work_item_id: id, agent_id: a.agent_id, timestamp: ts, provider: 'acme', cost_usd: 2.3 }));
          continue;
        }
        const provider = providers[(ai + i) % 3];
        events.push(ev({ event_id: `e${n++}`, work_item_id: id, agent_id: a.agent_id, timestamp: ts, provider, cost_usd: 0.1 + ((ai * 7 + i * 13) % 17) / 97, input_tokens: 1000 + i * 10, output_tokens: 100 }));
        events.push(ev({ event_id: `e${n++}`, work_item_id: id, agent_id: a.agent_id, timestamp: ts, provider: 'acme', kind: 'tool', cost_usd: 0.0123 * (i + 1) }));
        if (i % 2) events.push(ev({ event_id: `e${n++}`, work_item_id: id, agent_id: a.agent_id, timestamp: ts, provider, status: 'retry', cost_usd: 0.0371 }));
        if (i % 3 === 1) reviews.push(rv({ work_item_id: id, minutes: 3 + i, reviewed_at: ts, result: i % 2 ? 'approved' : 'corrected' }));
      }
      // usage with no work item, and naming one never imported
      if (a.agent_id !== NAMES.q.agent) {
        events.push(ev({ event_id: `e${n++}`, work_item_id: '', agent_id: a.agent_id, timestamp: `${period}-05T00:00:00Z`, provider: 'openai', cost_usd: 0.0777 }));
        events.push(ev({ event_id: `e${n++}`, work_item_id: `ghost ${a.agent_id}`, agent_id: a.agent_id, timestamp: `${period}-06T00:00:00Z`, provider: '*"star"*', cost_usd: 0.0444 }));
      }
    }
  });
  const ctx: LedgerContext = {
    agents,
    rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 61 }],
    toolPrices: [],
    prices: [],
    overheads: [
      // business-unit scopes match case-insensitively (RULES.md): this one reaches Customer* and customer*
      { period: '2026-10', category: 'platform', amount_usd: 123.45, scope: `business_unit:${NAMES.star.bu}`, driver: 'api_cost' },
      { period: '2026-10', category: 'platform', amount_usd: 45.67, scope: `agent:${NAMES.eq.agent}`, driver: 'tokens' },
      { period: '2026-10', category: 'legal infra', amount_usd: 10, scope: `business_unit:${NAMES.quote.bu}`, driver: 'work_items' },
      { period: '2026-10', category: 'orphan', amount_usd: 7.77, scope: 'business_unit:Nowhere*', driver: 'work_items' },
      { period: '2026-09', category: 'platform', amount_usd: 99.99, scope: 'all', driver: 'tokens' },
    ],
    invoices: [
      { period: '2026-09', provider: 'openai', billed_usd: 3.33 },
      { period: '2026-10', provider: 'OpenAI', billed_usd: 4.44 },
      { period: '2026-10', provider: 'anthropic', billed_usd: 2.22 },
      { period: '2026-10', provider: '*"star"*', billed_usd: 3.01 },
    ],
  };
  const result = buildLedger({ ...ctx, workItems, events, reviews });
  const period = '2026-10';
  const budget = defaultBudget(result, ctx, period);
  const payback = defaultPaybackInputs(result, period, ctx.agents, ctx.prices);
  const spec = buildWorkbook({ result, ctx, period, budget, payback, rejected: [], ledger });
  const figures: FigureInputs = { result, ctx, period, budget: { lines: budget.lines, drivers: { ...DEFAULT_DRIVERS } }, payback };
  return { result, ctx, period, spec, figures };
}
