// The preview host: a live in-memory workbook on HyperFormula, for the browser workbench and for formula tests.
// It evaluates the same specs the Excel and .xlsx hosts write; styles, tables, validation and conditional formats
// are not modelled (HyperFormula computes values only).
import { DetailedCellError, HyperFormula, type ConfigParams, type RawCellContent } from 'hyperformula';
import { parseA1 } from '../../workbook/address';
import { assertNotSecretSetting, type HostSettings, type WorkbookHost, type WriteOptions } from '../../workbook/host';
import { hyperFormulaText } from '../../workbook/sanitize';
import { isCell, type CellInput, type CellStyle, type CellValue, type NameSpec, type SheetSpec, type WorkbookSpec } from '../../workbook/spec';

/** A string value as HyperFormula raw content (always literal text), a formula as "=…". */
export function toRaw(c: CellInput): RawCellContent | undefined {
  if (isCell(c)) {
    if (c.f !== undefined) return `=${c.f}`;
    return c.v === undefined ? undefined : toRaw(c.v);
  }
  if (c === null) return undefined;
  if (typeof c === 'string') return hyperFormulaText(c);
  return c;
}

/** The sheet's content as one matrix (later grids win where they overlap; null leaves a cell alone). */
export function sheetMatrix(spec: SheetSpec): RawCellContent[][] {
  const m: RawCellContent[][] = [];
  for (const g of spec.grids) {
    const o = parseA1(g.at);
    g.rows.forEach((row, i) => {
      const r = o.row + i;
      while (m.length <= r) m.push([]);
      const line = m[r];
      for (let j = 0; j < row.length; j++) {
        const raw = toRaw(row[j]);
        if (raw === undefined) continue;
        const c = o.col + j;
        while (line.length < c) line.push(null);
        line[c] = raw;
      }
    });
  }
  return m;
}

/**
 * The style a host gives the cell at (row, col): the cell's own style, else its grid's column style (later grids
 * win, a null cell leaves an earlier grid's cell), as the .xlsx host writes it.
 */
export function styleAt(spec: SheetSpec, row: number, col: number): CellStyle | undefined {
  for (let k = spec.grids.length - 1; k >= 0; k--) {
    const g = spec.grids[k];
    const o = parseA1(g.at);
    const i = row - o.row;
    const j = col - o.col;
    if (i < 0 || j < 0 || i >= g.rows.length) continue;
    const line = g.rows[i];
    if (j >= line.length) continue;
    const c = line[j];
    if (c === null || c === undefined) continue;
    return (isCell(c) ? c.s : undefined) ?? g.columnStyles?.[j];
  }
  return undefined;
}

/** Rows of the first setCellContents call of a sliced write, the time each call aims at, and the time a slice of calls may take before the page gets a turn. */
const FIRST_CHUNK_ROWS = 50;
const CHUNK_MS = 12;
const SLICE_MS = 30;
const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** A turn for the page (paint, input, progress) between slices of a long write. */
const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

function toCellValue(v: unknown): CellValue {
  if (v instanceof DetailedCellError) return v.value;
  if (v === undefined) return null;
  return v as CellValue;
}

export class PreviewHost implements WorkbookHost {
  readonly hf: HyperFormula;
  private store = new Map<string, string>();
  private names = new Set<string>();
  active: { sheet: string; cell?: string } | null = null;
  /** the last spec written per sheet (styles, widths, tables: what HyperFormula does not keep) */
  private specs = new Map<string, SheetSpec>();
  private workbookNames = new Map<string, NameSpec>();
  /** cells typed since the sheet was last written, in order, so an export keeps them */
  private edits = new Map<string, Map<string, CellInput>>();
  private listeners = new Set<() => void>();
  /** bumps on every change (writes, edits, activation): a snapshot key for views */
  version = 0;

  constructor(config: Partial<ConfigParams> = {}) {
    // HyperFormula stops at 40,000 rows by default; a Ledger can be longer. Excel's own limit instead.
    this.hf = HyperFormula.buildEmpty({ licenseKey: 'gpl-v3', maxRows: 1_048_576, ...config });
  }

  /** Calls `listener` after every write, edit or activation; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    this.version++;
    for (const l of [...this.listeners]) l();
  }

  /** The spec last written for the sheet (without later edits), or undefined. */
  sheetSpec(name: string): SheetSpec | undefined {
    return this.specs.get(name);
  }

  /** Rows and columns in use (0 × 0 for an empty sheet). */
  dimensions(sheet: string): { rows: number; cols: number } {
    const d = this.hf.getSheetDimensions(this.sheetId(sheet));
    return { rows: d.height, cols: d.width };
  }

  /**
   * The workbook as it stands: each sheet's last spec with the cells typed since written laid over it (keeping
   * the cell's style), and every name. What an export writes.
   */
  toWorkbookSpec(): WorkbookSpec {
    const sheets = this.hf.getSheetNames().map((name): SheetSpec => {
      const spec = this.specs.get(name) ?? { name, kind: 'data', grids: [] };
      const edits = this.edits.get(name);
      if (!edits?.size) return spec;
      const grids = [...spec.grids];
      for (const [ref, content] of edits) {
        const { row, col } = parseA1(ref);
        const s = styleAt(spec, row, col);
        const cell: CellInput = isCell(content) ? { ...content, s: content.s ?? s } : content === null ? { v: null, s } : { v: content, s };
        grids.push({ at: ref, rows: [[cell]] });
      }
      return { ...spec, grids };
    });
    return { sheets, names: [...this.workbookNames.values()] };
  }

  private sheetId(name: string): number {
    const id = this.hf.getSheetId(name);
    if (id === undefined) throw new Error(`no sheet "${name}"`);
    return id;
  }

  private ensureSheet(name: string): number {
    const id = this.hf.getSheetId(name);
    return id !== undefined ? id : this.hf.getSheetId(this.hf.addSheet(name))!;
  }

  private setName(n: NameSpec) {
    const expr = `=${n.ref}`;
    // Tracked here: inside batch() HyperFormula does not report names added earlier in the same batch.
    const key = n.name.toLowerCase();
    if (this.names.has(key)) this.hf.changeNamedExpression(n.name, expr);
    else this.hf.addNamedExpression(n.name, expr);
    this.names.add(key);
  }

  /** Replaces the sheet's content in place (so other sheets' references to it stay valid). */
  async writeSheet(spec: SheetSpec, opts: WriteOptions = {}): Promise<void> {
    await this.serial(() => this.write([spec], [], opts));
    if (opts.activate) this.active = { sheet: spec.name };
    this.changed();
  }

  async writeWorkbook(spec: WorkbookSpec, opts: WriteOptions = {}): Promise<void> {
    await this.serial(() => this.write(spec.sheets, spec.names ?? [], opts));
    for (const n of spec.names ?? []) this.workbookNames.set(n.name.toLowerCase(), n);
    if (opts.activate && spec.sheets[0]) this.active = { sheet: spec.sheets[0].name };
    this.changed();
  }

  private queue: Promise<unknown> = Promise.resolve();
  /** Writes run one after the other: a report generated during a refresh's sliced write waits for it. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes sheets without holding the page for long: the sheets and their names first, then the content in slices of
   * rows (each under SLICE_MS, yielding to the page between slices, so progress paints and input is handled), then
   * the names again. The names the sheets define are taken out while their ranges are rewritten: HyperFormula
   * maintains a named range for every cell written into it, which makes a write into a named 5,000-row Ledger
   * several times slower; the formulas that use them (a report) recompute once, when the names come back.
   */
  private async write(specs: SheetSpec[], extraNames: NameSpec[], opts: WriteOptions): Promise<void> {
    const names = [...specs.flatMap((s) => s.names ?? []), ...extraNames];
    const redefined = new Set(names.map((n) => n.name.toLowerCase()));
    this.hf.batch(() => {
      for (const s of specs) this.ensureSheet(s.name);
      for (const key of redefined) {
        if (!this.names.has(key)) continue;
        this.hf.removeNamedExpression(key);
        this.names.delete(key);
      }
    });
    const matrices = specs.map((s) => sheetMatrix(s));
    const total = specs.reduce((n, s, k) => n + Math.max(matrices[k].length, this.hf.getSheetDimensions(this.sheetId(s.name)).height), 0);
    // Every write yields once it has held the page for SLICE_MS: a small one (a report) finishes before that; a
    // refresh's many middle-sized sheets (an aggregated Ledger, Daily, Usage Mix: 20,000 cells together on a 1M-event
    // month) were one 0.5 s block when only writes over 20,000 cells were sliced (bench/pane).
    let done = 0;
    let slice = now();
    let rowsPerChunk = FIRST_CHUNK_ROWS;
    for (let k = 0; k < specs.length; k++) {
      const id = this.sheetId(specs[k].name);
      const m = matrices[k];
      const old = this.hf.getSheetDimensions(id);
      const width = Math.max(old.width, m.reduce((w, r) => Math.max(w, r.length), 0));
      const height = Math.max(old.height, m.length);
      // Overwrite row by row (a shorter new sheet clears the old rows below it): one pass, no separate clear. The
      // chunk size adapts so one setCellContents call stays near CHUNK_MS on this machine, loaded or not.
      for (let r = 0; r < height; ) {
        const n = Math.min(rowsPerChunk, height - r);
        const t0 = now();
        const chunk: RawCellContent[][] = [];
        for (let i = r; i < r + n; i++) {
          const src = m[i] ?? [];
          const line: RawCellContent[] = new Array(width);
          for (let j = 0; j < width; j++) line[j] = src[j] ?? null;
          chunk.push(line);
        }
        this.hf.batch(() => this.hf.setCellContents({ sheet: id, row: r, col: 0 }, chunk));
        const took = now() - t0;
        if (n === rowsPerChunk) rowsPerChunk = Math.max(10, Math.min(2000, Math.round((rowsPerChunk * CHUNK_MS) / Math.max(took, 1))));
        r += n;
        done += n;
        if (now() - slice > SLICE_MS) {
          opts.onProgress?.(done, total);
          await yieldToPage();
          slice = now();
        }
      }
      this.specs.set(specs[k].name, specs[k]);
      this.edits.delete(specs[k].name);
    }
    // The names back: in one batch when formulas may use them (they recompute once), else a few per slice.
    const formulasUseThem = [...this.specs.values()].some((s) => s.kind === 'report') || this.hasUserFormulas();
    if (formulasUseThem) this.hf.batch(() => names.forEach((n) => this.setName(n)));
    else {
      for (const n of names) {
        this.setName(n);
        if (now() - slice > SLICE_MS) {
          await yieldToPage();
          slice = now();
        }
      }
    }
    opts.onProgress?.(total, total);
  }

  /** Formulas typed into the preview (they may use the names a write redefines). */
  private hasUserFormulas(): boolean {
    for (const edits of this.edits.values()) for (const c of edits.values()) if (isCell(c) && c.f !== undefined) return true;
    return false;
  }

  async readSheet(name: string): Promise<CellValue[][] | null> {
    const id = this.hf.getSheetId(name);
    if (id === undefined) return null;
    return this.hf.getSheetValues(id).map((row) => row.map(toCellValue));
  }

  /** One computed value: `value('Budget', 'F8')`. */
  value(sheet: string, ref: string): CellValue {
    const { row, col } = parseA1(ref);
    return toCellValue(this.hf.getCellValue({ sheet: this.sheetId(sheet), row, col }));
  }

  /** Types into a cell as a user would: a number, text (kept literal) or a formula `{ f }`; everything recomputes. */
  setCell(sheet: string, ref: string, content: CellInput): void {
    const { row, col } = parseA1(ref);
    this.hf.setCellContents({ sheet: this.sheetId(sheet), row, col }, [[toRaw(content) ?? null]]);
    let edits = this.edits.get(sheet);
    if (!edits) this.edits.set(sheet, (edits = new Map()));
    const key = ref.replace(/\$/g, '').toUpperCase();
    edits.delete(key); // re-insert so the latest edit is laid over last
    edits.set(key, content);
    this.changed();
  }

  /** A computed value by 0-based row and column (what a grid view reads per visible cell). */
  valueAt(sheet: string, row: number, col: number): CellValue {
    return toCellValue(this.hf.getCellValue({ sheet: this.sheetId(sheet), row, col }));
  }

  /** The cell's formula with its "=", or undefined for a value. */
  formulaAt(sheet: string, row: number, col: number): string | undefined {
    return this.hf.getCellFormula({ sheet: this.sheetId(sheet), row, col });
  }

  formula(sheet: string, ref: string): string | undefined {
    const { row, col } = parseA1(ref);
    return this.hf.getCellFormula({ sheet: this.sheetId(sheet), row, col });
  }

  /** Sheet names in tab order, synchronously (views re-render from it). */
  sheetNames(): string[] {
    return this.hf.getSheetNames();
  }

  async listSheets(): Promise<string[]> {
    return this.hf.getSheetNames();
  }

  async activate(name: string, cell?: string): Promise<void> {
    this.sheetId(name);
    this.active = { sheet: name, cell };
    this.changed();
  }

  /** Every stored setting, e.g. to carry them into an exported file. */
  settingEntries(): [string, string][] {
    return [...this.store.entries()];
  }

  settings: HostSettings = {
    get: async (key) => this.store.get(key),
    set: async (key, value) => {
      assertNotSecretSetting(key, value);
      this.store.set(key, value);
    },
  };
}
