import { sampleData } from '../sample';
import { aggregate, buildLedger, summarize } from './index';
import { LedgerIndex } from './ledger-index';
import { agent, ev, inputs, wi } from './fixtures';

describe('LedgerIndex over the sample organisation', () => {
  const d = sampleData({ scale: 0.003, months: 3 });
  const result = buildLedger(d);
  // Built as the store builds it: published rows, unattributed rows and the configured agents only.
  const index = LedgerIndex.build({ rows: result.rows, unattributed: result.unattributed, agents: d.agents });

  it('knows the same periods and agents (placeholders included) as the build', () => {
    expect(index.periods).toEqual(result.periods);
    expect(index.agents.map((a) => a.agent_id)).toEqual(result.agents.map((a) => a.agent_id));
    expect(index.agents).toEqual(result.agents);
  });

  it('equals aggregate() for every agent, business unit and "*" in every period, field for field', () => {
    let compared = 0;
    for (const p of result.periods) {
      for (const by of ['agent', 'business_unit', 'all'] as const) {
        for (const a of aggregate(result, by, p)) {
          const got = index.get({ kind: by, key: a.key }, p);
          expect(got).toEqual(a);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it('equals summarize() totals and per-agent figures', () => {
    const p = index.latestPeriod!;
    const s = summarize(result, p, { rejected: [] });
    const all = index.get({ kind: 'all', key: '*' }, p);
    expect({ api: all.api, retry: all.retry, tools: all.tools, review: all.review, overhead: all.overhead, trueup: all.trueup, unattributed: all.unattributed, total: all.total }).toEqual(s.totals);
    expect(all.outcomes).toBe(s.outcomes);
    for (const a of s.agents) {
      const g = index.get({ kind: 'agent', key: a.agent_id }, p);
      expect([g.total, g.cost_per_outcome, g.accuracy, g.review_rate, g.target_cost_per_outcome]).toEqual([a.total, a.cost_per_outcome, a.accuracy, a.review_rate, a.target_cost_per_outcome]);
    }
  });

  it('lists the rows of a scope in ledger order', () => {
    const p = index.latestPeriod!;
    const ag = d.agents[0].agent_id;
    expect(index.rowsOf({ kind: 'agent', key: ag }, p)).toEqual(result.rows.filter((r) => r.period === p && r.agent_id === ag));
    expect(index.rowsOf({ kind: 'all', key: '*' }, p)).toEqual(result.rows.filter((r) => r.period === p));
    expect(index.rowsOf({ kind: 'all', key: '*' }, '1999-01')).toEqual([]);
  });

  it('gives zeros (and the agent\'s target) for an idle period, as aggregate() does', () => {
    const ag = d.agents[0];
    const g = index.get({ kind: 'agent', key: ag.agent_id }, '2031-01');
    expect(g).toEqual(aggregate(result, 'agent', '2031-01').find((a) => a.key === ag.agent_id));
  });
});

describe('LedgerIndex scopes', () => {
  const result = buildLedger(
    inputs({
      agents: [agent({ agent_id: 'csr-agent', business_unit: 'Customer Service' }), agent({ agent_id: 'Claims', business_unit: 'Claims' })],
      workItems: [wi({ work_item_id: 'W1', agent_id: 'csr-agent', closed_at: '2026-10-05T00:00:00Z', outcome: 'success' })],
      events: [ev({ work_item_id: 'W1', agent_id: 'csr-agent', cost_usd: 1 }), ev({ work_item_id: '', agent_id: 'ghost', cost_usd: 2 })],
    }),
  );
  const index = LedgerIndex.build({ rows: result.rows, unattributed: result.unattributed, agents: result.agents.filter((a) => a.agent_id !== 'ghost') });

  it('resolves agents, business units, "*", explicit prefixes and case', () => {
    expect(index.resolveScope('csr-agent')).toEqual({ kind: 'agent', key: 'csr-agent' });
    expect(index.resolveScope(' CSR-Agent ')).toEqual({ kind: 'agent', key: 'csr-agent' });
    expect(index.resolveScope('customer service')).toEqual({ kind: 'business_unit', key: 'Customer Service' });
    expect(index.resolveScope('*')).toEqual({ kind: 'all', key: '*' });
    // an agent id that is also a business unit: the agent, unless the prefix says otherwise
    expect(index.resolveScope('Claims')).toEqual({ kind: 'agent', key: 'Claims' });
    expect(index.resolveScope('business_unit:Claims')).toEqual({ kind: 'business_unit', key: 'Claims' });
    expect(index.resolveScope('agent:ghost')).toEqual({ kind: 'agent', key: 'ghost' });
    expect(index.resolveScope('Unassigned')).toEqual({ kind: 'business_unit', key: 'Unassigned' });
    expect(index.resolveScope('nobody')).toBeUndefined();
    expect(index.resolveScope('agent:Customer Service')).toBeUndefined();
  });

  it('keeps an unconfigured agent visible under "Unassigned" with its unattributed cost', () => {
    expect(index.agent('ghost')?.business_unit).toBe('Unassigned');
    expect(index.get({ kind: 'agent', key: 'ghost' }, '2026-10').unattributed).toBe(2);
    expect(index.get({ kind: 'all', key: '*' }, '2026-10').total).toBe(3);
  });
});
