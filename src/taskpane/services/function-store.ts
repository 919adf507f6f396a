// After a refresh the pane hands the ledger to the custom functions' store (src/functions/store.ts, shared runtime),
// so =AILABOR.* cells show the new figures without re-reading the sheets; notifyWorkbookRefreshed asks Excel to
// recalculate them. The refresh writes the sheets inside beginWrite()/end: the functions wait instead of reading a
// half-written Ledger, and the add-in's own writes (events are off meanwhile) never count as user edits.
import { ledgerStore, notifyWorkbookRefreshed, WATCHED_SHEETS } from '../../functions/store';
import type { LedgerRow, UnattributedRow } from '../../core/model/ledger';
import type { Agent, PriceOverride } from '../../core/model/records';
import type { Benchmark } from '../../workbook';

export interface FunctionStoreData {
  rows: LedgerRow[];
  unattributed: UnattributedRow[];
  agents: Agent[];
  prices?: PriceOverride[];
  benchmarks?: Benchmark[];
}

export interface FunctionStoreHook {
  set(data: FunctionStoreData): void;
  invalidate(): void;
  /** the refresh starts writing the watched sheets; call the returned function when done (also on failure) */
  beginWrite?(): () => void;
  /** asks the host to recalculate the AILABOR cells; rejects when it could not (cells may be stale) */
  notifyWorkbookRefreshed?(): Promise<void> | void;
}

export const defaultFunctionStore: FunctionStoreHook | null = {
  set: (data) => ledgerStore.set(data),
  invalidate: () => ledgerStore.invalidate(),
  beginWrite: () => ledgerStore.beginWrite(),
  notifyWorkbookRefreshed: () => notifyWorkbookRefreshed(),
};

/**
 * The Excel host wrote these sheets (ExcelHostOptions.onSheetsWritten). Change events were off meanwhile, so a write
 * of a sheet the functions read must drop their data here — unless a refresh is writing, which sets the new data itself.
 */
export function sheetsWritten(names: readonly string[]): void {
  if (ledgerStore.writing()) return;
  if (names.some((n) => (WATCHED_SHEETS as readonly string[]).includes(n))) ledgerStore.invalidate();
}
