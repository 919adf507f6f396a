// HOOK FOR THE LEAD: after a refresh the pane hands the ledger to the custom functions' store (src/functions/store.ts,
// built in parallel). Wire `defaultFunctionStore` to it: `{ set: ledgerStore.set, invalidate: ledgerStore.invalidate,
// notifyWorkbookRefreshed }`. Until then refreshes fill nothing (the functions keep their own data).
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

export const defaultFunctionStore: FunctionStoreHook | null = null;
