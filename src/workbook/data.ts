// Data sheets the add-in writes (DESIGN.md §4): the Ledger table, Unattributed, Import Issues.
// Each Ledger/Unattributed column gets a defined name (`Ledger_total`), so report formulas read
// `SUMIFS(Ledger_total, Ledger_period, $B$2, ...)` — traceable by an auditor, and valid in Excel 2010 and LibreOffice
// (structured references such as Ledger[total] are not: HyperFormula and older Calc do not read them).
import { workItemsOf, type LedgerRow, type PricedEventNote, type UnattributedRow } from '../core/model/ledger';
import type { RejectedRow } from '../core/model/records';
import type { ConflictNote } from '../core/ledger/types';
import { colLetter } from './address';
import { periodKey, SheetKeys } from './keys';
import { SheetBuilder, columnRange } from './sheet';
import type { CellInput, CellStyle, SheetSpec } from './spec';
import { FMT, S } from './styles';

interface DataColumn<R> {
  key: keyof R & string;
  fmt?: string;
  width?: number;
  /** the cell's value when it is not the record's own field as is */
  value?: (r: R) => CellInput;
}

/** A number the add-in derives per row for formulas to match on (keys.ts); after the record's own columns. */
interface KeyColumn<R> {
  key: string;
  value: (r: R) => number;
}

const money = <R>(key: keyof R & string): DataColumn<R> => ({ key, fmt: FMT.money, width: 11 });
const int = <R>(key: keyof R & string, width = 9): DataColumn<R> => ({ key, fmt: FMT.int, width });
const txt = <R>(key: keyof R & string, width = 14): DataColumn<R> => ({ key, fmt: FMT.text, width });

export const LEDGER_COLUMNS: DataColumn<LedgerRow>[] = [
  txt('period', 9), txt('work_item_id', 16), txt('agent_id', 16), txt('business_unit', 20), txt('type', 12),
  money('api'), money('retry'), money('tools'), money('review'), money('overhead'), money('trueup'), money('total'),
  int('input_tokens', 12), int('output_tokens', 12), int('events'), int('retries'), { key: 'review_minutes', fmt: '#,##0.0', width: 10 },
  int('reviews'), int('approved'), int('reviewed'), txt('outcome', 10), txt('closed_at', 21), int('closed'), int('success'),
  // how many work items the row counts: 1 on a work item's row, more at the aggregated grain (formulas count work
  // items with SUMIFS over it, so they give the same figures at either grain)
  { ...int<LedgerRow>('work_items', 10), value: workItemsOf },
];

export const UNATTRIBUTED_COLUMNS: DataColumn<UnattributedRow>[] = [
  txt('period', 9), txt('agent_id', 16), txt('business_unit', 20), txt('kind', 10), txt('reason', 48), int('events'),
  money('api'), money('retry'), money('tools'), money('review'), money('overhead'), money('trueup'), money('total'),
];

export const LEDGER_SHEET = 'Ledger';
export const UNATTRIBUTED_SHEET = 'Unattributed';
export const ISSUES_SHEET = 'Import Issues';

/** The key columns formulas match on (keys.ts): numbers, never names. */
export const KEY_COLUMNS = ['period_key', 'agent_key', 'bu_key'] as const;
export type KeyColumnName = (typeof KEY_COLUMNS)[number];

/** Defined-name of a Ledger column: `Ledger_total`. */
export const L = (key: (keyof LedgerRow & string) | KeyColumnName) => `Ledger_${key}`;
/** Defined-name of an Unattributed column: `Unattr_total`. */
export const U = (key: (keyof UnattributedRow & string) | KeyColumnName) => `Unattr_${key}`;

function keyColumns<R extends { period: string; agent_id: string; business_unit: string }>(keys: SheetKeys): KeyColumn<R>[] {
  return [
    { key: 'period_key', value: (r) => periodKey(r.period) },
    { key: 'agent_key', value: (r) => keys.agent(r.agent_id) },
    { key: 'bu_key', value: (r) => keys.bu(r.business_unit) },
  ];
}

/**
 * A data table with its header in row `notes.length + 1` (A1 without notes): notes are lines of text above it, the
 * aggregated Ledger's explanation of its grain.
 */
function dataSheet<R>(name: string, table: string, prefix: string, columns: DataColumn<R>[], rows: readonly R[], keyCols: KeyColumn<R>[] = [], notes: CellInput[] = []): SheetSpec {
  const b = new SheetBuilder(name, 'data');
  const n = columns.length;
  const width = n + keyCols.length;
  const top = notes.length;
  const data: CellInput[][] = [[...columns.map((c) => ({ v: c.key, s: S.header })), ...keyCols.map((k) => ({ v: k.key, s: S.header }))]];
  for (const r of rows) {
    const line: CellInput[] = new Array(width);
    for (let i = 0; i < n; i++) {
      const c = columns[i];
      const v = c.value ? c.value(r) : (r as Record<string, unknown>)[c.key];
      line[i] = v === undefined || v === null ? null : (v as CellInput);
    }
    for (let i = 0; i < keyCols.length; i++) line[n + i] = keyCols[i].value(r);
    data.push(line);
  }
  notes.forEach((t, i) => b.value(i, 0, t));
  const columnStyles: (CellStyle | undefined)[] = [...columns.map((c) => (c.fmt ? { numFmt: c.fmt } : undefined)), ...keyCols.map(() => ({ numFmt: '0' }))];
  b.addGrid({ at: `A${top + 1}`, rows: data, columnStyles });
  b.widths([...columns.map((c) => c.width ?? 12), ...keyCols.map(() => 9)]);
  b.freeze(top + 1, 2);
  const last = width - 1;
  // An empty table still needs one data row for Excel; names then cover one blank row, and SUMIFS over it gives 0.
  const lastRow = top + Math.max(rows.length, 1);
  b.table({ name: table, ref: `A${top + 1}:${colLetter(last)}${lastRow + 1}`, columns: [...columns.map((c) => c.key), ...keyCols.map((k) => k.key)], style: 'TableStyleMedium2' });
  columns.forEach((c, i) => b.name(`${prefix}_${c.key}`, columnRange(`${name}!`, i, top + 1, lastRow)));
  keyCols.forEach((k, i) => b.name(`${prefix}_${k.key}`, columnRange(`${name}!`, n + i, top + 1, lastRow)));
  return b.build();
}

/** What the Ledger sheet says about its grain when its rows are aggregated (src/workbook/README.md "Grain"). */
export interface LedgerGrainNote {
  /** work-item rows (work item × period) the aggregated rows stand for */
  workItemRows: number;
  /** the grain was asked for (ledgerGrain 'aggregated'), not chosen by the row count */
  asked?: boolean;
  /** where the per-work-item rows are (a file name), or why they are not */
  detail: string;
}

/** The two lines above an aggregated Ledger: its grain, and where the per-work-item detail is. */
export function ledgerGrainNotes(rows: number, g: LedgerGrainNote): CellInput[] {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    {
      v: `Ledger by agent × day × business unit × outcome: ${n(g.workItemRows)} work-item rows summed into ${n(rows)} rows${g.asked ? '' : ' (more work items than a workbook holds per row)'}. ` +
        'work_items counts them; every report and AILABOR function gives the same figures as per work item.',
      s: S.label,
    },
    { v: `Per-work-item detail: ${g.detail}`, s: S.note },
  ];
}

/**
 * The Ledger sheet; `keys` must be those of the whole result (SheetKeys.of(result)), as the report sheets use. With
 * `grain`, the rows are aggregated (core/ledger/grain.ts): two lines above the table say so and name the detail file.
 */
export const ledgerSheet = (rows: readonly LedgerRow[], keys: SheetKeys, grain?: LedgerGrainNote) =>
  dataSheet(LEDGER_SHEET, 'LedgerTable', 'Ledger', LEDGER_COLUMNS, rows, keyColumns<LedgerRow>(keys), grain ? ledgerGrainNotes(rows.length, grain) : []);
export const unattributedSheet = (rows: readonly UnattributedRow[], keys: SheetKeys) =>
  dataSheet(UNATTRIBUTED_SHEET, 'UnattributedTable', 'Unattr', UNATTRIBUTED_COLUMNS, rows, keyColumns<UnattributedRow>(keys));

export interface IssueRow {
  category: string;
  source: string;
  line: number | null;
  column: string;
  value: string;
  reason: string;
}

/**
 * Rejected rows, unpriced events and conflicting duplicates: nothing is dropped without a line here. Consistency
 * warnings (records kept whose vendor figures disagree: totals vs parts, reported cost vs catalog price) follow.
 */
export function issueRows(rejected: readonly RejectedRow[], unpriced: readonly PricedEventNote[] = [], conflicts: readonly ConflictNote[] = [], warnings: readonly RejectedRow[] = []): IssueRow[] {
  return [
    ...rejected.map((r) => ({ category: 'rejected row', source: r.file, line: r.line || null, column: r.column, value: r.value, reason: r.reason })),
    ...unpriced.map((u) => ({ category: 'unpriced', source: `${u.provider}/${u.model}`, line: null, column: u.period, value: u.event_id, reason: `${u.reason} (agent ${u.agent_id || 'none'})` })),
    ...conflicts.map((c) => ({ category: `conflicting ${c.record}`, source: c.record, line: null, column: '', value: c.id, reason: c.reason })),
    ...warnings.map((w) => ({ category: 'consistency warning', source: w.file, line: w.line || null, column: w.column, value: w.value, reason: w.reason })),
  ];
}

export function importIssuesSheet(issues: readonly IssueRow[]): SheetSpec {
  const cols: DataColumn<IssueRow>[] = [txt('category', 18), txt('source', 28), int('line', 8), txt('column', 16), txt('value', 28), txt('reason', 70)];
  const b = new SheetBuilder(ISSUES_SHEET, 'data');
  const data: CellInput[][] = [cols.map((c) => ({ v: c.key, s: S.header }))];
  for (const r of issues) data.push(cols.map((c) => (r[c.key] === '' ? null : (r[c.key] as CellInput))));
  if (!issues.length) data.push([{ v: 'none', s: S.note }, 'No rejected rows, unpriced events or conflicting duplicates.']);
  b.addGrid({ at: 'A1', rows: data, columnStyles: cols.map((c) => (c.fmt ? { numFmt: c.fmt } : undefined)) });
  b.widths(cols.map((c) => c.width ?? 12));
  b.freeze(1, 0);
  if (issues.length) b.table({ name: 'ImportIssuesTable', ref: `A1:F${issues.length + 1}`, columns: cols.map((c) => c.key), style: 'TableStyleLight1' });
  return b.build();
}
