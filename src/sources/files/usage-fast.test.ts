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
  // columns added in issue #13: tiers, splits, web searches, line item
  { ...good, service_tier: ' Priority ', context_tier: 'long', cache_write_1h_tokens: '60', reasoning_tokens: '100', web_search_requests: '3', line_item: 'gpt-4o, input' },
  { ...good, audio_input_tokens: '300', cached_audio_input_tokens: '50', image_input_tokens: '100', cached_image_input_tokens: '50', audio_output_tokens: '20', image_output_tokens: '10' },
  { ...good, context_tier: 'huge' }, { ...good, cache_write_1h_tokens: '101' }, { ...good, reasoning_tokens: '301' }, { ...good, web_search_requests: '1.5' },
  { ...good, audio_input_tokens: '10', cached_audio_input_tokens: '11' }, { ...good, cached_audio_input_tokens: '150', audio_input_tokens: '150', cached_image_input_tokens: '60', image_input_tokens: '60' },
  { ...good, audio_input_tokens: '901' }, { ...good, audio_output_tokens: '200', image_output_tokens: '101' },
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

test('a file written before the columns of issue #13 (header without them) reads with their defaults', () => {
  const old = header.slice(0, header.indexOf('cost_usd') + 1);
  const oldIx = Object.fromEntries(header.map((h) => [h, old.indexOf(h)])) as UsageColumnIndex;
  const cells = old.map((h) => good[h] ?? '');
  const fast = parseUsageRow(cells, oldIx);
  expect({ record: 'event' in fast ? fast.event : null }).toEqual(parseRowWithSchema('usage', old, cells));
  expect('event' in fast && fast.event).toMatchObject({ service_tier: '', context_tier: '', reasoning_tokens: 0, web_search_requests: 0, line_item: '' });
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

test('timestamps in the form logs write: the character-code check says what the schema says', () => {
  const cells = (timestamp: string) => header.map((h) => ({ ...good, timestamp })[h] ?? '');
  const forms = ['2026-10-21T13:10:27Z', '2026-02-29T00:00:00Z', '2028-02-29T23:59:59Z', '1999-12-31T23:59:59Z', '2100-12-31T23:59:59Z', '2101-01-01T00:00:00Z',
    '2026-10-21T24:00:00Z', '2026-10-21T23:60:00Z', '2026-10-21T23:59:60Z', '2026-00-10T00:00:00Z', '2026-10-00T00:00:00Z', '2026-10-21X13:10:27Z',
    '2026-10-21T13:10:27z', '2026/10/21T13:10:27Z', '2026-10-21T13-10-27Z', '2026-1a-21T13:10:27Z', '+026-10-21T13:10:27Z', '2026-10-21T13:10:2ZZ'];
  for (const t of forms) {
    const fast = parseUsageRow(cells(t), ix);
    const slow = parseRowWithSchema('usage', header, cells(t));
    expect('event' in fast).toBe('record' in slow);
  }
});
