// OpenAI organization Usage API (`/v1/organization/usage/completions`, `/usage/embeddings`) and Costs API
// (`/v1/organization/costs`): buckets of results grouped by project, user, api key, model. No work item can be
// named: usage lines become unattributed events of the agent their key/project maps to (priced by the price book;
// input_tokens already includes input_cached_tokens), cost lines become events with the provider's cost or
// invoice lines for the true-up (`costsAs`).
import { z } from 'zod';
import type { Invoice } from '../../core/model/records';
import { emptyLinkFields, type LinkRules } from '../links';
import { emptyResult, type MapResult, type UsageDraft } from '../common/types';
import { joinUrl, paginate, pageArray, PageError, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, FieldError, normalizeModel, periodOf, signedAmount, text, timestamp, tokenCount } from '../common/normalize';
import { finalizeUsage } from '../common/usage';
import { agentFor, bucketLines, combineInvoices, reportOptionsSchema, type ReportOptions } from '../common/reports';

export function openaiUsageLine(r: Record<string, unknown>, file: string, line: number, o: z.output<typeof reportOptionsSchema>): UsageDraft {
  const start = timestamp(r.__start, 'start_time', 's');
  const embedding = text(r.object).includes('embeddings');
  const { provider, model } = normalizeModel('openai', text(r.model));
  const input = tokenCount(r.input_tokens, 'input_tokens');
  const cached = tokenCount(r.input_cached_tokens, 'input_cached_tokens');
  const ids = [r.api_key_id, r.project_id, r.user_id].map(text);
  const link = emptyLinkFields();
  link.api_key = ids[0];
  link.project = ids[1];
  link.user = ids[2];
  const batch = r.batch === true || r.batch === 'true';
  return {
    event: {
      event_id: `openai-usage:${embedding ? 'embeddings' : 'completions'}:${start}:${ids.join(':')}:${model || '*'}:${batch ? 'batch' : ''}`,
      timestamp: start,
      agent_id: agentFor(o.agentMap, o.defaultAgent, ...ids),
      work_item_id: '',
      provider,
      model,
      kind: embedding ? 'embedding' : 'llm',
      input_tokens: input,
      cached_input_tokens: cached,
      cache_write_tokens: 0,
      output_tokens: tokenCount(r.output_tokens, 'output_tokens'),
      units: 0,
      status: 'ok',
      batch,
      cost_usd: null,
    },
    link,
    where: { file, line },
  };
}

/** One cost line: `{ amount: { value, currency }, line_item: "gpt-4o-2024-08-06, input", project_id }`. */
export function openaiCostLine(r: Record<string, unknown>, file: string, line: number, o: z.output<typeof reportOptionsSchema>): UsageDraft | Invoice {
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
  const link = emptyLinkFields();
  link.api_key = ids[0];
  link.project = ids[1];
  return {
    event: {
      event_id: `openai-cost:${start}:${ids.join(':')}:${lineItem || '*'}`,
      timestamp: start,
      agent_id: agentFor(o.agentMap, o.defaultAgent, ...ids),
      work_item_id: '',
      provider,
      model,
      kind: 'llm',
      input_tokens: 0,
      cached_input_tokens: 0,
      cache_write_tokens: 0,
      output_tokens: 0,
      units: 0,
      status: 'ok',
      batch: false,
      cost_usd: cost,
    },
    link,
    where: { file, line },
  };
}

const isInvoice = (x: UsageDraft | Invoice): x is Invoice => 'billed_usd' in x;

/** Maps buckets of either report (usage or costs, told apart by each result's `object`). */
export function mapOpenAIBuckets(buckets: RawRecord[], file: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  const o = reportOptionsSchema.parse(options);
  const { lines, rejected } = bucketLines(buckets, file);
  const m = mapEach<UsageDraft | Invoice>(lines, file, (r, line) =>
    text(r.object).includes('costs') || r.amount !== undefined ? openaiCostLine(r, file, line, o) : openaiUsageLine(r, file, line, o),
  );
  const drafts = m.out.filter((x): x is UsageDraft => !isInvoice(x));
  const fin = finalizeUsage({ drafts, rejected: [], skipped: 0 }, links, 'openai');
  const res = emptyResult();
  res.events = fin.events;
  res.invoices = combineInvoices(m.out.filter(isInvoice));
  res.rejected = [...rejected, ...m.rejected, ...fin.rejected];
  return res;
}

export function parseOpenAIReportFile(textIn: string, fileName: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  const raw = readRecords(textIn, fileName, ['data']);
  const res = mapOpenAIBuckets(raw.records, fileName, options, links);
  res.rejected.unshift(...raw.rejected);
  return res;
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
  const res = await paginate({
    source: `openai-${c.report}`,
    deps,
    secrets: [c.adminKey],
    authHint: 'OPENAI_ADMIN_KEY',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, path, { start_time: unix(c.startTime), end_time: unix(c.endTime), bucket_width: '1d', group_by: groupBy, limit: c.limit, page: cursor }),
      headers: { Authorization: `Bearer ${c.adminKey}`, Accept: 'application/json' },
    }),
    page: (body, ctx) => {
      const buckets = pageArray(body, 'data');
      const b = body as { has_more?: unknown; next_page?: unknown };
      if (b.has_more === true && !text(b.next_page)) throw new PageError('has_more is true but next_page is missing');
      const result = mapOpenAIBuckets(buckets.map((value, i) => ({ value, line: i + 1 })), ctx.file, c, deps.links);
      return { next: b.has_more === true ? text(b.next_page) : null, result };
    },
  });
  res.invoices = combineInvoices(res.invoices);
  return res;
}
