// Langfuse observations: `/api/public/v2/observations` cursor pages, v1 `/api/public/observations` pages, and
// exports — a list of observations, or the `{ trace, observations }` shape of a downloaded trace (the trace's
// sessionId, userId, tags and metadata then apply to every observation). Only generations/embeddings are usage;
// spans and events are skipped (counted).
//
// usageDetails: Langfuse's own SDKs write disjoint keys that add up to `total` (input, input_cached_tokens,
// output, output_reasoning_tokens…). Keys ingested from OpenInference/OTel spans can overlap instead: a Gemini
// trace has output 2055 including completion_details.reasoning 1104, and total 2061 = input + output says so.
// `total` decides: the sum of every key → disjoint; input + output → the other keys are parts of those two; neither
// → a warning on the row (the parts are kept). Vertex models arrive as projects/…/publishers/google/models/<model>.
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyUsageEvent, type RejectedRow } from '../../core/model/records';
import { emptyResult } from '../common/types';
import { base64, joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, asStringArray, FieldError, normalizeModel, text, timestamp, tokenCount } from '../common/normalize';
import { warning } from '../common/checks';
import { finalizeUsage, type DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

const USAGE_TYPES = new Set(['GENERATION', 'EMBEDDING']);

const INPUT_BASE = new Set(['input', 'prompt', 'input_tokens', 'prompt_tokens']);
const OUTPUT_BASE = new Set(['output', 'completion', 'output_tokens', 'completion_tokens']);
const isOutputKey = (k: string) => k.startsWith('output') || k.startsWith('completion');
const isInputKey = (k: string) => k.startsWith('input') || k.startsWith('prompt') || k.startsWith('cache');
const isCacheRead = (k: string) => /cache_read|input_cached|cached_tokens|cached_input|cache_hit/.test(k);
const isCacheWrite = (k: string) => /cache_creation|cache_write/.test(k);

export interface LangfuseTokens {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  audio_input_tokens: number;
  image_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  audio_output_tokens: number;
  image_output_tokens: number;
  web_search_requests: number;
}

/** usageDetails (or the legacy `usage` {input, output, unit}) → canonical token counts, and a warning when `total` fits no reading. */
export function langfuseTokens(o: Record<string, unknown>, where: { file: string; line: number } = { file: '', line: 0 }): LangfuseTokens & { warning?: RejectedRow } {
  let details = asRecord(o.usageDetails);
  if (Object.keys(details).length === 0) {
    const u = asRecord(o.usage);
    details = { input: u.input ?? o.promptTokens, output: u.output ?? o.completionTokens, total: u.total ?? o.totalTokens };
  }
  const t: LangfuseTokens = {
    input_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0, cache_write_1h_tokens: 0, audio_input_tokens: 0, image_input_tokens: 0,
    output_tokens: 0, reasoning_tokens: 0, audio_output_tokens: 0, image_output_tokens: 0, web_search_requests: 0,
  };
  let total: number | null = null;
  let inBase = 0;
  let outBase = 0;
  let sum = 0;
  const inParts: [string, number][] = [];
  const outParts: [string, number][] = [];
  for (const [k, v] of Object.entries(details)) {
    if (v === null || v === undefined || v === '') continue;
    const key = k.toLowerCase();
    const n = tokenCount(v, `usageDetails.${k}`);
    if (key === 'total' || key === 'total_tokens') total = n;
    else if (/web_search/.test(key)) t.web_search_requests += n;
    else {
      if (INPUT_BASE.has(key)) inBase += n;
      else if (OUTPUT_BASE.has(key)) outBase += n;
      else if (isOutputKey(key)) outParts.push([key, n]);
      else if (isInputKey(key)) inParts.push([key, n]);
      else continue;
      sum += n;
    }
  }
  // Parts are disjoint from the base keys unless `total` shows they are already counted in them.
  let overlapping = false;
  let warn: RejectedRow | undefined;
  if (total !== null && total !== sum) {
    if (total === inBase + outBase) overlapping = true;
    else {
      const shown = [...(inBase ? ['input'] : []), ...inParts.map(([k]) => k), ...(outBase ? ['output'] : []), ...outParts.map(([k]) => k)];
      warn = warning(where, 'usageDetails.total', total, `usageDetails.total ${total} is neither the sum of its keys (${shown.join(' + ')} = ${sum}) nor input + output (${inBase + outBase}); ${total > sum ? `${total - sum} tokens are counted by no key; ` : ''}the keys are kept as disjoint parts`);
    }
  }
  t.input_tokens = inBase;
  t.output_tokens = outBase;
  for (const [key, n] of inParts) {
    if (!overlapping) t.input_tokens += n;
    if (isCacheRead(key)) t.cached_input_tokens += n;
    else if (isCacheWrite(key)) {
      t.cache_write_tokens += n;
      if (/1h/.test(key)) t.cache_write_1h_tokens += n;
    } else if (/audio/.test(key)) t.audio_input_tokens += n;
    else if (/image/.test(key)) t.image_input_tokens += n;
  }
  for (const [key, n] of outParts) {
    if (!overlapping) t.output_tokens += n;
    if (/reasoning/.test(key)) t.reasoning_tokens += n;
    else if (/audio/.test(key)) t.audio_output_tokens += n;
    else if (/image/.test(key)) t.image_output_tokens += n;
  }
  // "cache_creation_input_tokens" and a "…_1h…" key both count the 1-hour writes: never more 1h than all writes.
  t.cache_write_1h_tokens = Math.min(t.cache_write_1h_tokens, t.cache_write_tokens);
  return warn ? { ...t, warning: warn } : t;
}

export function langfuseObservation(o: Record<string, unknown>, file: string, line: number, traceOf: Record<string, unknown> = {}): UsageDraft | null {
  const type = text(o.type).toUpperCase();
  if (type && !USAGE_TYPES.has(type)) return null;
  const id = text(o.id);
  if (!id) throw new FieldError('id', o.id, 'expected the observation id');
  const where = { file, line };
  const trace = { ...traceOf, ...asRecord(o.trace) };
  const { provider, model } = normalizeModel(text(o.provider ?? asRecord(o.modelParameters).provider), text(o.model) || text(o.providedModelName));
  const costs = asRecord(o.costDetails);
  const costField = costs.total !== undefined ? 'costDetails.total' : o.totalCost !== undefined ? 'totalCost' : 'calculatedTotalCost';
  const cost = amount(costs.total ?? o.totalCost ?? o.calculatedTotalCost, costField);
  const level = text(o.level).toUpperCase();
  const { warning: tokenWarning, ...tokens } = langfuseTokens(o, where);
  const link = emptyLinkFields();
  link.metadata = { ...asRecord(trace.metadata), ...asRecord(o.metadata) };
  link.tags = asStringArray(o.tags ?? o.traceTags ?? trace.tags);
  link.session_id = text(o.sessionId ?? trace.sessionId);
  link.user = text(o.userId ?? trace.userId);
  link.project = text(o.projectId ?? trace.projectId);
  return {
    event: {
      ...emptyUsageEvent(),
      event_id: id,
      timestamp: timestamp(o.startTime, 'startTime'),
      provider,
      model,
      kind: type === 'EMBEDDING' ? 'embedding' : 'llm',
      ...tokens,
      status: level === 'ERROR' ? 'error' : 'ok',
      cost_usd: cost,
    },
    link,
    where,
    warnings: tokenWarning ? [tokenWarning] : [],
    costField,
  };
}

export function langfuseDrafts(records: RawRecord[], file: string, trace: Record<string, unknown> = {}): DraftBatch {
  const m = mapEach(records, file, (r, line) => langfuseObservation(r, file, line, trace));
  return { drafts: m.out, rejected: m.rejected, skipped: m.skipped };
}

export function parseLangfuseFile(textIn: string, fileName: string): DraftBatch {
  const raw = readRecords(textIn, fileName, ['data', 'observations']);
  // A downloaded trace ({ trace, observations }): the trace's session, user, tags and metadata belong to every observation.
  const b = langfuseDrafts(raw.records, fileName, asRecord(raw.container?.trace));
  b.rejected.unshift(...raw.rejected);
  return b;
}

export const langfusePullSchema = z.object({
  baseUrl: z.string().url().default('https://cloud.langfuse.com'),
  publicKey: z.string({ message: 'expected the public key (LANGFUSE_PUBLIC_KEY)' }).min(1, { message: 'expected the public key (LANGFUSE_PUBLIC_KEY)' }),
  secretKey: z.string({ message: 'expected the secret key (LANGFUSE_SECRET_KEY)' }).min(1, { message: 'expected the secret key (LANGFUSE_SECRET_KEY)' }),
  /** ISO timestamps */
  fromStartTime: z.string().optional(),
  toStartTime: z.string().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** v2 field groups; the usage mapping needs core, basic, usage, model, metadata */
  fields: z.string().default('core,basic,usage,model,metadata,trace'),
});
export type LangfusePullConfig = z.input<typeof langfusePullSchema>;

export async function pullLangfuse(config: LangfusePullConfig, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const c = langfusePullSchema.parse(config);
  const auth = base64(`${c.publicKey}:${c.secretKey}`);
  return paginate({
    source: 'langfuse',
    deps,
    secrets: [c.secretKey, auth],
    authHint: 'LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, '/api/public/v2/observations', {
        type: 'GENERATION',
        fromStartTime: c.fromStartTime,
        toStartTime: c.toStartTime,
        limit: c.limit,
        fields: c.fields,
        cursor,
      }),
      headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' },
    }),
    page: (body, ctx) => {
      const rows = pageArray(body, 'data');
      const batch = langfuseDrafts(rows.map((value, i) => ({ value, line: i + 1 })), ctx.file);
      const { events, rejected, warnings } = finalizeUsage(batch, deps.links, 'langfuse');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      result.warnings = warnings;
      result.skipped = batch.skipped;
      // A page may be short or even empty while meta.cursor is present: only a missing cursor ends the pull.
      const next = text(asRecord((body as Record<string, unknown>).meta).cursor);
      return { next: next || null, result };
    },
  });
}
