// Records that reach the SQL engine through JavaScript (a file the database cannot take natively, vendor formats,
// API pulls): de-duplicated exactly as LedgerBuilder does (core's IdSet and fingerprint, item and review comparisons),
// then appended to the database in batches as typed rows.
import type { Review, UsageEvent, WorkItem } from '../../core/model/records';
import type { AddResult, ConflictNote } from '../../core/ledger';
import { IdSet } from '../../core/ledger/idset';
import { eventFingerprint } from '../../core/ledger/fingerprint';
import { dayOf, monthIsUtc, periodOf } from '../../core/ledger/period';
import { UNASSIGNED } from '../../core/ledger/types';
import { utcMs } from '../../core/model/ranges';
import type { SqlColumn, SqlConnection, SqlValue } from '../connection';
import { TOKENS } from './canonical';
import { T } from './run';

export const EVENT_TABLE_COLUMNS: SqlColumn[] = [
  { name: 'src', type: 'int' }, { name: 'ok', type: 'int' }, { name: 'event_id', type: 'text' }, { name: 'period', type: 'text' },
  { name: 'day', type: 'text' }, { name: 'utc', type: 'int' }, { name: 'ms', type: 'double' }, { name: 'agent', type: 'text' }, { name: 'wid', type: 'text' },
  { name: 'provider', type: 'text' }, { name: 'model', type: 'text' }, { name: 'kind', type: 'text' }, { name: 'status', type: 'text' },
  { name: 'batch', type: 'int' }, { name: 'cost', type: 'double' }, { name: 'units', type: 'double' },
  ...TOKENS.map(([k]) => ({ name: k, type: 'double' as const })), { name: 'st', type: 'text' }, { name: 'cx', type: 'text' },
];
export const ITEM_TABLE_COLUMNS: SqlColumn[] = [
  { name: 'src', type: 'int' }, { name: 'ok', type: 'int' }, { name: 'wid', type: 'text' }, { name: 'agent', type: 'text' }, { name: 'bu', type: 'text' },
  { name: 'type', type: 'text' }, { name: 'opened_at', type: 'text' }, { name: 'closed_at', type: 'text' }, { name: 'cperiod', type: 'text' }, { name: 'outcome', type: 'text' },
];
export const REVIEW_TABLE_COLUMNS: SqlColumn[] = [
  { name: 'src', type: 'int' }, { name: 'ok', type: 'int' }, { name: 'wid', type: 'text' }, { name: 'role', type: 'text' },
  { name: 'minutes', type: 'double' }, { name: 'result', type: 'text' }, { name: 'reviewed_at', type: 'text' }, { name: 'period', type: 'text' },
];

const BATCH = 50_000;

export class RecordIngest {
  readonly counts = { events: 0, duplicates: 0, conflicts: 0, work_items: 0, reviews: 0 };
  readonly conflicts: ConflictNote[] = [];
  private readonly ids: IdSet;
  private readonly items = new Map<string, string>();
  private readonly reviewKeys = new Set<string>();
  private events: SqlValue[][] = [];
  private workItems: SqlValue[][] = [];
  private reviewRows: SqlValue[][] = [];
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: SqlConnection,
    private readonly maxConflicts = 10_000,
    expectedEvents = 65_536,
  ) {
    this.ids = new IdSet(Math.min(Math.max(expectedEvents, 1024), 1 << 26));
  }

  async open(): Promise<void> {
    await this.conn.createAndInsert(T.events, EVENT_TABLE_COLUMNS, []);
    await this.conn.createAndInsert(`${T.items}_in`, ITEM_TABLE_COLUMNS, []);
    await this.conn.createAndInsert(`${T.reviews}_in`, REVIEW_TABLE_COLUMNS, []);
  }

  private conflict(note: ConflictNote) {
    this.counts.conflicts++;
    if (this.conflicts.length < this.maxConflicts) this.conflicts.push(note);
  }

  private flush(force: boolean) {
    const run = (table: string, cols: SqlColumn[], rows: SqlValue[][]) => {
      this.pending = this.pending.then(() => this.conn.insert(table, cols, rows));
    };
    if (this.events.length >= BATCH || (force && this.events.length)) {
      run(T.events, EVENT_TABLE_COLUMNS, this.events);
      this.events = [];
    }
    if (this.workItems.length >= BATCH || (force && this.workItems.length)) {
      run(`${T.items}_in`, ITEM_TABLE_COLUMNS, this.workItems);
      this.workItems = [];
    }
    if (this.reviewRows.length >= BATCH || (force && this.reviewRows.length)) {
      run(`${T.reviews}_in`, REVIEW_TABLE_COLUMNS, this.reviewRows);
      this.reviewRows = [];
    }
  }

  /** As LedgerBuilder.addEvent: the first event of an id is kept; the same id with the same content is a duplicate. */
  addEvent(e: UsageEvent): AddResult {
    const fp = eventFingerprint(e);
    const prev = this.ids.putIfAbsent(e.event_id, fp);
    if (prev !== -1) {
      if (prev === fp) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.conflict({ record: 'event', id: e.event_id, reason: `event ${e.event_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.counts.events++;
    const ts = e.timestamp;
    this.events.push([
      0, 1, e.event_id, periodOf(ts), dayOf(ts), monthIsUtc(ts) ? 1 : 0, utcMs(ts), e.agent_id === '' ? UNASSIGNED : e.agent_id, e.work_item_id,
      e.provider, e.model, e.kind, e.status, e.batch ? 1 : 0, e.cost_usd ?? null, e.units,
      ...TOKENS.map(([, name]) => e[name] as number), e.service_tier, e.context_tier,
    ]);
    this.flush(false);
    return 'added';
  }

  /** As LedgerBuilder.addWorkItem. */
  addWorkItem(w: WorkItem): AddResult {
    const content = [w.agent_id, w.business_unit, w.type, w.opened_at, w.closed_at, w.outcome].join('\u0001');
    const prev = this.items.get(w.work_item_id);
    if (prev !== undefined) {
      if (prev === content) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.conflict({ record: 'work_item', id: w.work_item_id, reason: `work item ${w.work_item_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.items.set(w.work_item_id, content);
    this.counts.work_items++;
    this.workItems.push([0, 1, w.work_item_id, w.agent_id, w.business_unit, w.type, w.opened_at, w.closed_at, w.closed_at ? periodOf(w.closed_at) : '', w.outcome]);
    this.flush(false);
    return 'added';
  }

  /** As LedgerBuilder.addReview: a review equal in every field to an earlier one is a duplicate. */
  addReview(r: Review): AddResult {
    const k = `${r.work_item_id}\u0001${r.reviewer_role}\u0001${r.minutes}\u0001${r.result}\u0001${r.reviewed_at}`;
    if (this.reviewKeys.has(k)) {
      this.counts.duplicates++;
      return 'duplicate';
    }
    this.reviewKeys.add(k);
    this.counts.reviews++;
    this.reviewRows.push([0, 1, r.work_item_id, r.reviewer_role, r.minutes, r.result, r.reviewed_at, periodOf(r.reviewed_at)]);
    this.flush(false);
    return 'added';
  }

  /** Waits for every batch to reach the database. */
  async close(): Promise<void> {
    this.flush(true);
    await this.pending;
  }
}
