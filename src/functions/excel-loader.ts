// The ledger store's loader inside Excel (Office.js): reads the Ledger, Unattributed, Agents, Prices and Benchmarks
// sheets into a LedgerSnapshot through the pane's blocked reader (hosts/excel/read.ts), watches those sheets for
// changes (invalidating the store), and makes the AILABOR cells recalculate after the data changed. Installed by
// register.ts when the shared runtime starts — with the document when the add-in is set to load on open — so changes
// are watched before the task pane is ever shown.
import { readSheetsBlocked, type SheetsRead } from '../hosts/excel/read';
import { describeOfficeError, excelRun, isTransientOfficeError, type Run } from '../hosts/excel/run';
import { LEDGER_SHEET, UNATTRIBUTED_SHEET } from '../workbook/data';
import { AGENTS, BENCHMARKS, PRICES } from '../workbook/inputs';
import { readLedgerSheet, readUnattributedSheet } from '../workbook/data-readers';
import { formatCellError, readAgents, readBenchmarks, readPrices, type CellError } from '../workbook/readers';
import { ledgerStore, WATCHED_SHEETS, type LedgerSnapshot, type LedgerStore } from './store';

export { WATCHED_SHEETS };

export interface ExcelLoaderOptions {
  /** default: Excel.run with delayForCellEdit (hosts/excel/run.ts) */
  run?: Run;
  /** cells fetched per context.sync (Excel on the web refuses responses over 5 MB): a large Ledger is read in row blocks */
  maxCellsPerSync?: number;
}

/** Reads the workbook into a snapshot. Bad cells reject with their addresses (the functions show it as #N/A). */
export async function loadLedgerFromWorkbook(opts: ExcelLoaderOptions = {}): Promise<LedgerSnapshot & { syncs: number }> {
  const run: Run = opts.run ?? excelRun;
  const { grids, syncs }: SheetsRead = await run((context) => readSheetsBlocked(context, WATCHED_SHEETS, { maxCellsPerSync: opts.maxCellsPerSync }));
  const errors: CellError[] = [];
  const missing = WATCHED_SHEETS.filter((s) => !grids.has(s));
  const rows = grids.has(LEDGER_SHEET) ? readLedgerSheet(grids.get(LEDGER_SHEET)!, errors) : [];
  const unattributed = grids.has(UNATTRIBUTED_SHEET) ? readUnattributedSheet(grids.get(UNATTRIBUTED_SHEET)!, errors) : [];
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

/** Sheets the add-in fills with constants: no formula there to recalculate. */
const DATA_SHEETS = new Set<string>([LEDGER_SHEET, UNATTRIBUTED_SHEET]);

/**
 * Recalculates the AILABOR cells: each sheet known to hold one (`sheets`, from the functions' invocation addresses)
 * is calculated with every cell marked dirty — `Worksheet.calculate(true)`, ExcelApi 1.6 — since a plain
 * recalculation does not re-run a non-volatile custom function whose arguments did not change. When no sheet is known
 * yet (just after opening) or a known one is gone (renamed), every sheet of this workbook but the data sheets.
 * Narrower than `Application.calculate(Full)`, which recalculates every formula of every open workbook (docs "Work
 * with workbooks": Set calculation type).
 */
export async function recalculateFunctionCells(run: Run, sheets: readonly string[]): Promise<string[]> {
  return run(async (context) => {
    let targets: Excel.Worksheet[] = [];
    let names: string[] = [];
    if (sheets.length) {
      targets = sheets.map((n) => context.workbook.worksheets.getItemOrNullObject(n));
      targets.forEach((w) => w.load('isNullObject'));
      await context.sync();
      if (targets.some((w) => w.isNullObject)) targets = [];
      else names = [...sheets];
    }
    if (!targets.length) {
      const all = context.workbook.worksheets;
      all.load('items/name');
      await context.sync();
      targets = all.items.filter((w) => !DATA_SHEETS.has(w.name));
      names = targets.map((w) => w.name);
    }
    for (const w of targets) w.calculate(true);
    await context.sync();
    return names;
  });
}

export interface InstallOptions extends ExcelLoaderOptions {
  store?: LedgerStore;
  /** change bursts are handled once, after this quiet time */
  debounceMs?: number;
  /** change events the add-in caused (triggerSource "ThisLocalAddin") this long after its last write ended are its own */
  ownWriteGraceMs?: number;
  /** at start-up (the document just opened): load the ledger and recalculate the AILABOR cells once it is loaded */
  recalcWhenLoaded?: boolean;
  /** waits between tries of a failed recalculation, or of a load that failed for a passing reason (a cell edit) */
  retryDelaysMs?: number[];
  now?: () => number;
}

export interface InstalledLoader {
  /** handles pending change events now (tests) */
  flush(): Promise<void>;
  /** the pending recalculation, if any (tests); rejects when it failed */
  idle(): Promise<void>;
  uninstall(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Wires the store to the workbook: loader, recalculation after set()/invalidate(), and change events on the watched
 * sheets (one workbook-level handler, so sheets created or rewritten after install are still watched).
 */
export async function installExcelLedgerLoader(opts: InstallOptions = {}): Promise<InstalledLoader> {
  const run: Run = opts.run ?? excelRun;
  const store = opts.store ?? ledgerStore;
  const debounceMs = opts.debounceMs ?? 300;
  const grace = opts.ownWriteGraceMs ?? 5_000;
  const delays = opts.retryDelaysMs ?? [1_000, 4_000];
  const now = opts.now ?? Date.now;
  let stopped = false;
  store.setLoader(() => loadLedgerFromWorkbook(opts));

  // One recalculation at a time; requests during the debounce join it.
  let recalcTimer: ReturnType<typeof setTimeout> | null = null;
  let recalcDone: Promise<void> = Promise.resolve();
  let settle: { resolve(): void; reject(e: unknown): void } | null = null;
  const recalcWithRetry = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        await recalculateFunctionCells(run, store.callerSheets());
        store.setRecalcProblem(null);
        return;
      } catch (e) {
        if (stopped || attempt >= delays.length || !isTransientOfficeError(e)) {
          const problem = `Excel did not recalculate the AILABOR cells (${describeOfficeError(e)}): they may show old values until you press Ctrl+Alt+F9.`;
          store.setRecalcProblem(problem);
          console.warn(`AILABOR: ${problem}`);
          throw e;
        }
        await sleep(delays[attempt]);
      }
    }
  };
  const requestRecalc = (): Promise<void> => {
    if (!recalcTimer) {
      recalcDone = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      recalcDone.catch(() => undefined); // reported through the store; callers that await see the rejection
      recalcTimer = setTimeout(() => {
        recalcTimer = null;
        const s = settle!;
        recalcWithRetry().then(s.resolve, s.reject);
      }, debounceMs);
    }
    return recalcDone;
  };
  store.setRecalculator(requestRecalc);

  // A load that failed for a passing reason (the user was editing a cell, Excel was busy) is tried again on its own,
  // and the cells recalculated, so #N/A does not stay until the next edit.
  let loadRetries = 0;
  let loadRetryTimer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = store.subscribe((e) => {
    if (e === 'set' || e === 'invalidated') void requestRecalc().catch(() => undefined);
    if (e === 'loaded' || e === 'set') loadRetries = 0;
    if (e === 'error' && !stopped && !loadRetryTimer && loadRetries < delays.length && isTransientOfficeError(store.lastError())) {
      loadRetryTimer = setTimeout(() => {
        loadRetryTimer = null;
        loadRetries++;
        store.invalidate(); // recalculation follows, the cells load again
      }, delays[loadRetries]);
    }
  });

  const pending: { worksheetId: string; own: boolean }[] = [];
  let changeTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = async () => {
    if (changeTimer) clearTimeout(changeTimer);
    changeTimer = null;
    const batch = pending.splice(0);
    if (!batch.length || batch.every((c) => c.own)) return;
    const names = await run(async (context) => {
      const ws = context.workbook.worksheets;
      ws.load('items/id,items/name');
      await context.sync();
      return new Map(ws.items.map((w) => [w.id, w.name]));
    });
    const watched = new Set<string>(WATCHED_SHEETS);
    // a sheet id no longer in the workbook was deleted: it may have been a watched one
    const relevant = batch.filter((c) => !c.own && (watched.has(names.get(c.worksheetId) ?? '') || !names.has(c.worksheetId)));
    if (relevant.length) store.invalidate(); // during a write of ours: held until it ends (store.beginWrite)
  };
  const onChange = (args: { worksheetId: string; triggerSource?: string }) => {
    // ExcelApi 1.14 tells the add-in's own writes apart ("ThisLocalAddin"); events are also off while it writes
    // (hosts/excel). Without triggerSource (older Excel) every change counts: at worst one extra reload.
    const own = args.triggerSource === 'ThisLocalAddin' && (store.writing() || now() - store.lastWriteEndedAt() < grace);
    pending.push({ worksheetId: args.worksheetId, own });
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

  if (opts.recalcWhenLoaded) {
    // The document just opened: its AILABOR cells show the values saved with it, which edits made while the add-in
    // was not running may have made stale. Once the sheets are read, recalculate them (only if there is anything the
    // functions read: a workbook without these sheets has nothing to refresh).
    store.loaded().then(
      (l) => {
        if (!stopped && (l.snapshot.missing?.length ?? 0) < WATCHED_SHEETS.length) void requestRecalc().catch(() => undefined);
      },
      () => undefined, // reported by the cells (#N/A with the reason) and retried as above
    );
  }

  return {
    flush,
    idle: () => recalcDone,
    uninstall: async () => {
      stopped = true;
      unsubscribe();
      if (changeTimer) clearTimeout(changeTimer);
      if (recalcTimer) {
        clearTimeout(recalcTimer);
        recalcTimer = null;
        settle?.resolve();
      }
      if (loadRetryTimer) clearTimeout(loadRetryTimer);
      store.setRecalculator(null);
      // handlers are removed through the context that added them
      handlers.forEach((h) => h.remove());
      if (handlers[0]) await handlers[0].context.sync();
    },
  };
}
