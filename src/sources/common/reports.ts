// Shared by the provider admin reports (OpenAI Usage/Costs, Anthropic usage/cost report): they group by
// project/workspace/key/model and cannot name a work item, so each line lands either as unattributed spend of the
// agent its key/project/workspace maps to, or as an invoice line for the true-up.
import { z } from 'zod';
import type { Invoice, RejectedRow } from '../../core/model/records';
import { show } from './normalize';
import type { RawRecord } from './records';

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

/** Sums invoice lines per period and provider in 1e-8 USD integers, so many small lines add without float drift. */
export function combineInvoices(lines: Invoice[]): Invoice[] {
  const sums = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.period}\u0000${l.provider}`;
    sums.set(k, (sums.get(k) ?? 0) + Math.round(l.billed_usd * 1e8));
  }
  return [...sums.entries()]
    .map(([k, v]) => {
      const [period, provider] = k.split('\u0000');
      return { period, provider, billed_usd: v / 1e8 };
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

