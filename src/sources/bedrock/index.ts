// AWS Bedrock model invocation logs (CloudWatch Logs / S3 delivery: one JSON object per record).
// Fields: requestId, timestamp, modelId (id, inference profile or ARN), operation, input.inputTokenCount,
// input.cacheReadInputTokenCount, input.cacheWriteInputTokenCount, output.outputTokenCount, requestMetadata,
// identity.arn, errorCode. No cost: priced by the price book with provider aws. Bedrock counts input apart from
// cache reads/writes (Converse usage convention), so they are added to the canonical input.
import { emptyLinkFields } from '../links';
import { emptyUsageEvent } from '../../core/model/records';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { asRecord, bedrockModelId, canonicalInput, FieldError, text, timestamp, tokenCount, type TokenConvention } from '../common/normalize';
import type { DraftBatch } from '../common/usage';
import type { UsageDraft } from '../common/types';

export interface BedrockOptions {
  tokenConvention?: TokenConvention;
}

export function bedrockRecord(r: Record<string, unknown>, file: string, line: number, opts: BedrockOptions = {}): UsageDraft | null {
  if (r.schemaType !== undefined && r.schemaType !== 'ModelInvocationLog') return null;
  const id = text(r.requestId);
  if (!id) throw new FieldError('requestId', r.requestId, 'expected the requestId of the invocation');
  const rawModel = text(r.modelId);
  if (!rawModel) throw new FieldError('modelId', r.modelId, 'expected the Bedrock modelId such as anthropic.claude-3-5-sonnet-20240620-v1:0');
  const model = bedrockModelId(rawModel);
  const input = asRecord(r.input);
  const output = asRecord(r.output);
  const reported = tokenCount(input.inputTokenCount, 'input.inputTokenCount');
  const read = tokenCount(input.cacheReadInputTokenCount, 'input.cacheReadInputTokenCount');
  const write = tokenCount(input.cacheWriteInputTokenCount, 'input.cacheWriteInputTokenCount');
  const link = emptyLinkFields();
  link.metadata = asRecord(r.requestMetadata);
  link.user = text(asRecord(r.identity).arn);
  link.project = text(r.accountId);
  return {
    event: {
      ...emptyUsageEvent(),
      event_id: id,
      timestamp: timestamp(r.timestamp, 'timestamp'),
      provider: 'aws',
      model,
      kind: /embed/i.test(model) ? 'embedding' : 'llm',
      ...canonicalInput(reported, read, write, opts.tokenConvention ?? 'separate', 'aws', model),
      output_tokens: tokenCount(output.outputTokenCount, 'output.outputTokenCount'),
      units: 0,
      status: r.errorCode ? 'error' : 'ok',
      batch: false,
      cost_usd: null,
    },
    link,
    where: { file, line },
  };
}

export function bedrockDrafts(records: RawRecord[], file: string, opts: BedrockOptions = {}): DraftBatch {
  const m = mapEach(records, file, (r, line) => bedrockRecord(r, file, line, opts));
  return { drafts: m.out, rejected: m.rejected, skipped: m.skipped };
}

/**
 * CloudWatch exports wrap each record: { logEvents: [{ message: "<json>" }] } (get-log-events) or
 * { events: [{ message: "<json>" }] } (filter-log-events).
 */
export function unwrapCloudWatch(r: RawRecord): RawRecord {
  const msg = (r.value as { message?: unknown })?.message;
  if (typeof msg === 'string' && msg.trim().startsWith('{')) {
    try {
      return { value: JSON.parse(msg), line: r.line };
    } catch {
      return r;
    }
  }
  return r;
}

export const BEDROCK_ARRAY_KEYS = ['records', 'logEvents', 'events'];

export function parseBedrockFile(textIn: string, fileName: string, opts: BedrockOptions = {}): DraftBatch {
  const raw = readRecords(textIn, fileName, BEDROCK_ARRAY_KEYS);
  const b = bedrockDrafts(raw.records.map(unwrapCloudWatch), fileName, opts);
  b.rejected = raw.rejected.concat(b.rejected);
  return b;
}
