// Drafts → validated canonical events: link rules, then the canonical schema as the last gate.
import { usageEventSchema, type RejectedRow, type UsageEvent } from '../../core/model/records';
import { applyLinks, DEFAULT_LINK_RULES, type LinkRules } from '../links';
import { show } from './normalize';
import { costCheck } from './checks';
import type { RejectedRow as R } from '../../core/model/records';
import type { UsageDraft } from './types';

export interface DraftBatch {
  drafts: UsageDraft[];
  rejected: RejectedRow[];
  skipped: number;
}

/**
 * Link rules, the canonical schema, then the consistency warnings of each kept event: the mapper's own (totals vs
 * parts) and the reported cost against the catalog price of its tokens.
 */
export function finalizeUsage(batch: DraftBatch, rules: LinkRules = DEFAULT_LINK_RULES, format = ''): { events: UsageEvent[]; rejected: R[]; warnings: R[] } {
  const linked = applyLinks(batch.drafts, rules, format);
  const events: UsageEvent[] = [];
  const rejected: R[] = [...batch.rejected];
  const warnings: R[] = [];
  linked.forEach((e, i) => {
    const r = usageEventSchema.safeParse(e);
    if (r.success) {
      events.push(r.data);
      const d = batch.drafts[i];
      for (const w of d.warnings ?? []) warnings.push(w);
      if (d.costField) {
        const w = costCheck(r.data, d.where, d.costField);
        if (w) warnings.push(w);
      }
    } else {
      const issue = r.error.issues[0];
      const column = String(issue.path[0] ?? '');
      const where = batch.drafts[i].where;
      rejected.push({ file: where.file, line: where.line, column, value: show((e as Record<string, unknown>)[column]), reason: issue.message });
    }
  });
  return { events, rejected, warnings };
}
