// Anthropic Admin API usage report (`/v1/organizations/usage_report/messages`) and cost report
// (`/v1/organizations/cost_report`): buckets grouped by api key, workspace, model, service tier, context window.
// Usage reports input apart: uncached_input_tokens + cache_read_input_tokens + cache_creation (5-minute + 1-hour
// writes, billed at 1.25× and 2× input) = canonical input; server_tool_use.web_search_requests are billed per 1,000;
// context_window "200k-1M" is the long-context price tier; service_tier standard/batch/priority/flex…
// Cost `amount` is a decimal string in CENTS ("123.45" = $1.2345). No work item can be named: lines land as
// unattributed spend of the agent their key/workspace maps to, or as invoice lines (`costsAs`).
import { z } from 'zod';
import type { Invoice } from '../../core/model/records';
import type { LinkRules } from '../links';
import type { MapResult, UsageDraft } from '../common/types';
import { joinUrl, type PullDeps, type PullResult } from '../common/http';
import type { RawRecord } from '../common/records';
import { asRecord, centsToUsd, FieldError, normalizeModel, periodOf, text, timestamp, tokenCount } from '../common/normalize';
import { warning } from '../common/checks';
import { mapReportBuckets, parseReportFile, pullReport, reportDraft, reportOptionsSchema, type ReportOptions, type ReportOpts } from '../common/reports';
import { PriceBook } from '../../core/pricing';

/** context_window of a report line → the canonical context tier (a bucket's summed input says nothing about one request). */
export function anthropicContextTier(v: unknown): 'standard' | 'long' {
  const s = text(v).toLowerCase();
  return s === '200k-1m' ? 'long' : 'standard';
}

let catalog: PriceBook | null = null;

export function anthropicUsageLine(r: Record<string, unknown>, file: string, line: number, o: ReportOpts): UsageDraft {
  const where = { file, line };
  const start = timestamp(r.__start, 'starting_at');
  const { provider, model } = normalizeModel('anthropic', text(r.model));
  const uncached = tokenCount(r.uncached_input_tokens, 'uncached_input_tokens');
  const read = tokenCount(r.cache_read_input_tokens, 'cache_read_input_tokens');
  const creation = asRecord(r.cache_creation);
  // The report nests the writes (cache_creation.ephemeral_5m/1h_input_tokens); some exports flatten them.
  const w5m = tokenCount(creation.ephemeral_5m_input_tokens ?? r.cache_creation_5m_input_tokens, 'cache_creation.ephemeral_5m_input_tokens');
  const w1h = tokenCount(creation.ephemeral_1h_input_tokens ?? r.cache_creation_1h_input_tokens, 'cache_creation.ephemeral_1h_input_tokens');
  const tier = text(r.service_tier).toLowerCase();
  const ids = [r.api_key_id, r.workspace_id].map(text);
  const contextWindow = text(r.context_window);
  const contextTier = anthropicContextTier(contextWindow);
  const warnings = [];
  if (!contextWindow && model) {
    // Without group_by context_window a line may mix standard and long-context requests: priced at the standard tier.
    catalog ??= new PriceBook();
    try {
      if (catalog.unitPrices({ provider, model, date: start }).tiered) {
        warnings.push(warning(where, 'context_window', '', `no context_window on a line of ${model}, whose requests over 200K input tokens cost more: priced at the standard tier (group the report by context_window)`));
      }
    } catch {
      // an unknown model is reported by the ledger as unpriced
    }
  }
  // Every grouping dimension is part of the id (two tiers or windows of one bucket are two events); dimensions added
  // later are appended only when present, so the ids of earlier imports do not change.
  const detail = [r.service_tier, r.context_window, r.inference_geo, r.speed, r.account_id, r.service_account_id].map(text);
  while (detail.length > 2 && detail[detail.length - 1] === '') detail.pop();
  const draft = reportDraft(
    o,
    ids,
    {
      event_id: `anthropic-usage:${start}:${ids.join(':')}:${model || '*'}:${detail.join(':')}`,
      timestamp: start,
      provider,
      model,
      input_tokens: uncached + read + w5m + w1h,
      cached_input_tokens: read,
      cache_write_tokens: w5m + w1h,
      cache_write_1h_tokens: w1h,
      output_tokens: tokenCount(r.output_tokens, 'output_tokens'),
      web_search_requests: tokenCount(asRecord(r.server_tool_use).web_search_requests, 'server_tool_use.web_search_requests'),
      batch: tier === 'batch',
      service_tier: tier,
      context_tier: contextTier,
    },
    { api_key: ids[0], workspace: ids[1] },
    where,
  );
  draft.warnings = warnings;
  return draft;
}

export function anthropicCostLine(r: Record<string, unknown>, file: string, line: number, o: ReportOpts): UsageDraft | Invoice {
  const start = timestamp(r.__start, 'starting_at');
  const currency = text(r.currency).toUpperCase();
  if (currency && currency !== 'USD') throw new FieldError('currency', r.currency, 'expected USD (the ledger is in USD)');
  const usd = centsToUsd(r.amount, 'amount');
  if (o.costsAs === 'invoices') return { period: periodOf(start), provider: 'anthropic', billed_usd: usd };
  if (usd < 0) throw new FieldError('amount', r.amount, 'expected a cost ≥ 0 (credits belong in invoices: costsAs "invoices")');
  const { provider, model } = normalizeModel('anthropic', text(r.model));
  const ids = [text(r.api_key_id), text(r.workspace_id)];
  const detail = [r.description, r.cost_type, r.token_type, r.service_tier, r.context_window].map(text).join(':');
  const tier = text(r.service_tier).toLowerCase();
  return reportDraft(
    o,
    ids,
    {
      event_id: `anthropic-cost:${start}:${ids.join(':')}:${model || '*'}:${detail}`,
      timestamp: start,
      provider,
      model,
      kind: text(r.cost_type) === 'web_search' || text(r.cost_type) === 'code_execution' ? 'tool' : 'llm',
      batch: tier === 'batch',
      service_tier: tier,
      context_tier: r.context_window ? anthropicContextTier(r.context_window) : '',
      cost_usd: usd,
      line_item: text(r.description),
    },
    { api_key: ids[0], workspace: ids[1] },
    { file, line },
  );
}

/** One line of either report: cost lines are those with an `amount`. */
const anthropicLine = (r: Record<string, unknown>, file: string, line: number, o: ReportOpts) =>
  r.amount !== undefined ? anthropicCostLine(r, file, line, o) : anthropicUsageLine(r, file, line, o);

export function mapAnthropicBuckets(buckets: RawRecord[], file: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  return mapReportBuckets('anthropic', anthropicLine, buckets, file, options, links);
}

export function parseAnthropicReportFile(textIn: string, fileName: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  return parseReportFile('anthropic', anthropicLine, textIn, fileName, options, links);
}

export const anthropicPullSchema = reportOptionsSchema.extend({
  baseUrl: z.string().url().default('https://api.anthropic.com'),
  adminKey: z.string({ message: 'expected an admin key (ANTHROPIC_ADMIN_KEY)' }).min(1, { message: 'expected an admin key (ANTHROPIC_ADMIN_KEY)' }),
  report: z.enum(['usage', 'cost']).default('usage'),
  /** ISO timestamps */
  startingAt: z.string().min(1),
  endingAt: z.string().optional(),
  limit: z.number().int().min(1).max(31).default(31),
});
export type AnthropicPullConfig = z.input<typeof anthropicPullSchema>;

export async function pullAnthropic(config: AnthropicPullConfig, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const c = anthropicPullSchema.parse(config);
  const path = c.report === 'cost' ? '/v1/organizations/cost_report' : '/v1/organizations/usage_report/messages';
  const groupBy = c.report === 'cost' ? ['workspace_id', 'description'] : ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window'];
  return pullReport(
    {
      source: `anthropic-${c.report}`,
      format: 'anthropic',
      mapLine: anthropicLine,
      options: c,
      secrets: [c.adminKey],
      authHint: 'ANTHROPIC_ADMIN_KEY',
      request: (cursor) => ({
        url: joinUrl(c.baseUrl, path, { starting_at: c.startingAt, ending_at: c.endingAt, bucket_width: '1d', 'group_by[]': groupBy, limit: c.limit, page: cursor }),
        headers: { 'x-api-key': c.adminKey, 'anthropic-version': '2023-06-01', Accept: 'application/json' },
      }),
    },
    deps,
  );
}
