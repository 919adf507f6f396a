// Unit checks of the vendor semantics of issue #13, each shown able to fail: a figure changed in a published example
// must change the outcome (a warning appears, an outcome flips).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecimalSum } from '../../src/sources/common/decimal';
import { normalizeModel, timestamp } from '../../src/sources/common/normalize';
import { heliconeCostUnit } from '../../src/sources/helicone';
import { langfuseTokens } from '../../src/sources/langfuse';
import { parseSourceFile } from '../../src/sources/formats';
import { importRecords } from '../../src/sources/files';
import { toCsv } from '../../src/sources/files/csv-write';
import { emptyUsageEvent, type UsageEvent } from '../../src/core/model/records';
import { FIXTURES } from './fixtures';

const read = (rel: string) => readFileSync(join(FIXTURES, rel), 'utf8');

test('DecimalSum adds decimal text exactly', () => {
  const s = new DecimalSum();
  for (const v of ['0.1', '0.2', '-0.00000080000', '1e-7', 0.00001605990]) expect(s.add(v)).toBe(true);
  expect(s.toString()).toBe('0.3000153599');
  expect(s.add('12,50')).toBe(false);
  const many = new DecimalSum();
  for (let i = 0; i < 10_000; i++) many.add('0.00000001');
  expect(many.value()).toBe(0.0001);
});

test('timestamps without a zone are UTC; float epochs and +0000 offsets read', () => {
  expect(timestamp('2025-08-16 00:31:37.520', 't')).toBe('2025-08-16T00:31:37.520Z');
  expect(timestamp(1737710446.847371, 't')).toBe('2025-01-24T09:20:46.847Z');
  expect(timestamp('2021-01-17T12:34:00.000+0000', 't')).toBe('2021-01-17T12:34:00Z');
  expect(timestamp('2021-01-17T14:34:00.000+0200', 't')).toBe('2021-01-17T12:34:00Z');
});

test('Vertex resource names → provider google and the model id', () => {
  expect(normalizeModel('', 'projects/p-1/locations/europe-central2/publishers/google/models/gemini-2.5-flash')).toEqual({ provider: 'google', model: 'gemini-2.5-flash' });
  expect(normalizeModel('vertex_ai', 'projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514')).toEqual({ provider: 'google', model: 'claude-sonnet-4@20250514' });
  expect(normalizeModel('', 'models/gemini-2.0-flash')).toEqual({ provider: 'google', model: 'gemini-2.0-flash' });
});

test('Helicone cost unit: a file of whole-number costs is nano-USD, one fractional cost makes it USD', () => {
  const rec = (cost: unknown) => ({ value: { cost }, line: 1 });
  expect(heliconeCostUnit([rec(19950), rec(0)])).toBe('nano_usd');
  expect(heliconeCostUnit([rec('0.00001995'), rec('0')])).toBe('usd');
  expect(heliconeCostUnit([rec(19950)], 'usd')).toBe('usd');
});

describe('Langfuse usageDetails: total decides how the keys read', () => {
  it('disjoint keys that add up to total', () => {
    expect(langfuseTokens({ usageDetails: { input: 100, input_cached_tokens: 50, output: 40, output_reasoning_tokens: 10, total: 200 } })).toMatchObject({ input_tokens: 150, cached_input_tokens: 50, output_tokens: 50, reasoning_tokens: 10 });
  });
  it('parts inside input and output when total = input + output', () => {
    expect(langfuseTokens({ usageDetails: { input: 100, 'prompt_details.cache_read': 50, output: 40, 'completion_details.reasoning': 10, total: 140 } })).toMatchObject({ input_tokens: 100, cached_input_tokens: 50, output_tokens: 40, reasoning_tokens: 10 });
  });
  it('a total neither reading explains is warned, the parts kept', () => {
    const t = langfuseTokens({ usageDetails: { input: 100, output: 40, 'completion_details.reasoning': 10, total: 175 } }, { file: 'f', line: 3 });
    expect(t).toMatchObject({ input_tokens: 100, output_tokens: 50, reasoning_tokens: 10 });
    expect(t.warning).toMatchObject({ file: 'f', line: 3, column: 'usageDetails.total' });
  });
});

test("OpenAI's own sums: a changed input_tokens in the published example is warned on its line", () => {
  const page = JSON.parse(read('openai/published-usage-completions.json'));
  expect(parseSourceFile('openai', JSON.stringify(page), 'u.json').warnings).toEqual([]);
  page.data[0].results[0].input_tokens = 999;
  const w = parseSourceFile('openai', JSON.stringify(page), 'u.json').warnings;
  expect(w).toEqual([expect.objectContaining({ line: 1, column: 'input_tokens', reason: expect.stringMatching(/input_tokens 999 ≠ input_cached_tokens \+ input_cache_write_tokens \+ input_uncached_tokens = 1000/) })]);
});

test('the cost check fires on a published row when its cost is changed, and not when it matches', () => {
  const row = JSON.parse(read('litellm/published-spend-logs-payload.json'));
  expect(parseSourceFile('litellm', JSON.stringify([row]), 's.json').warnings).toEqual([]);
  row.spend = 0.0025;
  expect(parseSourceFile('litellm', JSON.stringify([row]), 's.json').warnings).toEqual([expect.objectContaining({ column: 'spend', reason: expect.stringMatching(/reported cost \$0\.0025 differs .*\(\$0\.000225\)/) })]);
});

test('Anthropic: a line without context_window on a long-context model is warned; two windows are two events', () => {
  const page = JSON.parse(read('anthropic/published-usage-report.json'));
  const line = page.data[0].results[0];
  const long = { ...line, model: 'claude-sonnet-4-5-20250929', context_window: '200k-1M' };
  const none = { ...line, model: 'claude-sonnet-4-5-20250929', context_window: null };
  page.data[0].results = [line, long, none];
  const r = parseSourceFile('anthropic', JSON.stringify(page), 'a.json');
  expect(r.events.map((e) => e.context_tier)).toEqual(['standard', 'long', 'standard']);
  expect(new Set(r.events.map((e) => e.event_id)).size).toBe(3);
  expect(r.warnings).toEqual([expect.objectContaining({ line: 3, column: 'context_window' })]);
});

test('ServiceNow: the table comes from the number when sys_class_name is absent (a canceled change is a failure)', () => {
  const page = JSON.parse(read('servicenow/published-table-records.json'));
  const chg = { ...page.result[1], state: '4', close_code: '' };
  delete chg.sys_class_name;
  const r = parseSourceFile('servicenow', JSON.stringify({ result: [chg] }), 'c.json', { options: { agent: { default: 'a' } } });
  expect(r.workItems[0]).toMatchObject({ work_item_id: 'CHG0000023', outcome: 'failure' });
  // the same code on an incident means On Hold: still open
  const inc = { ...page.result[0], state: '3', active: 'true' };
  expect(parseSourceFile('servicenow', JSON.stringify({ result: [inc] }), 'i.json', { options: { agent: { default: 'a' } } }).workItems[0].outcome).toBe('pending');
});

test('canonical CSV round trip keeps every new field', async () => {
  const e: UsageEvent = {
    ...emptyUsageEvent(), event_id: 'e1', timestamp: '2026-10-01T00:00:00Z', provider: 'openai', model: 'gpt-4o', input_tokens: 1000, cached_input_tokens: 200,
    cache_write_tokens: 100, cache_write_1h_tokens: 40, audio_input_tokens: 300, cached_audio_input_tokens: 50, image_input_tokens: 80, cached_image_input_tokens: 20,
    output_tokens: 500, audio_output_tokens: 30, image_output_tokens: 20, reasoning_tokens: 100, web_search_requests: 3, service_tier: 'priority', context_tier: 'long', line_item: 'gpt-4o, input',
  };
  const back: unknown[] = [];
  const rep = await importRecords({ kind: 'usage', fileName: 'u.csv', input: toCsv('usage', [e]), format: 'csv', sink: (r) => { back.push(r); } });
  expect(rep.rejectedCount).toBe(0);
  expect(back).toEqual([e]);
});
