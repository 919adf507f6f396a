// After a refresh the pane hands the ledger to the custom functions' store (src/functions/store.ts, shared runtime),
// so =AILABOR.* cells show the new figures without re-reading the sheets; notifyWorkbookRefreshed asks Excel for the
// full recalculation that re-runs them.
import { ledgerStore, notifyWorkbookRefreshed } from '../../functions/store';
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
  notifyWorkbookRefreshed?(): void;
}

export const defaultFunctionStore: FunctionStoreHook | null = {
  set: (data) => ledgerStore.set(data),
  invalidate: () => ledgerStore.invalidate(),
  notifyWorkbookRefreshed: () => void notifyWorkbookRefreshed(),
};
