// ServiceNow Table API (`/api/now/table/<table>`, sysparm_offset/sysparm_limit paging) → work items; time_worked →
// one review per record. With sysparm_display_value=false, dates are UTC "YYYY-MM-DD HH:MM:SS" and time_worked is
// a duration stored as a date after the epoch ("1970-01-01 01:30:00" = 90 minutes).
// State codes belong to each table (incident 6 Resolved/7 Closed/8 Canceled; problem 106/107, legacy 4; change_request
// 3 Closed/4 Canceled; sc_task 3/4/5/7…); `active` false and `closed_at` are the signals every task table shares.
// The table comes from the pull (`table`), else the record's sys_class_name, else its number prefix (PRB…, CHG…).
import { z } from 'zod';
import type { RejectedRow, Review, WorkItem } from '../../core/model/records';
import { emptyResult, type MapResult } from '../common/types';
import { base64, joinUrl, paginate, pageArray, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { asRecord, FieldError, show, text, timestamp } from '../common/normalize';
import { agentChoiceSchema, chooseAgent, dedupeWork, validReview, validWorkItem } from '../common/work';

export const servicenowOptionsSchema = z.object({
  idFrom: z.enum(['number', 'sys_id']).default('number'),
  idPrefix: z.string().default(''),
  /** the table the records come from when they do not say (sys_class_name) and their number has no known prefix */
  table: z.string().default(''),
  /** agent.field: assignment_group (default), category, sys_class_name, or any column */
  agent: agentChoiceSchema,
  outcomeMap: z.record(z.string(), z.enum(['success', 'failure', 'pending'])).default({}),
  reviewerRole: z.string().default('service_desk'),
  reviewResult: z.enum(['approved', 'corrected', 'rejected']).default('approved'),
});
export type ServiceNowOptions = z.input<typeof servicenowOptionsSchema>;
type Opts = z.output<typeof servicenowOptionsSchema>;

type Out = 'success' | 'failure' | 'pending';

/**
 * Final state codes (and display values) per table: the outcome a record in that state reached. Codes from the
 * ServiceNow-certified Ansible collection servicenow.itsm (plugins/module_utils/*.py) and the platform's choice lists;
 * a state not listed is decided by `active` / `closed_at`.
 */
const FINAL_STATES: Record<string, Record<string, Out>> = {
  incident: { '6': 'success', '7': 'success', '8': 'failure', resolved: 'success', closed: 'success', canceled: 'failure', cancelled: 'failure' },
  // Problem: 106 Resolved, 107 Closed (Madrid and later); 4 Closed/Resolved in the legacy problem states.
  problem: { '106': 'success', '107': 'success', '4': 'success', resolved: 'success', closed: 'success', 'closed/resolved': 'success' },
  change_request: { '3': 'success', '4': 'failure', closed: 'success', canceled: 'failure', cancelled: 'failure' },
  change_task: { '3': 'success', '4': 'failure', closed: 'success', canceled: 'failure', cancelled: 'failure' },
  problem_task: { '157': 'success', closed: 'success' },
  sc_task: { '3': 'success', '4': 'failure', '5': 'failure', '7': 'failure', 'closed complete': 'success', 'closed incomplete': 'failure', 'closed skipped': 'failure' },
  sc_req_item: { '3': 'success', '4': 'failure', '7': 'failure', 'closed complete': 'success', 'closed incomplete': 'failure', 'closed skipped': 'failure' },
  sc_request: { '3': 'success', '4': 'failure', 'closed complete': 'success', 'closed incomplete': 'failure' },
};

/** close_code / resolution_code values that mean the work did not succeed. */
const FAILED_CLOSE = /^(unsuccessful|canceled|cancelled|closed\/resolved by caller: canceled|duplicate|rejected)$/i;

const PREFIX_TABLE: [RegExp, string][] = [
  [/^INC/i, 'incident'], [/^PRB/i, 'problem'], [/^PTASK/i, 'problem_task'], [/^CHG/i, 'change_request'], [/^CTASK/i, 'change_task'],
  [/^SCTASK/i, 'sc_task'], [/^RITM/i, 'sc_req_item'], [/^REQ/i, 'sc_request'],
];

export function servicenowTable(r: Record<string, unknown>, table = ''): string {
  const cls = ref(r.sys_class_name).toLowerCase();
  if (cls) return cls;
  if (table) return table;
  const num = ref(r.number);
  return PREFIX_TABLE.find(([re]) => re.test(num))?.[1] ?? '';
}

const bool = (v: unknown): boolean | null => {
  const s = ref(v).toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : null;
};

/** A reference field is a sys_id string, or { value, link } / { value, display_value }. */
const ref = (v: unknown) => (v !== null && typeof v === 'object' ? text(asRecord(v).value ?? asRecord(v).display_value) : text(v));

/** time_worked → minutes: "1970-01-01 01:30:00" (duration after the epoch), "HH:MM:SS", or seconds. */
export function durationMinutes(v: unknown, field: string): number {
  const s = ref(v);
  if (s === '') return 0;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) / 60;
  let m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (m) {
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    if (ms >= 0 && +m[1] === 1970) return ms / 60000;
  }
  m = /^(\d+):(\d{2}):(\d{2})$/.exec(s);
  if (m) return +m[1] * 60 + +m[2] + +m[3] / 60;
  throw new FieldError(field, v, 'expected a duration such as 1970-01-01 01:30:00, 01:30:00 or seconds');
}

export function servicenowRecord(r: Record<string, unknown>, file: string, line: number, o: Opts): { item: WorkItem; reviews: Review[]; rejected: RejectedRow[] } {
  const rawId = ref(r[o.idFrom]);
  if (!rawId) throw new FieldError(o.idFrom, r[o.idFrom], `expected the record's ${o.idFrom}`);
  const state = ref(r.state);
  const table = servicenowTable(r, o.table);
  const active = bool(r.active);
  const closedAt = ref(r.closed_at);
  const stamp = (f: string) => (ref(r[f]) ? timestamp(ref(r[f]), f) : '');
  // 1. the user's map; 2. the table's own final states; 3. a record no longer active (or, without `active`, with a
  // closed_at) is closed, failed when its close/resolution code says so; 4. otherwise still open.
  let out: Out = o.outcomeMap[state] ?? FINAL_STATES[table]?.[state.toLowerCase()] ?? 'pending';
  if (!o.outcomeMap[state] && out === 'pending' && (active === false || (active === null && closedAt))) {
    out = FAILED_CLOSE.test(ref(r.close_code)) || FAILED_CLOSE.test(ref(r.resolution_code)) ? 'failure' : 'success';
  }
  const field = o.agent.field ?? 'assignment_group';
  const agent = chooseAgent(o.agent, [ref(r[field])], field);
  // Incidents are done when resolved (closed follows automatically); other tables when closed.
  const dateFields = table === 'incident' ? ['resolved_at', 'closed_at', 'sys_updated_on'] : ['closed_at', 'resolved_at', 'sys_updated_on'];
  const closedField = dateFields.find((f) => ref(r[f]));
  const closed = out === 'pending' || !closedField ? '' : stamp(closedField);
  const id = `${o.idPrefix}${rawId}`;
  const v = validWorkItem({
    work_item_id: id, agent_id: agent, business_unit: '', type: ref(r.category) || ref(r.sys_class_name),
    opened_at: stamp('opened_at'), closed_at: closed, outcome: closed || out === 'pending' ? out : 'pending',
  }, file, line);
  if ('rejected' in v) throw new FieldError(v.rejected.column, v.rejected.value, v.rejected.reason);
  const reviews: Review[] = [];
  const rejected: RejectedRow[] = [];
  let minutes = 0;
  try {
    minutes = durationMinutes(r.time_worked, 'time_worked');
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    // The record still counts as a work item; only its human time is refused.
    rejected.push({ file, line, column: e.field, value: show(e.value), reason: `${e.expected} (no review recorded for ${id}; the work item is kept)` });
  }
  if (minutes > 0) {
    const at = closed || (ref(r.sys_updated_on) ? timestamp(ref(r.sys_updated_on), 'sys_updated_on') : '');
    const rv = validReview({ work_item_id: id, reviewer_role: o.reviewerRole, minutes, result: o.reviewResult, reviewed_at: at }, file, line);
    if ('rejected' in rv) throw new FieldError(rv.rejected.column === 'reviewed_at' ? 'sys_updated_on' : rv.rejected.column, rv.rejected.value, rv.rejected.reason);
    reviews.push(rv.ok);
  }
  return { item: v.ok, reviews, rejected };
}

export function mapServiceNowRecords(records: RawRecord[], file: string, options: ServiceNowOptions = {}): MapResult {
  const o = servicenowOptionsSchema.parse(options);
  const m = mapEach(records, file, (r, line) => servicenowRecord(r, file, line, o));
  const res = emptyResult();
  const d = dedupeWork(m.out.map((x) => x.item), m.out.flatMap((x) => x.reviews), 'item');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  res.rejected = [...m.rejected, ...m.out.flatMap((x) => x.rejected)];
  return res;
}

export function parseServiceNowFile(textIn: string, fileName: string, options: ServiceNowOptions = {}): MapResult {
  const raw = readRecords(textIn, fileName, ['result', 'records']);
  const res = mapServiceNowRecords(raw.records, fileName, options);
  res.rejected.unshift(...raw.rejected);
  return res;
}

export const servicenowPullSchema = servicenowOptionsSchema.omit({ table: true }).extend({
  /** https://<instance>.service-now.com */
  baseUrl: z.string({ message: 'expected the base URL (SERVICENOW_BASE_URL)' }).url({ message: 'expected the base URL (SERVICENOW_BASE_URL) such as https://example.com' }),
  table: z.string().regex(/^[a-z0-9_]+$/, { message: 'expected a table name such as incident' }).default('incident'),
  /** encoded query, e.g. sys_updated_on>=2026-10-01 00:00:00 */
  query: z.string().default(''),
  username: z.string().optional(),
  password: z.string().optional(),
  token: z.string().optional(),
  limit: z.number().int().min(1).max(10000).default(1000),
}).refine((c) => c.token || (c.username && c.password), { message: 'expected SERVICENOW_USERNAME + SERVICENOW_PASSWORD or SERVICENOW_TOKEN' });
export type ServiceNowPullConfig = z.input<typeof servicenowPullSchema>;

export async function pullServiceNow(config: ServiceNowPullConfig, deps: PullDeps): Promise<PullResult> {
  const c = servicenowPullSchema.parse(config);
  const basic = c.token ? '' : base64(`${c.username}:${c.password}`);
  // Stable order so offsets do not skip or repeat rows while records change.
  const query = c.query ? `${c.query}^ORDERBYsys_created_on^ORDERBYsys_id` : 'ORDERBYsys_created_on^ORDERBYsys_id';
  const res = await paginate({
    source: `servicenow-${c.table}`,
    deps,
    secrets: [c.password ?? '', c.token ?? '', basic],
    authHint: 'SERVICENOW_USERNAME + SERVICENOW_PASSWORD or SERVICENOW_TOKEN',
    request: (cursor) => ({
      url: joinUrl(c.baseUrl, `/api/now/table/${c.table}`, {
        sysparm_query: query, sysparm_limit: c.limit, sysparm_offset: cursor ?? '0', sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true',
      }),
      headers: { Authorization: c.token ? `Bearer ${c.token}` : `Basic ${basic}`, Accept: 'application/json' },
    }),
    page: (body, ctx) => {
      const rows = pageArray(body, 'result');
      const offset = Number(ctx.cursor ?? 0);
      const result = mapServiceNowRecords(rows.map((value, i) => ({ value, line: offset + i + 1 })), ctx.file, c);
      return { next: rows.length >= c.limit ? String(offset + rows.length) : null, result };
    },
  });
  const d = dedupeWork(res.workItems, res.reviews, 'item');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  return res;
}
