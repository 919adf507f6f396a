// Phase 2 — attribute (RULES.md "Components and periods", "Unattributed"): the accumulators of imported work items
// become ledger rows (one per work item and period, on the item's agent and business unit); the rest become
// unattributed lines per period × agent × kind × reason, never dropped.
import type { UnattributedRow } from '../model/ledger';
import { UNASSIGNED } from './types';
import { Line, cmp, mergeInto, type ItemRec } from './line';

export interface AttributeContext {
  items: Map<string, ItemRec>;
  /** the business unit of an agent id (its Agents row's, else "Unassigned") */
  agentBU: (agentId: string) => string;
}

/** Attributes one chain (every accumulator of one work item id, or of one agent's events without a work item). */
export function attributeChain(x: AttributeContext, head: Line, rows: Line[], uMap: Map<string, Line>, chainRows: Line[]) {
  const item = head.item ? x.items.get(head.item) : undefined;
  if (item) {
    chainRows.length = 0;
    let a: Line | undefined = head;
    while (a !== undefined) {
      const next: Line | undefined = a.next;
      a.next = undefined;
      let row: Line | undefined;
      for (const r of chainRows) if (r.period === a.period) row = r;
      if (row) mergeInto(row, a);
      else {
        a.agent = item.agent;
        a.bu = item.bu || x.agentBU(item.agent);
        a.rec = item;
        chainRows.push(a);
        rows.push(a);
        if (a.period === item.closedPeriod) item.closedRow = true;
      }
      a = next;
    }
    return;
  }
  // Reviews of an unknown item go to the agent whose events named it, if any (the first by id when several did, so
  // the ledger does not depend on the order records arrive in).
  let eventAgent = '';
  for (let a: Line | undefined = head; a !== undefined; a = a.next) {
    if (a.agent !== '' && (eventAgent === '' || a.agent < eventAgent)) eventAgent = a.agent;
  }
  if (eventAgent === '') eventAgent = UNASSIGNED;
  for (let a: Line | undefined = head; a !== undefined; a = a.next) {
    const isReview = a.agent === '';
    const agent = isReview ? eventAgent : a.agent;
    const kind: UnattributedRow['kind'] = isReview ? 'review' : 'usage';
    const key = `${a.period}\u0001${agent}\u0001${kind}\u0001${a.item ? 'unknown' : 'none'}`;
    let u = uMap.get(key);
    if (!u) {
      u = new Line('', a.period, agent);
      u.kind = kind;
      u.bu = x.agentBU(agent);
      u.reason = a.item ? '' : 'no work item';
      uMap.set(key, u);
    }
    mergeInto(u, a);
    if (a.item) {
      u.idCount++;
      // the first three ids in sorted order (not arrival order), so the reason is the same whatever the record order
      const ids = u.ids ?? (u.ids = []);
      if (!ids.includes(a.item) && (ids.length < 3 || cmp(a.item, ids[2]) < 0)) {
        ids.push(a.item);
        ids.sort(cmp);
        if (ids.length > 3) ids.length = 3;
      }
    }
  }
}

/** Items closed in a period where they had no cost are still in that period (their outcome counts there). */
export function addClosedOnlyRows(x: AttributeContext, rows: Line[]) {
  for (const [id, it] of x.items) {
    if (it.closedPeriod && !it.closedRow) {
      const l = new Line(id, it.closedPeriod, it.agent);
      l.bu = it.bu || x.agentBU(it.agent);
      l.rec = it;
      rows.push(l);
    }
  }
}

/** The reason of an unattributed line of unknown work items: its first ids and how many more. */
export function unknownItemsReason(kind: UnattributedRow['kind'], ids: readonly string[], idCount: number): string {
  const more = idCount - ids.length;
  const noun = kind === 'review' ? 'reviews of' : '';
  return `${noun ? noun + ' ' : ''}unknown work item${idCount > 1 ? 's' : ''} ${ids.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

/** Ledger rows in published order: period, then work item id. */
export const sortRows = (a: Line, b: Line) => cmp(a.period, b.period) || cmp(a.item, b.item);

/** Unattributed lines in published order: period, agent, kind, reason. */
export const sortU = (a: Pick<Line, 'period' | 'agent' | 'kind' | 'reason'>, b: Pick<Line, 'period' | 'agent' | 'kind' | 'reason'>) =>
  cmp(a.period, b.period) || cmp(a.agent, b.agent) || cmp(a.kind, b.kind) || cmp(a.reason, b.reason);

/**
 * Attributes every accumulator: returns the ledger rows sorted by period and work item, and the unattributed usage and
 * review lines sorted. Consumes the chains (the accumulators become the rows).
 */
export function attribute(x: AttributeContext, chains: Iterable<Line>): { rows: Line[]; uLines: Line[] } {
  // Every accumulator of an item hangs on one chain, so rows merge per chain without a composite-key map.
  const rows: Line[] = [];
  const uMap = new Map<string, Line>();
  const chainRows: Line[] = [];
  // (Hot loops live in small functions: V8 optimizes those quickly, while a loop inside a long method would run
  // interpreted until on-stack replacement, which measured several times slower.)
  for (const head of chains) attributeChain(x, head, rows, uMap, chainRows);
  addClosedOnlyRows(x, rows);
  rows.sort(sortRows);
  const uLines = Array.from(uMap.values());
  for (const u of uLines) if (u.ids) u.reason = unknownItemsReason(u.kind, u.ids, u.idCount);
  uLines.sort(sortU);
  return { rows, uLines };
}
