// Helicone requests: rows of its request table as the API (`POST /v1/request/query-clickhouse`), the export CLI
// (`npx @helicone/export`: JSON, JSONL or CSV with response_id … cost) and raw ClickHouse rows (request_response_rmt)
// give them. Fields: request_id (the CLI's CSV has only response_id), request_created_at, model (request_model /
// response_model), provider, prompt_tokens, completion_tokens, reasoning_tokens, prompt_cache_read_tokens,
// prompt_cache_write_tokens, prompt_audio_tokens, completion_audio_tokens, total_tokens, cost / costUSD,
// response_status (status in raw rows), request_user_id (user_id), request_properties (the Helicone-Property-* headers).
//
// Units: ClickHouse stores `cost` as an integer in nano-USD (× COST_PRECISION_MULTIPLIER = 1e9, packages/cost/costCalc.ts);
// the API divides it back to USD. Tokens: Helicone prices prompt_tokens as the fresh (uncached) input and adds the
// cache reads, cache writes and audio tokens on top (packages/cost/index.ts, the ClickHouse cost formula), and its
// total_tokens is prompt + completion + reasoning.
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyUsageEvent, type RejectedRow } from '../../core/model/records';
import { emptyResult } from '../common/types';
import { joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, canonicalInput, FieldError, normalizeModel, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
import { totalCheck } from '../common/checks';
import { finalizeUsage, type DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

/** Helicone's ClickHouse cost multiplier (packages/cost/costCalc.ts COST_PRECISION_MULTIPLIER): cost columns hold nano-USD. */
export const HELICONE_COST_PRECISION_MULTIPLIER = 1_000_000_000;

export interface HeliconeOptions {
  /** `separate` (default): prompt_tokens excludes cache reads/writes, as Helicone stores them; `auto`/`inclusive` for other exports */
  tokenConvention?: TokenConvention;
  /**
   * Unit of a `cost` column (costUSD is always USD): `nano_usd` as ClickHouse stores it, `usd` as the API and the export
   * CLI return it; `auto` (default) reads a file or page whose every cost is a whole number as nano-USD (ClickHouse
   * rows) and one with a fractional cost as USD.
   */
  costUnit?: 'auto' | 'usd' | 'nano_usd';
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

/** The unit of the `cost` column for a whole file or page (see HeliconeOptions.costUnit). */
export function heliconeCostUnit(records: RawRecord[], opt: HeliconeOptions['costUnit'] = 'auto'): 'usd' | 'nano_usd' {
  if (opt === 'usd' || opt === 'nano_usd') return opt;
  for (const { value } of records) {
    const c = (value as Record<string, unknown> | null)?.cost;
    if (c === undefined || c === null || c === '') continue;
    const n = Number(c);
    if (Number.isFinite(n) && !Number.isInteger(n)) return 'usd';
  }
  return 'nano_usd';
}

const optTokens = (v: unknown, field: string) => (v === undefined || v === null || v === '' ? null : tokenCount(v, field));

export function heliconeRow(r: Record<string, unknown>, file: string, line: number, opts: HeliconeOptions = {}, costUnit: 'usd' | 'nano_usd' = 'usd'): UsageDraft {
  const idField = r.request_id !== undefined ? 'request_id' : r.response_id !== undefined ? 'response_id' : 'id';
  const id = text(r[idField]);
  if (!id) throw new FieldError(idField, r[idField], 'expected the request id (request_id, or response_id in the export CLI CSV)');
  const where = { file, line };
  const { provider, model } = normalizeModel(text(r.provider), text(r.response_model) || text(r.request_model) || text(r.model));
  const prompt = tokenCount(r.prompt_tokens, 'prompt_tokens');
  const read = tokenCount(r.prompt_cache_read_tokens, 'prompt_cache_read_tokens');
  const write = tokenCount(r.prompt_cache_write_tokens, 'prompt_cache_write_tokens');
  const audioIn = tokenCount(r.prompt_audio_tokens, 'prompt_audio_tokens');
  const tokens = canonicalInput(prompt, read, write, opts.tokenConvention ?? 'separate', provider, model);
  // Audio tokens are priced on top of prompt_tokens in Helicone's cost formula: part of the input, not of prompt_tokens.
  tokens.input_tokens += audioIn;
  const completion = tokenCount(r.completion_tokens, 'completion_tokens');
  const reasoning = optTokens(r.reasoning_tokens, 'reasoning_tokens');
  const audioOut = tokenCount(r.completion_audio_tokens, 'completion_audio_tokens');
  const total = optTokens(r.total_tokens, 'total_tokens');
  const warnings: RejectedRow[] = [];
  // Helicone's total_tokens = prompt + completion + reasoning (reasoning apart from completion); a total equal to
  // prompt + completion says the completion already includes the reasoning.
  let output = completion + (reasoning ?? 0) + audioOut;
  if (total !== null && reasoning && total === prompt + completion) output = completion + audioOut;
  else if (total !== null) {
    const w = totalCheck(where, 'total_tokens', total, { prompt_tokens: prompt, completion_tokens: completion, reasoning_tokens: reasoning }, 'the prompt, completion and reasoning counts are kept');
    if (w) warnings.push(w);
  }
  const costField = r.costUSD !== undefined ? 'costUSD' : r.cost_usd !== undefined ? 'cost_usd' : 'cost';
  let cost = amount(r[costField], costField);
  if (cost !== null && costField === 'cost' && costUnit === 'nano_usd') cost /= HELICONE_COST_PRECISION_MULTIPLIER;
  const status = Number(text(r.response_status ?? r.status) || 200);
  const props = properties(r);
  const link = emptyLinkFields();
  link.properties = props;
  link.metadata = { ...props };
  link.user = text(r.request_user_id ?? r.user_id);
  link.session_id = props['session'] ?? text(r.session_id);
  link.api_key = text(r.helicone_api_key_id ?? r.api_key_id);
  return {
    event: {
      ...emptyUsageEvent(),
      event_id: id,
      timestamp: timestamp(r.request_created_at ?? r.created_at ?? r.response_created_at, 'request_created_at'),
      provider,
      model,
      kind: /embed/i.test(text(r.request_path) || text(r.target_url)) ? 'embedding' : 'llm',
      ...tokens,
      audio_input_tokens: audioIn,
      output_tokens: output,
      reasoning_tokens: reasoning ?? 0,
      audio_output_tokens: audioOut,
      status: Number.isFinite(status) && status >= 200 && status < 400 ? 'ok' : 'error',
      cost_usd: cost,
    },
    link,
    where,
    warnings,
    costField,
  };
}

export function heliconeDrafts(records: RawRecord[], file: string, opts: HeliconeOptions = {}): DraftBatch {
  const unit = heliconeCostUnit(records, opts.costUnit);
  const m = mapEach(records, file, (r, line) => heliconeRow(r, file, line, opts, unit));
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
  tokenConvention: z.enum(['inclusive', 'separate', 'auto']).default('separate'),
  costUnit: z.enum(['auto', 'usd', 'nano_usd']).default('auto'),
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
      const { events, rejected, warnings } = finalizeUsage(batch, deps.links, 'helicone');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      result.warnings = warnings;
      return { next: rows.length >= c.limit ? String(offset + rows.length) : null, result };
    },
  });
}
