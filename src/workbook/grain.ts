// The Ledger sheet's grain (README "Grain"): a row per work item and period while they fit, else rows summed by
// agent × day × business unit × outcome (core/ledger/grain.ts) with the per-item detail in a companion file. Every
// host (the CLI's .xlsx, the pane's Refresh in Excel and the workbench) decides with the same threshold.
import { aggregateRows } from '../core/ledger/grain';
import type { LedgerRow } from '../core/model/ledger';
import { ledgerSheet, type LedgerGrainNote } from './data';
import type { SheetKeys } from './keys';
import type { SheetSpec } from './spec';

/**
 * Most work-item rows the Ledger sheet holds one by one. Above it the sheet is aggregated. Why this number: the CLI
 * writes and saves the values of a 100,000-row per-item workbook in ~1.3 GB and about a minute (bench/README.md
 * "Workbook at scale"), Excel on the web reads such a Ledger in ~15 blocks of its 5 MB limit, and HyperFormula (the
 * workbench, the saved values) holds every cell as an object.
 */
export const LEDGER_DETAIL_MAX_ROWS = 100_000;

export type LedgerGrain = 'work_item' | 'aggregated';

export interface LedgerGrainOptions {
  /** default 'auto': per work item up to `maxRows`, aggregated above */
  grain?: 'auto' | LedgerGrain;
  /** default LEDGER_DETAIL_MAX_ROWS */
  maxRows?: number;
  /** where the per-work-item rows are when aggregated, as the sheet says it ("ledger-detail.csv, beside this workbook") */
  detail?: string;
}

export function chooseGrain(workItemRows: number, o: LedgerGrainOptions = {}): LedgerGrain {
  const g = o.grain ?? 'auto';
  if (g !== 'auto') return g;
  return workItemRows > (o.maxRows ?? LEDGER_DETAIL_MAX_ROWS) ? 'aggregated' : 'work_item';
}

export interface LedgerSheetAtGrain {
  spec: SheetSpec;
  grain: LedgerGrain;
  /** rows on the sheet */
  rows: number;
}

/** The Ledger sheet at the grain `o` chooses for these per-work-item rows. */
export function ledgerSheetAtGrain(rows: readonly LedgerRow[], keys: SheetKeys, o: LedgerGrainOptions = {}): LedgerSheetAtGrain {
  const grain = chooseGrain(rows.length, o);
  if (grain === 'work_item') return { spec: ledgerSheet(rows, keys), grain, rows: rows.length };
  const lines = aggregateRows(rows);
  const note: LedgerGrainNote = { workItemRows: rows.reduce((n, r) => n + (r.work_items ?? 1), 0), detail: o.detail ?? 'not written with this workbook' };
  return { spec: ledgerSheet(lines, keys, note), grain, rows: lines.length };
}
