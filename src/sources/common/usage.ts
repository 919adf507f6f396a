// Drafts → validated canonical events: link rules, then the canonical schema as the last gate.
import { usageEventSchema, type RejectedRow, type UsageEvent } from '../../core/model/records';
import { applyLinks, DEFAULT_LINK_RULES, type LinkRules } from '../links';
import { show } from './normalize';
import type { RejectedRow as R } from '../../core/model/records';
import type { UsageDraft } from './types';

export interface DraftBatch {
  drafts: UsageDraft[];
  rejected: RejectedRow[];
  skipped: number;
}

export function finalizeUsage(batch: DraftBatch, rules: LinkRules = DEFAULT_LINK_RULES, format = ''): { events: UsageEvent[]; rejected: R[] } {
  const linked = applyLinks(batch.drafts, rules, format);
  const events: UsageEvent[] = [];
  const rejected: R[] = [...batch.rejected];
  linked.forEach((e, i) => {
    const r = usageEventSchema.safeParse(e);
    if (r.success) events.push(r.data);
    else {
      const issue = r.error.issues[0];
      const column = String(issue.path[0] ?? '');
      const where = batch.drafts[i].where;
      rejected.push({ file: where.file, line: where.line, column, value: show((e as Record<string, unknown>)[column]), reason: issue.message });
    }
  });
  return { events, rejected };
}
