// The Excel host (Office.js): writes sheet specs into the open workbook in planned blocks (plan.ts), one
// context.sync per block, with calculation and events suspended during the write; reads sheets back in blocks
// (read.ts, the reader the functions use too); stores non-secret settings. Every batch runs with delayForCellEdit
// (run.ts): a Refresh started while the user types in a cell waits for the edit instead of failing.
import { assertNotSecretSetting, type HostSettings, type WorkbookHost, type WriteOptions } from '../../workbook/host';
import type { CellValue, NameSpec, SheetSpec, WorkbookSpec } from '../../workbook/spec';
import { colLetter as colName, planSheet, splitValues, type Block, type PlanOp, type PlanOptions, type ValuesOp } from './plan';
import { applyLayout } from './page-layout';
import { readSheetsBlocked } from './read';
import { describeOfficeError, excelRun, isPayloadTooLarge, jsonBytes, type Run } from './run';

export * from './plan';
export * from './read';
export * from './run';

const hex = (rgb: string) => `#${rgb.replace(/^#/, '')}`;

const OPERATORS: Record<string, string> = {
  between: 'Between', notBetween: 'NotBetween', equal: 'EqualTo', notEqual: 'NotEqualTo', greaterThan: 'GreaterThan',
  lessThan: 'LessThan', greaterThanOrEqual: 'GreaterThanOrEqualTo', lessThanOrEqual: 'LessThanOrEqualTo',
};

export interface ExcelHostOptions extends PlanOptions {
  /** default: Excel.run with delayForCellEdit (run.ts) */
  run?: Run;
  /** cells per context.sync when reading a sheet (read.ts) */
  maxCellsPerSync?: number;
  /**
   * Called after every write with the sheets it touched (also when it failed part-way). Change events are off during
   * the write (they would look like user edits), so this is how the custom functions' store hears about it.
   */
  onSheetsWritten?: (sheets: string[]) => void;
}

/**
 * A setting's largest value. Microsoft documents no limit of its own for workbook settings (they live in the file);
 * the value travels in one request, which Excel on the web caps at 5 MB: stay far below, and say so before sending.
 */
export const MAX_SETTING_BYTES = 1_000_000;

/** Runtime.enableEvents is ExcelApi 1.8: older Excel refuses to load it (the write would fail). Outside Office: yes. */
function eventsSwitchable(): boolean {
  const req = (globalThis as { Office?: { context?: { requirements?: { isSetSupported?(set: string, v: string): boolean } } } }).Office?.context?.requirements;
  return typeof req?.isSetSupported !== 'function' || req.isSetSupported('ExcelApi', '1.8');
}

/** How often the host tries to put the calculation mode and events back after a failed write. */
const RESTORE_ATTEMPTS = 3;

export class ExcelHost implements WorkbookHost {
  private run: Run;
  private planOptions: PlanOptions;
  /** blocks sent in the last write, and how many were retried smaller (for diagnostics and tests) */
  stats = { blocks: 0, syncs: 0, retries: 0 };

  private maxCellsPerSync: number | undefined;
  private onSheetsWritten: ((sheets: string[]) => void) | undefined;

  constructor(opts: ExcelHostOptions = {}) {
    this.run = opts.run ?? excelRun;
    this.planOptions = { maxBytes: opts.maxBytes, maxRangesPerOp: opts.maxRangesPerOp };
    this.maxCellsPerSync = opts.maxCellsPerSync;
    this.onSheetsWritten = opts.onSheetsWritten;
  }

  async writeSheet(spec: SheetSpec, opts: WriteOptions = {}): Promise<void> {
    await this.writeSheets([spec], [], opts);
  }

  async writeWorkbook(spec: WorkbookSpec, opts: WriteOptions = {}): Promise<void> {
    await this.writeSheets(spec.sheets, spec.names ?? [], opts);
  }

  private async writeSheets(sheets: SheetSpec[], extraNames: NameSpec[], opts: WriteOptions): Promise<void> {
    this.stats = { blocks: 0, syncs: 0, retries: 0 };
    const plans = sheets.map((s) => ({ spec: s, blocks: planSheet(s, this.planOptions) }));
    const total = plans.reduce((n, p) => n + p.blocks.length, 0);
    let done = 0;
    // What to put back: the user's calculation mode (application-wide: it governs every open workbook) and events.
    let saved: { mode: Excel.CalculationMode | `${Excel.CalculationMode}`; events: boolean | null } | null = null;
    let writeError: unknown = null;
    try {
      await this.run(async (context) => {
        const app = context.workbook.application;
        app.load('calculationMode');
        // ExcelApi 1.8: events are switched per runtime, so the functions' change watching (same shared runtime) does
        // not take the add-in's own writes for user edits (docs "Work with events": Enable and disable events).
        const runtime = eventsSwitchable() ? (context as { runtime?: Excel.Runtime }).runtime : undefined;
        runtime?.load('enableEvents');
        await context.sync();
        this.stats.syncs++;
        saved = { mode: app.calculationMode, events: runtime ? runtime.enableEvents : null };
        app.calculationMode = 'Manual';
        if (runtime) runtime.enableEvents = false;
        let failure: unknown = null;
        try {
          for (const { spec, blocks } of plans) {
            await this.prepareSheet(context, spec.name);
            const ws = context.workbook.worksheets.getItem(spec.name);
            for (const block of blocks) {
              await this.sendBlock(context, ws, spec.name, block);
              opts.onProgress?.(++done, total);
            }
          }
          await this.writeNames(context, [...plans.flatMap((p) => p.spec.names ?? []), ...extraNames]);
          const first = sheets[0];
          if (opts.activate && first) context.workbook.worksheets.getItem(first.name).activate();
        } catch (e) {
          failure = e;
        }
        // Put the mode and events back in this batch; if that sync fails too, restore() below tries in new batches.
        try {
          app.calculationMode = saved.mode as Excel.CalculationMode;
          if (runtime) runtime.enableEvents = saved.events ?? true;
          await context.sync();
          this.stats.syncs++;
          saved = null;
        } catch {
          // restored below
        }
        if (failure) throw failure;
      });
    } catch (e) {
      writeError = e;
    }
    try {
      if (saved) await this.restore(saved, writeError);
    } finally {
      this.onSheetsWritten?.(sheets.map((s) => s.name));
    }
    if (writeError) throw writeError;
  }

  /** Puts calculation mode and events back after a write whose own batch could not; says so if Excel refuses. */
  private async restore(saved: { mode: string; events: boolean | null }, writeError: unknown): Promise<void> {
    let last: unknown = null;
    // Each try is a new batch (Excel.run), not another sync of one context.
    for (let i = 0; i < RESTORE_ATTEMPTS; i++) {
      try {
        await this.run(async (context) => {
          context.workbook.application.calculationMode = saved.mode as Excel.CalculationMode;
          const runtime = saved.events !== null ? (context as { runtime?: Excel.Runtime }).runtime : undefined;
          if (runtime && saved.events !== null) runtime.enableEvents = saved.events;
          // eslint-disable-next-line office-addins/no-context-sync-in-loop -- one sync per new batch (a retry)
          await context.sync();
        });
        return;
      } catch (e) {
        last = e;
      }
    }
    const why = writeError ? ` after the write failed (${writeError instanceof Error ? writeError.message : describeOfficeError(writeError)})` : '';
    throw new Error(
      `Excel could not be put back in ${saved.mode} calculation${why}: ${describeOfficeError(last)}. Set Formulas → Calculation Options → ${saved.mode === 'Manual' ? 'Manual' : 'Automatic'} yourself, then reopen the task pane.`,
    );
  }

  /**
   * A sheet of that name is cleared in place (contents, formats, tables, validation, conditional formats, panes),
   * never duplicated; clearing rather than deleting keeps other sheets' references to it valid.
   */
  private async prepareSheet(context: Excel.RequestContext, name: string) {
    const existing = context.workbook.worksheets.getItemOrNullObject(name);
    existing.load('isNullObject');
    await context.sync();
    this.stats.syncs++;
    if (existing.isNullObject) {
      context.workbook.worksheets.add(name);
    } else {
      existing.tables.load('items/name');
      await context.sync();
      this.stats.syncs++;
      for (const t of existing.tables.items) t.delete();
      const all = existing.getRange();
      all.conditionalFormats.clearAll();
      all.dataValidation.clear();
      all.clear('All');
      all.unmerge();
      existing.freezePanes.unfreeze();
    }
    await context.sync();
    this.stats.syncs++;
  }

  private async sendBlock(context: Excel.RequestContext, ws: Excel.Worksheet, sheet: string, block: Block): Promise<void> {
    context.workbook.application.suspendApiCalculationUntilNextSync();
    for (const op of block.ops) this.apply(ws, op);
    this.stats.blocks++;
    try {
      await context.sync();
      this.stats.syncs++;
    } catch (e) {
      const op = block.ops[0];
      const halves = block.kind === 'values' && op.op === 'values' ? splitValues(op) : null;
      // By error.code: Excel's message is localized (run.ts).
      if (!halves || !isPayloadTooLarge(e)) {
        throw new Error(`writing ${block.kind} of sheet "${sheet}" (${op.op === 'values' ? op.range : op.op}) failed: ${describeOfficeError(e)}`);
      }
      // Excel refused the request as a whole (nothing of it was applied): send it again in halves.
      this.stats.retries++;
      for (const h of halves) await this.sendBlock(context, ws, sheet, { kind: 'values', ops: [h], bytes: h.bytes });
    }
  }

  /** Queues one planned operation (no sync). */
  apply(ws: Excel.Worksheet, op: PlanOp) {
    switch (op.op) {
      case 'values': {
        const r = ws.getRange(op.range);
        // Formats first: "@" marks text before it arrives, so Excel cannot read it as a formula, number or date.
        if ((op as ValuesOp).numberFormat.some((row) => row.some((f) => f !== null))) r.numberFormat = op.numberFormat as unknown as string[][];
        r.formulas = op.formulas as unknown as string[][];
        return;
      }
      case 'style': {
        const r = ws.getRanges(op.ranges.join(','));
        const s = op.style;
        if (s.bold) r.format.font.bold = true;
        if (s.italic) r.format.font.italic = true;
        if (s.color) r.format.font.color = hex(s.color);
        if (s.fill) r.format.fill.color = hex(s.fill);
        if (s.align) r.format.horizontalAlignment = s.align === 'left' ? 'Left' : s.align === 'right' ? 'Right' : 'Center';
        if (s.wrap) r.format.wrapText = true;
        if (s.border) {
          const edges: ('EdgeTop' | 'EdgeBottom' | 'EdgeLeft' | 'EdgeRight')[] = s.border === 'top' ? ['EdgeTop'] : s.border === 'bottom' ? ['EdgeBottom'] : ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'];
          for (const e of edges) {
            r.format.borders.getItem(e).style = 'Continuous';
            r.format.borders.getItem(e).color = '#808080';
          }
        }
        return;
      }
      case 'columns':
        for (const c of op.columns) {
          const col = ws.getRange(`${colName(c.index)}:${colName(c.index)}`);
          if (c.width !== undefined) col.format.columnWidth = Math.round(c.width * 7 + 5); // characters → points
          if (c.hidden) col.columnHidden = true;
        }
        return;
      case 'table': {
        const t = ws.tables.add(op.table.ref, true);
        t.name = op.table.name;
        if (op.table.style) t.style = op.table.style;
        return;
      }
      case 'validation': {
        const v = op.validation;
        const dv = ws.getRange(v.ref).dataValidation;
        if (v.type === 'list') dv.rule = { list: { inCellDropDown: true, source: (v.list ?? []).join(',') } };
        else if (v.type === 'custom') dv.rule = { custom: { formula: `=${v.formulae?.[0] ?? 'TRUE'}` } };
        else {
          const [f1, f2] = (v.formulae ?? []).map((x) => (typeof x === 'number' ? x : `=${x}`));
          const basic = { operator: (OPERATORS[v.operator ?? 'between'] ?? 'Between') as Excel.DataValidationOperator, formula1: f1 as number, ...(f2 !== undefined ? { formula2: f2 as number } : {}) };
          dv.rule = v.type === 'whole' ? { wholeNumber: basic } : v.type === 'date' ? { date: basic as unknown as Excel.DateTimeDataValidation } : v.type === 'textLength' ? { textLength: basic } : { decimal: basic };
        }
        dv.ignoreBlanks = v.allowBlank ?? true;
        if (v.error) dv.errorAlert = { message: v.error, showAlert: true, style: 'Stop', title: 'Invalid value' };
        return;
      }
      case 'conditional':
        for (const rule of op.format.rules) {
          const cf = ws.getRange(op.format.ref).conditionalFormats.add('Custom');
          cf.custom.rule.formula = `=${rule.formula}`;
          if (rule.style.fill) cf.custom.format.fill.color = hex(rule.style.fill);
          if (rule.style.color) cf.custom.format.font.color = hex(rule.style.color);
          if (rule.style.bold) cf.custom.format.font.bold = true;
        }
        return;
      case 'merge':
        ws.getRange(op.range).merge(false);
        return;
      case 'freeze':
        if (op.rows && op.cols) ws.freezePanes.freezeAt(ws.getRange(`A1:${colName(op.cols - 1)}${op.rows}`));
        else if (op.rows) ws.freezePanes.freezeRows(op.rows);
        else ws.freezePanes.freezeColumns(op.cols);
        return;
      case 'tab':
        ws.tabColor = hex(op.color);
        return;
      case 'layout':
        applyLayout(ws, op);
        return;
    }
  }

  /** Workbook names: replaced when they exist (a regenerated Ledger's names grow with it). */
  private async writeNames(context: Excel.RequestContext, names: NameSpec[]) {
    if (!names.length) return;
    const items = names.map((n) => {
      const item = context.workbook.names.getItemOrNullObject(n.name);
      item.load('isNullObject');
      return item;
    });
    await context.sync();
    this.stats.syncs++;
    items.forEach((item) => { if (!item.isNullObject) item.delete(); });
    for (const n of names) context.workbook.names.add(n.name, `=${n.ref}`);
    await context.sync();
    this.stats.syncs++;
  }

  async readSheet(name: string): Promise<CellValue[][] | null> {
    // The blocked reader the functions' loader uses (read.ts): a 100,000-row Ledger is never one request.
    const read = await this.run((context) => readSheetsBlocked(context, [name], { maxCellsPerSync: this.maxCellsPerSync }));
    return read.grids.get(name) ?? null;
  }

  async listSheets(): Promise<string[]> {
    return this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      sheets.load('items/name');
      await context.sync();
      return sheets.items.map((s) => s.name);
    });
  }

  async activate(name: string, cell?: string): Promise<void> {
    await this.run(async (context) => {
      const ws = context.workbook.worksheets.getItem(name);
      ws.activate();
      if (cell) ws.getRange(cell).select();
      await context.sync();
    });
  }

  settings: HostSettings = {
    get: (key) =>
      this.run(async (context) => {
        const s = context.workbook.settings.getItemOrNullObject(key);
        s.load('value');
        await context.sync();
        return s.isNullObject ? undefined : String(s.value);
      }),
    set: async (key, value) => {
      assertNotSecretSetting(key, value);
      const bytes = jsonBytes(value);
      if (bytes > MAX_SETTING_BYTES) {
        throw new Error(`setting "${key}": ${bytes.toLocaleString('en-US')} bytes is more than a workbook setting may hold here (${MAX_SETTING_BYTES.toLocaleString('en-US')} bytes)`);
      }
      await this.run(async (context) => {
        context.workbook.settings.add(key, value);
        await context.sync();
      });
    },
  };
}

