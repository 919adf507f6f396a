// OpenAI organization Usage API (`/v1/organization/usage/completions`, `/usage/embeddings`) and Costs API
// (`/v1/organization/costs`): buckets of results grouped by project, user, api key, model, batch, service tier. No work
// item can be named: usage lines become unattributed events of the agent their key/project maps to (priced by the
// price book), cost lines become events with the provider's cost or invoice lines for the true-up (`costsAs`).
//
// Completions usage (openai-openapi, UsageCompletionsResult): input_tokens counts every input token — cached
// (input_cached_tokens), written to the cache (input_cache_write_tokens) and uncached (input_uncached_tokens), text,
// audio and image alike; input_text/audio/image_tokens are the UNCACHED tokens of each modality and
// input_cached_text/audio/image_tokens the cached ones; output_tokens = output_text + output_audio + output_image.
// Older pages had no input_cached_audio_tokens and counted cached audio inside input_audio_tokens.
import { z } from 'zod';
import type { Invoice, RejectedRow } from '../../core/model/records';
import type { LinkRules } from '../links';
import type { MapResult, UsageDraft } from '../common/types';
import { joinUrl, type PullDeps, type PullResult } from '../common/http';
import type { RawRecord } from '../common/records';
import { amount, asRecord, catalogProvider, FieldError, normalizeModel, periodOf, signedAmount, text, timestamp, tokenCount } from '../common/normalize';
import { totalCheck } from '../common/checks';
import { mapReportBuckets, parseReportFile, pullReport, reportDraft, reportOptionsSchema, type ReportOptions, type ReportOpts } from '../common/reports';

const opt = (r: Record<string, unknown>, k: string) => (r[k] === undefined || r[k] === null || r[k] === '' ? null : tokenCount(r[k], k));

export function openaiUsageLine(r: Record<string, unknown>, file: string, line: number, o: ReportOpts): UsageDraft {
  const where = { file, line };
  const start = timestamp(r.__start, 'start_time', 's');
  const embedding = text(r.object).includes('embeddings');
  const { provider, model } = normalizeModel('openai', text(r.model));
  const ids = [r.api_key_id, r.project_id, r.user_id].map(text);
  const tier = text(r.service_tier).toLowerCase();
  const batch = r.batch === true || r.batch === 'true' || tier === 'batch';
  const input = tokenCount(r.input_tokens, 'input_tokens');
  const cached = tokenCount(r.input_cached_tokens, 'input_cached_tokens');
  const write = tokenCount(r.input_cache_write_tokens, 'input_cache_write_tokens');
  const output = tokenCount(r.output_tokens, 'output_tokens');
  const cachedAudio = opt(r, 'input_cached_audio_tokens');
  const cachedImage = opt(r, 'input_cached_image_tokens');
  const audio = tokenCount(r.input_audio_tokens, 'input_audio_tokens');
  const image = tokenCount(r.input_image_tokens, 'input_image_tokens');
  // The vendor's own sums, where it gives both sides: reported per line, the totals kept.
  const warnings = [
    opt(r, 'input_uncached_tokens') === null
      ? null
      : totalCheck(where, 'input_tokens', input, { input_cached_tokens: cached, input_cache_write_tokens: write, input_uncached_tokens: opt(r, 'input_uncached_tokens') }, 'input_tokens is kept'),
    opt(r, 'input_uncached_tokens') === null || opt(r, 'input_text_tokens') === null
      ? null
      : totalCheck(where, 'input_uncached_tokens', opt(r, 'input_uncached_tokens'), { input_text_tokens: opt(r, 'input_text_tokens'), input_audio_tokens: opt(r, 'input_audio_tokens'), input_image_tokens: opt(r, 'input_image_tokens') }, 'the modality counts are kept'),
    opt(r, 'input_cached_text_tokens') === null
      ? null
      : totalCheck(where, 'input_cached_tokens', cached, { input_cached_text_tokens: opt(r, 'input_cached_text_tokens'), input_cached_audio_tokens: cachedAudio, input_cached_image_tokens: cachedImage }, 'input_cached_tokens is kept'),
    opt(r, 'output_text_tokens') === null
      ? null
      : totalCheck(where, 'output_tokens', output, { output_text_tokens: opt(r, 'output_text_tokens'), output_audio_tokens: opt(r, 'output_audio_tokens'), output_image_tokens: opt(r, 'output_image_tokens') }, 'output_tokens is kept'),
  ].filter((w): w is RejectedRow => w !== null);
  // With the cached-modality fields, input_audio/image_tokens are the uncached ones; without them (older pages) they
  // counted cached tokens too.
  const split = cachedAudio !== null || cachedImage !== null;
  const draft = reportDraft(
    o,
    ids,
    {
      event_id: `openai-usage:${embedding ? 'embeddings' : 'completions'}:${start}:${ids.join(':')}:${model || '*'}:${batch ? 'batch' : ''}${tier && tier !== 'batch' ? `:${tier}` : ''}`,
      timestamp: start,
      provider,
      model,
      kind: embedding ? 'embedding' : 'llm',
      input_tokens: input,
      cached_input_tokens: cached,
      cache_write_tokens: write,
      audio_input_tokens: audio + (split ? (cachedAudio ?? 0) : 0),
      cached_audio_input_tokens: cachedAudio ?? 0,
      image_input_tokens: image + (split ? (cachedImage ?? 0) : 0),
      cached_image_input_tokens: cachedImage ?? 0,
      output_tokens: output,
      audio_output_tokens: tokenCount(r.output_audio_tokens, 'output_audio_tokens'),
      image_output_tokens: tokenCount(r.output_image_tokens, 'output_image_tokens'),
      batch,
      service_tier: tier,
      // A bucket adds many requests: its summed input says nothing about any request's context length.
      context_tier: 'standard',
    },
    { api_key: ids[0], project: ids[1], user: ids[2] },
    where,
  );
  draft.warnings = warnings;
  return draft;
}

/**
 * One cost line: `{ amount: { value, currency }, line_item, project_id }`. The line item is kept as it is (`line_item`);
 * a model is read from it only in the "<model>, <direction>" form and when the catalog knows that model — a line item
 * such as "input_tokens" or "web search tool calls" is not a model name.
 */
export function openaiCostLine(r: Record<string, unknown>, file: string, line: number, o: ReportOpts): UsageDraft | Invoice {
  const start = timestamp(r.__start, 'start_time', 's');
  const a = asRecord(r.amount);
  const currency = text(a.currency).toLowerCase();
  if (currency && currency !== 'usd') throw new FieldError('amount.currency', a.currency, 'expected usd (the ledger is in USD)');
  if (o.costsAs === 'invoices') {
    const v = signedAmount(a.value, 'amount.value');
    if (v === null) throw new FieldError('amount.value', a.value, 'expected the cost amount');
    return { period: periodOf(start), provider: 'openai', billed_usd: v };
  }
  const cost = amount(a.value, 'amount.value');
  if (cost === null) throw new FieldError('amount.value', a.value, 'expected the cost amount');
  const lineItem = text(r.line_item);
  const head = /^([^,]+),\s*\S/.exec(lineItem)?.[1].trim() ?? '';
  const { provider, model } = head && catalogProvider(head) ? normalizeModel('openai', head) : { provider: 'openai', model: '' };
  const ids = [r.api_key_id, r.project_id, r.user_id].map(text);
  return reportDraft(
    o,
    ids,
    { event_id: `openai-cost:${start}:${ids.join(':')}:${lineItem || '*'}`, timestamp: start, provider, model, cost_usd: cost, line_item: lineItem },
    { api_key: ids[0], project: ids[1] },
    { file, line },
  );
}

/** One line of either report, told apart by each result's `object` (or an `amount`). */
const openaiLine = (r: Record<string, unknown>, file: string, line: number, o: ReportOpts) =>
  text(r.object).includes('costs') || r.amount !== undefined ? openaiCostLine(r, file, line, o) : openaiUsageLine(r, file, line, o);

export function mapOpenAIBuckets(buckets: RawRecord[], file: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  return mapReportBuckets('openai', openaiLine, buckets, file, options, links);
}

export function parseOpenAIReportFile(textIn: string, fileName: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  return parseReportFile('openai', openaiLine, textIn, fileName, options, links);
}

export const openaiPullSchema = reportOptionsSchema.extend({
  baseUrl: z.string().url().default('https://api.openai.com'),
  adminKey: z.string({ message: 'expected an admin key (OPENAI_ADMIN_KEY)' }).min(1, { message: 'expected an admin key (OPENAI_ADMIN_KEY)' }),
  report: z.enum(['completions', 'embeddings', 'costs']).default('completions'),
  /** unix seconds or ISO */
  startTime: z.union([z.number(), z.string()]),
  endTime: z.union([z.number(), z.string()]).optional(),
  limit: z.number().int().min(1).max(180).default(31),
});
export type OpenAIPullConfig = z.input<typeof openaiPullSchema>;

const unix = (v: number | string | undefined) => (v === undefined ? undefined : typeof v === 'number' || /^\d+$/.test(v) ? Number(v) : Math.floor(Date.parse(v) / 1000));

export async function pullOpenAI(config: OpenAIPullConfig, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const c = openaiPullSchema.parse(config);
  const path = c.report === 'costs' ? '/v1/organization/costs' : `/v1/organization/usage/${c.report}`;
  const groupBy = c.report === 'costs' ? ['project_id', 'line_item'] : ['project_id', 'api_key_id', 'model', 'batch', 'service_tier'];
  return pullReport(
    {
      source: `openai-${c.report}`,
      format: 'openai',
      mapLine: openaiLine,
      options: c,
      secrets: [c.adminKey],
      authHint: 'OPENAI_ADMIN_KEY',
      request: (cursor) => ({
        url: joinUrl(c.baseUrl, path, { start_time: unix(c.startTime), end_time: unix(c.endTime), bucket_width: '1d', group_by: groupBy, limit: c.limit, page: cursor }),
        headers: { Authorization: `Bearer ${c.adminKey}`, Accept: 'application/json' },
      }),
    },
    deps,
  );
}
