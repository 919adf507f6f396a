// The fast usage path must accept and reject exactly like the zod schema, with the same column and message.
import { columnsOf } from './columns';
import { parseRowWithSchema } from './import';
import { parseUsageRow, parseWorkItemRow, type UsageColumnIndex, type WorkItemColumnIndex } from './usage-fast';

const header = columnsOf('usage').map((c) => c.name);
const ix = Object.fromEntries(header.map((h, i) => [h, i])) as UsageColumnIndex;
const good: Record<string, string> = {
  event_id: ' e1 ', timestamp: '2026-10-03T14:05:00Z', agent_id: 'csr-1', work_item_id: 'T-1', provider: 'openai', model: 'gpt-4o',
  kind: 'llm', input_tokens: '1200', cached_input_tokens: '200', cache_write_tokens: '100', output_tokens: '300', units: '',
  status: 'retry', batch: 'no', cost_usd: '0.0123',
};
const variants: Record<string, string>[] = [
  good,
  { ...good, cost_usd: '', status: '', batch: '', units: '2.5', kind: 'vector_search' },
  { ...good, input_tokens: '', cached_input_tokens: '', cache_write_tokens: '', output_tokens: '' },
  { ...good, timestamp: '2026-10-03 14:05:00+02:00' }, { ...good, timestamp: '2026-10-03' },
  { ...good, event_id: '' }, { ...good, event_id: '   ' },
  { ...good, timestamp: '' }, { ...good, timestamp: '03/10/2026' }, { ...good, timestamp: '2026-13-45' },
  ...['2026-10-03T24:00:00Z', '2026-10-03T23:59:60Z', '2026-00-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-02-32T10:00:00Z', '2026-12-31T23:59:59Z',
    '2026-10-3T10:00:00Z', '2026-10-03T1:00:00ZZ', '2026-1a-03T10:00:00Z', '2026-10-03T10:00:00.5Z', '2026-10-03T10:00:00+0100', '+2026-10-03T10:00:00'].map((timestamp) => ({ ...good, timestamp })),
  { ...good, kind: '' }, { ...good, kind: 'LLM' }, { ...good, kind: 'chat' },
  { ...good, input_tokens: '-1' }, { ...good, input_tokens: '1.5' }, { ...good, input_tokens: 'abc' }, { ...good, input_tokens: '1e20' },
  { ...good, output_tokens: 'NaN' }, { ...good, cached_input_tokens: '2000' }, { ...good, cache_write_tokens: '1001' },
  { ...good, units: '-1' }, { ...good, units: 'Infinity' }, { ...good, units: 'x' },
  { ...good, status: 'failed' }, { ...good, batch: 'maybe' }, { ...good, batch: 'TRUE' }, { ...good, batch: '1' },
  { ...good, cost_usd: '-0.01' }, { ...good, cost_usd: 'free' },
  { ...good, kind: 'chat', input_tokens: '-1' }, { ...good, timestamp: 'x', units: '-1' },
];

test.each(variants.map((v, i) => [i, v] as const))('variant %i: fast path == zod schema', (_i, v) => {
  const cells = header.map((h) => v[h] ?? '');
  const fast = parseUsageRow(cells, ix);
  const slow = parseRowWithSchema('usage', header, cells);
  if ('event' in fast) {
    expect(slow).toEqual({ record: fast.event });
  } else {
    expect(slow).toEqual({ column: fast.issue.column, reason: fast.issue.reason });
  }
});

test('the list above has both accepted and rejected rows', () => {
  const results = variants.map((v) => 'event' in parseUsageRow(header.map((h) => v[h] ?? ''), ix));
  expect(results.filter(Boolean).length).toBeGreaterThan(4);
  expect(results.filter((x) => !x).length).toBeGreaterThan(15);
});

describe('work item fast path', () => {
  const wHeader = columnsOf('work_items').map((c) => c.name);
  const wIx = Object.fromEntries(wHeader.map((h, i) => [h, i])) as WorkItemColumnIndex;
  const w: Record<string, string> = { work_item_id: ' T-1 ', agent_id: 'csr', business_unit: ' CS ', type: 'ticket', opened_at: '2026-10-01T10:00:00Z', closed_at: '2026-10-02', outcome: 'success' };
  const rows: Record<string, string>[] = [
    w, { ...w, outcome: '' }, { ...w, closed_at: '', opened_at: '' }, { ...w, business_unit: '', type: '' }, { ...w, closed_at: '   ' },
    { ...w, work_item_id: '' }, { ...w, agent_id: ' ' }, { ...w, opened_at: 'soon' }, { ...w, closed_at: '2026-02-30x' }, { ...w, outcome: 'won' }, { ...w, outcome: 'Success' },
  ];
  test.each(rows.map((v, i) => [i, v] as const))('row %i: accepted by the fast path exactly when zod accepts it, with the same record', (_i, v) => {
    const cells = wHeader.map((h) => v[h] ?? '');
    const fast = parseWorkItemRow(cells, wIx);
    const slow = parseRowWithSchema('work_items', wHeader, cells);
    if (fast) expect(slow).toEqual({ record: fast });
    else expect(slow).not.toHaveProperty('record');
  });
});
