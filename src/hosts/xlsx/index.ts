// The .xlsx host (ExcelJS): writes specs to a file for the command line and scheduled month-end runs, and reads input
// sheets back from an edited file, so it can feed `build` again. Formulas are saved with their computed values
// (results.ts) and the file asks for a full recalculation on load (Excel, LibreOffice); each sheet carries its page
// setup (layout.ts).
import ExcelJS from 'exceljs';
import { parseA1 } from '../../workbook/address';
import { assertNotSecretSetting, type HostSettings, type WorkbookHost, type WriteOptions } from '../../workbook/host';
import { cleanText } from '../../workbook/sanitize';
import { applyPageSetup, applyRows } from './layout';
import { saveFormulaResults, type ComputedValue, type SavedResults } from './results';
import { isCell, type CellInput, type CellStyle, type CellValue, type ConditionalFormatSpec, type NameSpec, type SheetSpec, type ValidationSpec, type WorkbookSpec } from '../../workbook/spec';

/** Settings live in a very hidden sheet: readable by anyone with the file, so assertNotSecretSetting guards them. */
export const SETTINGS_SHEET = '_ailabor_settings';

const argb = (rgb: string) => `FF${rgb.replace(/^#/, '').toUpperCase()}`;

/**
 * ExcelJS keeps defined names as a per-cell matrix, which costs a map entry per cell of a 100,000-row column and
 * makes large workbooks slow to build. The writer only reads `model` ({ name, ranges }[]); this keeps that list as is.
 */
class RangeNames {
  private list: { name: string; ranges: string[] }[] = [];
  get model() {
    return this.list;
  }
  set model(v: { name: string; ranges: string[] }[]) {
    this.list = v ?? [];
  }
  set(name: string, ref: string) {
    const key = name.toLowerCase();
    this.list = this.list.filter((n) => n.name.toLowerCase() !== key);
    this.list.push({ name, ranges: [ref] });
  }
  get(name: string): string | undefined {
    return this.list.find((n) => n.name.toLowerCase() === name.toLowerCase())?.ranges[0];
  }
}

function styleOf(s: CellStyle, cache: Map<CellStyle, Partial<ExcelJS.Style>>): Partial<ExcelJS.Style> {
  let st = cache.get(s);
  if (st) return st;
  st = {};
  if (s.numFmt) st.numFmt = s.numFmt;
  if (s.bold || s.italic || s.color) st.font = { bold: s.bold, italic: s.italic, ...(s.color ? { color: { argb: argb(s.color) } } : {}) };
  if (s.fill) st.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(s.fill) } };
  if (s.align || s.wrap) st.alignment = { horizontal: s.align, wrapText: s.wrap, vertical: s.wrap ? 'top' : undefined };
  if (s.border) {
    const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
    st.border = s.border === 'top' ? { top: thin } : s.border === 'bottom' ? { bottom: thin } : { top: thin, bottom: thin, left: thin, right: thin };
  }
  cache.set(s, st);
  return st;
}

function validationOf(v: ValidationSpec): ExcelJS.DataValidation {
  const formulae =
    v.type === 'list'
      ? [`"${(v.list ?? []).join(',')}"`]
      : (v.formulae ?? []).map((f) => (typeof f === 'number' ? f : f));
  return {
    type: v.type,
    operator: v.operator,
    allowBlank: v.allowBlank ?? true,
    formulae,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Invalid value',
    error: v.error ?? 'Invalid value',
    ...(v.prompt ? { showInputMessage: true, prompt: v.prompt } : {}),
  } as ExcelJS.DataValidation;
}

function conditionalOf(c: ConditionalFormatSpec, priority: { n: number }): ExcelJS.ConditionalFormattingOptions {
  return {
    ref: c.ref,
    rules: c.rules.map((r) => ({
      type: 'expression',
      priority: priority.n++,
      formulae: [r.formula],
      style: {
        ...(r.style.fill ? { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: argb(r.style.fill) } } } : {}),
        ...(r.style.color || r.style.bold ? { font: { bold: r.style.bold, color: r.style.color ? { argb: argb(r.style.color) } : undefined } } : {}),
      },
    })) as ExcelJS.ConditionalFormattingRule[],
  };
}

/** A cell's stored value as a CellValue: formula results, rich text as plain text, dates as ISO strings. */
export function fromExcel(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  const o = v as unknown as Record<string, unknown>;
  if ('error' in o) return String(o.error);
  if ('formula' in o || 'sharedFormula' in o) return 'result' in o && o.result !== undefined ? fromExcel(o.result as ExcelJS.CellValue) : null;
  if ('richText' in o) return (o.richText as { text: string }[]).map((t) => t.text).join('');
  if ('text' in o) return String(o.text);
  return String(v);
}

export class XlsxHost implements WorkbookHost {
  readonly wb: ExcelJS.Workbook;
  private names = new RangeNames();
  private styles = new Map<CellStyle, Partial<ExcelJS.Style>>();
  private priority = { n: 1 };
  /** sheets written from a spec, with each column's minWidth (their columns are sized to the computed values) */
  private generated = new Map<string, (number | undefined)[]>();
  /** the time written into page footers ("Generated …"); set it for reproducible files */
  generatedAt = new Date();

  constructor(wb?: ExcelJS.Workbook) {
    this.wb = wb ?? new ExcelJS.Workbook();
    const existing = (this.wb as unknown as { _definedNames: { model: { name: string; ranges: string[] }[] } })._definedNames;
    this.names.model = wb ? existing.model : [];
    (this.wb as unknown as { _definedNames: RangeNames })._definedNames = this.names;
    this.wb.calcProperties = { ...(this.wb.calcProperties ?? {}), fullCalcOnLoad: true };
    if (!wb) {
      this.wb.creator = 'AI Labor Ledger';
      this.wb.created = new Date(0);
      this.wb.modified = new Date(0);
    }
  }

  static async load(data: Buffer | ArrayBuffer): Promise<XlsxHost> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as ArrayBuffer);
    return new XlsxHost(wb);
  }

  static async open(path: string): Promise<XlsxHost> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return new XlsxHost(wb);
  }

  /** `computed`: the formulas' values from a host that already calculated them (see saveValues). */
  async toBuffer(computed?: ComputedValue): Promise<Buffer> {
    this.saveValues(computed);
    return Buffer.from(await this.wb.xlsx.writeBuffer());
  }

  async save(path: string, computed?: ComputedValue): Promise<void> {
    this.saveValues(computed);
    await this.wb.xlsx.writeFile(path);
  }

  /** Whether a sheet other than `generated` (the user's own, kept from an existing file) holds a formula. */
  hasFormulasOutside(generated: ReadonlySet<string>): boolean {
    for (const ws of this.wb.worksheets) {
      if (generated.has(ws.name) || ws.name === SETTINGS_SHEET) continue;
      let found = false;
      ws.eachRow({ includeEmpty: false }, (row) => {
        if (!found) row.eachCell({ includeEmpty: false }, (cell) => { if (cell.formula || cell.type === ExcelJS.ValueType.Formula) found = true; });
      });
      if (found) return true;
    }
    return false;
  }

  /**
   * Computes every formula and stores its value in the cell (what non-calculating readers show), widening the
   * generated sheets' columns where a computed number would not fit. save() and toBuffer() call it; a caller that
   * writes the bytes itself (the workbench export) calls it first.
   */
  saveValues(computed?: ComputedValue): SavedResults {
    return saveFormulaResults(this.wb, this.names.model, this.generated, computed);
  }

  /** A defined name's reference, e.g. for tests. */
  definedName(name: string): string | undefined {
    return this.names.get(name);
  }

  private setName(n: NameSpec) {
    this.names.set(n.name, n.ref);
  }

  async writeSheet(spec: SheetSpec, opts: WriteOptions = {}): Promise<void> {
    const old = this.wb.getWorksheet(spec.name);
    let order: number | undefined;
    if (old) {
      order = (old as unknown as { orderNo: number }).orderNo;
      this.wb.removeWorksheet(old.id);
    }
    const ws = this.wb.addWorksheet(spec.name, { properties: spec.tabColor ? { tabColor: { argb: argb(spec.tabColor) } } : {} });
    if (order !== undefined) (ws as unknown as { orderNo: number }).orderNo = order;
    this.fill(ws, spec, opts);
    for (const n of spec.names ?? []) this.setName(n);
    if (opts.activate) await this.activate(spec.name);
  }

  async writeWorkbook(spec: WorkbookSpec, opts: WriteOptions = {}): Promise<void> {
    let done = 0;
    for (const s of spec.sheets) {
      await this.writeSheet(s);
      opts.onProgress?.(++done, spec.sheets.length);
    }
    for (const n of spec.names ?? []) this.setName(n);
    if (opts.activate && spec.sheets[0]) await this.activate(spec.sheets[0].name);
  }

  private fill(ws: ExcelJS.Worksheet, spec: SheetSpec, opts: WriteOptions) {
    (spec.columns ?? []).forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      if (c.width !== undefined) col.width = c.width;
      if (c.hidden) col.hidden = true;
    });
    const total = spec.grids.reduce((s, g) => s + g.rows.length, 0);
    let done = 0;
    for (const g of spec.grids) {
      const o = parseA1(g.at);
      const colStyles = (g.columnStyles ?? []).map((s) => (s ? styleOf(s, this.styles) : undefined));
      for (let i = 0; i < g.rows.length; i++) {
        const row = g.rows[i];
        const wsRow = ws.getRow(o.row + i + 1);
        for (let j = 0; j < row.length; j++) {
          const c = row[j];
          const colStyle = colStyles[j];
          if (c === null || c === undefined) continue;
          const cell = wsRow.getCell(o.col + j + 1);
          this.put(cell, c, colStyle);
        }
        if ((++done & 4095) === 0) opts.onProgress?.(done, total);
      }
    }
    for (const t of spec.tables ?? []) {
      const r = t.ref.split(':');
      const s = parseA1(r[0]);
      const e = parseA1(r[1] ?? r[0]);
      const rows: ExcelJS.CellValue[][] = [];
      for (let i = s.row + 1; i <= e.row; i++) {
        const line: ExcelJS.CellValue[] = [];
        for (let j = s.col; j <= e.col; j++) line.push(ws.getCell(i + 1, j + 1).value);
        rows.push(line);
      }
      // ExcelJS writes the table's cells itself (values only; our styles stay on the cells).
      ws.addTable({
        name: t.name,
        ref: r[0],
        headerRow: true,
        totalsRow: false,
        style: { theme: (t.style ?? 'TableStyleMedium2') as ExcelJS.TableStyleProperties['theme'], showRowStripes: true },
        columns: t.columns.map((name) => ({ name, filterButton: true })),
        rows,
      });
    }
    // dataValidations is on ExcelJS's Worksheet but missing from its typings.
    const dv = (ws as unknown as { dataValidations: { add(ref: string, v: ExcelJS.DataValidation): void } }).dataValidations;
    for (const v of spec.validations ?? []) dv.add(v.ref, validationOf(v));
    for (const c of spec.conditionalFormats ?? []) ws.addConditionalFormatting(conditionalOf(c, this.priority));
    for (const m of spec.merges ?? []) ws.mergeCells(m);
    if (spec.freeze && (spec.freeze.rows || spec.freeze.cols)) ws.views = [{ state: 'frozen', xSplit: spec.freeze.cols, ySplit: spec.freeze.rows }];
    applyRows(ws, spec);
    applyPageSetup(ws, spec, this.generatedAt);
    this.generated.set(spec.name, (spec.columns ?? []).map((c) => c?.minWidth));
  }

  private put(cell: ExcelJS.Cell, c: CellInput, colStyle: Partial<ExcelJS.Style> | undefined) {
    if (isCell(c)) {
      if (c.f !== undefined) cell.value = { formula: c.f } as ExcelJS.CellFormulaValue;
      else if (c.v !== undefined && c.v !== null) cell.value = typeof c.v === 'string' ? cleanText(c.v) : c.v;
      const st = c.s ? styleOf(c.s, this.styles) : colStyle;
      if (st) cell.style = st;
      if (c.note) cell.note = c.note;
      return;
    }
    // A string is always a literal string cell here: ExcelJS never parses it.
    cell.value = typeof c === 'string' ? cleanText(c) : (c as ExcelJS.CellValue);
    if (colStyle) cell.style = colStyle;
  }

  async readSheet(name: string): Promise<CellValue[][] | null> {
    const ws = this.wb.getWorksheet(name);
    if (!ws) return null;
    const out: CellValue[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const line: CellValue[] = [];
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        while (line.length < c - 1) line.push(null);
        line[c - 1] = fromExcel(cell.value);
      });
      while (out.length < r - 1) out.push([]);
      out[r - 1] = line;
    });
    return out;
  }

  async listSheets(): Promise<string[]> {
    return this.wb.worksheets
      .slice()
      .sort((a, b) => (a as unknown as { orderNo: number }).orderNo - (b as unknown as { orderNo: number }).orderNo)
      .map((w) => w.name)
      .filter((n) => n !== SETTINGS_SHEET);
  }

  async activate(name: string, cell?: string): Promise<void> {
    const ws = this.wb.getWorksheet(name);
    if (!ws) throw new Error(`no sheet "${name}"`);
    const idx = this.wb.worksheets.indexOf(ws);
    this.wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: idx, visibility: 'visible' }];
    if (cell) {
      const views = ws.views?.length ? ws.views : [{}];
      ws.views = [{ ...views[0], activeCell: cell } as ExcelJS.WorksheetView];
    }
  }

  private settingsSheet(create: boolean): ExcelJS.Worksheet | undefined {
    let ws = this.wb.getWorksheet(SETTINGS_SHEET);
    if (!ws && create) ws = this.wb.addWorksheet(SETTINGS_SHEET, { state: 'veryHidden' });
    return ws;
  }

  settings: HostSettings = {
    get: async (key) => {
      const ws = this.settingsSheet(false);
      if (!ws) return undefined;
      for (let r = 1; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === key) return String(ws.getCell(r, 2).value ?? '');
      return undefined;
    },
    set: async (key, value) => {
      assertNotSecretSetting(key, value);
      const ws = this.settingsSheet(true)!;
      let r = 1;
      while (r <= ws.rowCount && ws.getCell(r, 1).value !== key) r++;
      ws.getCell(r, 1).value = key;
      ws.getCell(r, 2).value = cleanText(value);
    },
  };
}
