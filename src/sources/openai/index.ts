// OpenAI organization Usage API (`/v1/organization/usage/completions`, `/usage/embeddings`) and Costs API
// (`/v1/organization/costs`): buckets of results grouped by project, user, api key, model. No work item can be
// named: usage lines become unattributed events of the agent their key/project maps to (priced by the price book;
// input_tokens already includes input_cached_tokens), cost lines become events with the provider's cost or
// invoice lines for the true-up (`costsAs`).
import { z } from 'zod';
import type { Invoice } from '../../core/model/records';
import type { LinkRules } from '../links';
import type { MapResult, UsageDraft } from '../common/types';
import { joinUrl, type PullDeps, type PullResult } from '../common/http';
import type { RawRecord } from '../common/records';
import { amount, asRecord, FieldError, normalizeModel, periodOf, signedAmount, text, timestamp, tokenCount } from '../common/normalize';
import { mapReportBuckets, parseReportFile, pullReport, reportDraft, reportOptionsSchema, type ReportOptions, type ReportOpts } from '../common/reports';

export function openaiUsageLine(r: Record<string, unknown>, file: string, line: number, o: ReportOpts): UsageDraft {
  const start = timestamp(r.__start, 'start_time', 's');
  const embedding = text(r.object).includes('embeddings');
  const { provider, model } = normalizeModel('openai', text(r.model));
  const ids = [r.api_key_id, r.project_id, r.user_id].map(text);
  const batch = r.batch === true || r.batch === 'true';
  return reportDraft(
    o,
    ids,
    {
      event_id: `openai-usage:${embedding ? 'embeddings' : 'completions'}:${start}:${ids.join(':')}:${model || '*'}:${batch ? 'batch' : ''}`,
      timestamp: start,
      provider,
      model,
      kind: embedding ? 'embedding' : 'llm',
      input_tokens: tokenCount(r.input_tokens, 'input_tokens'),
      cached_input_tokens: tokenCount(r.input_cached_tokens, 'input_cached_tokens'),
      output_tokens: tokenCount(r.output_tokens, 'output_tokens'),
      batch,
    },
    { api_key: ids[0], project: ids[1], user: ids[2] },
    { file, line },
  );
}

/** One cost line: `{ amount: { value, currency }, line_item: "gpt-4o-2024-08-06, input", project_id }`. */
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
  const { provider, model } = normalizeModel('openai', lineItem.split(',')[0].trim());
  const ids = [r.api_key_id, r.project_id, r.user_id].map(text);
  return reportDraft(
    o,
    ids,
    { event_id: `openai-cost:${start}:${ids.join(':')}:${lineItem || '*'}`, timestamp: start, provider, model, cost_usd: cost },
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
  const groupBy = c.report === 'costs' ? ['project_id', 'line_item'] : ['project_id', 'api_key_id', 'model', 'batch'];
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
