// LiteLLM proxy spend logs: the UI/DB export (JSON, JSONL or CSV) and the `/spend/logs/v2` API pages.
// Row fields: request_id, call_type, startTime, model, model_group, custom_llm_provider, spend, prompt_tokens,
// completion_tokens, status, user, team_id, end_user, session_id, metadata (JSON), request_tags (JSON array).
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyResult } from '../common/types';
import { joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, asStringArray, canonicalInput, FieldError, normalizeModel, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
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

export function litellmRow(r: Record<string, unknown>, file: string, line: number, opts: LiteLLMOptions = {}): UsageDraft {
  const id = text(r.request_id ?? r.id);
  if (!id) throw new FieldError('request_id', r.request_id, 'expected the request id (request_id)');
  const metadata = asRecord(r.metadata);
  const usage = { ...asRecord(metadata.additional_usage_values), ...asRecord(metadata.usage_object) };
  const { provider, model } = normalizeModel(text(r.custom_llm_provider), text(r.model) || text(r.model_group));
  const prompt = tokenCount(r.prompt_tokens, 'prompt_tokens');
  const details = asRecord(usage.prompt_tokens_details);
  const cacheRead = tokenCount(details.cached_tokens ?? usage.cache_read_input_tokens, 'metadata.usage_object.cache_read_input_tokens');
  const cacheWrite = tokenCount(usage.cache_creation_input_tokens, 'metadata.usage_object.cache_creation_input_tokens');
  const tokens = canonicalInput(prompt, cacheRead, cacheWrite, opts.tokenConvention ?? 'inclusive', provider, model);
  const statusText = text(r.status).toLowerCase();
  const status = STATUS[statusText];
  if (!status) throw new FieldError('status', r.status, 'expected success or failure');
  const kind = kindOf(text(r.call_type));
  const output = tokenCount(r.completion_tokens, 'completion_tokens');
  // LiteLLM logs spend 0 for a model missing from its price map: with tokens, that is "unknown", not "free".
  let cost = amount(r.spend, 'spend');
  if (cost === 0 && tokens.input_tokens + output > 0) cost = null;
  const inner = { ...asRecord(metadata.spend_logs_metadata), ...asRecord(metadata.requester_metadata) };
  const link = emptyLinkFields();
  link.metadata = { ...metadata, ...inner };
  link.tags = asStringArray(r.request_tags);
  link.session_id = text(r.session_id);
  link.user = text(r.user);
  link.end_user = text(r.end_user);
  link.team = text(r.team_id);
  link.key_alias = text(metadata.user_api_key_alias);
  link.api_key = text(r.api_key);
  return {
    event: {
      event_id: id,
      timestamp: timestamp(r.startTime ?? r.start_time, 'startTime'),
      provider,
      model,
      kind,
      ...tokens,
      output_tokens: output,
      units: kind === 'tool' ? 1 : 0,
      status,
      batch: false,
      cost_usd: cost,
    },
    link,
    where: { file, line },
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
      const { events, rejected } = finalizeUsage(batch, deps.links, 'litellm');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      result.skipped = batch.skipped;
      // total_pages is authoritative; without it, a short page is the last one.
      const more = totalPages ? page < totalPages : rows.length >= c.pageSize;
      return { next: more ? String(page + 1) : null, result };
    },
  });
}
