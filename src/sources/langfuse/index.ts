// Langfuse observations: `/api/public/v2/observations` cursor pages (and v1 `/api/public/observations` pages or
// exports). Only generations/embeddings are usage; spans and events are skipped (counted).
// Langfuse usageDetails keys are disjoint and add up to the total (input, output, input_cached_tokens,
// cache_read_input_tokens, cache_creation_input_tokens, output_reasoning_tokens…): canonical input = every input key.
import { z } from 'zod';
import type { LinkRules } from '../links';
import { emptyLinkFields } from '../links';
import { emptyResult } from '../common/types';
import { base64, joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, asStringArray, FieldError, normalizeModel, text, timestamp, tokenCount } from '../common/normalize';
import { finalizeUsage, type DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

const USAGE_TYPES = new Set(['GENERATION', 'EMBEDDING']);

const isCacheRead = (k: string) => /cache_read|input_cached|cached_tokens|cached_input/.test(k);
const isCacheWrite = (k: string) => /cache_creation|cache_write/.test(k);

/** usageDetails (or the legacy `usage` {input, output, unit}) → canonical token counts. */
export function langfuseTokens(o: Record<string, unknown>) {
  let details = asRecord(o.usageDetails);
  if (Object.keys(details).length === 0) {
    const u = asRecord(o.usage);
    details = { input: u.input ?? o.promptTokens, output: u.output ?? o.completionTokens };
  }
  let input = 0;
  let output = 0;
  let cached = 0;
  let write = 0;
  for (const [k, v] of Object.entries(details)) {
    const key = k.toLowerCase();
    if (key === 'total' || v === null || v === undefined) continue;
    const n = tokenCount(v, `usageDetails.${k}`);
    if (key.startsWith('output') || key.startsWith('completion')) output += n;
    else if (isCacheRead(key)) {
      cached += n;
      input += n;
    } else if (isCacheWrite(key)) {
      write += n;
      input += n;
    } else if (key.startsWith('input') || key.startsWith('prompt')) input += n;
  }
  return { input_tokens: input, cached_input_tokens: cached, cache_write_tokens: write, output_tokens: output };
}

export function langfuseObservation(o: Record<string, unknown>, file: string, line: number): UsageDraft | null {
  const type = text(o.type).toUpperCase();
  if (type && !USAGE_TYPES.has(type)) return null;
  const id = text(o.id);
  if (!id) throw new FieldError('id', o.id, 'expected the observation id');
  const trace = asRecord(o.trace);
  const { provider, model } = normalizeModel(text(o.provider ?? asRecord(o.modelParameters).provider), text(o.model) || text(o.providedModelName));
  const costs = asRecord(o.costDetails);
  const cost = amount(costs.total ?? o.totalCost ?? o.calculatedTotalCost, costs.total !== undefined ? 'costDetails.total' : 'totalCost');
  const level = text(o.level).toUpperCase();
  const link = emptyLinkFields();
  link.metadata = { ...asRecord(trace.metadata), ...asRecord(o.metadata) };
  link.tags = asStringArray(o.tags ?? o.traceTags ?? trace.tags);
  link.session_id = text(o.sessionId ?? trace.sessionId);
  link.user = text(o.userId ?? trace.userId);
  link.project = text(o.projectId);
  return {
    event: {
      event_id: id,
      timestamp: timestamp(o.startTime, 'startTime'),
      provider,
      model,
      kind: type === 'EMBEDDING' ? 'embedding' : 'llm',
      ...langfuseTokens(o),
      units: 0,
      status: level === 'ERROR' ? 'error' : 'ok',
      batch: false,
      cost_usd: cost,
    },
    link,
    where: { file, line },
  };
}

export function langfuseDrafts(records: RawRecord[], file: string): DraftBatch {
  const m = mapEach(records, file, (r, line) => langfuseObservation(r, file, line));
  return { drafts: m.out, rejected: m.rejected, skipped: m.skipped };
}

export function parseLangfuseFile(textIn: string, fileName: string): DraftBatch {
  const raw = readRecords(textIn, fileName, ['data', 'observations']);
  const b = langfuseDrafts(raw.records, fileName);
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
      const { events, rejected } = finalizeUsage(batch, deps.links, 'langfuse');
      const result = emptyResult();
      result.events = events;
      result.rejected = rejected;
      result.skipped = batch.skipped;
      // A page may be short or even empty while meta.cursor is present: only a missing cursor ends the pull.
      const next = text(asRecord((body as Record<string, unknown>).meta).cursor);
      return { next: next || null, result };
    },
  });
}
