// Helicone requests: the dashboard export (JSON/JSONL/CSV) and `POST /v1/request/query-clickhouse` pages.
// Fields: request_id, request_created_at, model (request_model/response_model), provider, prompt_tokens,
// completion_tokens, prompt_cache_read_tokens, prompt_cache_write_tokens, costUSD (or cost), response_status,
// request_user_id, request_properties (the Helicone-Property-* headers).
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyResult } from '../common/types';
import { joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, canonicalInput, FieldError, normalizeModel, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
import { finalizeUsage, type DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

export interface HeliconeOptions {
  /** `auto`: Anthropic rows report cache apart from prompt_tokens, others include it */
  tokenConvention?: TokenConvention;
}

/** Custom properties from request_properties/properties objects or flat export columns (Helicone-Property-X, properties.X). */
function properties(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    const s = text(v);
    if (s !== '') out[k.toLowerCase().replace(/^helicone-property-/, '')] = s;
  };
  for (const [k, v] of Object.entries({ ...asRecord(r.properties), ...asRecord(r.request_properties) })) put(k, v);
  for (const [k, v] of Object.entries(r)) {
    const m = /^(?:helicone-property-|properties\.|request_properties\.)(.+)$/i.exec(k);
    if (m) put(m[1], v);
  }
  return out;
}

export function heliconeRow(r: Record<string, unknown>, file: string, line: number, opts: HeliconeOptions = {}): UsageDraft {
  const id = text(r.request_id ?? r.id);
  if (!id) throw new FieldError('request_id', r.request_id, 'expected the request id (request_id)');
  const { provider, model } = normalizeModel(text(r.provider), text(r.response_model) || text(r.request_model) || text(r.model));
  const prompt = tokenCount(r.prompt_tokens, 'prompt_tokens');
  const read = tokenCount(r.prompt_cache_read_tokens, 'prompt_cache_read_tokens');
  const write = tokenCount(r.prompt_cache_write_tokens, 'prompt_cache_write_tokens');
  const tokens = canonicalInput(prompt, read, write, opts.tokenConvention ?? 'auto', provider, model);
  const costField = r.costUSD !== undefined ? 'costUSD' : r.cost_usd !== undefined ? 'cost_usd' : 'cost';
  const status = Number(text(r.response_status) || 200);
  const props = properties(r);
  const link = emptyLinkFields();
  link.properties = props;
  link.metadata = { ...props };
  link.user = text(r.request_user_id ?? r.user_id);
  link.session_id = props['session'] ?? text(r.session_id);
  link.api_key = text(r.helicone_api_key_id ?? r.api_key_id);
  return {
    event: {
      event_id: id,
      timestamp: timestamp(r.request_created_at ?? r.created_at, 'request_created_at'),
      provider,
      model,
      kind: /embed/i.test(text(r.request_path)) ? 'embedding' : 'llm',
      ...tokens,
      output_tokens: tokenCount(r.completion_tokens, 'completion_tokens'),
      units: 0,
      status: Number.isFinite(status) && status >= 200 && status < 400 ? 'ok' : 'error',
      batch: false,
      cost_usd: amount(r[costField], costField),
    },
    link,
    where: { file, line },
  };
}

export function heliconeDrafts(records: RawRecord[], file: string, opts: HeliconeOptions = {}): DraftBatch {
  const m = mapEach(records, file, (r, line) => heliconeRow(r, file, line, opts));
  return { drafts: m.out, rejected: m.rejected, skipped: m.skipped };
}

export function parseHeliconeFile(textIn: string, fileName: string, opts: HeliconeOptions = {}): DraftBatch {
  const raw = readRecords(textIn, fileName, ['data']);
  const b = heliconeDrafts(raw.records, fileName, opts);
  b.rejected.unshift(...raw.rejected);
  return b;
}

export const heliconePullSchema = z.object({
  baseUrl: z.string().url().default('https://api.helicone.ai'),
  apiKey: z.string({ message: 'expected a Helicone API key (HELICONE_API_KEY)' }).min(1, { message: 'expected a Helicone API key (HELICONE_API_KEY)' }),
  /** ISO timestamps */
  from: z.string().min(1),
  to: z.string().min(1),
  limit: z.number().int().min(1).max(1000).default(500),
  tokenConvention: z.enum(['inclusive', 'separate', 'auto']).default('auto'),
});
export type HeliconePullConfig = z.input<typeof heliconePullSchema>;

export async function pullHelicone(config: HeliconePullConfig, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const c = heliconePullSchema.parse(config);
  return paginate({
    source: 'helicone',
    deps,
    secrets: [c.apiKey],
    authHint: 'HELICONE_API_KEY',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, '/v1/request/query-clickhouse'),
      method: 'POST',
      headers: { Authorization: `Bearer ${c.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        filter: {
          left: { request_response_rmt: { request_created_at: { gte: c.from } } },
          operator: 'and',
          right: { request_response_rmt: { request_created_at: { lt: c.to } } },
        },
        offset: Number(cursor ?? 0),
        limit: c.limit,
        sort: { created_at: 'asc' },
      }),
    }),
    page: (body, ctx) => {
      const rows = pageArray(body, 'data');
      const offset = Number(ctx.cursor ?? 0);
      const batch = heliconeDrafts(rows.map((value, i) => ({ value, line: offset + i + 1 })), ctx.file, c);
      const { events, rejected } = finalizeUsage(batch, deps.links, 'helicone');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      return { next: rows.length >= c.limit ? String(offset + rows.length) : null, result };
    },
  });
}
