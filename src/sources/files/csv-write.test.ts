import { importRecords } from './import';
import { toCsv } from './csv-write';
import { sampleData } from '../../core/sample';

test('written CSV reads back to the same records (quotes, commas, newlines, nulls, booleans)', async () => {
  const events = sampleData({ months: 1, scale: 0.002, seed: 3, withCost: true }).events.slice(0, 300);
  events[0] = { ...events[0], model: 'weird, "model"\nname', batch: true, cost_usd: null };
  const back: unknown[] = [];
  const report = await importRecords({ kind: 'usage', fileName: 'u.csv', input: toCsv('usage', events), sink: (r) => { back.push(r); } });
  expect(report.rejectedCount).toBe(0);
  expect(back).toEqual(events);
});
