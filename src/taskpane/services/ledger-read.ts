// The ledger already in a workbook (a Ledger sheet written by an earlier session's Refresh), read back through the
// host so Reports, Alerts and Trends work without re-adding the source files.
import type { LedgerContext, LedgerResult } from '../../core/ledger';
import { placeholderAgent } from '../../core/ledger/builder';
import type { Conservation } from '../../core/model/ledger';
import { LEDGER_SHEET, UNATTRIBUTED_SHEET } from '../../workbook/data';
import { headerHas, readLedgerSheet, readUnattributedSheet } from '../../workbook/data-readers';
import { workItemsOf } from '../../core/model/ledger';
import { DAILY_SHEET, readDailySheet } from '../../workbook/daily';
import type { DailySeries } from '../../core/daily';
import type { CellError, WorkbookHost } from '../../workbook';
import { readWorkbookInputs } from './workbook-io';

export interface StoredLedger {
  result: LedgerResult;
  ctx: LedgerContext;
  /** bad cells of the Ledger, Unattributed and input sheets, by address (bad rows are still read, their bad cells as 0) */
  errors: CellError[];
  /** the Ledger sheet was written by an earlier version, without the work_items column the reports now sum */
  countsMissing: boolean;
  /** the agents' daily series from the Daily sheet; null when the workbook has none */
  daily: DailySeries | null;
}

/** The workbook does not keep these (they exist only while a refresh runs): zero, and `ok` false so nothing reads them as a passed check. */
export function unknownConservation(): Conservation {
  return {
    events_and_reviews: 0, ledger_plus_unattributed: 0, difference: 0, overhead_imported: 0, overhead_allocated: 0, overhead_unallocated: 0,
    overhead_difference: 0, invoice_minus_computed: 0, trueup_spread: 0, trueup_difference: 0, cents_tie: false, lines_within_cent: false, ok: false,
  };
}

/** Reads Ledger + Unattributed + the input sheets into a LedgerResult for the reports. null when there is no Ledger sheet. */
export async function readLedgerFromHost(host: WorkbookHost): Promise<StoredLedger | null> {
  const sheets = await host.listSheets();
  if (!sheets.includes(LEDGER_SHEET)) return null;
  const errors: CellError[] = [];
  const grid = (await host.readSheet(LEDGER_SHEET)) ?? [];
  const rows = readLedgerSheet(grid, errors);
  const countsMissing = rows.length > 0 && !headerHas(grid, 'work_items');
  const unattributed = sheets.includes(UNATTRIBUTED_SHEET)
    ? readUnattributedSheet((await host.readSheet(UNATTRIBUTED_SHEET)) ?? [], errors)
    : [];
  const read = await readWorkbookInputs(host);
  errors.push(...read.errors);
  const daily = sheets.includes(DAILY_SHEET) ? readDailySheet(await host.readSheet(DAILY_SHEET), errors) : null;
  const ctx: LedgerContext = {
    agents: read.ctx.agents ?? [], rates: read.ctx.rates ?? [], toolPrices: read.ctx.toolPrices ?? [],
    overheads: read.ctx.overheads ?? [], invoices: read.ctx.invoices ?? [], prices: read.ctx.prices ?? [],
  };
  // A period cell that failed to parse is left out of the month list (its error names the cell).
  const isPeriod = (p: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(p);
  const periods = [...new Set([...rows.map((r) => r.period), ...unattributed.map((u) => u.period)].filter(isPeriod))].sort();
  // As the builder does: the configured agents, then placeholders (sorted) for ids in the data, "Unassigned" included.
  const known = new Set(ctx.agents.map((a) => a.agent_id));
  const extra: string[] = [];
  for (const id of [...rows.map((r) => r.agent_id), ...unattributed.map((u) => u.agent_id)]) {
    if (id && !known.has(id)) {
      known.add(id);
      extra.push(id);
    }
  }
  extra.sort();
  const conservationByPeriod: Record<string, Conservation> = {};
  for (const p of periods) conservationByPeriod[p] = unknownConservation();
  const result: LedgerResult = {
    catalog_version: '',
    periods,
    rows,
    unattributed,
    // Not stored in the workbook (they live in the refresh's memory and on Import Issues as text): empty/zero here,
    // so unpriced and true-up alerts need a Refresh in this session.
    unpriced: [],
    unpricedGroups: [],
    conflicts: [],
    conservation: unknownConservation(),
    conservationByPeriod,
    agents: [...ctx.agents, ...extra.map(placeholderAgent)],
    counts: { events: rows.reduce((n, r) => n + r.events, 0) + unattributed.reduce((n, u) => n + u.events, 0), duplicates: 0, conflicts: 0, work_items: rows.some((r) => r.work_items !== undefined) ? rows.reduce((n, r) => n + workItemsOf(r), 0) : new Set(rows.map((r) => r.work_item_id)).size, reviews: rows.reduce((n, r) => n + r.reviews, 0), unpriced: 0 },
  };
  return { result, ctx, errors, countsMissing, daily };
}
