// Format detection, link rules and their preview, and the value normalizations every mapper relies on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, previewFileLinks, previewRawLinks } from '../../src/sources/formats';
import { DEFAULT_LINK_RULES, parseLinkRules, previewLinks, applyLinks, emptyLinkFields } from '../../src/sources/links';
import { canonicalInput, centsToUsd, normalizeModel, timestamp, FieldError } from '../../src/sources/common/normalize';
import { redact, retryAfterMs } from '../../src/sources/common/http';
import { PriceBook } from '../../src/core/pricing';
import type { UsageDraft } from '../../src/sources/common/types';
import { emptyUsageEvent } from '../../src/core/model/records';
import { FIXTURES } from './fixtures';

const head = (p: string) => readFileSync(join(FIXTURES, p), 'utf8').slice(0, 65536);

describe('detectFormat', () => {
  test.each([
    ['litellm/spend-logs.json', 'litellm'],
    ['litellm/spend-logs.csv', 'litellm'],
    ['litellm/api/page-1.json', 'litellm'],
    ['langfuse/observations.json', 'langfuse'],
    ['helicone/requests.json', 'helicone'],
    ['helicone/export.csv', 'helicone'],
    ['otel/traces.json', 'otel'],
    ['otel/collector-export.jsonl', 'otel'],
    ['bedrock/invocations.jsonl', 'bedrock'],
    ['bedrock/cloudwatch-filter-log-events.json', 'bedrock'],
    ['openai/usage-completions.json', 'openai'],
    ['openai/costs.json', 'openai'],
    ['anthropic/usage-report.json', 'anthropic'],
    ['anthropic/cost-report.json', 'anthropic'],
    ['focus/litellm-focus.csv', 'focus'],
    ['zendesk/tickets-page.json', 'zendesk'],
    ['jira/search-page.json', 'jira'],
    ['servicenow/incidents.json', 'servicenow'],
  ])('%s → %s', (file, format) => {
    const d = detectFormat(file, head(file));
    expect(d).toMatchObject({ ok: true, format });
  });

  test('bytes are accepted as well as text; canonical files say their kind', () => {
    expect(detectFormat('a.csv', new TextEncoder().encode('\uFEFFevent_id,timestamp,agent_id\n'))).toMatchObject({ ok: true, format: 'canonical', kind: 'usage' });
    expect(detectFormat('w.csv', 'work_item_id;agent_id;outcome\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'work_items' });
    expect(detectFormat('r.jsonl', '{"work_item_id":"W1","reviewer_role":"qa","minutes":3}\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'reviews' });
  });

  test('the configuration files `demo` writes (and the CLI reads) say their kind; a look-alike export does not pass for one', () => {
    // the headers `ai-labor-ledger demo` writes (src/sources/files/csv-write.ts column order)
    expect(detectFormat('agents.csv', 'agent_id,name,business_unit,unit_name,model,target_cost_per_outcome,human_cost_per_unit\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'agents' });
    expect(detectFormat('rates.csv', 'reviewer_role,hourly_rate_usd\nqa,40\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'rates' });
    expect(detectFormat('tool_prices.csv', 'kind,unit_price_usd\ntool,0.01\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'tool_prices' });
    expect(detectFormat('prices.csv', 'provider,model,effective_from,input_mtok,cached_input_mtok,cache_write_mtok,output_mtok,discount_pct\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'prices' });
    expect(detectFormat('prices.jsonl', '{"provider":"openai","model":"gpt-4o","input_mtok":2.5}\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'prices' });
    expect(detectFormat('agents.jsonl', '{"agent_id":"a","business_unit":"CS","target_cost_per_outcome":1.5}\n')).toMatchObject({ ok: true, format: 'canonical', kind: 'agents' });
    expect(detectFormat('headcount.csv', 'agent_id,business_unit,cost\na,CS,3\n').ok).toBe(false);
  });

  test('an unknown file gets a message naming it and the known formats', () => {
    const d = detectFormat('payroll-2026-10.csv', 'Employee,Hours,Rate\nA,10,20\n');
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.message).toMatch(/^payroll-2026-10\.csv: not a known format — its header \(Employee, Hours, Rate\) matches none of them/);
      expect(d.message).toContain('LiteLLM spend logs');
      expect(d.message).toContain('generic');
    }
    const j = detectFormat('weird.json', '{"hello": 1}');
    expect(!j.ok && j.message).toMatch(/^weird\.json: not a known format — its JSON keys match none of them/);
    const e = detectFormat('empty.csv', '');
    expect(!e.ok && e.message).toMatch(/empty\.csv: not a known format — it is empty/);
  });
});

function draft(id: string, link: Partial<ReturnType<typeof emptyLinkFields>>): UsageDraft {
  return {
    event: { ...emptyUsageEvent(), event_id: id, timestamp: '2026-10-01T00:00:00Z', provider: 'openai', model: 'gpt-4o', kind: 'llm', input_tokens: 1, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 1, units: 0, status: 'ok', batch: false, cost_usd: null },
    link: { ...emptyLinkFields(), ...link },
    where: { file: 'f', line: 1 },
  };
}

describe('link rules', () => {
  const rules = parseLinkRules({
    work_item: [
      { name: 'ticket tag', field: { from: 'tag', prefix: 'ticket:' } },
      { field: { from: 'metadata', key: 'ctx.case' }, pattern: '^CASE-(\\d+)$', prefix: 'C' },
      { field: { from: 'session' }, formats: ['langfuse'] },
    ],
    agent: [{ field: { from: 'key_alias' }, map: { 'csr-bot': 'csr-agent' } }, { field: { from: 'team' } }],
    default_agent: 'fallback',
  });
  const drafts = [
    draft('a', { tags: ['prod', 'ticket:ZD-1'], key_alias: 'csr-bot' }),
    draft('b', { metadata: { ctx: { case: 'CASE-42' } }, team: 'claims' }),
    draft('c', { metadata: { ctx: { case: 'case 42' } }, session_id: 's-1' }),
    draft('d', { session_id: 's-2', key_alias: 'unknown-key' }),
  ];

  test('first matching rule wins; patterns, prefixes, maps and format filters apply; unlinked events stay', () => {
    const ev = applyLinks(drafts, rules, 'litellm');
    expect(ev.map((e) => [e.event_id, e.work_item_id, e.agent_id])).toEqual([
      ['a', 'ZD-1', 'csr-agent'],
      ['b', 'C42', 'claims'],
      ['c', '', 'fallback'],
      ['d', '', 'fallback'],
    ]);
    const lf = applyLinks(drafts, rules, 'langfuse');
    expect(lf.map((e) => e.work_item_id)).toEqual(['ZD-1', 'C42', 's-1', 's-2']);
  });

  test('preview counts what each rule links and what stays unlinked', () => {
    const p = previewLinks(drafts, rules, 'litellm');
    expect(p.total).toBe(4);
    expect(p.work_item.rules.map((r) => [r.rule, r.linked])).toEqual([['ticket tag', 1], ['metadata.ctx.case ~ /^CASE-(\\d+)$/', 1], ['session', 0]]);
    expect(p.work_item).toMatchObject({ linked: 2, unlinked: 2, linked_share: 0.5, unlinked_examples: ['c', 'd'] });
    expect(p.agent.rules.map((r) => r.linked)).toEqual([1, 1]);
    expect(p.agent).toMatchObject({ linked: 2, by_default: 2, unlinked: 0 });
  });

  test('preview straight from a vendor file and from raw API records', () => {
    const links = parseLinkRules(JSON.parse(readFileSync(join(FIXTURES, 'litellm', 'links.json'), 'utf8')));
    const p = previewFileLinks('litellm', readFileSync(join(FIXTURES, 'litellm', 'spend-logs.json'), 'utf8'), 'spend-logs.json', links);
    expect(p.total).toBe(5);
    expect(p.rejected).toBe(1);
    expect(p.work_item.rules.map((r) => r.linked)).toEqual([1, 3]);
    expect(p.work_item.unlinked_examples).toEqual(['chatcmpl-c3']);
    expect(p.agent).toMatchObject({ linked: 4, unlinked: 1, unlinked_examples: ['req-d4'] });
    const page = JSON.parse(readFileSync(join(FIXTURES, 'litellm', 'api', 'page-1.json'), 'utf8'));
    expect(previewRawLinks('litellm', page.data, links).work_item).toMatchObject({ linked: 1, unlinked: 1 });
  });

  test('defaults and validation messages', () => {
    expect(DEFAULT_LINK_RULES.work_item.map((r) => r.field)).toEqual([{ from: 'metadata', key: 'work_item_id' }, { from: 'tag', prefix: 'work_item:' }]);
    expect(() => parseLinkRules({ work_item: [{ field: { from: 'colour' } }] })).toThrow(/link rules: work_item\[0\]\.field/);
    expect(() => parseLinkRules({ agent: [{ field: { from: 'metadata' } }] })).toThrow(/agent\[0\]\.field\.key/);
    // Saved rules are plain JSON and survive a round trip.
    expect(parseLinkRules(JSON.parse(JSON.stringify(rules)))).toEqual(rules);
  });
});

describe('normalization', () => {
  test('Anthropic cents: decimal strings become exact dollars', () => {
    expect(centsToUsd('123.45', 'amount')).toBe(1.2345);
    expect(centsToUsd('0.07', 'amount')).toBe(0.0007);
    expect(centsToUsd('1000', 'amount')).toBe(10);
    expect(centsToUsd('-250.5', 'amount')).toBe(-2.505);
    expect(centsToUsd('5', 'amount')).toBe(0.05);
    expect(centsToUsd('0.000001', 'amount')).toBe(0.00000001);
    expect(() => centsToUsd('12,50', 'amount')).toThrow(FieldError);
  });

  test('token conventions: canonical input counts every input token', () => {
    // OpenAI-style: input already includes cached.
    expect(canonicalInput(1000, 400, 0, 'inclusive', 'openai', 'gpt-4o')).toEqual({ input_tokens: 1000, cached_input_tokens: 400, cache_write_tokens: 0 });
    // Anthropic-style: uncached + cache read + cache write.
    expect(canonicalInput(100, 2000, 500, 'separate', 'anthropic', 'claude')).toEqual({ input_tokens: 2600, cached_input_tokens: 2000, cache_write_tokens: 500 });
    expect(canonicalInput(100, 2000, 500, 'auto', 'anthropic', 'claude-3-5-haiku')).toMatchObject({ input_tokens: 2600 });
    expect(canonicalInput(100, 20, 0, 'auto', 'aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0')).toMatchObject({ input_tokens: 120 });
    expect(canonicalInput(5000, 1000, 0, 'auto', 'openai', 'gpt-4o')).toMatchObject({ input_tokens: 5000 });
    // Reported input smaller than its cache: it cannot have included it.
    expect(canonicalInput(50, 1000, 300, 'inclusive', 'openai', 'gpt-4o')).toMatchObject({ input_tokens: 1350 });
  });

  test('the two conventions price the same once normalized', () => {
    const book = new PriceBook();
    const anthropicStyle = canonicalInput(500_000, 500_000, 0, 'separate', 'openai', 'gpt-4o');
    const q = { model: 'gpt-4o', provider: 'openai', date: '2026-10-01' };
    const a = book.priceTokens(q, { ...anthropicStyle, output_tokens: 1_000_000 });
    const b = book.priceTokens(q, { input_tokens: 1_000_000, cached_input_tokens: 500_000, output_tokens: 1_000_000 });
    expect(a.cost_usd).toBeCloseTo(11.875, 9);
    expect(a.cost_usd).toBe(b.cost_usd);
  });

  test('models and providers', () => {
    expect(normalizeModel('', 'openai/gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(normalizeModel('litellm_proxy', 'anthropic/claude-3-5-sonnet-20241022')).toEqual({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' });
    expect(normalizeModel('bedrock', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0')).toEqual({ provider: 'aws', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' });
    expect(normalizeModel('', 'bedrock/anthropic.claude-3-haiku-20240307-v1:0')).toEqual({ provider: 'aws', model: 'anthropic.claude-3-haiku-20240307-v1:0' });
    expect(normalizeModel('', 'arn:aws:bedrock:eu-west-1:123:inference-profile/eu.meta.llama3-2-3b-instruct-v1:0')).toEqual({ provider: 'aws', model: 'meta.llama3-2-3b-instruct-v1:0' });
    expect(normalizeModel('OPENAI', 'gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(normalizeModel('vertex_ai', 'gemini-1.5-pro')).toEqual({ provider: 'google', model: 'gemini-1.5-pro' });
    expect(normalizeModel('azure_ai', 'my-deployment')).toEqual({ provider: 'azure', model: 'my-deployment' });
    expect(normalizeModel('', 'claude-3-5-sonnet-20241022')).toEqual({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' });
    expect(normalizeModel('', 'text-embedding-3-small')).toEqual({ provider: 'openai', model: 'text-embedding-3-small' });
    expect(normalizeModel('', 'gpt-unknown-99')).toEqual({ provider: '', model: 'gpt-unknown-99' });
    // Unknown models pass through unchanged, with no invented provider.
    expect(normalizeModel('', 'acme-llm-7b')).toEqual({ provider: '', model: 'acme-llm-7b' });
    expect(normalizeModel('', 'openrouter/anthropic/claude-3.5-sonnet')).toEqual({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet' });
  });

  test('Bedrock ids the normalizer produces are priced by the catalog under aws', () => {
    const book = new PriceBook();
    const { provider, model } = normalizeModel('', 'arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0');
    expect(book.priceTokens({ model, provider, date: '2026-10-01' }, { input_tokens: 1_000_000, output_tokens: 0 }).cost_usd).toBeCloseTo(3, 9);
  });

  test('timestamps', () => {
    expect(timestamp('2026-10-03 14:05:00', 't')).toBe('2026-10-03T14:05:00Z');
    expect(timestamp('2026-10-03T14:05:00.000+0200'.replace('+0200', '+02:00'), 't')).toBe('2026-10-03T12:05:00Z');
    expect(timestamp('2026-10-02T09:00:00.000+0000', 't')).toBe('2026-10-02T09:00:00Z');
    expect(timestamp(1790985600, 't', 's')).toBe('2026-10-03T00:00:00Z');
    expect(timestamp('1791036300500000000', 't', 'ns')).toBe('2026-10-03T14:05:00.500Z');
    expect(() => timestamp('03/10/2026', 'startTime')).toThrow(/startTime: expected a timestamp/);
  });

  test('redaction and Retry-After', () => {
    expect(redact('key sk-abc123 and sk-abc123 again, url https://user:pw@host/x', ['sk-abc123'])).toBe('key *** and *** again, url https://***@host/x');
    expect(redact('q=ab%2Bcd', ['ab+cd'])).toBe('q=***');
    expect(retryAfterMs('5', 0)).toBe(5000);
    expect(retryAfterMs('Wed, 07 Oct 2026 10:00:30 GMT', Date.parse('2026-10-07T10:00:00Z'))).toBe(30000);
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});

test('unknown models are kept with no cost and come out of the price book as unpriced, not free', () => {
  const { parseSourceFile } = jest.requireActual('../../src/sources/formats') as typeof import('../../src/sources/formats');
  const r = parseSourceFile('litellm', readFileSync(join(FIXTURES, 'litellm', 'spend-logs.json'), 'utf8'), 'spend-logs.json');
  const unknown = r.events.find((e) => e.event_id === 'req-d4')!;
  expect(unknown).toMatchObject({ provider: 'acme', model: 'acme-llm-7b', cost_usd: null, input_tokens: 900 });
  const priced = new PriceBook().priceEvent(unknown);
  expect(priced.source).toBe('unpriced');
  expect(priced.cost_usd).toBeNull();
});

test('blank records are exactly what the schemas fill in for left-out fields', () => {
  const { usageEventSchema, agentSchema, emptyUsageEvent, blankAgent, emptyLedgerInputs } = jest.requireActual('../../src/core/model/records') as typeof import('../../src/core/model/records');
  expect(usageEventSchema.parse({ event_id: 'e1', timestamp: '2026-10-01T00:00:00Z', kind: 'llm' })).toEqual({ ...emptyUsageEvent(), event_id: 'e1', timestamp: '2026-10-01T00:00:00Z' });
  expect(agentSchema.parse({ agent_id: 'a1', business_unit: 'Support' })).toEqual(blankAgent('a1', 'Support'));
  // fresh objects each time: a mapper mutating one cannot leak into the next
  const a = emptyLedgerInputs();
  a.events.push(emptyUsageEvent());
  expect(emptyLedgerInputs().events).toEqual([]);
});

test('a truncated or non-JSON vendor file becomes one rejected row naming it; a month-end config still loads the rest', async () => {
  const { parseSourceFile } = jest.requireActual('../../src/sources/formats') as typeof import('../../src/sources/formats');
  const { loadMonthEndConfig } = jest.requireActual('../../src/sources/config') as typeof import('../../src/sources/config');
  const cut = parseSourceFile('jira', '{"issues": [ {"key": "SUP-1", "fields": {', 'jira-cut.json');
  expect(cut.workItems).toEqual([]);
  expect(cut.rejected).toEqual([{ file: 'jira-cut.json', line: 1, column: '', value: '{"issues": [ {"key": "SUP-1", "fields": {', reason: expect.stringMatching(/^expected JSON \(/) }]);
  const jsonl = parseSourceFile('bedrock', readFileSync(join(FIXTURES, 'bedrock', 'invocations.jsonl'), 'utf8') + '{"requestId": "b-9", "timestamp": \n', 'b.jsonl');
  expect(jsonl.rejected.map((r) => [r.line, r.reason])).toEqual(expect.arrayContaining([[5, 'expected one JSON object per line (this line is not valid JSON)']]));
  const files: Record<string, string> = {
    'cut.json': '[{"request_id": "x", "spend": ',
    'logs.json': readFileSync(join(FIXTURES, 'litellm', 'spend-logs.json'), 'utf8'),
  };
  const loaded = await loadMonthEndConfig({ period: '2026-10', sources: [{ format: 'litellm', files: ['cut.json', 'logs.json'] }] }, 'm.json', { readText: async (p) => files[p] });
  expect(loaded.inputs.events).toHaveLength(5);
  expect(loaded.rejected[0]).toMatchObject({ file: 'cut.json', line: 1, reason: expect.stringMatching(/the file ends inside this record .*truncated/) });
  expect(loaded.sources[0]).toMatchObject({ events: 5, rejected: 2 });
});
