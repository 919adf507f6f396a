import { PriceBook } from '../pricing';
import { generateSample, sampleData, samplePeriods } from './index';

describe('sample organisation', () => {
  const d = sampleData({ months: 2, scale: 0.02, seed: 7 });

  test('deterministic for a seed, different for another', () => {
    const again = sampleData({ months: 2, scale: 0.02, seed: 7 });
    expect(again.events.slice(0, 500)).toEqual(d.events.slice(0, 500));
    expect(again.invoices).toEqual(d.invoices);
    const other = sampleData({ months: 2, scale: 0.02, seed: 8 });
    expect(other.events.slice(0, 50)).not.toEqual(d.events.slice(0, 50));
  });

  test('periods end at 2026-10 by default and cross year boundaries', () => {
    expect(samplePeriods()).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    expect(samplePeriods(3, '2027-01')).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(() => samplePeriods(2, '2026-13')).toThrow(/YYYY-MM/);
  });

  test('the playbook organisation: 7 agents in 3 business units with targets, baselines and SLOs', () => {
    const byBu = new Map<string, number>();
    for (const a of d.agents) byBu.set(a.business_unit, (byBu.get(a.business_unit) ?? 0) + 1);
    expect(Object.fromEntries(byBu)).toEqual({ 'Customer Service': 4, 'Claims Underwriting': 2, 'Loan Origination': 1 });
    for (const a of d.agents) {
      expect(a.target_cost_per_outcome).toBeGreaterThan(0);
      expect(a.human_cost_per_unit).toBeGreaterThan(a.target_cost_per_outcome!);
      expect(a.slo_min_accuracy).toBeGreaterThan(0.9);
    }
    const items = (prefix: string) => d.workItems.filter((w) => w.work_item_id.startsWith(`${prefix}-`)).length / 2;
    expect(items('T')).toBeGreaterThan(0.02 * 120_000 * 0.95);
    expect(items('T')).toBeLessThan(0.02 * 120_000 * 1.03);
    expect(items('CLM')).toBeGreaterThan(0.02 * 8_000 * 0.9);
    expect(items('APP')).toBeGreaterThan(0.02 * 2_000 * 0.85);
  });

  test('every model is priced by the catalog; retries ~3%, unattributed ~1%, reviews ~12%, vector and tool calls', () => {
    const book = new PriceBook(d.prices);
    const models = new Set(d.events.filter((e) => e.kind === 'llm' || e.kind === 'embedding').map((e) => `${e.provider}|${e.model}`));
    for (const m of models) {
      const [provider, model] = m.split('|');
      expect(book.unitPrices({ provider, model, date: '2026-10-01' }).source).not.toBe('unpriced');
    }
    const n = d.events.length;
    const retries = d.events.filter((e) => e.status !== 'ok').length / n;
    expect(retries).toBeGreaterThan(0.015);
    expect(retries).toBeLessThan(0.04);
    const ids = new Set(d.workItems.map((w) => w.work_item_id));
    const unattributed = d.events.filter((e) => !ids.has(e.work_item_id)).length / n;
    expect(unattributed).toBeGreaterThan(0.005);
    expect(unattributed).toBeLessThan(0.015);
    const closed = d.workItems.filter((w) => w.closed_at).length;
    expect(d.reviews.length / closed).toBeGreaterThan(0.1);
    expect(d.reviews.length / closed).toBeLessThan(0.14);
    expect(d.events.some((e) => e.kind === 'vector_search' && e.units > 0)).toBe(true);
    expect(d.events.some((e) => e.kind === 'tool' && e.units > 0)).toBe(true);
  });

  test('some work items cross months; items still open at the end are pending', () => {
    const crossing = d.workItems.filter((w) => w.closed_at && w.closed_at.slice(0, 7) !== w.opened_at.slice(0, 7));
    expect(crossing.length).toBeGreaterThan(10);
    expect(d.workItems.some((w) => w.outcome === 'pending' && w.closed_at === '')).toBe(true);
    expect(d.events.every((e) => e.timestamp < '2026-11')).toBe(true);
  });

  test('monthly overheads and one invoice per provider per month, close to computed cost', () => {
    expect(d.overheads.filter((o) => o.period === '2026-10').map((o) => o.category).sort()).toEqual(
      ['infrastructure', 'infrastructure', 'infrastructure', 'observability', 'vector database'],
    );
    expect(d.invoices.map((i) => `${i.period} ${i.provider}`).sort()).toEqual(['2026-09 anthropic', '2026-09 openai', '2026-10 anthropic', '2026-10 openai']);
    const withCost = sampleData({ months: 2, scale: 0.02, seed: 7, withCost: true });
    for (const inv of withCost.invoices) {
      const computed = withCost.events
        .filter((e) => e.provider === inv.provider && e.timestamp.startsWith(inv.period))
        .reduce((s, e) => s + (e.cost_usd ?? 0), 0);
      expect(Math.abs(inv.billed_usd / computed - 1)).toBeLessThan(0.021);
      expect(inv.billed_usd).not.toBe(Math.round(computed * 100) / 100);
    }
  });

  test('streaming gives the same records as the arrays without keeping them', () => {
    let events = 0;
    let last = '';
    const ctx = generateSample({ months: 2, scale: 0.02, seed: 7 }, { event: (e) => { events++; last = e.event_id; }, workItem: () => undefined, review: () => undefined });
    expect(events).toBe(d.events.length);
    expect(last).toBe(d.events[d.events.length - 1].event_id);
    expect(ctx.stats).toEqual({ events: d.events.length, workItems: d.workItems.length, reviews: d.reviews.length });
  });
});
