// Compensated sums where a plain float sum drifts past the ledger's checks (fsum.ts).
import { FSum } from './fsum';
import { LedgerBuilder } from './index';
import { ev, wi } from './fixtures';

test('FSum: a million dimes are $100,000 within a nano-dollar, where a plain sum is off by a micro-dollar', () => {
  const s = new FSum();
  let plain = 0;
  for (let i = 0; i < 1_000_000; i++) {
    s.add(0.1);
    plain += 0.1;
  }
  expect(Math.abs(plain - 100_000)).toBeGreaterThan(1e-6); // the drift the checks would report
  expect(Math.abs(s.value - 100_000)).toBeLessThan(1e-9);
});

test('conservation holds on a month with a 600,000-event work item between 20,000 small ones, an overhead over all their rows', () => {
  const b = new LedgerBuilder({
    agents: [], rates: [], toolPrices: [], invoices: [], prices: [],
    overheads: [{ period: '2026-10', category: 'platform', amount_usd: 721_000.37, driver: 'work_items', scope: 'all' }],
  });
  b.addWorkItem(wi({ work_item_id: 'BIG' }));
  for (let i = 0; i < 100_000; i++) b.addWorkItem(wi({ work_item_id: `S${i}` }));
  const big = ev({ work_item_id: 'BIG', cost_usd: 0.1 });
  for (let i = 0; i < 600_000; i++) {
    b.addEvent({ ...big, event_id: `big-${i}` });
    // small items in between: the period's running sum and the item's own sum drift differently without compensation
    if (i % 5 === 0) b.addEvent(ev({ work_item_id: `S${i % 100_000}`, cost_usd: 0.013 + (i % 7) * 0.001 }));
  }
  const r = b.finish();
  expect(r.conservation).toMatchObject({ ok: true, difference: 0, overhead_difference: 0, cents_tie: true, lines_within_cent: true });
  expect(r.rows.find((x) => x.work_item_id === 'BIG')!.api).toBe(60_000);
  expect(r.rows).toHaveLength(20_001);
}, 60_000);
