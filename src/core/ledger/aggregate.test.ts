import { aggregate, buildLedger, summarize } from './index';
import { agent, ev, inputs, rv, wi } from './fixtures';

const closedOct = '2026-10-25T00:00:00Z';
// Agent a (Service, target 10, human 20): A1 success 10, A2 failure 5, A3 success 15, A4 open 2, plus 2 unattributed.
// Agent b (Service, target 4, human 6): B1 open 3. Agent c (Claims): idle. Agents d, e (Ops, targets 2 and 4): idle.
// Reviews at $60/h × 1 minute = $1 each: A1 approved, A2 corrected, A2 approved.
const result = () =>
  buildLedger(
    inputs({
      agents: [
        agent({ agent_id: 'a', business_unit: 'Service', target_cost_per_outcome: 10, human_cost_per_unit: 20 }),
        agent({ agent_id: 'b', business_unit: 'Service', target_cost_per_outcome: 4, human_cost_per_unit: 6 }),
        agent({ agent_id: 'c', business_unit: 'Claims' }),
        agent({ agent_id: 'd', business_unit: 'Ops', target_cost_per_outcome: 2 }),
        agent({ agent_id: 'e', business_unit: 'Ops', target_cost_per_outcome: 4 }),
      ],
      rates: [{ reviewer_role: 'analyst', hourly_rate_usd: 60 }],
      workItems: [
        wi({ work_item_id: 'A1', agent_id: 'a', closed_at: closedOct, outcome: 'success' }),
        wi({ work_item_id: 'A2', agent_id: 'a', closed_at: closedOct, outcome: 'failure' }),
        wi({ work_item_id: 'A3', agent_id: 'a', closed_at: closedOct, outcome: 'success' }),
        wi({ work_item_id: 'A4', agent_id: 'a' }),
        wi({ work_item_id: 'B1', agent_id: 'b' }),
      ],
      events: [
        ev({ work_item_id: 'A1', agent_id: 'a', cost_usd: 10 }),
        ev({ work_item_id: 'A2', agent_id: 'a', cost_usd: 5 }),
        ev({ work_item_id: 'A3', agent_id: 'a', cost_usd: 15 }),
        ev({ work_item_id: 'A4', agent_id: 'a', cost_usd: 2 }),
        ev({ work_item_id: 'B1', agent_id: 'b', cost_usd: 3 }),
        ev({ work_item_id: '', agent_id: 'a', cost_usd: 2 }),
        ev({ work_item_id: 'A1', agent_id: 'a', cost_usd: 7, timestamp: '2026-09-10T00:00:00Z' }),
      ],
      reviews: [
        rv({ work_item_id: 'A1', minutes: 1 }),
        rv({ work_item_id: 'A2', minutes: 1, result: 'corrected' }),
        rv({ work_item_id: 'A2', minutes: 1, result: 'approved', reviewed_at: '2026-10-07T00:00:00Z' }),
      ],
    }),
  );

describe('aggregates', () => {
  test('per agent: cost per outcome carries failures, accuracy, review rate, null on zero outcomes', () => {
    const ag = aggregate(result(), 'agent', '2026-10');
    const a = ag.find((x) => x.key === 'a')!;
    // components 10+5+15+2 = 32 api + 3 review, unattributed 2 → total 37; 2 successes; 4 items
    expect(a).toMatchObject({ work_items: 4, outcomes: 2, closed: 3, api: 32, review: 3, unattributed: 2, total: 37 });
    expect(a.cost_per_outcome).toBe(18.5);
    expect(a.cost_per_work_item).toBe(9.25);
    expect(a.accuracy).toBeCloseTo(2 / 3, 12);
    expect(a.review_rate).toBe(0.5);
    expect([a.target_cost_per_outcome, a.human_cost_per_unit]).toEqual([10, 20]);
    const b = ag.find((x) => x.key === 'b')!;
    expect(b).toMatchObject({ work_items: 1, outcomes: 0, total: 3, cost_per_outcome: null, cost_per_work_item: 3, accuracy: null, review_rate: 0 });
    const c = ag.find((x) => x.key === 'c')!;
    expect(c).toMatchObject({ work_items: 0, total: 0, cost_per_outcome: null, cost_per_work_item: null, review_rate: null });
  });

  test('per business unit: outcome-weighted target, plain mean when nothing succeeded; "*" has no target', () => {
    const bu = aggregate(result(), 'business_unit', '2026-10');
    const s = bu.find((x) => x.key === 'Service')!;
    expect(s).toMatchObject({ work_items: 5, outcomes: 2, total: 40, cost_per_outcome: 20 });
    expect(s.target_cost_per_outcome).toBe(10); // b has no outcomes → weight 0
    expect(s.human_cost_per_unit).toBe(20);
    expect(bu.find((x) => x.key === 'Ops')!.target_cost_per_outcome).toBe(3);
    expect(bu.find((x) => x.key === 'Claims')!.target_cost_per_outcome).toBeNull();
    const all = aggregate(result(), 'all', '2026-10');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ key: '*', work_items: 5, outcomes: 2, total: 40, unattributed: 2, target_cost_per_outcome: null });
  });

  test('without a period: one aggregate per key per period (September has A1 only, no outcome)', () => {
    const all = aggregate(result(), 'all');
    expect(all.map((x) => [x.period, x.work_items, x.outcomes, x.total, x.cost_per_outcome])).toEqual([
      ['2026-09', 1, 0, 7, null],
      ['2026-10', 5, 2, 40, 20],
    ]);
  });
});

describe('summary', () => {
  test('has exactly the keys of issue 3 and ties to the cent', () => {
    const r = result();
    const s = summarize(r, '2026-10', { rejected: [{ file: 'usage.csv', line: 7, column: 'status', value: 'meh', reason: 'expected one of ok, error, retry' }] });
    expect(Object.keys(s).sort()).toEqual(
      ['agents', 'business_units', 'catalog_version', 'conservation', 'outcomes', 'period', 'rejected', 'totals', 'unpriced', 'work_items'].sort(),
    );
    expect(Object.keys(s.totals).sort()).toEqual(['api', 'overhead', 'retry', 'review', 'total', 'tools', 'trueup', 'unattributed'].sort());
    expect(s.totals).toEqual({ api: 35, retry: 0, tools: 0, review: 3, overhead: 0, trueup: 0, unattributed: 2, total: 40 });
    expect(Object.keys(s.agents[0]).sort()).toEqual(
      [
        'agent_id', 'business_unit', 'work_items', 'outcomes', 'api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total',
        'cost_per_outcome', 'cost_per_work_item', 'accuracy', 'review_rate', 'target_cost_per_outcome', 'human_cost_per_unit',
      ].sort(),
    );
    expect(Object.keys(s.business_units[0]).sort()).toEqual(
      ['business_unit', 'api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total', 'work_items', 'outcomes', 'cost_per_outcome'].sort(),
    );
    expect(s.rejected).toEqual([{ file: 'usage.csv', line: 7, column: 'status', reason: 'expected one of ok, error, retry' }]);
    expect(s.conservation).toMatchObject({ difference: 0, cents_tie: true, ok: true });
    expect(s.conservation.events_and_reviews).toBe(40);
    // chargeback lines (agents, business units) sum to the total to the cent
    const cents = (xs: { total: number }[]) => xs.reduce((t, x) => t + Math.round(x.total * 100), 0);
    expect(cents(s.agents)).toBe(4000);
    expect(cents(s.business_units)).toBe(4000);
    expect([s.work_items, s.outcomes, s.period]).toEqual([5, 2, '2026-10']);
  });

  test('chargeback lines still sum to the total with Unassigned true-up, unallocated overhead and an unconfigured agent', () => {
    const r = buildLedger(
      inputs({
        agents: [agent({ agent_id: 'a', business_unit: 'Service' })],
        workItems: [wi({ work_item_id: 'A1', agent_id: 'a' }), wi({ work_item_id: 'Z1', agent_id: 'zed', business_unit: 'Claims' })],
        events: [
          ev({ work_item_id: 'A1', agent_id: 'a', cost_usd: 1 / 3 }),
          ev({ work_item_id: 'Z1', agent_id: 'zed', cost_usd: 2 / 3 }),
          ev({ work_item_id: '', agent_id: 'zed', cost_usd: 0.125 }),
        ],
        overheads: [
          { period: '2026-10', category: 'infra', amount_usd: 10, scope: 'all', driver: 'api_cost' },
          { period: '2026-10', category: 'ghost', amount_usd: 5, scope: 'agent:ghost', driver: 'work_items' },
        ],
        invoices: [
          { period: '2026-10', provider: 'openai', billed_usd: 1.5 },
          { period: '2026-10', provider: 'mistral', billed_usd: 0.99 },
        ],
      }),
    );
    const s = summarize(r, '2026-10', { rejected: [] });
    // openai: computed 1.125 → 1.13 to the cent, invoice 1.50 → true-up 0.37; mistral: invoice 0.99, no events → true-up
    // 0.99 on Unassigned. The True-up column is all of it (work items and unattributed lines): 1.36 = 1.50 + 0.99 − 1.13.
    // api 1.00 (1/3 + 2/3) + overhead 10 + unattributed 5.13 (0.125 + the 5 unallocated) + true-up 1.36 = 17.49.
    expect(s.totals.total).toBe(17.49);
    expect(s.totals.trueup).toBe(1.36);
    expect(s.totals.unattributed).toBe(5.13);
    const cents = (xs: { total: number }[]) => xs.reduce((t, x) => t + Math.round(x.total * 100), 0);
    expect(cents(s.agents)).toBe(1749);
    expect(cents(s.business_units)).toBe(1749);
    expect(s.agents.map((a) => [a.agent_id, a.business_unit])).toEqual([
      ['a', 'Service'],
      ['Unassigned', 'Unassigned'],
      ['ghost', 'Unassigned'],
      ['zed', 'Unassigned'],
    ]);
    // Z1's row goes to its own business unit; zed's unattributed call to the placeholder's "Unassigned"
    expect(s.business_units.find((b) => b.business_unit === 'Claims')!.work_items).toBe(1);
    expect(s.conservation.ok).toBe(true);
  });
});
