// The Usage Mix sheet (issue 13: "the workbook can show them"): the vendors' published usage examples, imported as
// users import them, show their cache writes by duration, web searches, audio/image tokens and service tiers on the
// sheet, one row per tier, priced as the ledger priced them — and the demo workbook's Usage Mix ties to its Ledger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerBuilder } from '../../src/core/ledger';
import { UsageMixCollector, observeAll } from '../../src/core/ledger/usage-mix';
import { emptyLedgerInputs, type UsageEvent } from '../../src/core/model/records';
import { PreviewHost } from '../../src/hosts/preview';
import { parseSourceFile } from '../../src/sources/formats';
import { USAGE_MIX_COLUMNS, USAGE_MIX_SHEET, usageMixSheet } from '../../src/workbook';
import { demoLedger } from '../../src/cli/commands/workbook';
import { FIXTURES } from './fixtures';

function mixOf(events: UsageEvent[]) {
  const mix = new UsageMixCollector();
  const seen: string[] = [];
  const b = new LedgerBuilder(emptyLedgerInputs(), { observer: observeAll(mix, { event: (e) => seen.push(e.event_id), review: () => {} }) });
  for (const e of events) b.addEvent(e);
  const result = b.finish();
  return { rows: mix.rows(), result, seen };
}
const parse = (format: 'anthropic' | 'openai', file: string) => parseSourceFile(format, readFileSync(join(FIXTURES, file), 'utf8'), file);

test('Anthropic\'s usage-report example: 1-hour cache writes and web searches on the sheet, priced $0.119935', async () => {
  const { rows, seen } = mixOf(parse('anthropic', 'anthropic/published-usage-report.json').events);
  expect(seen).toHaveLength(1); // observeAll tells every observer
  expect(rows).toEqual([expect.objectContaining({
    period: '2025-08', provider: 'anthropic', model: 'claude-sonnet-4-20250514', service_tier: 'standard', events: 1, failed_events: 0,
    input_tokens: 3200, cached_input_tokens: 200, cache_write_tokens: 1500, cache_write_1h_tokens: 1000, output_tokens: 500, web_search_requests: 10,
    vendor_cost_events: 0, vendor_cost_usd: 0,
  })]);
  // by hand (tests/fixtures/sources/anthropic/SOURCE.md): 1500×3 + 200×0.30 + 500×3.75 + 1000×6 + 500×15 µ$/token·M + 10 × $0.01
  expect(rows[0].priced_usd).toBeCloseTo(0.119935, 12);
  const host = new PreviewHost();
  await host.writeSheet(usageMixSheet(rows));
  const grid = (await host.readSheet(USAGE_MIX_SHEET))!;
  expect(grid[0]).toEqual(USAGE_MIX_COLUMNS.map((c) => c.key));
  const at = (k: string) => grid[1][USAGE_MIX_COLUMNS.findIndex((c) => c.key === k)];
  expect([at('cache_write_1h_tokens'), at('web_search_requests'), at('vendor_cost_usd')]).toEqual([1000, 10, null]);
});

test('OpenAI\'s usage by service tier: one row per tier, audio and image tokens counted', () => {
  const { rows } = mixOf(parse('openai', 'openai/published-usage-by-service-tier.json').events);
  expect(rows.map((r) => [r.service_tier, r.events, r.audio_input_tokens, r.image_input_tokens, r.audio_output_tokens, r.image_output_tokens])).toEqual([
    ['default', 1, 400, 400, 100, 100],
    ['flex', 1, 400, 400, 100, 100],
  ]);
  // flex is billed at Batch rates (half): the tiers are priced apart
  expect(rows[1].priced_usd).toBeCloseTo(rows[0].priced_usd / 2, 12);
});

test('text from a log that looks like a formula stays text on the sheet', async () => {
  const e = parse('anthropic', 'anthropic/published-usage-report.json').events[0];
  const { rows } = mixOf([{ ...e, model: '=HYPERLINK("http://x","y")', service_tier: '+1' }]);
  const host = new PreviewHost();
  await host.writeSheet(usageMixSheet(rows));
  const grid = (await host.readSheet(USAGE_MIX_SHEET))!;
  expect(grid[1].slice(3, 5)).toEqual(['=HYPERLINK("http://x","y")', '+1']);
});

test('the demo\'s Usage Mix ties to its Ledger: events equal, priced cost within two cents of api + retry + tools (each rounded on its own)', () => {
  const { result, usageMix } = demoLedger({ seed: 7, scale: 0.002, months: 2, endPeriod: '2026-10' });
  for (const period of result.periods) {
    const rows = usageMix.filter((r) => r.period === period);
    const ledger = [...result.rows.filter((r) => r.period === period), ...result.unattributed.filter((u) => u.period === period)];
    const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
    expect(sum(rows, (r) => r.events)).toBe(sum(ledger, (r) => r.events));
    // the Ledger's rows carry tokens (Unattributed rows do not): the mix holds at least theirs
    expect(sum(rows, (r) => r.input_tokens)).toBeGreaterThanOrEqual(sum(result.rows.filter((r) => r.period === period), (r) => r.input_tokens));
    // the ledger publishes cents (controlled rounding: each component's period total is its rounded exact total)
    const cents = Math.round(sum(ledger, (r) => (r.api + r.retry + r.tools) * 100));
    expect(Math.abs(Math.round(sum(rows, (r) => r.priced_usd) * 100) - cents)).toBeLessThanOrEqual(2);
  }
});
