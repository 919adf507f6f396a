// OpenTelemetry GenAI spans in OTLP JSON (an ExportTraceServiceRequest, one per file or one per line as the
// collector's file exporter writes them). gen_ai.* semantic conventions: provider (gen_ai.provider.name, older
// gen_ai.system), model (gen_ai.response.model, else gen_ai.request.model), gen_ai.usage.input_tokens (all input,
// cached included), gen_ai.usage.output_tokens, gen_ai.usage.cache_read.input_tokens,
// gen_ai.usage.cache_creation.input_tokens, gen_ai.usage.reasoning.output_tokens (part of the output),
// openai.response.service_tier, gen_ai.conversation.id. No cost attribute: the price book prices them.
// The work item is any attribute, chosen by a link rule ({ from: 'attribute', name: 'app.work_item.id' }).
import { emptyLinkFields } from '../links';
import { emptyUsageEvent } from '../../core/model/records';
import type { RejectedRow } from '../../core/model/records';
import { canonicalInput, FieldError, normalizeModel, show, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
import { readJsonl } from '../common/records';
import type { DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

export interface OtelOptions {
  tokenConvention?: TokenConvention;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] }; kvlistValue?: { values?: KeyValue[] } };
type KeyValue = { key: string; value?: AnyValue };

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return typeof v.intValue === 'string' ? Number(v.intValue) : v.intValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  return undefined;
}

export function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) if (kv && typeof kv.key === 'string') out[kv.key] = valueOf(kv.value);
  return out;
}

// Agent spans carry the sum of their children's usage: counting them would double count.
const AGGREGATE_OPS = new Set(['invoke_agent', 'create_agent', 'invoke_workflow']);

function first(a: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (a[k] !== undefined && a[k] !== null && a[k] !== '') return a[k];
  return undefined;
}

export function otelSpan(span: Record<string, unknown>, resource: Record<string, unknown>, file: string, line: number, opts: OtelOptions = {}): UsageDraft | null {
  const a = { ...resource, ...attrs(span.attributes as KeyValue[]) };
  const op = text(a['gen_ai.operation.name']).toLowerCase();
  const hasUsage = Object.keys(a).some((k) => k.startsWith('gen_ai.usage.'));
  const isTool = op === 'execute_tool';
  if (AGGREGATE_OPS.has(op) || (!hasUsage && !isTool)) return null;
  const id = text(span.spanId);
  if (!id) throw new FieldError('spanId', span.spanId, 'expected the span id');
  const { provider, model } = normalizeModel(text(first(a, 'gen_ai.provider.name', 'gen_ai.system')), text(first(a, 'gen_ai.response.model', 'gen_ai.request.model')));
  const reported = tokenCount(first(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'), 'gen_ai.usage.input_tokens');
  const read = tokenCount(first(a, 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'), 'gen_ai.usage.cache_read.input_tokens');
  const write = tokenCount(first(a, 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'), 'gen_ai.usage.cache_creation.input_tokens');
  const status = span.status as { code?: number | string } | undefined;
  const failed = status?.code === 2 || status?.code === 'STATUS_CODE_ERROR' || a['error.type'] !== undefined;
  const link = emptyLinkFields();
  link.attributes = a;
  link.metadata = a;
  link.session_id = text(first(a, 'gen_ai.conversation.id', 'session.id'));
  link.user = text(first(a, 'user.id', 'enduser.id'));
  link.project = text(a['service.name']);
  return {
    event: {
      ...emptyUsageEvent(),
      event_id: id,
      timestamp: timestamp(span.startTimeUnixNano, 'startTimeUnixNano', 'ns'),
      provider,
      model: isTool ? text(a['gen_ai.tool.name']) || model : model,
      kind: isTool ? 'tool' : op === 'embeddings' ? 'embedding' : 'llm',
      ...canonicalInput(reported, read, write, opts.tokenConvention ?? 'inclusive', provider, model),
      output_tokens: tokenCount(first(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'), 'gen_ai.usage.output_tokens'),
      // semconv: gen_ai.usage.reasoning.output_tokens SHOULD be included in gen_ai.usage.output_tokens
      reasoning_tokens: tokenCount(first(a, 'gen_ai.usage.reasoning.output_tokens'), 'gen_ai.usage.reasoning.output_tokens'),
      service_tier: text(first(a, 'openai.response.service_tier', 'gen_ai.openai.response.service_tier')).toLowerCase(),
      units: isTool ? 1 : 0,
      status: failed ? 'error' : 'ok',
      batch: false,
      cost_usd: null,
    },
    link,
    where: { file, line },
  };
}

/** Spans of one ExportTraceServiceRequest; `line` = the file line (JSONL) or the span's position in the file. */
export function otelRequestDrafts(req: unknown, file: string, line: number | null, opts: OtelOptions = {}, counter = { n: 0 }): DraftBatch {
  const out: DraftBatch = { drafts: [], rejected: [], skipped: 0 };
  const rs = (req as { resourceSpans?: unknown })?.resourceSpans;
  if (!Array.isArray(rs)) {
    out.rejected.push({ file, line: line ?? 1, column: 'resourceSpans', value: show(req), reason: 'expected OTLP JSON: an object with resourceSpans[]' });
    return out;
  }
  for (const r of rs as { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: unknown[] }[]; instrumentationLibrarySpans?: { spans?: unknown[] }[] }[]) {
    const resource = attrs(r?.resource?.attributes);
    for (const ss of r?.scopeSpans ?? r?.instrumentationLibrarySpans ?? []) {
      for (const span of ss?.spans ?? []) {
        counter.n++;
        const at = line ?? counter.n;
        try {
          const d = otelSpan(span as Record<string, unknown>, resource, file, at, opts);
          if (d) out.drafts.push(d);
          else out.skipped++;
        } catch (e) {
          const rej: RejectedRow = e instanceof FieldError
            ? { file, line: at, column: e.field, value: show(e.value), reason: e.expected }
            : { file, line: at, column: '', value: '', reason: (e as Error).message };
          out.rejected.push(rej);
        }
      }
    }
  }
  return out;
}

/** A file of OTLP JSON (one request) or JSONL (one request per line). Lines are file lines for JSONL, span numbers otherwise. */
export function parseOtelFile(textIn: string, fileName: string, opts: OtelOptions = {}): DraftBatch {
  const t = textIn.replace(/^\uFEFF/, '').trim();
  try {
    return otelRequestDrafts(JSON.parse(t), fileName, null, opts);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  const raw = readJsonl(t, fileName);
  const out: DraftBatch = { drafts: [], rejected: [...raw.rejected], skipped: 0 };
  for (const rec of raw.records) {
    const b = otelRequestDrafts(rec.value, fileName, rec.line, opts);
    out.drafts.push(...b.drafts);
    out.rejected.push(...b.rejected);
    out.skipped += b.skipped;
  }
  return out;
}
