// The ledger store's loader inside Excel (Office.js): reads the Ledger, Unattributed, Agents, Prices and Benchmarks
// sheets into a LedgerSnapshot (columns found by header name), watches those sheets for changes (invalidating the
// store), and makes dependent AILABOR cells recalculate after the data changed (a full calculation: non-volatile
// custom functions are not re-run by an ordinary recalculation). Installed by register.ts only inside Excel.
import { LEDGER_SHEET, UNATTRIBUTED_SHEET } from '../workbook/data';
import { AGENTS, BENCHMARKS, PRICES } from '../workbook/inputs';
import { readLedgerSheet, readUnattributedSheet } from '../workbook/data-readers';
import { formatCellError, readAgents, readBenchmarks, readPrices, type CellError } from '../workbook/readers';
import type { CellValue } from '../workbook/spec';
import { ledgerStore, type LedgerSnapshot, type LedgerStore } from './store';

type Run = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

/** The sheets the functions read; a change on any of them invalidates the store. */
export const WATCHED_SHEETS = [LEDGER_SHEET, UNATTRIBUTED_SHEET, AGENTS.sheet, PRICES.sheet, BENCHMARKS.sheet] as const;

export interface ExcelLoaderOptions {
  /** default Excel.run */
  run?: Run;
  /** cells fetched per context.sync (Excel refuses responses over a few MB): a large Ledger is read in row blocks */
  maxCellsPerSync?: number;
}

const DEFAULT_MAX_CELLS = 200_000;

interface Block {
  sheet: string;
  range: Excel.Range;
  /** absolute 0-based position of the block's top-left cell */
  row: number;
  col: number;
}

/** Values of every existing watched sheet, absolute positions (row 0 = sheet row 1), '' read as null. */
async function readSheets(run: Run, maxCells: number): Promise<{ grids: Map<string, CellValue[][]>; syncs: number }> {
  return run(async (context) => {
    let syncs = 0;
    const sheets = WATCHED_SHEETS.map((name) => ({ name, ws: context.workbook.worksheets.getItemOrNullObject(name) }));
    sheets.forEach((s) => s.ws.load('isNullObject'));
    await context.sync();
    syncs++;
    const present = sheets.filter((s) => !s.ws.isNullObject).map((s) => ({ ...s, used: s.ws.getUsedRangeOrNullObject(true) }));
    present.forEach((s) => s.used.load('isNullObject,rowIndex,columnIndex,rowCount,columnCount'));
    await context.sync();
    syncs++;
    // Plan row blocks of at most maxCells, then group them so each sync carries at most maxCells.
    const grids = new Map<string, CellValue[][]>();
    const groups: Block[][] = [];
    let group: Block[] = [];
    let cells = 0;
    for (const s of present) {
      grids.set(s.name, []);
      if (s.used.isNullObject) continue;
      const { rowIndex, columnIndex, rowCount, columnCount } = s.used;
      const rowsPerBlock = Math.max(1, Math.floor(maxCells / Math.max(1, columnCount)));
      for (let r = 0; r < rowCount; r += rowsPerBlock) {
        const n = Math.min(rowsPerBlock, rowCount - r);
        if (cells + n * columnCount > maxCells && group.length) {
          groups.push(group);
          group = [];
          cells = 0;
        }
        group.push({ sheet: s.name, range: s.ws.getRangeByIndexes(rowIndex + r, columnIndex, n, columnCount), row: rowIndex + r, col: columnIndex });
        cells += n * columnCount;
      }
    }
    if (group.length) groups.push(group);
    for (const g of groups) syncs += await readGroup(context, g, grids);
    return { grids, syncs };
  });
}

/** One sync for a group of blocks. */
async function readGroup(context: Excel.RequestContext, group: Block[], grids: Map<string, CellValue[][]>): Promise<number> {
  group.forEach((b) => b.range.load('values'));
  await context.sync();
  for (const b of group) {
    const grid = grids.get(b.sheet)!;
    (b.range.values as unknown[][]).forEach((row, i) => {
      const line: CellValue[] = new Array(b.col).fill(null);
      for (const v of row) line.push(v === '' || v === undefined ? null : (v as CellValue));
      grid[b.row + i] = line;
    });
  }
  return 1;
}


/** Reads the workbook into a snapshot. Bad cells reject with their addresses (the functions show it as #N/A). */
export async function loadLedgerFromWorkbook(opts: ExcelLoaderOptions = {}): Promise<LedgerSnapshot & { syncs: number }> {
  const run: Run = opts.run ?? ((batch) => Excel.run(batch));
  const { grids, syncs } = await readSheets(run, opts.maxCellsPerSync ?? DEFAULT_MAX_CELLS);
  const errors: CellError[] = [];
  const missing = WATCHED_SHEETS.filter((s) => !grids.has(s));
  const rows = grids.has(LEDGER_SHEET) ? readLedgerSheet(grids.get(LEDGER_SHEET)!, errors) : [];
  const unattributed = grids.has(UNATTRIBUTED_SHEET)
    ? readUnattributedSheet(grids.get(UNATTRIBUTED_SHEET)!, errors)
    : [];
  const agents = grids.has(AGENTS.sheet) ? readAgents(grids.get(AGENTS.sheet)!) : { records: [], errors: [] };
  const prices = grids.has(PRICES.sheet) ? readPrices(grids.get(PRICES.sheet)!) : null;
  const benchmarks = grids.has(BENCHMARKS.sheet) ? readBenchmarks(grids.get(BENCHMARKS.sheet)!) : null;
  errors.push(...agents.errors, ...(prices?.errors ?? []), ...(benchmarks?.errors ?? []));
  if (errors.length) {
    const shown = errors.slice(0, 3).map(formatCellError).join('; ');
    throw new Error(`${shown}${errors.length > 3 ? ` (+${errors.length - 3} more)` : ''}`);
  }
  return { rows, unattributed, agents: agents.records, prices: prices?.records, benchmarks: benchmarks?.records, missing, syncs };
}

/** Asks Excel to calculate every formula, custom functions included (a plain recalculation skips them). */
export async function recalculateWorkbook(run: Run): Promise<void> {
  await run(async (context) => {
    context.workbook.application.calculate('Full' as Excel.CalculationType);
    await context.sync();
  });
}

export interface InstallOptions extends ExcelLoaderOptions {
  store?: LedgerStore;
  /** change bursts (a refresh writes thousands of cells) are handled once, after this quiet time */
  debounceMs?: number;
  /** changes this add-in makes within this time after a set() are its own refresh: already in the snapshot */
  ownWriteWindowMs?: number;
  now?: () => number;
}

export interface InstalledLoader {
  /** handles pending change events now (tests) */
  flush(): Promise<void>;
  /** the pending recalculation, if any (tests) */
  idle(): Promise<void>;
  uninstall(): Promise<void>;
}

/**
 * Wires the store to the workbook: loader, recalculation after set()/invalidate(), and change events on the watched
 * sheets (one workbook-level handler, so sheets created or rewritten after install are still watched).
 */
export async function installExcelLedgerLoader(opts: InstallOptions = {}): Promise<InstalledLoader> {
  const run: Run = opts.run ?? ((batch) => Excel.run(batch));
  const store = opts.store ?? ledgerStore;
  const debounceMs = opts.debounceMs ?? 300;
  const ownWindow = opts.ownWriteWindowMs ?? 5_000;
  const now = opts.now ?? Date.now;
  store.setLoader(() => loadLedgerFromWorkbook(opts));

  let recalcTimer: ReturnType<typeof setTimeout> | null = null;
  let recalcDone: Promise<void> = Promise.resolve();
  let recalcResolve: (() => void) | null = null;
  const requestRecalc = (): Promise<void> => {
    if (!recalcTimer) {
      recalcDone = new Promise<void>((r) => (recalcResolve = r));
      recalcTimer = setTimeout(() => {
        recalcTimer = null;
        const done = recalcResolve!;
        recalcWorkbook().finally(done);
      }, debounceMs);
    }
    return recalcDone;
  };
  const recalcWorkbook = () => recalculateWorkbook(run).catch(() => undefined); // a failed request leaves values as they are; the next change retries
  store.setRecalculator(requestRecalc);
  const unsubscribe = store.subscribe((e) => {
    if (e === 'set' || e === 'invalidated') void requestRecalc();
  });

  const pending: { worksheetId: string; own: boolean }[] = [];
  let changeTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = async () => {
    if (changeTimer) clearTimeout(changeTimer);
    changeTimer = null;
    const batch = pending.splice(0);
    if (!batch.length) return;
    const names = await run(async (context) => {
      const ws = context.workbook.worksheets;
      ws.load('items/id,items/name');
      await context.sync();
      return new Map(ws.items.map((w) => [w.id, w.name]));
    });
    const watched = new Set<string>(WATCHED_SHEETS);
    const relevant = batch.filter((c) => watched.has(names.get(c.worksheetId) ?? '') || !names.has(c.worksheetId));
    // The add-in's own writes right after a set(): the snapshot already holds them.
    if (relevant.some((c) => !c.own)) store.invalidate();
  };
  const onChange = (args: { worksheetId: string; triggerSource?: string }) => {
    pending.push({ worksheetId: args.worksheetId, own: args.triggerSource === 'ThisLocalAddin' && now() - store.lastSetAt() < ownWindow });
    if (changeTimer) clearTimeout(changeTimer);
    changeTimer = setTimeout(() => void flush().catch(() => store.invalidate()), debounceMs);
    return Promise.resolve();
  };
  // a sheet added or removed (e.g. the first refresh creates Ledger): re-read on next use
  const onStructure = (args: { worksheetId: string }) => onChange({ worksheetId: args.worksheetId });

  const handlers = await run(async (context) => {
    const ws = context.workbook.worksheets;
    const hs = [ws.onChanged.add(onChange), ws.onAdded.add(onStructure), ws.onDeleted.add(onStructure)];
    await context.sync();
    return hs;
  });

  return {
    flush,
    idle: () => recalcDone,
    uninstall: async () => {
      unsubscribe();
      if (changeTimer) clearTimeout(changeTimer);
      if (recalcTimer) clearTimeout(recalcTimer);
      store.setRecalculator(null);
      // handlers are removed through the context that added them
      handlers.forEach((h) => h.remove());
      if (handlers[0]) await handlers[0].context.sync();
    },
  };
}
