// A small helper for builders: place cells by row and column, get one SheetSpec with a single grid.
import { a1, checkSheetName, colLetter } from './address';
import { layoutSheet } from './print';
import type { Cell, CellInput, CellStyle, ConditionalFormatSpec, Grid, NameSpec, PrintSpec, SheetKind, SheetSpec, TableSpec, ValidationSpec } from './spec';
import { COLORS } from './styles';

export class SheetBuilder {
  private rows: CellInput[][] = [];
  private printOverrides: Partial<PrintSpec> = {};
  readonly spec: SheetSpec;

  constructor(name: string, kind: SheetKind) {
    checkSheetName(name);
    this.spec = {
      name,
      kind,
      tabColor: kind === 'input' ? COLORS.tabInput : kind === 'data' ? COLORS.tabData : COLORS.tabReport,
      columns: [],
      grids: [],
      tables: [],
      names: [],
      validations: [],
      conditionalFormats: [],
      merges: [],
    };
  }

  /** 0-based row/col */
  set(row: number, col: number, cell: CellInput): this {
    while (this.rows.length <= row) this.rows.push([]);
    const r = this.rows[row];
    while (r.length < col) r.push(null);
    r[col] = cell;
    return this;
  }

  value(row: number, col: number, v: CellInput, s?: CellStyle): this {
    return this.set(row, col, s ? { v: v as Cell['v'], s } : v);
  }

  formula(row: number, col: number, f: string, s?: CellStyle): this {
    return this.set(row, col, s ? { f, s } : { f });
  }

  /** a row of cells from `col` on */
  row(row: number, col: number, cells: CellInput[]): this {
    cells.forEach((c, i) => this.set(row, col + i, c));
    return this;
  }

  width(col: number, width: number): this {
    const cols = this.spec.columns!;
    while (cols.length <= col) cols.push({});
    cols[col] = { ...cols[col], width };
    return this;
  }

  widths(widths: number[]): this {
    widths.forEach((w, i) => this.width(i, w));
    return this;
  }

  freeze(rows: number, cols = 0): this {
    this.spec.freeze = { rows, cols };
    return this;
  }

  /** Overrides parts of the page setup derived in build() (print.ts): orientation, title rows, area… */
  print(p: Partial<PrintSpec>): this {
    this.printOverrides = { ...this.printOverrides, ...p };
    return this;
  }

  /** A row's height in points, or hidden (0-based row). */
  rowLayout(index: number, r: { height?: number; hidden?: boolean }): this {
    const rows = (this.spec.rows ??= []);
    const at = rows.findIndex((x) => x.index === index);
    if (at >= 0) rows[at] = { ...rows[at], ...r };
    else rows.push({ index, ...r });
    return this;
  }

  name(name: string, ref: string): this {
    this.spec.names!.push({ name, ref });
    return this;
  }

  table(t: TableSpec): this {
    this.spec.tables!.push(t);
    return this;
  }

  validate(v: ValidationSpec): this {
    this.spec.validations!.push(v);
    return this;
  }

  conditional(c: ConditionalFormatSpec): this {
    this.spec.conditionalFormats!.push(c);
    return this;
  }

  merge(ref: string): this {
    this.spec.merges!.push(ref);
    return this;
  }

  addGrid(g: Grid): this {
    this.spec.grids.push(g);
    return this;
  }

  /** The spec, with widths that fit its numbers, header rows tall enough for their titles and a page setup. */
  build(): SheetSpec {
    if (this.rows.length) this.spec.grids.unshift({ at: 'A1', rows: this.rows });
    this.rows = [];
    layoutSheet(this.spec, this.printOverrides);
    return this.spec;
  }
}

/** `Sheet!$C$2:$C$101` for a column of a block of data rows. */
export function columnRange(sheetPrefix: string, col: number, firstRow: number, lastRow: number): string {
  const c = colLetter(col);
  return `${sheetPrefix}$${c}$${firstRow + 1}:$${c}$${Math.max(lastRow, firstRow) + 1}`;
}

export const names = (list: NameSpec[]) => list;
export { a1 };
