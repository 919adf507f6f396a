// Types of the ledger engine's API (DESIGN.md §3). The rules and every interpretation are in RULES.md.
import type {
  Agent,
  Invoice,
  Overhead,
  PriceOverride,
  Rate,
  RejectedRow,
  Review,
  ToolPrice,
  UsageEvent,
} from '../model/records';
import type { Aggregate, Conservation, LedgerRow, PricedEventNote, UnattributedRow } from '../model/ledger';
import type { PriceBook } from '../pricing';

/** Everything a build reads besides the streamed records (events, work items, reviews). */
export interface LedgerContext {
  agents: Agent[];
  rates: Rate[];
  toolPrices: ToolPrice[];
  overheads: Overhead[];
  invoices: Invoice[];
  prices: PriceOverride[];
}

export interface BuildOptions {
  /** default `new PriceBook(ctx.prices)` */
  priceBook?: PriceBook;
  /** how many unpriced events/reviews are listed one by one in `unpriced` (all are counted in `counts.unpriced`
   * and grouped in `unpricedGroups`); default 10,000 so a wholly unknown model cannot exhaust memory */
  maxUnpricedListed?: number;
  /** how many duplicate-id conflicts are listed in `conflicts` (all are counted); default 10,000 */
  maxConflictsListed?: number;
  /** roughly how many events will be added, to size the de-duplication table once (it grows as needed anyway) */
  expectedEvents?: number;
  /** keep every line's exact (unrounded) components in `LedgerResult.exact`, for checks against the published cents */
  keepExact?: boolean;
  /** sees every accepted event and review with the exact cost the ledger gives it (the daily series of src/core/daily) */
  observer?: LedgerObserver;
}

/** Exact (unrounded) USD components of one ledger row or unattributed line. */
export interface ExactComponents {
  api: number;
  retry: number;
  tools: number;
  review: number;
  overhead: number;
  trueup: number;
}

/** One invoiced provider in one period: the engine's side of the invoice reconciliation. */
export interface InvoicedProvider {
  period: string;
  /** the provider as the price book names it (Bedrock = aws, case ignored) */
  provider: string;
  /** indices into the context's invoices of this provider's invoice lines for the period (summed) */
  invoice_lines: number[];
  /** usage events of the provider in the period (unattributed and unpriced ones included) */
  events: number;
  /** exact computed cost of those events (unpriced ones at 0) */
  computed_exact: number;
  /** the computed cost to the cent */
  computed: number;
  /** the invoice lines' sum to the cent */
  billed: number;
  /** billed − computed: the true-up spread over those events' lines (to the cent by construction of the two) */
  trueup: number;
}

/**
 * Called once per accepted (first-seen) record, after pricing; duplicates and conflicts are not seen. `cost` is the
 * exact USD the ledger adds for it (0 when unpriced); `agent` is the id the event is kept under ("Unassigned" when it
 * names none). Reviews carry no agent: the ledger resolves it from the work item in `finish()`.
 */
export interface LedgerObserver {
  event(e: UsageEvent, cost: number, agent: string): void;
  review(r: Review, cost: number): void;
}

/** duplicate = same id and same content (ignored); conflict = same id, different content (first kept, reported). */
export type AddResult = 'added' | 'duplicate' | 'conflict';

/** The agent id used for cost with no known agent. */
export const UNASSIGNED = 'Unassigned';

export interface ConflictNote {
  record: 'event' | 'work_item';
  id: string;
  reason: string;
}

/** Unpriced events/reviews grouped by what is missing, so a long list still reads at a glance. */
export interface UnpricedGroup {
  period: string;
  provider: string;
  model: string;
  reason: string;
  count: number;
}

export interface LedgerCounts {
  /** accepted (first-seen) events */
  events: number;
  /** repeated events/work items/reviews with identical content, ignored */
  duplicates: number;
  /** repeated ids with different content, first kept */
  conflicts: number;
  /** accepted work items */
  work_items: number;
  /** accepted reviews */
  reviews: number;
  /** accepted events and reviews the build could not price (costed at 0, listed) */
  unpriced: number;
}

export interface LedgerResult {
  catalog_version: string;
  /** sorted YYYY-MM: every period with a row, an unattributed row, an overhead or an invoice */
  periods: string[];
  /** one per work item and period, sorted by period then work_item_id; amounts cent-rounded */
  rows: LedgerRow[];
  /** per period × agent (or "Unassigned") × kind × reason, sorted; amounts cent-rounded */
  unattributed: UnattributedRow[];
  /** unpriced events and reviews (costed at 0 in the ledger but counted); at most `maxUnpricedListed` */
  unpriced: PricedEventNote[];
  unpricedGroups: UnpricedGroup[];
  conflicts: ConflictNote[];
  /** over all periods */
  conservation: Conservation;
  conservationByPeriod: Record<string, Conservation>;
  /** the context's agents, then placeholders (business_unit "Unassigned") for agent ids seen in data but not configured,
   * and "Unassigned" itself when cost landed on it */
  agents: Agent[];
  counts: LedgerCounts;
  /** per period and invoiced provider: invoice, computed cost and true-up (the Invoice Reconciliation's engine side);
   * absent when the result was read back from a workbook */
  providers?: InvoicedProvider[];
  /** with BuildOptions.keepExact: the exact components of each row and unattributed line, parallel to `rows` and
   * `unattributed` */
  exact?: { rows: ExactComponents[]; unattributed: ExactComponents[] };
}

export type SummaryComponents = Pick<Aggregate, 'api' | 'retry' | 'tools' | 'review' | 'overhead' | 'trueup' | 'unattributed' | 'total'>;

export interface SummaryAgent extends SummaryComponents {
  agent_id: string;
  business_unit: string;
  work_items: number;
  outcomes: number;
  cost_per_outcome: number | null;
  cost_per_work_item: number | null;
  accuracy: number | null;
  review_rate: number | null;
  target_cost_per_outcome: number | null;
  human_cost_per_unit: number | null;
}

export interface SummaryBusinessUnit extends SummaryComponents {
  business_unit: string;
  work_items: number;
  outcomes: number;
  cost_per_outcome: number | null;
}

/** The summary JSON of issue 3 (`build --summary OUT.json`), for one period. */
export interface Summary {
  period: string;
  catalog_version: string;
  totals: SummaryComponents;
  work_items: number;
  outcomes: number;
  agents: SummaryAgent[];
  business_units: SummaryBusinessUnit[];
  rejected: Pick<RejectedRow, 'file' | 'line' | 'column' | 'reason'>[];
  unpriced: PricedEventNote[];
  conservation: Conservation;
}
