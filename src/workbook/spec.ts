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
  /**
   * the width the column's own content needs when `width` also leaves room for formula results not known yet
   * (print.ts); a host that computes the values may size the column between the two
   */
  minWidth?: number;
  hidden?: boolean;
}

/** A row that differs from the default (15 pt, shown). */
export interface RowSpec {
  /** 0-based row */
  index: number;
  /** height in points (Excel's default row is 15) */
  height?: number;
  hidden?: boolean;
}

/**
 * One part of a page header or footer. Text, with tokens the host replaces: `{page}`, `{pages}`, `{sheet}`, and
 * `{generated}` (the time the host wrote the sheet, UTC). Anything else is literal (hosts escape Excel's `&` codes).
 */
export interface HeaderFooterSpec {
  left?: string;
  center?: string;
  right?: string;
}

/** How the sheet prints (print.ts derives it from the sheet; builders may override parts). */
export interface PrintSpec {
  orientation: 'portrait' | 'landscape';
  /** pages across (1 = one page wide) */
  fitToWidth: number;
  /** pages down; 0 = as many as needed */
  fitToHeight: number;
  /** 1-based rows repeated at the top of every page, e.g. { first: 1, last: 5 } */
  titleRows?: { first: number; last: number };
  /** 0-based columns repeated at the left of every page */
  titleCols?: { first: number; last: number };
  /** the range printed, without helper columns: "A1:Q40" */
  area?: string;
  header?: HeaderFooterSpec;
  footer?: HeaderFooterSpec;
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
  /** rows that are taller than the default or hidden */
  rows?: RowSpec[];
  /** rows and columns kept in view */
  freeze?: { rows: number; cols: number };
  /** page setup; SheetBuilder fills it for every sheet it builds */
  print?: PrintSpec;
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
