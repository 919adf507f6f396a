// Shared looks, so every builder's sheets read alike. Input cells are pale yellow: "you may type here".
import type { CellStyle } from './spec';

export const FMT = {
  money: '$#,##0.00',
  money0: '$#,##0',
  /** a per-unit input the user types (Agents targets, Budget Drivers): cents, more when typed. Reports show cents. */
  rate: '$#,##0.00##',
  int: '#,##0',
  num: '#,##0.0',
  pct: '0.0%',
  text: '@',
  /** USD per million tokens: the catalog's precision (up to 4 decimals) */
  mtok: '$#,##0.00##',
  /** model cost of one work item from token prices (Migration Payback): fractions of a cent matter there */
  modelUnit: '$#,##0.0000',
} as const;

export const COLORS = {
  header: 'DDEBF7',
  input: 'FFF2CC',
  title: '1F4E78',
  good: 'C6EFCE',
  goodText: '006100',
  warn: 'FFEB9C',
  warnText: '9C5700',
  bad: 'FFC7CE',
  badText: '9C0006',
  total: 'F2F2F2',
  tabInput: 'FFC000',
  tabData: '5B9BD5',
  tabReport: '70AD47',
} as const;

export const S = {
  title: { bold: true, color: COLORS.title } as CellStyle,
  note: { italic: true, color: '595959' } as CellStyle,
  header: { bold: true, fill: COLORS.header, border: 'bottom', wrap: true } as CellStyle,
  label: { bold: true } as CellStyle,
  input: { fill: COLORS.input } as CellStyle,
  total: { bold: true, fill: COLORS.total, border: 'top' } as CellStyle,
};

export const withFmt = (s: CellStyle | undefined, numFmt: string | undefined): CellStyle | undefined =>
  numFmt ? { ...(s ?? {}), numFmt } : s;
