// The declarative workbook description (DESIGN.md §4): what a sheet holds, independent of the host that writes it
// (Office.js, ExcelJS, HyperFormula). Builders in this folder produce it; hosts in src/hosts consume it.
//
// Rules every host keeps:
// - A string value is always text, never parsed: `=HYPERLINK(...)` in a ticket title stays a string. Only `f` is a formula.
// - Formulas are written without the leading "=", in English function names with "," separators, and use only
//   functions that compute in Excel 2010+ and LibreOffice 7 (no XLOOKUP/LET/LAMBDA/dynamic arrays).
// - Writing a sheet replaces an existing sheet of that name; it never duplicates it.

/** What a cell can hold after evaluation (and what readers get back). Dates are ISO strings or Excel serials. */
export type CellValue = string | number | boolean | null;

export type HAlign = 'left' | 'center' | 'right';

/** A cell style. Colors are 6-digit RGB hex without "#". */
export interface CellStyle {
  numFmt?: string;
  bold?: boolean;
  italic?: boolean;
  color?: string;
  fill?: string;
  align?: HAlign;
  wrap?: boolean;
  /** a thin top border (totals) or a thin bottom border (headers) */
  border?: 'top' | 'bottom' | 'box';
}

/** One cell: a value or a formula, with an optional style. */
export interface Cell {
  v?: CellValue;
  /** formula without the leading "=" */
  f?: string;
  s?: CellStyle;
  /** an explanatory note shown on hover (hosts may ignore it) */
  note?: string;
}

/** A plain value is shorthand for `{ v }`. */
export type CellInput = Cell | CellValue;

/**
 * A rectangular block of cells whose top-left is `at`. The fast columnar form for big tables: `rows` of plain
 * values plus one style per column (`columnStyles`), so a 100,000-row Ledger carries no per-cell objects.
 * A cell's own style wins over its column's.
 */
export interface Grid {
  at: string;
  rows: CellInput[][];
  columnStyles?: (CellStyle | undefined)[];
}

export interface ColumnSpec {
  /** width in characters */
  width?: number;
  hidden?: boolean;
}

/** An Excel table (ListObject). `ref` includes the header row. Hosts without tables (HyperFormula) ignore it. */
export interface TableSpec {
  name: string;
  ref: string;
  columns: string[];
  style?: string;
}

/** A workbook-scoped defined name, e.g. `Ledger_total` → `Ledger!$M$2:$M$5001`. */
export interface NameSpec {
  name: string;
  /** absolute reference with the sheet, without "=": `'Budget Drivers'!$C$5` */
  ref: string;
}

export type ValidationOperator =
  | 'between'
  | 'notBetween'
  | 'equal'
  | 'notEqual'
  | 'greaterThan'
  | 'lessThan'
  | 'greaterThanOrEqual'
  | 'lessThanOrEqual';

export interface ValidationSpec {
  ref: string;
  type: 'list' | 'decimal' | 'whole' | 'date' | 'textLength' | 'custom';
  operator?: ValidationOperator;
  /** bounds (numbers) or formulas without "="; for `list`, use `list` instead */
  formulae?: (number | string)[];
  list?: string[];
  allowBlank?: boolean;
  /** shown when the user types a bad value */
  error?: string;
  prompt?: string;
}

export interface ConditionalRule {
  /** `expression`: a formula relative to the top-left cell of `ref`, true ⇒ the style applies */
  type: 'expression';
  formula: string;
  style: Pick<CellStyle, 'fill' | 'color' | 'bold'>;
}

export interface ConditionalFormatSpec {
  ref: string;
  rules: ConditionalRule[];
}

export type SheetKind = 'input' | 'data' | 'report';

export interface SheetSpec {
  name: string;
  kind: SheetKind;
  tabColor?: string;
  /** index 0 = column A */
  columns?: ColumnSpec[];
  /** rows and columns kept in view */
  freeze?: { rows: number; cols: number };
  grids: Grid[];
  tables?: TableSpec[];
  /** workbook-scoped names that point into this sheet (written with it) */
  names?: NameSpec[];
  validations?: ValidationSpec[];
  conditionalFormats?: ConditionalFormatSpec[];
  merges?: string[];
}

export interface WorkbookSpec {
  /** in tab order */
  sheets: SheetSpec[];
  /** names not owned by one sheet */
  names?: NameSpec[];
}

export const isCell = (c: CellInput): c is Cell => c !== null && typeof c === 'object';
export const cellOf = (c: CellInput): Cell => (isCell(c) ? c : { v: c });
