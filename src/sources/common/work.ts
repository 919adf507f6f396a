// Shared by the work-item sources (Zendesk, Jira, ServiceNow): agent choice, outcome mapping, validation, and
// "latest state wins" de-duplication (incremental exports return a ticket again each time it changes).
import { z } from 'zod';
import { reviewSchema, workItemSchema, type RejectedRow, type Review, type WorkItem } from '../../core/model/records';
import { FieldError, show } from './normalize';

export const agentChoiceSchema = z
  .object({
    /** agent for every item the mapping does not place */
    default: z.string().trim().default(''),
    /** which field of the ticket/issue picks the agent (source-specific names, e.g. group_id, project, tag, custom_field:123) */
    field: z.string().optional(),
    /** field value → agent id */
    map: z.record(z.string(), z.string()).default({}),
  })
  .default({ default: '', map: {} });
export type AgentChoice = z.output<typeof agentChoiceSchema>;

/** The agent for a record: the mapped value of the first candidate the map knows, else the default; none → FieldError. */
export function chooseAgent(choice: AgentChoice, candidates: string[], fieldLabel: string): string {
  for (const c of candidates) if (c && choice.map[c]) return choice.map[c];
  if (choice.default) return choice.default;
  throw new FieldError(
    choice.field ?? fieldLabel,
    candidates.filter(Boolean).join(', '),
    `expected an agent: set agent.default or map ${choice.field ?? fieldLabel} ${candidates.filter(Boolean)[0] ?? '(empty)'} to an agent in agent.map`,
  );
}

export function validWorkItem(w: unknown, file: string, line: number): { ok: WorkItem } | { rejected: RejectedRow } {
  const r = workItemSchema.safeParse(w);
  if (r.success) return { ok: r.data };
  const i = r.error.issues[0];
  const col = String(i.path[0] ?? '');
  return { rejected: { file, line, column: col, value: show((w as Record<string, unknown>)[col]), reason: i.message } };
}

export function validReview(rv: unknown, file: string, line: number): { ok: Review } | { rejected: RejectedRow } {
  const r = reviewSchema.safeParse(rv);
  if (r.success) return { ok: r.data };
  const i = r.error.issues[0];
  const col = String(i.path[0] ?? '');
  return { rejected: { file, line, column: col, value: show((rv as Record<string, unknown>)[col]), reason: i.message } };
}

/**
 * Incremental exports return a ticket again each time it changes, in update order: the last version of each work
 * item wins. `reviewsPer: 'item'` when a review is derived from a cumulative field (Zendesk total time spent,
 * ServiceNow time_worked): only the last version's review is kept. `'identity'`: reviews are separate records
 * (Jira worklogs): exact repeats are dropped.
 */
export function dedupeWork(workItems: WorkItem[], reviews: Review[], reviewsPer: 'item' | 'identity'): { workItems: WorkItem[]; reviews: Review[] } {
  const items = new Map<string, WorkItem>();
  for (const w of workItems) {
    items.delete(w.work_item_id);
    items.set(w.work_item_id, w);
  }
  const revs = new Map<string, Review>();
  for (const r of reviews) {
    const key = reviewsPer === 'item' ? r.work_item_id : JSON.stringify([r.work_item_id, r.reviewer_role, r.minutes, r.result, r.reviewed_at]);
    revs.delete(key);
    revs.set(key, r);
  }
  return { workItems: [...items.values()], reviews: [...revs.values()] };
}
