// Jira Cloud issues → work items, worklogs → reviews. `/rest/api/3/search/jql` pages with nextPageToken/isLast
// (the old /search answers 410) or a saved search result; worklogs come embedded (first 20) and the rest from
// `/rest/api/3/issue/{key}/worklog`. Outcome: status category done → success (failure when the resolution is in
// failureResolutions), else pending; outcomeMap by status name overrides.
import { z } from 'zod';
import type { RejectedRow, Review, WorkItem } from '../../core/model/records';
import { emptyResult, type MapResult } from '../common/types';
import { base64, joinUrl, paginate, pageArray, PageError, type PullDeps, type PullResult } from '../common/http';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { amount, asRecord, asStringArray, FieldError, show, text, timestamp } from '../common/normalize';
import { agentChoiceSchema, chooseAgent, dedupeWork, validReview, validWorkItem } from '../common/work';

const result = z.enum(['approved', 'corrected', 'rejected']);
export const jiraOptionsSchema = z.object({
  /** work item id from the issue key (PROJ-12, default) or the numeric id */
  idFrom: z.enum(['key', 'id']).default('key'),
  idPrefix: z.string().default(''),
  /** agent.field: project (default), issuetype, label, component or a field id such as customfield_10050 */
  agent: agentChoiceSchema,
  outcomeMap: z.record(z.string(), z.enum(['success', 'failure', 'pending'])).default({}),
  failureResolutions: z.array(z.string()).default(["Won't Do", "Won't Fix", 'Declined', 'Duplicate', 'Cannot Reproduce']),
  /** worklog author (accountId, email or display name) → reviewer role */
  roleMap: z.record(z.string(), z.string()).default({}),
  defaultRole: z.string().default('reviewer'),
  /** label → review result of the issue's worklogs; default approved */
  reviewResultLabels: z.record(z.string(), result).default({}),
});
export type JiraOptions = z.input<typeof jiraOptionsSchema>;
type Opts = z.output<typeof jiraOptionsSchema>;

function agentCandidates(f: Record<string, unknown>, field: string): string[] {
  if (field === 'project') {
    const p = asRecord(f.project);
    return [text(p.key), text(p.id), text(p.name)];
  }
  if (field === 'issuetype') return [text(asRecord(f.issuetype).name)];
  if (field === 'label') return asStringArray(f.labels);
  if (field === 'component') return (Array.isArray(f.components) ? f.components : []).map((c) => text(asRecord(c).name));
  const v = f[field];
  if (Array.isArray(v)) return v.map((x) => text(asRecord(x).value ?? x));
  const r = asRecord(v);
  return [text(r.value ?? r.name ?? r.key ?? v)];
}

export function jiraIssue(issue: Record<string, unknown>, file: string, line: number, o: Opts, extraWorklogs: unknown[] = []): { item: WorkItem; reviews: Review[]; rejected: RejectedRow[] } {
  const rawId = text(o.idFrom === 'key' ? issue.key : issue.id);
  if (!rawId) throw new FieldError(o.idFrom, issue[o.idFrom], `expected the issue ${o.idFrom}`);
  const f = asRecord(issue.fields);
  const status = asRecord(f.status);
  const statusName = text(status.name);
  const category = text(asRecord(status.statusCategory).key);
  const resolution = text(asRecord(f.resolution).name);
  let out = o.outcomeMap[statusName] ?? (category === 'done' ? (o.failureResolutions.includes(resolution) ? 'failure' : 'success') : 'pending');
  if (!statusName && !category) throw new FieldError('fields.status', f.status, 'expected the issue status (ask for fields=status)');
  const id = `${o.idPrefix}${rawId}`;
  const field = o.agent.field ?? 'project';
  const agent = chooseAgent(o.agent, agentCandidates(f, field), field);
  const closed = out === 'pending' ? '' : f.resolutiondate ? timestamp(f.resolutiondate, 'fields.resolutiondate') : f.updated ? timestamp(f.updated, 'fields.updated') : '';
  if (out !== 'pending' && !closed) out = 'pending';
  const v = validWorkItem({
    work_item_id: id, agent_id: agent, business_unit: '', type: text(asRecord(f.issuetype).name),
    opened_at: f.created ? timestamp(f.created, 'fields.created') : '', closed_at: closed, outcome: out,
  }, file, line);
  if ('rejected' in v) throw new FieldError(v.rejected.column, v.rejected.value, v.rejected.reason);
  const labels = asStringArray(f.labels);
  const resultOf = labels.map((l) => o.reviewResultLabels[l]).find(Boolean) ?? 'approved';
  // fields.worklog is a page ({ worklogs, total }) in search results, and a plain array in the issue examples of the
  // Cloud REST API reference (Get issue, Search for issues); anything else is refused on its own row.
  const rejected: RejectedRow[] = [];
  const wl = f.worklog;
  const embedded = Array.isArray(wl) ? wl : asRecord(wl).worklogs;
  if (wl !== undefined && wl !== null && !Array.isArray(embedded)) {
    rejected.push({ file, line, column: 'fields.worklog', value: show(wl), reason: `expected the worklogs as an array or as { worklogs: [...] } (no review recorded for ${id}; the issue is kept)` });
  }
  const logs = [...(Array.isArray(embedded) ? embedded : []), ...extraWorklogs];
  const seen = new Set<string>();
  const reviews: Review[] = [];
  // A bad worklog is rejected on its own; the issue and its other worklogs still count.
  logs.forEach((wl, i) => {
   try {
    const w = asRecord(wl);
    const wid = text(w.id);
    if (wid && seen.has(wid)) return;
    if (wid) seen.add(wid);
    const secs = amount(w.timeSpentSeconds, `worklog[${i}].timeSpentSeconds`);
    if (!secs) return;
    const author = asRecord(w.author);
    const role = o.roleMap[text(author.accountId)] ?? o.roleMap[text(author.emailAddress)] ?? o.roleMap[text(author.displayName)] ?? o.defaultRole;
    const r = validReview({ work_item_id: id, reviewer_role: role, minutes: secs / 60, result: resultOf, reviewed_at: timestamp(w.started ?? w.created, `worklog[${i}].started`) }, file, line);
    if ('rejected' in r) throw new FieldError(`worklog[${i}].${r.rejected.column}`, r.rejected.value, r.rejected.reason);
    reviews.push(r.ok);
   } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    rejected.push({ file, line, column: e.field, value: show(e.value), reason: `${e.expected} (worklog ${text(asRecord(wl).id) || i + 1} of ${id} skipped; the issue is kept)` });
   }
  });
  return { item: v.ok, reviews, rejected };
}

export function mapJiraIssues(records: RawRecord[], file: string, options: JiraOptions = {}, extra: Map<string, unknown[]> = new Map()): MapResult {
  const o = jiraOptionsSchema.parse(options);
  const m = mapEach(records, file, (issue, line) => jiraIssue(issue, file, line, o, extra.get(text(issue.key)) ?? []));
  const res = emptyResult();
  const d = dedupeWork(m.out.map((x) => x.item), m.out.flatMap((x) => x.reviews), 'identity');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  res.rejected = [...m.rejected, ...m.out.flatMap((x) => x.rejected)];
  return res;
}

export function parseJiraFile(textIn: string, fileName: string, options: JiraOptions = {}): MapResult {
  const raw = readRecords(textIn, fileName, ['issues']);
  const res = mapJiraIssues(raw.records, fileName, options);
  res.rejected.unshift(...raw.rejected);
  return res;
}

export const jiraPullSchema = jiraOptionsSchema.extend({
  /** https://<site>.atlassian.net */
  baseUrl: z.string({ message: 'expected the base URL (JIRA_BASE_URL)' }).url({ message: 'expected the base URL (JIRA_BASE_URL) such as https://example.com' }),
  email: z.string({ message: 'expected the Atlassian account email (JIRA_EMAIL)' }).min(1, { message: 'expected the Atlassian account email (JIRA_EMAIL)' }),
  apiToken: z.string({ message: 'expected an API token (JIRA_API_TOKEN)' }).min(1, { message: 'expected an API token (JIRA_API_TOKEN)' }),
  jql: z.string({ message: 'expected a JQL query, e.g. project = SUP AND updated >= "2026-10-01"' }).min(1, { message: 'expected a JQL query, e.g. project = SUP AND updated >= "2026-10-01"' }),
  maxResults: z.number().int().min(1).max(100).default(100),
});
export type JiraPullConfig = z.input<typeof jiraPullSchema>;

const FIELDS = 'summary,status,resolution,resolutiondate,created,updated,issuetype,project,labels,components,worklog';

export async function pullJira(config: JiraPullConfig, deps: PullDeps): Promise<PullResult> {
  const c = jiraPullSchema.parse(config);
  const basic = base64(`${c.email}:${c.apiToken}`);
  const headers = { Authorization: `Basic ${basic}`, Accept: 'application/json' };
  const field = c.agent.field;
  const fields = field && !['project', 'issuetype', 'label', 'component'].includes(field) ? `${FIELDS},${field}` : FIELDS;
  const res = await paginate({
    source: 'jira',
    deps,
    secrets: [c.apiToken, basic],
    authHint: 'JIRA_EMAIL + JIRA_API_TOKEN',
    request: (cursor) => ({ url: joinUrl(c.baseUrl, '/rest/api/3/search/jql', { jql: c.jql, fields, maxResults: c.maxResults, nextPageToken: cursor }), headers }),
    page: async (body, ctx) => {
      const issues = pageArray(body, 'issues');
      // Embedded worklogs stop at 20: fetch the rest per issue, paged by startAt.
      const extra = new Map<string, unknown[]>();
      for (const is of issues) {
        const issue = asRecord(is);
        const field = asRecord(issue.fields).worklog;
        const wl = asRecord(field);
        const have = Array.isArray(field) ? field.length : Array.isArray(wl.worklogs) ? wl.worklogs.length : 0;
        const total = Number(wl.total ?? have);
        if (!(total > have)) continue;
        const key = text(issue.key || issue.id);
        const all: unknown[] = [];
        for (let startAt = 0; startAt < total; ) {
          const url = joinUrl(c.baseUrl, `/rest/api/3/issue/${encodeURIComponent(key)}/worklog`, { startAt, maxResults: 1000 });
          const page = asRecord(await ctx.fetchJson({ url, headers }, `${ctx.file}: worklogs of ${key} from ${startAt}`));
          const logs = page.worklogs;
          if (!Array.isArray(logs)) throw new PageError(`worklogs of ${key}: expected an object with worklogs[]`);
          all.push(...logs);
          if (logs.length === 0) break;
          startAt += logs.length;
        }
        extra.set(key, all);
      }
      const result = mapJiraIssues(issues.map((value, i) => ({ value, line: i + 1 })), ctx.file, c, extra);
      const b = body as { nextPageToken?: unknown; isLast?: unknown };
      const token = text(b.nextPageToken);
      return { next: b.isLast === true || !token ? null : token, result };
    },
  });
  const d = dedupeWork(res.workItems, res.reviews, 'identity');
  res.workItems = d.workItems;
  res.reviews = d.reviews;
  return res;
}
