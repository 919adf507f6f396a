// Published vendor examples (tests/fixtures/sources/*/published-*, each listed in its folder's SOURCE.md) carried
// through to the money: what the ledger charges for them, computed by hand from the vendors' price pages. Each test
// is one defect of issue #13; the mapping before the fix gives the figure named in its comment.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildLedger } from '../../src/core/ledger';
import { emptyLedgerInputs, type UsageEvent } from '../../src/core/model/records';
import { detectFormat, parseSourceFile } from '../../src/sources/formats';
import { FIXTURES } from './fixtures';

const read = (rel: string) => readFileSync(join(FIXTURES, rel), 'utf8');
const parse = (format: Parameters<typeof parseSourceFile>[0], rel: string, options?: Record<string, unknown>) =>
  parseSourceFile(format, read(rel), rel.split('/').pop()!, options ? { options } : {});
const ledgerCost = (events: UsageEvent[]) => {
  const r = buildLedger({ ...emptyLedgerInputs(), events });
  return { total: r.conservation.events_and_reviews, unpriced: r.unpriced, counts: r.counts };
};

test('every vendor folder has published fixtures, each named in its SOURCE.md', () => {
  for (const source of readdirSync(FIXTURES).filter((d) => !['e2e', 'month-end'].includes(d))) {
    const files = readdirSync(join(FIXTURES, source));
    const published = files.filter((f) => f.startsWith('published-') && !f.endsWith('.expected.json'));
    expect({ source, published: published.length > 0 }).toEqual({ source, published: true });
    expect(existsSync(join(FIXTURES, source, 'SOURCE.md'))).toBe(true);
    const doc = readFileSync(join(FIXTURES, source, 'SOURCE.md'), 'utf8');
    for (const f of published) expect({ source, f, listed: doc.includes(f) }).toEqual({ source, f, listed: true });
  }
});

test('Anthropic usage-report example: 5m/1h writes and web searches priced — $0.119935, not $0.017685', () => {
  const r = parse('anthropic', 'anthropic/published-usage-report.json');
  expect(r.rejected).toEqual([]);
  const { total, unpriced } = ledgerCost(r.events);
  expect(unpriced).toEqual([]);
  // 1500×$3 + 200×$0.30 + 500×$3.75 + 1000×$6 + 500×$15 per MTok + 10 searches × $10/1000
  expect(total).toBeCloseTo(0.119935, 12);
});

test('OpenAI usage by service tier: two tiers of one bucket are two events, flex at Batch rates', () => {
  const r = parse('openai', 'openai/published-usage-by-service-tier.json');
  const l = ledgerCost(r.events);
  // before: one id for both lines, the second discarded as a duplicate
  expect(l.counts.duplicates).toBe(0);
  expect(l.counts.events).toBe(2);
  // gpt-4o-mini ($0.15 in, $0.075 cached, $0.60 out per MTok; no cache-write, audio or image price in the catalog:
  // those tokens at the text price): 5000 in = 1800 cached + 3200 at $0.15; 1000 out at $0.60.
  const standard = (1800 * 0.075 + 3200 * 0.15 + 1000 * 0.6) / 1e6;
  expect(l.total).toBeCloseTo(standard * 1.5, 15);
});

test('Helicone ClickHouse rows: cost in nano-USD — $0.00004195, not $41,950', () => {
  const r = parse('helicone', 'helicone/published-clickhouse-rows.json');
  expect(ledgerCost(r.events).total).toBeCloseTo(0.00001995 + 0.00001 + 0.000012, 15);
});

test('Helicone export-CLI CSV is detected and read (before: not detected, every row rejected)', () => {
  const text = read('helicone/published-export.csv');
  expect(detectFormat('output.csv', text)).toMatchObject({ ok: true, format: 'helicone' });
  const r = parse('helicone', 'helicone/published-export.csv');
  expect(r.rejected).toEqual([]);
  expect(r.events).toHaveLength(4);
});

test('LiteLLM StandardLoggingPayload is detected; a cache hit keeps its 0 and is not re-priced', () => {
  expect(detectFormat('payload.json', read('litellm/published-standard-logging-payload.json'))).toMatchObject({ ok: true, format: 'litellm' });
  const r = parse('litellm', 'litellm/published-standard-logging-payload-cache-hit.jsonl');
  const l = ledgerCost(r.events);
  expect(l.unpriced).toEqual([]);
  // the first call $0.000225; the cache hit $0 (re-priced before: another $0.000225)
  expect(l.total).toBeCloseTo(0.000225, 15);
});

test('Langfuse Gemini trace: reasoning counted once — 2055 output tokens, not 3159', () => {
  const r = parse('langfuse', 'langfuse/published-gemini-trace.json');
  expect(r.events[0]).toMatchObject({ output_tokens: 2055, reasoning_tokens: 1104 });
  const priced = ledgerCost([{ ...r.events[0], cost_usd: null }]);
  expect(priced.total).toBeCloseTo((6 * 0.3 + 2055 * 2.5) / 1e6, 15);
});

test('Langfuse Vertex model path lands on google, so the Google invoice true-up finds it', () => {
  const r = parse('langfuse', 'langfuse/published-vertex-trace.json');
  const inputs = { ...emptyLedgerInputs(), events: r.events, invoices: [{ period: '2025-08', provider: 'google', billed_usd: 1.25 }] };
  const l = buildLedger(inputs);
  // the invoice finds the event: google's computed cost is the event's, and invoice − computed (each to the cent) is spread
  // over it, nothing left unattributed as a bare true-up
  expect(l.providers).toEqual([expect.objectContaining({ period: '2025-08', provider: 'google', events: 1, billed: 1.25, computed: 0 })]);
  expect(l.providers![0].computed_exact).toBeCloseTo(0.00085, 12);
  expect(l.unattributed.filter((u) => u.kind === 'trueup')).toEqual([]);
  expect(l.conservation.invoice_minus_computed).toBeCloseTo(1.25, 12);
});

test('FOCUS sample: exact decimal sums (1e-8 rounding per line gave Microsoft $1.97651422)', () => {
  const r = parse('focus', 'focus/published-focus-1.0-sample.csv');
  expect(r.invoices.find((i) => i.provider === 'azure')?.billed_usd).toBe(1.97651418586);
});

test('ServiceNow: a closed problem (state 4, active false, closed_at) is a success, not pending', () => {
  const r = parse('servicenow', 'servicenow/published-problem-closed.json', { agent: { default: 'itsm' } });
  expect(r.workItems[0]).toMatchObject({ outcome: 'success', closed_at: '2018-12-12T07:16:57Z' });
});

test('Jira: a worklog given as a plain array becomes a review', () => {
  const r = parse('jira', 'jira/published-search-jql-with-status.json', { agent: { default: 'eng' } });
  expect(r.reviews).toEqual([{ work_item_id: 'ED-1', reviewer_role: 'reviewer', minutes: 200, result: 'approved', reviewed_at: '2021-01-17T12:34:00Z' }]);
});

test('a worklog field that is neither an array nor a page is refused on its row, the issue kept', () => {
  const page = JSON.parse(read('jira/published-search-jql-with-status.json'));
  page.issues[0].fields.worklog = 'see attachment';
  const r = parseSourceFile('jira', JSON.stringify(page), 'issues.json', { options: { agent: { default: 'eng' } } });
  expect(r.workItems).toHaveLength(1);
  expect(r.rejected).toEqual([expect.objectContaining({ column: 'fields.worklog', reason: expect.stringMatching(/expected the worklogs as an array/) })]);
});
