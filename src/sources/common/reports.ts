// Shared by the provider admin reports (OpenAI Usage/Costs, Anthropic usage/cost report): they group by
// project/workspace/key/model and cannot name a work item, so each line lands either as unattributed spend of the
// agent its key/project/workspace maps to, or as an invoice line for the true-up.
import { z } from 'zod';
import { emptyUsageEvent, type Invoice, type RejectedRow, type UsageEvent } from '../../core/model/records';
import { emptyLinkFields, type LinkFields, type LinkRules } from '../links';
import { paginate, pageArray, PageError, type PaginateOptions, type PullDeps, type PullResult } from './http';
import { show, text } from './normalize';
import { mapEach, readRecords, type RawRecord } from './records';
import { emptyResult, type MapResult, type UsageDraft } from './types';
import { finalizeUsage } from './usage';
import { DecimalSum } from './decimal';

export const reportOptionsSchema = z.object({
  /** key id / project id / workspace id / user id → agent id; checked in that order */
  agentMap: z.record(z.string(), z.string()).default({}),
  /** agent for lines no mapping matches; empty = "Unassigned" in the ledger */
  defaultAgent: z.string().default(''),
  /** cost lines as unattributed agent spend (`events`) or as invoice lines for the true-up (`invoices`) */
  costsAs: z.enum(['events', 'invoices']).default('events'),
});
export type ReportOptions = z.input<typeof reportOptionsSchema>;

export function agentFor(map: Record<string, string>, fallback: string, ...ids: unknown[]): string {
  for (const id of ids) {
    if (typeof id === 'string' && id && map[id]) return map[id];
  }
  return fallback;
}

/** Sums invoice lines per period and provider exactly (decimal, no per-line rounding), so many small lines add without drift. */
export function combineInvoices(lines: Invoice[]): Invoice[] {
  const sums = new Map<string, DecimalSum>();
  for (const l of lines) {
    const k = `${l.period}\u0000${l.provider}`;
    let s = sums.get(k);
    if (!s) sums.set(k, (s = new DecimalSum()));
    s.add(l.billed_usd);
  }
  return [...sums.entries()]
    .map(([k, v]) => {
      const [period, provider] = k.split('\u0000');
      return { period, provider, billed_usd: v.value() };
    })
    .sort((a, b) => (a.period + a.provider < b.period + b.provider ? -1 : 1));
}

/** Flattens buckets → result lines, each with its bucket's start time. */
export function bucketLines(buckets: RawRecord[], file: string): { lines: RawRecord[]; rejected: RejectedRow[] } {
  const lines: RawRecord[] = [];
  const rejected: RejectedRow[] = [];
  let n = 0;
  for (const b of buckets) {
    const bucket = b.value as Record<string, unknown>;
    const results = bucket?.results;
    if (!Array.isArray(results)) {
      rejected.push({ file, line: b.line, column: 'results', value: show(bucket), reason: 'expected a bucket with results[]' });
      continue;
    }
    for (const r of results) {
      n++;
      lines.push({ value: { ...(r as object), __start: bucket.start_time ?? bucket.starting_at }, line: n });
    }
  }
  return { lines, rejected };
}


export type ReportOpts = z.output<typeof reportOptionsSchema>;

/**
 * The draft of one report line. Reports cannot name a work item (empty: the ledger shows the line as unattributed
 * spend of its agent); the agent is the first of `ids` (key, project/workspace, user) in `agentMap`, else the default.
 */
export function reportDraft(
  o: ReportOpts,
  ids: string[],
  event: Partial<UsageEvent> & Pick<UsageEvent, 'event_id' | 'timestamp'>,
  link: Partial<LinkFields>,
  where: UsageDraft['where'],
): UsageDraft {
  return {
    event: { ...emptyUsageEvent(), ...event, agent_id: agentFor(o.agentMap, o.defaultAgent, ...ids), work_item_id: '' },
    link: { ...emptyLinkFields(), ...link },
    where,
  };
}

/** Maps one result line of a report: a usage/cost event draft, or an invoice line when costs go to the true-up. */
export type ReportLineMapper = (r: Record<string, unknown>, file: string, line: number, o: ReportOpts) => UsageDraft | Invoice;

const isInvoice = (x: UsageDraft | Invoice): x is Invoice => 'billed_usd' in x;

/** Buckets → events (link rules applied, schema-checked) and invoice lines summed per period and provider. */
export function mapReportBuckets(format: string, mapLine: ReportLineMapper, buckets: RawRecord[], file: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  const o = reportOptionsSchema.parse(options);
  const { lines, rejected } = bucketLines(buckets, file);
  const m = mapEach<UsageDraft | Invoice>(lines, file, (r, line) => mapLine(r, file, line, o));
  const fin = finalizeUsage({ drafts: m.out.filter((x): x is UsageDraft => !isInvoice(x)), rejected: [], skipped: 0 }, links, format);
  const res = emptyResult();
  res.events = fin.events;
  res.invoices = combineInvoices(m.out.filter(isInvoice));
  res.rejected = [...rejected, ...m.rejected, ...fin.rejected];
  res.warnings = fin.warnings;
  return res;
}

/** A saved report (an API page or the `data` array) read from a file. */
export function parseReportFile(format: string, mapLine: ReportLineMapper, textIn: string, fileName: string, options: ReportOptions = {}, links?: LinkRules): MapResult {
  const raw = readRecords(textIn, fileName, ['data']);
  const res = mapReportBuckets(format, mapLine, raw.records, fileName, options, links);
  res.rejected = raw.rejected.concat(res.rejected);
  return res;
}

/** Pulls report pages (`data`, `has_more`, `next_page`); invoice lines of all pages are summed once more at the end. */
export async function pullReport(
  o: Pick<PaginateOptions, 'source' | 'secrets' | 'authHint' | 'request'> & { format: string; mapLine: ReportLineMapper; options: ReportOptions },
  deps: PullDeps & { links?: LinkRules },
): Promise<PullResult> {
  const res = await paginate({
    source: o.source,
    deps,
    secrets: o.secrets,
    authHint: o.authHint,
    request: o.request,
    page: (body, ctx) => {
      const buckets = pageArray(body, 'data');
      const b = body as { has_more?: unknown; next_page?: unknown };
      if (b.has_more === true && !text(b.next_page)) throw new PageError('has_more is true but next_page is missing');
      const result = mapReportBuckets(o.format, o.mapLine, buckets.map((value, i) => ({ value, line: i + 1 })), ctx.file, o.options, deps.links);
      return { next: b.has_more === true ? text(b.next_page) : null, result };
    },
  });
  res.invoices = combineInvoices(res.invoices);
  return res;
}
