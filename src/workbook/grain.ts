// The Ledger sheet's grain (README "Grain"): a row per work item and period while they fit, else rows summed by
// agent × day × business unit × outcome (core/ledger/grain.ts) with the per-item detail in a companion file. Every
// host (the CLI's .xlsx, the pane's Refresh in Excel and the workbench) decides with the same threshold.
import { aggregateRows } from '../core/ledger/grain';
import type { LedgerRow } from '../core/model/ledger';
import { ledgerSheet, type LedgerGrainNote } from './data';
import type { SheetKeys } from './keys';
import type { SheetSpec } from './spec';

/**
 * Most work-item rows the Ledger sheet holds one by one; above it the sheet is aggregated. Why this number: ExcelJS
 * holds a workbook's every cell as objects and builds each sheet's XML whole when it saves, ~28 KB a Ledger row at its
 * peak: the CLI writes a 52,000-row per-item workbook in ~2.1 GB (bench/README.md "Workbook at scale"), 130,000 rows
 * took 3.9 GB (its ~4.3 GB heap limit). Excel on the web reads 50,000 rows in ~8 blocks of its 5 MB limit, and the
 * workbench's HyperFormula holds every cell as an object too.
 */
export const LEDGER_DETAIL_MAX_ROWS = 50_000;

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
  const workItemRows = rows.reduce((n, r) => n + (r.work_items ?? 1), 0);
  const note: LedgerGrainNote = { workItemRows, asked: workItemRows <= (o.maxRows ?? LEDGER_DETAIL_MAX_ROWS), detail: o.detail ?? 'not written with this workbook' };
  return { spec: ledgerSheet(lines, keys, note), grain, rows: lines.length };
}
