// LiteLLM: proxy spend logs (the UI/DB export as JSON, JSONL or CSV, and `/spend/logs/v2` API pages) and the
// StandardLoggingPayload its logging integrations write to GCS/S3 buckets, Pub/Sub and custom callbacks.
// Spend-log fields: request_id, call_type, startTime, model, model_group, custom_llm_provider, spend, prompt_tokens,
// completion_tokens, total_tokens, status, cache_hit, user, team_id, end_user, session_id, metadata (JSON: usage_object,
// user_api_key_alias…), request_tags. StandardLoggingPayload: id, response_cost, cache_hit, startTime (string or float
// seconds), metadata { user_api_key_* }, response.usage (OpenAI-style usage with *_tokens_details).
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyUsageEvent } from '../../core/model/records';
import { emptyResult } from '../common/types';
import { joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, asStringArray, canonicalInput, FieldError, normalizeModel, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
import { totalCheck } from '../common/checks';
import { finalizeUsage, type DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

export interface LiteLLMOptions {
  /** LiteLLM reports prompt_tokens OpenAI-style (cached included); `auto` also catches rows where it did not */
  tokenConvention?: TokenConvention;
}

const STATUS: Record<string, 'ok' | 'error'> = { success: 'ok', failure: 'error', error: 'error', '': 'ok' };

function kindOf(callType: string): 'llm' | 'embedding' | 'tool' {
  const c = callType.toLowerCase();
  if (c.includes('embed')) return 'embedding';
  if (c.includes('mcp') || c.includes('tool')) return 'tool';
  return 'llm';
}

/** LiteLLM writes cache_hit as a boolean (StandardLoggingPayload) or as text ("True", "None") in spend logs. */
const isTrue = (v: unknown) => v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');

export function litellmRow(r: Record<string, unknown>, file: string, line: number, opts: LiteLLMOptions = {}): UsageDraft {
  const id = text(r.request_id ?? r.id);
  if (!id) throw new FieldError('request_id', r.request_id, 'expected the request id (request_id)');
  const where = { file, line };
  const metadata = asRecord(r.metadata);
  // Spend logs keep the provider's usage in metadata.usage_object; the StandardLoggingPayload in response.usage.
  const usage = { ...asRecord(metadata.additional_usage_values), ...asRecord(asRecord(r.response).usage), ...asRecord(metadata.usage_object) };
  const { provider, model } = normalizeModel(text(r.custom_llm_provider), text(r.model) || text(r.model_group));
  const prompt = tokenCount(r.prompt_tokens ?? usage.prompt_tokens, 'prompt_tokens');
  const details = asRecord(usage.prompt_tokens_details);
  const outDetails = asRecord(usage.completion_tokens_details);
  const cacheRead = tokenCount(details.cached_tokens ?? usage.cache_read_input_tokens, 'metadata.usage_object.cache_read_input_tokens');
  const cacheWrite = tokenCount(usage.cache_creation_input_tokens, 'metadata.usage_object.cache_creation_input_tokens');
  const tokens = canonicalInput(prompt, cacheRead, cacheWrite, opts.tokenConvention ?? 'inclusive', provider, model);
  const statusText = text(r.status).toLowerCase();
  const status = STATUS[statusText];
  if (!status) throw new FieldError('status', r.status, 'expected success or failure');
  const kind = kindOf(text(r.call_type));
  const output = tokenCount(r.completion_tokens ?? usage.completion_tokens, 'completion_tokens');
  const costField = r.spend !== undefined ? 'spend' : 'response_cost';
  let cost = amount(r[costField], costField);
  const cacheHit = isTrue(r.cache_hit);
  // A response served from LiteLLM's own cache cost nothing: its 0 is a real 0 (it must not be re-priced). Any other
  // spend of 0 on a row with tokens is LiteLLM's "model missing from my price map": unknown, not free.
  if (cost === 0 && !cacheHit && tokens.input_tokens + output > 0) cost = null;
  const creation = asRecord(usage.cache_creation_token_details ?? usage.cache_creation);
  const inner = { ...asRecord(metadata.spend_logs_metadata), ...asRecord(metadata.requester_metadata) };
  const link = emptyLinkFields();
  link.metadata = { ...metadata, ...inner };
  link.tags = asStringArray(r.request_tags);
  link.session_id = text(r.session_id ?? r.trace_id);
  link.user = text(r.user) || text(metadata.user_api_key_user_id);
  link.end_user = text(r.end_user) || text(metadata.user_api_key_end_user_id);
  link.team = text(r.team_id) || text(metadata.user_api_key_team_id);
  link.key_alias = text(metadata.user_api_key_alias);
  link.api_key = text(r.api_key) || text(metadata.user_api_key_hash);
  const total = r.total_tokens ?? usage.total_tokens;
  const check = totalCheck(where, 'total_tokens', total === undefined || total === null || total === '' ? null : tokenCount(total, 'total_tokens'), { prompt_tokens: prompt, completion_tokens: output }, 'the prompt and completion counts are kept');
  return {
    event: {
      ...emptyUsageEvent(),
      event_id: id,
      timestamp: timestamp(r.startTime ?? r.start_time, 'startTime'),
      provider,
      model,
      kind,
      ...tokens,
      output_tokens: output,
      units: kind === 'tool' ? 1 : 0,
      status,
      cost_usd: cost,
      cache_write_1h_tokens: tokenCount(creation.ephemeral_1h_input_tokens, 'usage.cache_creation.ephemeral_1h_input_tokens'),
      audio_input_tokens: tokenCount(details.audio_tokens, 'usage.prompt_tokens_details.audio_tokens'),
      image_input_tokens: tokenCount(details.image_tokens, 'usage.prompt_tokens_details.image_tokens'),
      audio_output_tokens: tokenCount(outDetails.audio_tokens, 'usage.completion_tokens_details.audio_tokens'),
      reasoning_tokens: tokenCount(outDetails.reasoning_tokens, 'usage.completion_tokens_details.reasoning_tokens'),
      web_search_requests: tokenCount(asRecord(usage.server_tool_use).web_search_requests, 'usage.server_tool_use.web_search_requests'),
      service_tier: text(asRecord(r.response).service_tier ?? usage.service_tier).toLowerCase(),
    },
    link,
    where,
    warnings: check ? [check] : [],
    // A cache hit's 0 is not compared with the catalog: LiteLLM billed nothing for it.
    costField: cacheHit ? undefined : costField,
  };
}

export function litellmDrafts(records: RawRecord[], file: string, opts: LiteLLMOptions = {}): DraftBatch {
  const m = mapEach(records, file, (r, line) => litellmRow(r, file, line, opts));
  return { drafts: m.out, rejected: m.rejected, skipped: m.skipped };
}

export function parseLiteLLMFile(textIn: string, fileName: string, opts: LiteLLMOptions = {}): DraftBatch {
  const raw = readRecords(textIn, fileName, ['data', 'logs']);
  const b = litellmDrafts(raw.records, fileName, opts);
  b.rejected.unshift(...raw.rejected);
  return b;
}

export const litellmPullSchema = z.object({
  baseUrl: z.string({ message: 'expected the base URL (LITELLM_BASE_URL)' }).url({ message: 'expected the base URL (LITELLM_BASE_URL) such as https://example.com' }),
  apiKey: z.string({ message: 'expected an admin key (LITELLM_API_KEY)' }).min(1, { message: 'expected an admin key (LITELLM_API_KEY)' }),
  /** inclusive, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (UTC) */
  startDate: z.string().min(1),
  endDate: z.string().min(1),
  pageSize: z.number().int().min(1).max(100).default(100),
  teamId: z.string().optional(),
  userId: z.string().optional(),
  tokenConvention: z.enum(['inclusive', 'separate', 'auto']).default('inclusive'),
});
export type LiteLLMPullConfig = z.input<typeof litellmPullSchema>;

const dateParam = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? s : s.replace('T', ' ').replace(/Z$/, ''));

export async function pullLiteLLM(config: LiteLLMPullConfig, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const c = litellmPullSchema.parse(config);
  return paginate({
    source: 'litellm',
    deps,
    secrets: [c.apiKey],
    authHint: 'LITELLM_API_KEY',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, '/spend/logs/v2', {
        start_date: dateParam(c.startDate),
        end_date: dateParam(c.endDate),
        page: cursor ?? '1',
        page_size: c.pageSize,
        team_id: c.teamId,
        user_id: c.userId,
      }),
      headers: { Authorization: `Bearer ${c.apiKey}`, Accept: 'application/json' },
    }),
    page: (body, ctx) => {
      const rows = pageArray(body, 'data');
      const b = body as { page?: number; total_pages?: number };
      const page = Number(b.page ?? ctx.cursor ?? 1);
      const totalPages = Number(b.total_pages ?? 0);
      const batch = litellmDrafts(rows.map((value, i) => ({ value, line: i + 1 })), ctx.file, c);
      const { events, rejected, warnings } = finalizeUsage(batch, deps.links, 'litellm');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      result.warnings = warnings;
      result.skipped = batch.skipped;
      // total_pages is authoritative; without it, a short page is the last one.
      const more = totalPages ? page < totalPages : rows.length >= c.pageSize;
      return { next: more ? String(page + 1) : null, result };
    },
  });
}
