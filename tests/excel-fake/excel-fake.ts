// A documented-behaviour fake of Excel's JavaScript API and custom-functions runtime, for tests (no Excel here).
// Unlike office-addin-mock, which accepts anything, it enforces what Microsoft documents Excel does — each rule is
// listed with its source in SOURCE.md beside this file — so code that works only against a permissive mock fails:
//
// - a request or a response over 5 MB fails on the web (error.code RequestPayloadSizeLimitExceeded /
//   ResponsePayloadSizeLimitExceeded; the message is localized — German here — and never contains the code);
// - reading more than 5,000,000 cells gives `values` null;
// - while the user edits a cell a batch fails (InvalidOperationInCellEditMode) unless run with delayForCellEdit;
// - properties are readable only after load() + sync() (PropertyNotLoaded); a sync applies its commands in order;
// - change events carry triggerSource (ExcelApi 1.14: "ThisLocalAddin" for the add-in's own writes, "Unknown" for the
//   user's), and none fire while `context.runtime.enableEvents` is false;
// - Application.calculate(Full) recalculates every open workbook, Recalculate does not re-run a non-volatile custom
//   function, Worksheet.calculate(true) / Range.calculate() only their cells;
// - custom-function arguments are converted to the type functions.json declares (a `string` parameter given a date
//   serial gets "46296"), omitted optional ones are null, and only #VALUE! and #N/A carry a message.
//
// Only the API the add-in uses is modelled. Things Microsoft does not document are marked ASSUMED in SOURCE.md.
import { a1, parseA1 } from '../../src/workbook/address';

export type Value = string | number | boolean;
type Grid = Map<number, Map<number, Value>>;

export const MB5 = 5_000_000;
export const MAX_READ_CELLS = 5_000_000;

// ------------------------------------------------------------------------------------------------- errors

/** Office.js messages are localized (docs "Error handling with the application-specific JavaScript APIs"). */
const MESSAGES: Record<string, string> = {
  RequestPayloadSizeLimitExceeded: 'Die Größe der Anforderungsnutzlast hat den Grenzwert überschritten.',
  ResponsePayloadSizeLimitExceeded: 'Die Größe der Antwortnutzlast hat den Grenzwert überschritten.',
  InvalidOperationInCellEditMode: 'Der Vorgang ist im Zellbearbeitungsmodus nicht verfügbar. Beenden Sie den Bearbeitungsmodus und versuchen Sie es erneut.',
  ItemNotFound: 'Das angeforderte Element ist nicht vorhanden.',
  InvalidArgument: 'Das Argument ist ungültig, fehlt oder hat ein falsches Format.',
  PropertyNotLoaded: 'Die Eigenschaft ist nicht verfügbar. Rufen Sie vor dem Lesen die load-Methode auf und danach "context.sync()".',
  GeneralException: 'Bei der Verarbeitung der Anforderung ist ein interner Fehler aufgetreten.',
  InvalidOperation: 'Der Vorgang ist für das Objekt ungültig.',
};

export class FakeOfficeError extends Error {
  override name = 'RichApi.Error';
  debugInfo: { code: string; message: string; errorLocation?: string };
  constructor(
    readonly code: string,
    where?: string,
  ) {
    super(MESSAGES[code] ?? 'Fehler.');
    this.debugInfo = { code, message: this.message, errorLocation: where };
  }
}

// ------------------------------------------------------------------------------------------------- state

export interface SheetState {
  id: string;
  name: string;
  values: Grid;
  formulas: Map<string, string>;
  formats: Map<string, string>;
  /** everything else the add-in set (formats, tables, validation...): "path = value" / "path(args)" */
  log: string[];
  tables: { name: string; address: string; style?: string }[];
  charts: { name: string; type: string; source: string; seriesBy: string; title: string; position: string }[];
  /** custom-function error messages by cell */
  messages: Map<string, string>;
  /** cells filled by a spilled result, by the formula cell that spilled them */
  spills: Map<string, string[]>;
}

export interface FakeOptions {
  /** the 5 MB request/response limit applies on the web only (docs) */
  platform?: 'web' | 'windows' | 'mac';
  /** ExcelApi 1.x minor version: < 14 gives events without triggerSource, < 8 no runtime.enableEvents */
  api?: number;
  /** other workbooks open in the same Excel (what Application.calculate touches too) */
  otherOpenWorkbooks?: number;
}

export interface SyncRecord {
  requestBytes: number;
  responseBytes: number;
  delayed: boolean;
  error?: string;
}

export interface CalcRecord {
  scope: 'application' | 'worksheet' | 'range';
  type?: string;
  sheet?: string;
  address?: string;
  /** workbooks recalculated (Application.calculate covers every open one) */
  workbooks: number;
  /** custom-function cells re-run */
  functionCells: number;
}

export interface EventRecord {
  type: 'WorksheetChanged' | 'WorksheetAdded' | 'WorksheetDeleted';
  worksheetId: string;
  address?: string;
  triggerSource?: string;
}

type Handler = (args: any) => Promise<unknown> | unknown;

/** What a sync carries, for failNextSync predicates. */
export interface SyncInfo {
  cmds: number;
  loads: number;
  labels: string[];
}

interface Cmd {
  bytes: number;
  apply(): void;
  /** what the command does, for tests that fail a particular sync: "values", "calculationMode", "enableEvents"... */
  label?: string;
  /** the sheet this command changes cells of (events, dirty tracking) */
  changes?: { sheet: () => SheetState; address: string };
}

interface Load {
  bytes: () => number;
  fill(): void;
}

const key = (r: number, c: number) => `${r},${c}`;
const ERROR_VALUES = new Set(['#VALUE!', '#N/A', '#DIV/0!', '#NUM!', '#NULL!', '#NAME?', '#REF!', '#BUSY!', '#SPILL!', '#CALC!']);
const isFormulaText = (v: unknown): v is string => typeof v === 'string' && v.startsWith('=');

// ------------------------------------------------------------------------------------------------- sizes

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
/** What a value costs in the JSON request/response body, in UTF-8 bytes. */
export function bodyBytes(v: unknown): number {
  return utf8(JSON.stringify(v ?? null));
}

// ------------------------------------------------------------------------------------------------- the fake

export function createExcelFake(opts: FakeOptions = {}) {
  const platform = opts.platform ?? 'web';
  const api = opts.api ?? 17;
  let sheetSeq = 0;
  const state = {
    sheets: [] as SheetState[],
    names: new Map<string, string>(),
    settings: new Map<string, unknown>(),
    calculationMode: 'Automatic' as string,
    enableEvents: true,
    editing: false,
    active: null as string | null,
    selected: null as string | null,
  };
  const log = {
    syncs: [] as SyncRecord[],
    calculations: [] as CalcRecord[],
    events: [] as EventRecord[],
    runs: [] as { delayForCellEdit: boolean }[],
    /** suspendApiCalculationUntilNextSync calls */
    suspends: 0,
    /** custom-function invocations: id and the arguments as the function received them */
    calls: [] as { id: string; address: string; args: unknown[] }[],
  };
  const handlers = { changed: new Map<number, Handler>(), added: new Map<number, Handler>(), deleted: new Map<number, Handler>() };
  let handlerSeq = 0;
  let editEnded: { promise: Promise<void>; resolve(): void } | null = null;
  /** a failure to inject into the next syncs (tests of error paths) */
  const faults: { code: string; when: (info: SyncInfo) => boolean }[] = [];

  const sheetByName = (name: string) => state.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  const sheetById = (id: string) => state.sheets.find((s) => s.id === id);
  const addSheet = (name: string): SheetState => {
    if (sheetByName(name)) throw new FakeOfficeError('ItemAlreadyExists', name);
    const s: SheetState = { id: `{00000000-0001-0000-0000-${String(++sheetSeq).padStart(12, '0')}}`, name, values: new Map(), formulas: new Map(), formats: new Map(), log: [], tables: [], charts: [], messages: new Map(), spills: new Map() };
    state.sheets.push(s);
    return s;
  };

  // ---------------------------------------------------------------- cells
  const getCell = (s: SheetState, r: number, c: number): Value | null => s.values.get(r)?.get(c) ?? null;
  const setCell = (s: SheetState, r: number, c: number, v: Value | null) => {
    let row = s.values.get(r);
    if (v === null || v === '') {
      row?.delete(c);
      return;
    }
    if (!row) s.values.set(r, (row = new Map()));
    row.set(c, v);
  };
  /** Range.values / Range.formulas input: '=' starts a formula unless the cell is formatted as text ("@"). */
  const writeCell = (s: SheetState, r: number, c: number, v: unknown) => {
    if (v === null || v === undefined) return; // null in a 2-D array leaves the cell alone (docs "Blank and null values")
    const k = key(r, c);
    clearSpillOf(s, k);
    if (isFormulaText(v) && s.formats.get(k) !== '@') {
      s.formulas.set(k, v);
      setCell(s, r, c, null);
      markDirty(s, r, c);
      return;
    }
    s.formulas.delete(k);
    s.messages.delete(k);
    setCell(s, r, c, v === '' ? null : (v as Value));
  };
  const usedRange = (s: SheetState, valuesOnly: boolean) => {
    let top = Infinity, left = Infinity, bottom = -1, right = -1;
    const see = (r: number, c: number) => {
      top = Math.min(top, r); left = Math.min(left, c); bottom = Math.max(bottom, r); right = Math.max(right, c);
    };
    for (const [r, row] of s.values) for (const c of row.keys()) see(r, c);
    for (const k of s.formulas.keys()) { const [r, c] = k.split(',').map(Number); see(r, c); }
    if (!valuesOnly) for (const k of s.formats.keys()) { const [r, c] = k.split(',').map(Number); see(r, c); }
    return bottom < 0 ? null : { row: top, col: left, rows: bottom - top + 1, cols: right - left + 1 };
  };

  // ---------------------------------------------------------------- custom functions
  const cf = createCustomFunctionsRuntime();
  const pending = new Set<Promise<unknown>>();
  /** cells whose inputs changed since their last calculation */
  const dirty = new Set<string>();
  const markDirty = (s: SheetState, r: number, c: number) => dirty.add(`${s.id}|${key(r, c)}`);

  const clearSpillOf = (s: SheetState, k: string) => {
    const cells = s.spills.get(k);
    if (!cells) return;
    for (const x of cells) {
      const [r, c] = x.split(',').map(Number);
      setCell(s, r, c, null);
      s.messages.delete(x);
    }
    s.spills.delete(k);
  };

  /** Re-runs the custom function in one cell (its result lands when its promise settles; #BUSY! until then). */
  const evaluate = (s: SheetState, k: string) => {
    const f = s.formulas.get(k);
    if (!f) return false;
    const [r, c] = k.split(',').map(Number);
    const call = cf.parse(f);
    if (!call) return false;
    const address = `${s.name}!${a1(r, c)}`;
    dirty.delete(`${s.id}|${k}`);
    clearSpillOf(s, k);
    const show = (out: { value: Value | Value[][]; message?: string }) => {
      s.messages.delete(k);
      if (Array.isArray(out.value)) {
        const m = out.value;
        const cells: string[] = [];
        m.forEach((row, i) => row.forEach((v, j) => {
          const kk = key(r + i, c + j);
          if (i || j) cells.push(kk);
          const cell = cf.toCell(v);
          setCell(s, r + i, c + j, cell.value);
          if (cell.message) s.messages.set(kk, cell.message);
        }));
        s.spills.set(k, cells);
      } else {
        setCell(s, r, c, out.value);
        if (out.message) s.messages.set(k, out.message);
      }
    };
    const args = call.args.map((a) => (a.kind === 'ref' ? refValue(s, a.ref) : a.value));
    // an error in a referenced cell propagates; the function is not called (docs "Errors as custom function inputs")
    const inputError = call.args.map((a, i) => (a.kind === 'ref' && typeof args[i] === 'string' && ERROR_VALUES.has(args[i] as string) ? (args[i] as string) : null)).find((e) => e);
    if (inputError) {
      setCell(s, r, c, inputError);
      return true;
    }
    setCell(s, r, c, '#BUSY!');
    const p = cf.invoke(call.name, args, address, (id, passed) => log.calls.push({ id, address, args: passed })).then(show);
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return true;
  };
  const refValue = (s: SheetState, ref: string): Value | null => {
    const bang = ref.lastIndexOf('!');
    const sheet = bang > 0 ? sheetByName(ref.slice(0, bang).replace(/^'|'$/g, '')) : s;
    if (!sheet) return '#REF!';
    const p = parseA1(ref.slice(bang + 1).replace(/\$/g, ''));
    return getCell(sheet, p.row, p.col);
  };
  const functionCells = (s: SheetState, inRange?: { row: number; col: number; rows: number; cols: number }) =>
    [...s.formulas.entries()].filter(([k, f]) => {
      if (!cf.parse(f)) return false;
      if (!inRange) return true;
      const [r, c] = k.split(',').map(Number);
      return r >= inRange.row && r < inRange.row + inRange.rows && c >= inRange.col && c < inRange.col + inRange.cols;
    }).map(([k]) => k);
  /** Cells that read `sheet!cell` (a user edit makes them dirty; automatic mode recalculates them). */
  const dependentsOf = (s: SheetState, r: number, c: number) => {
    const out: [SheetState, string][] = [];
    for (const t of state.sheets) for (const k of functionCells(t)) {
      const call = cf.parse(t.formulas.get(k)!)!;
      for (const a of call.args) {
        if (a.kind !== 'ref') continue;
        const bang = a.ref.lastIndexOf('!');
        const target = bang > 0 ? sheetByName(a.ref.slice(0, bang).replace(/^'|'$/g, '')) : t;
        const p = parseA1(a.ref.slice(bang + 1).replace(/\$/g, ''));
        if (target === s && p.row === r && p.col === c) out.push([t, k]);
      }
    }
    return out;
  };

  // ---------------------------------------------------------------- events
  const fire = (kind: 'changed' | 'added' | 'deleted', args: EventRecord, decided = false) => {
    if (!decided && !state.enableEvents) return; // docs: enableEvents decides whether events fire and handlers run
    log.events.push(args);
    const payload: any = { type: args.type, worksheetId: args.worksheetId, address: args.address };
    if (api >= 14) payload.triggerSource = args.triggerSource;
    for (const h of handlers[kind].values()) setTimeout(() => void Promise.resolve(h(payload)).catch(() => undefined), 0);
  };

  // ---------------------------------------------------------------- requests
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  function createContext(delayForCellEdit: boolean) {
    let cmds: Cmd[] = [];
    let loads: Load[] = [];
    const queue = (c: Cmd) => cmds.push(c);
    const queueLoad = (l: Load) => loads.push(l);

    async function sync(): Promise<void> {
      const myCmds = cmds;
      const myLoads = loads;
      cmds = [];
      loads = [];
      const rec: SyncRecord = { requestBytes: 0, responseBytes: 0, delayed: false };
      log.syncs.push(rec);
      await Promise.resolve();
      if (state.editing) {
        // docs "Delay execution while cell is being edited": without delayForCellEdit the batch fails
        if (!delayForCellEdit) {
          rec.error = 'InvalidOperationInCellEditMode';
          throw new FakeOfficeError('InvalidOperationInCellEditMode');
        }
        rec.delayed = true;
        while (state.editing) await editEnded!.promise;
      }
      const info: SyncInfo = { cmds: myCmds.length, loads: myLoads.length, labels: myCmds.map((c) => c.label ?? '') };
      const fault = faults.findIndex((f) => f.when(info));
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1);
        rec.error = f.code;
        throw new FakeOfficeError(f.code);
      }
      rec.requestBytes = myCmds.reduce((n, c) => n + c.bytes, 0) + myLoads.length * 60;
      if (platform === 'web' && rec.requestBytes > MB5) {
        rec.error = 'RequestPayloadSizeLimitExceeded';
        throw new FakeOfficeError('RequestPayloadSizeLimitExceeded'); // refused whole: nothing applied
      }
      const changed: { sheet: SheetState; address: string; events: boolean }[] = [];
      for (const c of myCmds) {
        try {
          c.apply();
        } catch (e) {
          rec.error = (e as FakeOfficeError).code ?? 'GeneralException';
          flushChanges(changed);
          throw e instanceof FakeOfficeError ? e : new FakeOfficeError('GeneralException', String(e));
        }
        // an event belongs to the moment of the change: enableEvents as it is then
        if (c.changes) changed.push({ sheet: c.changes.sheet(), address: c.changes.address, events: state.enableEvents });
      }
      flushChanges(changed);
      rec.responseBytes = myLoads.reduce((n, l) => n + l.bytes(), 0);
      if (platform === 'web' && rec.responseBytes > MB5) {
        rec.error = 'ResponsePayloadSizeLimitExceeded';
        throw new FakeOfficeError('ResponsePayloadSizeLimitExceeded');
      }
      for (const l of myLoads) l.fill();
    }

    const flushChanges = (changed: { sheet: SheetState; address: string; events: boolean }[]) => {
      const seen = new Set<string>();
      for (const ch of changed) {
        const k = `${ch.sheet.id}|${ch.address}`;
        if (seen.has(k) || !ch.events) continue;
        seen.add(k);
        fire('changed', { type: 'WorksheetChanged', worksheetId: ch.sheet.id, address: ch.address, triggerSource: 'ThisLocalAddin' }, true);
      }
      if (changed.length && state.calculationMode === 'Automatic') recalcDirty();
    };

    // ------------------------------------------------------------ client objects
    /** A loaded-property holder: reading before load + sync throws PropertyNotLoaded. */
    class ClientObject {
      protected loaded = new Map<string, unknown>();
      protected prop<T>(name: string): T {
        if (!this.loaded.has(name)) throw new FakeOfficeError('PropertyNotLoaded', name);
        return this.loaded.get(name) as T;
      }
      get context(): any {
        return context;
      }
      /** Excel's proxies can be untracked; nothing to do here. */
      untrack() {
        return this;
      }
    }

    /** Generic recorder for formatting-like objects: every set/call is a queued command logged on the sheet. */
    const recorder = (sheet: () => SheetState, path: string): any =>
      new Proxy(function () {}, {
        get: (_t, p) => (p === 'then' ? undefined : recorder(sheet, `${path}.${String(p)}`)),
        set: (_t, p, value) => {
          queue({ bytes: 80 + bodyBytes(value), apply: () => void sheet().log.push(`${path}.${String(p)} = ${JSON.stringify(value)}`) });
          return true;
        },
        apply: (_t, _this, args) => {
          queue({ bytes: 80 + bodyBytes(args), apply: () => void sheet().log.push(`${path}(${args.map((x) => JSON.stringify(x)).join(', ')})`) });
          return recorder(sheet, `${path}()`);
        },
      });

    class Range extends ClientObject {
      constructor(
        private ws: Worksheet,
        /** resolved at sync: row/col/rows/cols, null for a null object */
        private box: () => { row: number; col: number; rows: number; cols: number } | null,
        private label: string,
      ) {
        super();
      }
      private geom() {
        const b = this.box();
        if (!b) throw new FakeOfficeError('ItemNotFound', this.label);
        return b;
      }
      get isNullObject(): boolean { return this.prop('isNullObject'); }
      get values(): any[][] { return this.prop('values'); }
      get formulas(): any[][] { return this.prop('formulas'); }
      get numberFormat(): any[][] { return this.prop('numberFormat'); }
      get address(): string { return this.prop('address'); }
      get rowIndex(): number { return this.prop('rowIndex'); }
      get columnIndex(): number { return this.prop('columnIndex'); }
      get rowCount(): number { return this.prop('rowCount'); }
      get columnCount(): number { return this.prop('columnCount'); }
      private write(kind: 'values' | 'formulas' | 'numberFormat', grid: unknown) {
        if (!Array.isArray(grid) || !grid.every(Array.isArray)) throw new Error(`Range.${kind} takes a 2-D array`);
        queue({
          label: kind,
          bytes: 80 + bodyBytes(grid),
          changes: kind === 'numberFormat' ? undefined : { sheet: () => this.ws.state(), address: this.label },
          apply: () => {
            const b = this.geom();
            const g = grid as unknown[][];
            // the array must have the range's dimensions
            if (g.length !== b.rows || g.some((row) => row.length !== b.cols)) throw new FakeOfficeError('InvalidArgument', `${this.label}.${kind}`);
            const s = this.ws.state();
            g.forEach((row, i) => row.forEach((v, j) => {
              if (kind === 'numberFormat') {
                if (v !== null && v !== undefined) s.formats.set(key(b.row + i, b.col + j), String(v));
              } else writeCell(s, b.row + i, b.col + j, v);
            }));
          },
        });
      }
      set values(v: any[][]) { this.write('values', v); }
      set formulas(v: any[][]) { this.write('formulas', v); }
      set numberFormat(v: any[][]) { this.write('numberFormat', v); }
      set columnHidden(v: boolean) { queue({ bytes: 80, apply: () => void this.ws.state().log.push(`${this.label}.columnHidden = ${v}`) }); }
      get format() { return recorder(() => this.ws.state(), `${this.label}.format`); }
      get conditionalFormats() { return recorder(() => this.ws.state(), `${this.label}.conditionalFormats`); }
      get dataValidation() { return recorder(() => this.ws.state(), `${this.label}.dataValidation`); }
      load(props: string | string[]) {
        const names = (Array.isArray(props) ? props.join(',') : props).split(',').map((p) => p.trim()).filter(Boolean);
        const grids = new Map<string, unknown[][]>();
        const grid = (nm: 'values' | 'formulas' | 'numberFormat') => {
          if (!grids.has(nm)) grids.set(nm, this.read(nm));
          return grids.get(nm)!;
        };
        queueLoad({
          bytes: () => {
            const b = this.box();
            if (!b) return 20;
            let n = 40;
            if (names.includes('values') || names.includes('formulas') || names.includes('numberFormat')) {
              if (b.rows * b.cols > MAX_READ_CELLS) return n;
              for (const nm of ['values', 'formulas', 'numberFormat'] as const) if (names.includes(nm)) n += bodyBytes(grid(nm));
            }
            return n;
          },
          fill: () => {
            const b = this.box();
            this.loaded.set('isNullObject', b === null);
            if (!b) return;
            for (const nm of names) {
              if (nm === 'isNullObject') continue;
              if (nm === 'values' || nm === 'formulas' || nm === 'numberFormat') {
                // docs: past 5,000,000 cells a read returns null (or throws)
                this.loaded.set(nm, b.rows * b.cols > MAX_READ_CELLS ? null : grid(nm));
              } else if (nm === 'address') this.loaded.set(nm, `${this.ws.state().name}!${a1(b.row, b.col)}${b.rows * b.cols > 1 ? `:${a1(b.row + b.rows - 1, b.col + b.cols - 1)}` : ''}`);
              else if (nm === 'rowIndex') this.loaded.set(nm, b.row);
              else if (nm === 'columnIndex') this.loaded.set(nm, b.col);
              else if (nm === 'rowCount') this.loaded.set(nm, b.rows);
              else if (nm === 'columnCount') this.loaded.set(nm, b.cols);
              else throw new Error(`fake Range: loading ${nm} is not modelled`);
            }
          },
        });
        return this;
      }
      private read(kind: 'values' | 'formulas' | 'numberFormat'): unknown[][] {
        const b = this.geom();
        const s = this.ws.state();
        const out: unknown[][] = new Array(b.rows);
        for (let i = 0; i < b.rows; i++) {
          const src = s.values.get(b.row + i);
          const line: unknown[] = new Array(b.cols);
          for (let j = 0; j < b.cols; j++) {
            if (kind === 'values') {
              line[j] = src?.get(b.col + j) ?? '';
              continue;
            }
            const k = key(b.row + i, b.col + j);
            if (kind === 'numberFormat') line[j] = s.formats.get(k) ?? 'General';
            else line[j] = s.formulas.get(k) ?? src?.get(b.col + j) ?? '';
          }
          out[i] = line;
        }
        return out;
      }
      clear(what?: string) {
        queue({
          bytes: 80,
          changes: { sheet: () => this.ws.state(), address: this.label },
          apply: () => {
            const b = this.geom();
            const s = this.ws.state();
            for (const [r, row] of [...s.values]) if (r >= b.row && r < b.row + b.rows) for (const c of [...row.keys()]) if (c >= b.col && c < b.col + b.cols) row.delete(c);
            for (const m of [s.formulas, s.formats, s.messages]) for (const k of [...m.keys()]) {
              const [r, c] = k.split(',').map(Number);
              if (r >= b.row && r < b.row + b.rows && c >= b.col && c < b.col + b.cols && (m !== s.formats || what === 'All' || what === 'Formats' || what === undefined)) m.delete(k);
            }
            s.log.push(`${this.label}.clear(${what ?? ''})`);
          },
        });
      }
      unmerge() { queue({ bytes: 80, apply: () => void this.ws.state().log.push(`${this.label}.unmerge()`) }); }
      merge(across?: boolean) { queue({ bytes: 80, apply: () => void this.ws.state().log.push(`${this.label}.merge(${across})`) }); }
      select() { queue({ bytes: 80, apply: () => { this.geom(); state.active = this.ws.state().name; state.selected = this.label; } }); }
      /** docs: Range.calculate() calculates the range's cells (ExcelApi 1.6) */
      calculate() {
        queue({ bytes: 80, apply: () => {
          const b = this.geom();
          const s = this.ws.state();
          const cells = functionCells(s, b);
          cells.forEach((k) => evaluate(s, k));
          log.calculations.push({ scope: 'range', sheet: s.name, address: this.label, workbooks: 1, functionCells: cells.length });
        } });
      }
    }

    class Worksheet extends ClientObject {
      constructor(private resolve: () => SheetState | null, private label: string) {
        super();
      }
      state(): SheetState {
        const s = this.resolve();
        if (!s) throw new FakeOfficeError('ItemNotFound', this.label);
        return s;
      }
      get isNullObject(): boolean { return this.prop('isNullObject'); }
      get name(): string { return this.prop('name'); }
      get id(): string { return this.prop('id'); }
      set tabColor(v: string) { queue({ bytes: 80, apply: () => void this.state().log.push(`tabColor = ${v}`) }); }
      load(props: string | string[]) {
        const names = (Array.isArray(props) ? props.join(',') : props).split(',').map((p) => p.trim()).filter(Boolean);
        queueLoad({ bytes: () => 60, fill: () => {
          const s = this.resolve();
          this.loaded.set('isNullObject', !s);
          if (!s) return;
          for (const nm of names) if (nm === 'name' || nm === 'id') this.loaded.set(nm, s[nm]);
        } });
        return this;
      }
      getRange(address?: string) {
        return new Range(this, () => {
          if (!address) return { row: 0, col: 0, rows: 1048576, cols: 16384 };
          const [from, to] = address.replace(/\$/g, '').split(':');
          if (/^[A-Z]+$/.test(from)) {
            const c0 = parseA1(`${from}1`).col;
            const c1 = parseA1(`${to ?? from}1`).col;
            return { row: 0, col: c0, rows: 1048576, cols: c1 - c0 + 1 };
          }
          const p = parseA1(from);
          const q = to ? parseA1(to) : p;
          return { row: p.row, col: p.col, rows: q.row - p.row + 1, cols: q.col - p.col + 1 };
        }, address ?? '(all)');
      }
      getRanges(address: string) {
        return recorder(() => this.state(), `ranges(${address})`);
      }
      getRangeByIndexes(row: number, col: number, rows: number, cols: number) {
        return new Range(this, () => ({ row, col, rows, cols }), `${a1(row, col)}:${a1(row + rows - 1, col + cols - 1)}`);
      }
      getUsedRangeOrNullObject(valuesOnly?: boolean) {
        return new Range(this, () => usedRange(this.state(), !!valuesOnly), 'usedRange');
      }
      getUsedRange(valuesOnly?: boolean) {
        return new Range(this, () => {
          const u = usedRange(this.state(), !!valuesOnly);
          return u ?? { row: 0, col: 0, rows: 1, cols: 1 };
        }, 'usedRange');
      }
      activate() { queue({ bytes: 60, apply: () => void (state.active = this.state().name) }); }
      /** docs: Worksheet.calculate(markAllDirty) calculates every cell of the sheet (ExcelApi 1.6) */
      calculate(markAllDirty: boolean) {
        queue({ bytes: 60, apply: () => {
          const s = this.state();
          const cells = markAllDirty ? functionCells(s) : functionCells(s).filter((k) => dirty.has(`${s.id}|${k}`));
          cells.forEach((k) => evaluate(s, k));
          log.calculations.push({ scope: 'worksheet', sheet: s.name, workbooks: 1, functionCells: cells.length });
        } });
      }
      get freezePanes() { return recorder(() => this.state(), 'freezePanes'); }
      get tables() {
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the collection's object literal needs its sheet
        const ws = this;
        const items: { name: string; delete(): void }[] = [];
        return {
          load() { queueLoad({ bytes: () => 60, fill: () => { items.splice(0, items.length, ...ws.state().tables.map((t) => ({ name: t.name, delete: () => queue({ bytes: 60, apply: () => { const s = ws.state(); s.tables = s.tables.filter((x) => x.name !== t.name); } }) }))); } }); },
          get items() { return items; },
          add(address: string, hasHeaders: boolean) {
            const t = { name: `Table${Math.random().toString(36).slice(2, 7)}`, address, style: undefined as string | undefined };
            queue({ bytes: 80 + bodyBytes(address), apply: () => { ws.state().tables.push(t); ws.state().log.push(`tables.add(${address}, ${hasHeaders})`); } });
            return {
              set name(v: string) { queue({ bytes: 60, apply: () => void (t.name = v) }); },
              set style(v: string) { queue({ bytes: 60, apply: () => void (t.style = v) }); },
            };
          },
        };
      }
      get charts() {
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the collection's object literal needs its sheet
        const ws = this;
        return {
          getItemOrNullObject(name: string) {
            const find = () => ws.state().charts.find((c) => c.name === name) ?? null;
            const o = new (class extends ClientObject {
              get isNullObject(): boolean { return this.prop('isNullObject'); }
              load() { queueLoad({ bytes: () => 40, fill: () => void this.loaded.set('isNullObject', find() === null) }); return this; }
              delete() { queue({ bytes: 60, apply: () => { const s = ws.state(); const c = find(); if (!c) throw new FakeOfficeError('ItemNotFound', name); s.charts.splice(s.charts.indexOf(c), 1); } }); }
            })();
            return o;
          },
          add(type: string, source: Range, seriesBy: string) {
            const chart = { name: `Chart ${ws.state().charts.length + 1}`, type, source: (source as any).label as string, seriesBy, title: '', position: '' };
            queue({ bytes: 120, apply: () => {
              (source as any).geom();
              ws.state().charts.push(chart);
            } });
            return {
              set name(v: string) { queue({ bytes: 60, apply: () => void (chart.name = v) }); },
              title: { set text(v: string) { queue({ bytes: 60 + bodyBytes(v), apply: () => void (chart.title = v) }); } },
              setPosition(start: string, end?: string) { queue({ bytes: 60, apply: () => void (chart.position = end ? `${start}:${end}` : start) }); },
            };
          },
        };
      }
    }

    const worksheets = {
      getItem: (name: string) => new Worksheet(() => sheetByName(name) ?? null, name),
      getItemOrNullObject: (name: string) => new Worksheet(() => sheetByName(name) ?? null, name),
      getActiveWorksheet: () => new Worksheet(() => sheetByName(state.active ?? '') ?? state.sheets[0] ?? null, '(active)'),
      add: (name: string) => {
        queue({ bytes: 60 + bodyBytes(name), apply: () => {
          const s = addSheet(name);
          fire('added', { type: 'WorksheetAdded', worksheetId: s.id, triggerSource: 'ThisLocalAddin' });
        } });
        return new Worksheet(() => sheetByName(name) ?? null, name);
      },
      _items: [] as { name: string; id: string; calculate(all: boolean): void }[],
      load(_props?: string) {
        queueLoad({ bytes: () => 40 + state.sheets.length * 80, fill: () => {
          worksheets._items = state.sheets.map((s) => {
            const w = new Worksheet(() => (state.sheets.includes(s) ? s : null), s.name);
            return Object.assign(w, {}) as any;
          });
          for (const w of worksheets._items as any[]) (w as any).loaded = new Map<string, unknown>([['name', (w as Worksheet).state().name], ['id', (w as Worksheet).state().id], ['isNullObject', false]]);
        } });
      },
      get items() {
        return worksheets._items as unknown as Worksheet[];
      },
      onChanged: eventSource('changed'),
      onAdded: eventSource('added'),
      onDeleted: eventSource('deleted'),
    };
    function eventSource(kind: 'changed' | 'added' | 'deleted') {
      return {
        add(h: Handler) {
          const id = ++handlerSeq;
          queue({ bytes: 60, apply: () => void handlers[kind].set(id, h) });
          return { context, remove: () => queue({ bytes: 60, apply: () => void handlers[kind].delete(id) }) };
        },
      };
    }

    const application = new (class extends ClientObject {
      get calculationMode(): string { return this.prop('calculationMode'); }
      set calculationMode(v: string) {
        queue({ label: `calculationMode=${v}`, bytes: 60, apply: () => {
          const before = state.calculationMode;
          state.calculationMode = v;
          if (before !== 'Automatic' && v === 'Automatic') recalcDirty();
        } });
      }
      load(props: string) {
        queueLoad({ bytes: () => 40, fill: () => { if (props.includes('calculationMode')) this.loaded.set('calculationMode', state.calculationMode); } });
        return this;
      }
      suspendApiCalculationUntilNextSync() {
        queue({ bytes: 40, apply: () => void log.suspends++ });
      }
      /** docs "Work with workbooks": Full and FullRebuild recalculate all formulas of all open workbooks; Recalculate only changed ones */
      calculate(type: string) {
        queue({ bytes: 60, apply: () => {
          let n = 0;
          for (const s of state.sheets) {
            const cells = type === 'Recalculate' ? functionCells(s).filter((k) => dirty.has(`${s.id}|${k}`)) : functionCells(s);
            cells.forEach((k) => evaluate(s, k));
            n += cells.length;
          }
          log.calculations.push({ scope: 'application', type, workbooks: 1 + (opts.otherOpenWorkbooks ?? 0), functionCells: n });
        } });
      }
    })();

    const runtime: any = api >= 8
      ? new (class extends ClientObject {
          get enableEvents(): boolean { return this.prop('enableEvents'); }
          set enableEvents(v: boolean) { queue({ label: 'enableEvents', bytes: 40, apply: () => void (state.enableEvents = v) }); }
          load(_p: string) { queueLoad({ bytes: () => 30, fill: () => void this.loaded.set('enableEvents', state.enableEvents) }); return this; }
        })()
      : undefined;

    const settings = {
      add: (k: string, v: unknown) => {
        queue({ bytes: 60 + bodyBytes(k) + bodyBytes(v), apply: () => void state.settings.set(k, v) });
      },
      getItemOrNullObject: (k: string) =>
        new (class extends ClientObject {
          get isNullObject(): boolean { return this.prop('isNullObject'); }
          get value(): unknown { return this.prop('value'); }
          load(_p?: string) {
            queueLoad({ bytes: () => 40 + bodyBytes(state.settings.get(k) ?? null), fill: () => { this.loaded.set('isNullObject', !state.settings.has(k)); this.loaded.set('value', state.settings.get(k) ?? null); } });
            return this;
          }
        })(),
    };

    const names = {
      getItemOrNullObject: (n: string) =>
        new (class extends ClientObject {
          get isNullObject(): boolean { return this.prop('isNullObject'); }
          load() { queueLoad({ bytes: () => 40, fill: () => void this.loaded.set('isNullObject', !state.names.has(n)) }); return this; }
          delete() { queue({ bytes: 60, apply: () => { if (!state.names.delete(n)) throw new FakeOfficeError('ItemNotFound', n); } }); }
        })(),
      add: (n: string, ref: string) => queue({ bytes: 60 + bodyBytes(ref), apply: () => {
        if (state.names.has(n)) throw new FakeOfficeError('ItemAlreadyExists', n);
        state.names.set(n, ref);
      } }),
    };

    const context: any = {
      workbook: { worksheets, application, settings, names },
      application,
      runtime,
      sync,
      trackedObjects: { add() {}, remove() {} },
    };
    return context;
  }

  /** Automatic calculation: dirty custom-function cells run again. */
  const recalcDirty = () => {
    if (state.calculationMode !== 'Automatic') return;
    for (const d of [...dirty]) {
      const [id, k] = d.split('|');
      const s = sheetById(id);
      if (s) evaluate(s, k);
    }
  };

  // ---------------------------------------------------------------- Excel.run
  async function run<T>(a: any, b?: any): Promise<T> {
    const options = typeof a === 'function' ? {} : (a ?? {});
    const batch: (ctx: any) => Promise<T> = typeof a === 'function' ? a : b;
    log.runs.push({ delayForCellEdit: !!options.delayForCellEdit });
    const ctx = createContext(!!options.delayForCellEdit);
    const result = await batch(ctx);
    await ctx.sync(); // ASSUMED: Excel.run syncs what the batch left queued
    return result;
  }

  const Excel = {
    run,
    ChartType: { line: 'Line' },
    ChartSeriesBy: { columns: 'Columns', rows: 'Rows' },
    CalculationType: { full: 'Full', recalculate: 'Recalculate', fullRebuild: 'FullRebuild' },
    CalculationMode: { automatic: 'Automatic', manual: 'Manual' },
    EventTriggerSource: { unknown: 'Unknown', thisLocalAddin: 'ThisLocalAddin' },
  };

  return {
    Excel,
    /** Excel.run, for code that takes a `run` option */
    run: run as <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>,
    /** Excel.run without options: how the add-in's batches ran before delayForCellEdit */
    runWithoutOptions: (<T>(batch: (context: Excel.RequestContext) => Promise<T>) => run<T>(batch)) as <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>,
    state,
    log,
    customFunctions: cf,
    /** Fails the next sync that matches (tests of error paths). */
    failNextSync(code: string, when: (info: SyncInfo) => boolean = () => true) {
      faults.push({ code, when });
    },
    sheet(name: string): SheetState | undefined {
      return sheetByName(name);
    },
    /** A sheet as the workbook holds it before the test (no request, no event). */
    seedSheet(name: string, grid: (Value | null | undefined)[][], at = 'A1') {
      const s = sheetByName(name) ?? addSheet(name);
      const o = parseA1(at);
      grid.forEach((row, i) => row.forEach((v, j) => {
        if (v === null || v === undefined || v === '') return;
        if (isFormulaText(v)) s.formulas.set(key(o.row + i, o.col + j), v);
        else setCell(s, o.row + i, o.col + j, v);
      }));
      return s;
    },
    /** The value a cell shows ('' when empty). */
    value(sheet: string, address: string): Value | '' {
      const s = sheetByName(sheet);
      if (!s) throw new Error(`no sheet ${sheet}`);
      const p = parseA1(address);
      return getCell(s, p.row, p.col) ?? '';
    },
    /** The error message a custom function gave the cell, if any. */
    message(sheet: string, address: string): string | undefined {
      const p = parseA1(address);
      return sheetByName(sheet)?.messages.get(key(p.row, p.col));
    },
    formula(sheet: string, address: string): string | undefined {
      const p = parseA1(address);
      return sheetByName(sheet)?.formulas.get(key(p.row, p.col));
    },
    /** What the user does in Excel's UI. */
    user: {
      /** types into a cell and presses Enter: events with triggerSource "Unknown", dependents recalculated */
      edit(sheet: string, address: string, v: Value) {
        const s = sheetByName(sheet) ?? addSheet(sheet);
        const p = parseA1(address);
        writeCell(s, p.row, p.col, v);
        for (const [t, k] of dependentsOf(s, p.row, p.col)) dirty.add(`${t.id}|${k}`);
        fire('changed', { type: 'WorksheetChanged', worksheetId: s.id, address, triggerSource: 'Unknown' });
        recalcDirty();
      },
      addSheet(name: string) {
        const s = addSheet(name);
        fire('added', { type: 'WorksheetAdded', worksheetId: s.id, triggerSource: 'Unknown' });
        return s;
      },
      deleteSheet(name: string) {
        const s = sheetByName(name);
        if (!s) throw new Error(`no sheet ${name}`);
        state.sheets.splice(state.sheets.indexOf(s), 1);
        fire('deleted', { type: 'WorksheetDeleted', worksheetId: s.id, triggerSource: 'Unknown' });
      },
      renameSheet(from: string, to: string) {
        sheetByName(from)!.name = to;
      },
      /** enters a cell's edit mode (F2 / typing): batches without delayForCellEdit fail until it ends */
      beginCellEdit() {
        state.editing = true;
        let resolve!: () => void;
        editEnded = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      },
      endCellEdit() {
        state.editing = false;
        editEnded?.resolve();
        editEnded = null;
      },
      /** Ctrl+Alt+F9: every custom-function cell of the workbook runs again */
      fullCalculation() {
        for (const s of state.sheets) functionCells(s).forEach((k) => evaluate(s, k));
      },
      /** F9: only dirty cells (a non-volatile custom function whose inputs did not change does not run) */
      calculate() {
        for (const d of [...dirty]) {
          const [id, k] = d.split('|');
          const s = sheetById(id);
          if (s) evaluate(s, k);
        }
      },
      setCalculationMode(mode: string) {
        state.calculationMode = mode;
      },
    },
    /** Opens the workbook: custom-function cells keep the values saved with the file (no calculation on open). */
    cachedValue(sheet: string, address: string, v: Value) {
      const s = sheetByName(sheet)!;
      const p = parseA1(address);
      setCell(s, p.row, p.col, v);
    },
    /** Resolves once every running custom function has delivered its value (and what it started, to a bound). */
    async settled(maxMs = 20_000) {
      const t0 = Date.now();
      for (;;) {
        await sleep(5);
        if (!pending.size) {
          await sleep(20);
          if (!pending.size) return;
        }
        if (Date.now() - t0 > maxMs) throw new Error(`custom functions still running after ${maxMs} ms`);
        await Promise.race([...pending, sleep(50)]).catch(() => undefined);
      }
    },
    /** Puts Excel, CustomFunctions and OfficeExtension on globalThis as Excel's runtime does; returns the undo. */
    install() {
      const g = globalThis as any;
      const saved = { Excel: g.Excel, CustomFunctions: g.CustomFunctions };
      g.Excel = Excel;
      g.CustomFunctions = cf.CustomFunctions;
      return () => {
        g.Excel = saved.Excel;
        g.CustomFunctions = saved.CustomFunctions;
      };
    },
  };
}

export type ExcelFake = ReturnType<typeof createExcelFake>;

// ------------------------------------------------------------------------------------------------- custom functions

export interface FunctionMetadata {
  id: string;
  name: string;
  parameters: { name: string; type?: string; optional?: boolean; dimensionality?: string }[];
  result: { type?: string; dimensionality?: string };
  options?: { requiresAddress?: boolean; volatile?: boolean; stream?: boolean };
}

type Arg = { kind: 'value'; value: Value | null } | { kind: 'ref'; ref: string };

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const dateSerial = (y: number, m: number, d: number) => Math.round((Date.UTC(y, m - 1, d) - EXCEL_EPOCH_MS) / 86_400_000);

/** CustomFunctions.ErrorCode values (@types/custom-functions-runtime). */
const ERROR_CODES = {
  invalidValue: '#VALUE!', notAvailable: '#N/A', divisionByZero: '#DIV/0!', invalidNumber: '#NUM!', nullReference: '#NULL!', invalidName: '#NAME?', invalidReference: '#REF!',
} as const;
/** docs "Handle and return errors from your custom function": only #VALUE! and #N/A take a custom message */
const TAKES_MESSAGE = new Set(['#VALUE!', '#N/A']);

export function createCustomFunctionsRuntime(namespace = 'AILABOR') {
  const meta = new Map<string, FunctionMetadata>();
  const byName = new Map<string, FunctionMetadata>();
  const impl = new Map<string, (...a: any[]) => unknown>();

  class CFError {
    code: string;
    message?: string;
    constructor(code: string, message?: string) {
      if (message !== undefined && !TAKES_MESSAGE.has(code)) throw new TypeError(`CustomFunctions.Error: a message is only allowed with #VALUE! and #N/A, not ${code}`);
      this.code = code;
      this.message = message;
    }
  }
  const CustomFunctions = {
    Error: CFError,
    ErrorCode: ERROR_CODES,
    associate(id: string, fn: (...a: any[]) => unknown) {
      impl.set(id.toUpperCase(), fn);
    },
  };

  /** `=AILABOR.NAME(args)`: literals, cell references, DATE(y,m,d), TRUE/FALSE, and empty arguments. */
  function parse(formula: string): { name: string; args: Arg[] } | null {
    const m = new RegExp(`^=\\s*${namespace}\\.([A-Z0-9_.]+)\\((.*)\\)\\s*$`, 'i').exec(formula);
    if (!m) return null;
    const args: Arg[] = [];
    const src = m[2];
    let i = 0;
    const parts: string[] = [];
    let cur = '';
    let depth = 0;
    let inStr = false;
    for (; i < src.length; i++) {
      const ch = src[i];
      if (inStr) {
        cur += ch;
        if (ch === '"') {
          if (src[i + 1] === '"') cur += src[++i];
          else inStr = false;
        }
        continue;
      }
      if (ch === '"') inStr = true;
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        parts.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (src.trim() !== '' || parts.length) parts.push(cur);
    for (const raw of parts) {
      const p = raw.trim();
      let d: RegExpExecArray | null;
      if (p === '') args.push({ kind: 'value', value: null });
      else if (/^".*"$/s.test(p)) args.push({ kind: 'value', value: p.slice(1, -1).replace(/""/g, '"') });
      else if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(p)) args.push({ kind: 'value', value: Number(p) });
      else if (/^(TRUE|FALSE)(\(\))?$/i.test(p)) args.push({ kind: 'value', value: /^TRUE/i.test(p) });
      else if ((d = /^DATE\((\d+),(\d+),(\d+)\)$/i.exec(p.replace(/\s/g, '')))) args.push({ kind: 'value', value: dateSerial(Number(d[1]), Number(d[2]), Number(d[3])) });
      else if (/^('?[^!]+'?!)?\$?[A-Z]{1,3}\$?\d+$/i.test(p)) args.push({ kind: 'ref', ref: p });
      else throw new Error(`fake custom-functions runtime: argument not modelled: ${p}`);
    }
    return { name: m[1].toUpperCase(), args };
  }

  /**
   * Excel converts each argument to the parameter's declared type before the call; `any` is passed as is (docs
   * "Autogenerate JSON metadata": Types). The exact conversions are ASSUMED (SOURCE.md): Excel's own rules for text
   * and numbers — a number becomes its General text, numeric text a number, other text #VALUE! for a number.
   */
  function coerce(v: Value | null, type: string | undefined): { ok: true; value: unknown } | { ok: false } {
    if (v === null) return { ok: true, value: null };
    switch (type ?? 'any') {
      case 'any':
        return { ok: true, value: v };
      case 'string':
        return { ok: true, value: typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v) };
      case 'number':
        if (typeof v === 'number') return { ok: true, value: v };
        if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
        return v.trim() !== '' && Number.isFinite(Number(v)) ? { ok: true, value: Number(v) } : { ok: false };
      case 'boolean':
        if (typeof v === 'boolean') return { ok: true, value: v };
        if (typeof v === 'number') return { ok: true, value: v !== 0 };
        return /^(true|false)$/i.test(v) ? { ok: true, value: /^true$/i.test(v) } : { ok: false };
      default:
        return { ok: true, value: v };
    }
  }

  /** A returned value or error as a cell shows it. */
  function toCell(v: unknown): { value: Value; message?: string } {
    if (v instanceof CFError) return { value: v.code, message: v.message };
    if (v === null || v === undefined) return { value: 0 };
    if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : { value: '#NUM!' };
    if (typeof v === 'string' || typeof v === 'boolean') return { value: v };
    return { value: '#VALUE!' };
  }

  async function invoke(name: string, args: (Value | null)[], address: string, record: (id: string, passed: unknown[]) => void): Promise<{ value: Value | Value[][]; message?: string }> {
    const m = byName.get(name);
    if (!m) return { value: '#NAME?' };
    const fn = impl.get(m.id);
    if (!fn) return { value: '#NAME?' }; // not associated: the function is not registered
    const required = m.parameters.filter((p) => !p.optional).length;
    if (args.length < required || args.length > m.parameters.length) return { value: '#VALUE!' };
    const passed: unknown[] = [];
    for (let i = 0; i < m.parameters.length; i++) {
      const c = coerce(i < args.length ? args[i] : null, m.parameters[i].type);
      if (!c.ok) return { value: '#VALUE!' }; // not convertible: Excel does not call the function
      passed.push(c.value);
    }
    const invocation = { functionName: m.name, address: m.options?.requiresAddress ? address : undefined };
    record(m.id, passed);
    try {
      const out = await fn(...passed, invocation);
      if (m.result.dimensionality === 'matrix') {
        if (!Array.isArray(out) || !out.every(Array.isArray)) return { value: '#VALUE!' };
        return { value: (out as unknown[][]).map((row) => row.map((x) => x as Value)) };
      }
      return toCell(out);
    } catch (e) {
      if (e instanceof CFError) return { value: e.code, message: e.message };
      return { value: '#VALUE!' }; // docs: an unhandled error shows #VALUE!
    }
  }

  return {
    CustomFunctions,
    /** Registers functions.json's functions (as Excel reads the metadata file). */
    register(metadata: { functions: FunctionMetadata[] }) {
      for (const f of metadata.functions) {
        meta.set(f.id, f);
        byName.set(f.name.toUpperCase(), f);
      }
    },
    metadata: meta,
    parse,
    coerce,
    toCell,
    invoke,
  };
}
