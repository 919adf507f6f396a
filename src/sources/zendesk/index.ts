// Zendesk tickets → work items, and time tracking → reviews. Incremental cursor export
// (`/api/v2/incremental/tickets/cursor.json`: tickets[], after_cursor, end_of_stream; `include=metric_sets`
// side-loads solved_at) or a saved export of tickets (JSON/JSONL). 10 requests/minute: 429 + Retry-After is normal.
// status → outcome: solved/closed → success, new/open/pending/hold → pending (override with outcomeMap; tags in
// failureTags make a solved ticket a failure). Time tracking app fields ("Total time spent (sec)") → one review per
// ticket with that many minutes.
import { z } from 'zod';
import type { RejectedRow, Review, WorkItem } from '../../core/model/records';
import { emptyResult, type MapResult } from '../common/types';
import { base64, joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asStringArray, FieldError, show, text, timestamp } from '../common/normalize';
import { agentChoiceSchema, chooseAgent, dedupeWork, validReview, validWorkItem } from '../common/work';

const outcome = z.enum(['success', 'failure', 'pending']);
export const zendeskOptionsSchema = z.object({
  /** prepended to the ticket id: "ZD-" makes ticket 123 work item ZD-123 (match what the link rules produce) */
  idPrefix: z.string().default(''),
  /** agent.field: group_id, brand_id, organization_id, type, tag or custom_field:<id> */
  agent: agentChoiceSchema,
  outcomeMap: z.record(z.string(), outcome).default({}),
  failureTags: z.array(z.string()).default([]),
  /** custom field id of the Time Tracking app's "Total time spent (sec)" field; absent = no reviews */
  timeSpentField: z.union([z.string(), z.number()]).optional(),
  reviewerRole: z.string().default('support_agent'),
  /** a tag → review result (e.g. { ai_corrected: "corrected" }); default approved */
  reviewResultTags: z.record(z.string(), z.enum(['approved', 'corrected', 'rejected'])).default({}),
});
export type ZendeskOptions = z.input<typeof zendeskOptionsSchema>;
type Opts = z.output<typeof zendeskOptionsSchema>;

const DEFAULT_OUTCOME: Record<string, 'success' | 'pending'> = { solved: 'success', closed: 'success', new: 'pending', open: 'pending', pending: 'pending', hold: 'pending' };

function customField(t: Record<string, unknown>, id: string | number): unknown {
  const list = Array.isArray(t.custom_fields) ? t.custom_fields : Array.isArray(t.fields) ? t.fields : [];
  const hit = (list as { id?: unknown; value?: unknown }[]).find((f) => String(f?.id) === String(id));
  return hit?.value;
}

export function zendeskTicket(
  t: Record<string, unknown>,
  file: string,
  line: number,
  o: Opts,
  metrics: Map<string, Record<string, unknown>>,
): { item: WorkItem; reviews: Review[]; rejected: RejectedRow[] } | null {
  const status = text(t.status).toLowerCase();
  if (status === 'deleted') return null;
  const rawId = text(t.id);
  if (!rawId) throw new FieldError('id', t.id, 'expected the ticket id');
  const tags = asStringArray(t.tags);
  let out = o.outcomeMap[status] ?? DEFAULT_OUTCOME[status];
  if (!out) throw new FieldError('status', t.status, `expected new, open, pending, hold, solved or closed (or a mapping in outcomeMap)`);
  if (out === 'success' && tags.some((g) => o.failureTags.includes(g))) out = 'failure';
  const field = o.agent.field ?? 'group_id';
  const candidates =
    field === 'tag' ? tags : field.startsWith('custom_field:') ? [text(customField(t, field.slice(13)))] : [text(t[field])];
  const agent = chooseAgent(o.agent, candidates, field);
  const metric = metrics.get(rawId) ?? (t.metric_set as Record<string, unknown> | undefined);
  const updated = timestamp(t.updated_at ?? t.created_at, 'updated_at');
  const solvedAt = metric?.solved_at ? timestamp(metric.solved_at, 'metric_set.solved_at') : '';
  const closed = out === 'pending' ? '' : solvedAt || updated;
  const id = `${o.idPrefix}${rawId}`;
  const v = validWorkItem({ work_item_id: id, agent_id: agent, business_unit: '', type: text(t.type), opened_at: timestamp(t.created_at, 'created_at'), closed_at: closed, outcome: out }, file, line);
  if ('rejected' in v) throw new FieldError(v.rejected.column, v.rejected.value, v.rejected.reason);
  const reviews: Review[] = [];
  const rejected: RejectedRow[] = [];
  if (o.timeSpentField !== undefined) {
    let secs: number | null = null;
    try {
      secs = amount(customField(t, o.timeSpentField), `custom_field:${o.timeSpentField}`);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      rejected.push({ file, line, column: e.field, value: show(e.value), reason: `expected the time spent in seconds (no review recorded for ${id}; the ticket is kept)` });
    }
    if (secs) {
      const result = tags.map((g) => o.reviewResultTags[g]).find(Boolean) ?? 'approved';
      const r = validReview({ work_item_id: id, reviewer_role: o.reviewerRole, minutes: secs / 60, result, reviewed_at: closed || updated }, file, line);
      if ('rejected' in r) throw new FieldError(r.rejected.column, r.rejected.value, r.rejected.reason);
      reviews.push(r.ok);
    }
  }
  return { item: v.ok, reviews, rejected };
}

function metricIndex(container: Record<string, unknown> | undefined): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  const list = container?.metric_sets;
  if (Array.isArray(list)) for (const s of list as Record<string, unknown>[]) if (s && s.ticket_id !== undefined) m.set(String(s.ticket_id), s);
  return m;
}

export function mapZendeskTickets(records: RawRecord[], file: string, options: ZendeskOptions = {}, container?: Record<string, unknown>): MapResult {
  const o = zendeskOptionsSchema.parse(options);
  const metrics = metricIndex(container);
  const m = mapEach(records, file, (t, line) => zendeskTicket(t, file, line, o, metrics));
  const res = emptyResult();
  const d = dedupeWork(m.out.map((x) => x.item), m.out.flatMap((x) => x.reviews), 'item');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  res.rejected = [...m.rejected, ...m.out.flatMap((x) => x.rejected)];
  res.skipped = m.skipped;
  return res;
}

export function parseZendeskFile(textIn: string, fileName: string, options: ZendeskOptions = {}): MapResult {
  const raw = readRecords(textIn, fileName, ['tickets', 'results']);
  const res = mapZendeskTickets(raw.records, fileName, options, raw.container);
  res.rejected.unshift(...raw.rejected);
  return res;
}

export const zendeskPullSchema = zendeskOptionsSchema.extend({
  /** https://<subdomain>.zendesk.com */
  baseUrl: z.string({ message: 'expected the base URL (ZENDESK_BASE_URL)' }).url({ message: 'expected the base URL (ZENDESK_BASE_URL) such as https://example.com' }),
  /** API token auth: email + token (ZENDESK_EMAIL, ZENDESK_API_TOKEN); or an OAuth token (ZENDESK_OAUTH_TOKEN) */
  email: z.string().optional(),
  apiToken: z.string().optional(),
  oauthToken: z.string().optional(),
  /** unix seconds or ISO: where the first run starts; later runs resume from the cursor */
  startTime: z.union([z.number(), z.string()]).default(0),
  perPage: z.number().int().min(1).max(1000).default(1000),
}).refine((c) => c.oauthToken || (c.email && c.apiToken), { message: 'expected ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN' });
export type ZendeskPullConfig = z.input<typeof zendeskPullSchema>;

export async function pullZendesk(config: ZendeskPullConfig, deps: PullDeps): Promise<PullResult> {
  const c = zendeskPullSchema.parse(config);
  const basic = c.oauthToken ? '' : base64(`${c.email}/token:${c.apiToken}`);
  const auth = c.oauthToken ? `Bearer ${c.oauthToken}` : `Basic ${basic}`;
  const start = typeof c.startTime === 'number' || /^\d+$/.test(c.startTime) ? Number(c.startTime) : Math.floor(Date.parse(c.startTime) / 1000);
  const res = await paginate({
    source: 'zendesk',
    deps,
    secrets: [c.apiToken ?? '', c.oauthToken ?? '', basic],
    authHint: 'ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, '/api/v2/incremental/tickets/cursor.json', cursor ? { cursor, per_page: c.perPage, include: 'metric_sets' } : { start_time: start, per_page: c.perPage, include: 'metric_sets' }),
      headers: { Authorization: auth, Accept: 'application/json' },
    }),
    page: (body, ctx) => {
      const tickets = pageArray(body, 'tickets');
      const b = body as Record<string, unknown>;
      const result = mapZendeskTickets(tickets.map((value, i) => ({ value, line: i + 1 })), ctx.file, c, b);
      const after = text(b.after_cursor);
      const done = b.end_of_stream === true || !after;
      // The last page's after_cursor is where the next incremental run starts.
      return { next: done ? null : after, result, checkpoint: after || null };
    },
  });
  const d = dedupeWork(res.workItems, res.reviews, 'item');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  return res;
}
