// The ledger store of the shared runtime: the AILABOR.* functions read the ledger through it. It holds one snapshot
// (ledger rows, unattributed rows, agents, prices, benchmarks) and the LedgerIndex built from it, and loads it on
// first use through a loader (in Excel: excel-loader.ts reads the workbook's sheets). Functions await `ready()`, so
// while it loads Excel shows #BUSY! — never a number from stale or missing data.
//
// The task pane and the functions are separate webpack bundles in one shared runtime, each with its own copy of
// this module: the state lives on globalThis under a registered symbol so both talk to the same store.
//
// The task pane's Refresh writes the watched sheets between beginWrite() and its end function: meanwhile no load
// starts (functions wait, #BUSY!, instead of reading a half-written Ledger), invalidate() is held back until the
// write ends, and the snapshot set() during the write is kept.
import { LedgerIndex } from '../core/ledger/ledger-index';
import type { LedgerRow, UnattributedRow } from '../core/model/ledger';
import type { Agent, PriceOverride } from '../core/model/records';
import { LEDGER_SHEET, UNATTRIBUTED_SHEET } from '../workbook/data';
import { AGENTS, BENCHMARKS, PRICES, type Benchmark } from '../workbook/inputs';

/** The sheets the functions read; a change on any of them invalidates the store. */
export const WATCHED_SHEETS = [LEDGER_SHEET, UNATTRIBUTED_SHEET, AGENTS.sheet, PRICES.sheet, BENCHMARKS.sheet] as const;

export interface LedgerSnapshot {
  rows: LedgerRow[];
  unattributed: UnattributedRow[];
  agents: Agent[];
  prices?: PriceOverride[];
  benchmarks?: Benchmark[];
  /** sheets the loader did not find (e.g. ["Ledger"]): ledger-backed functions then say so instead of returning 0 */
  missing?: string[];
  /** problems found while reading (bad cells), named by sheet and cell; reported by the functions' errors */
  problems?: string[];
}

export type StoreStatus = 'empty' | 'loading' | 'ready' | 'error';
/** What changed: new data pushed (`set`), data dropped (`invalidated`), or a load starting, finishing or failing. */
export type StoreEvent = 'set' | 'invalidated' | 'loading' | 'loaded' | 'error' | 'recalc';

export interface LoadedLedger {
  index: LedgerIndex;
  snapshot: LedgerSnapshot;
  /** bumps on every set/invalidate: lets callers cache per snapshot */
  generation: number;
}

interface Deferred {
  promise: Promise<LoadedLedger>;
  resolve(v: LoadedLedger): void;
  reject(e: unknown): void;
}

interface State {
  status: StoreStatus;
  loaded: LoadedLedger | null;
  error: unknown;
  loader: (() => Promise<LedgerSnapshot>) | null;
  pending: Deferred | null;
  generation: number;
  listeners: Set<(event?: StoreEvent) => void>;
  /** Date.now() of the last set(), to tell the add-in's own sheet writes from later edits */
  lastSetAt: number;
  /** a set() happened since the last notifyWorkbookRefreshed() */
  setSinceNotify: boolean;
  recalc: (() => unknown) | null;
  /** writes of the watched sheets in progress (beginWrite) */
  writing: number;
  /** invalidate() was asked for during a write: done when the write ends */
  invalidateAfterWrite: boolean;
  /** Date.now() when the last write ended (late change events of that write are the add-in's own) */
  lastWriteEndedAt: number;
  /** Date.now() of the last failed load: calls within ERROR_REUSE_MS share its error, later ones load again */
  failedAt: number;
  /** sheets whose cells called an AILABOR function (invocation.address): what a recalculation must cover */
  callerSheets: Set<string>;
  /** why the last recalculation request failed (null when it succeeded) */
  recalcProblem: string | null;
}

/** One failed load answers the calls of the same calculation pass; the next calculation (F9, an edit) reads again. */
const ERROR_REUSE_MS = 2_000;

function deferred(): Deferred {
  let resolve!: (v: LoadedLedger) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<LoadedLedger>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when a load fails: that is not an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const KEY = Symbol.for('ai-labor-ledger.ledgerStore');

function createStore() {
  const s: State = {
    status: 'empty',
    loaded: null,
    error: null,
    loader: null,
    pending: null,
    generation: 0,
    listeners: new Set(),
    lastSetAt: 0,
    setSinceNotify: false,
    recalc: null,
    writing: 0,
    invalidateAfterWrite: false,
    lastWriteEndedAt: 0,
    failedAt: 0,
    callerSheets: new Set(),
    recalcProblem: null,
  };

  const emit = (e: StoreEvent) => {
    for (const fn of [...s.listeners]) {
      try {
        fn(e);
      } catch {
        // a listener's failure must not stop the others or the store
      }
    }
  };

  const build = (snapshot: LedgerSnapshot, generation: number): LoadedLedger => ({
    index: LedgerIndex.build({ rows: snapshot.rows, unattributed: snapshot.unattributed, agents: snapshot.agents }),
    snapshot,
    generation,
  });

  const settle = (loaded: LoadedLedger, event: StoreEvent) => {
    s.loaded = loaded;
    s.status = 'ready';
    s.error = null;
    const p = s.pending;
    s.pending = null;
    p?.resolve(loaded);
    emit(event);
  };

  const startLoad = () => {
    const loader = s.loader;
    if (!loader || s.writing > 0) return; // a write in progress: its end starts the load
    const gen = s.generation;
    s.status = 'loading';
    emit('loading');
    Promise.resolve()
      .then(loader)
      .then(
        (snapshot) => {
          if (gen !== s.generation) return; // a set() or invalidate() came meanwhile: that one wins
          settle(build(snapshot, gen), 'loaded');
        },
        (err) => {
          if (gen !== s.generation) return;
          s.status = 'error';
          s.error = err;
          s.failedAt = Date.now();
          s.loaded = null;
          const p = s.pending;
          s.pending = null;
          p?.reject(err);
          emit('error');
        },
      );
  };

  const loaded = (): Promise<LoadedLedger> => {
    // While the add-in writes the sheets, calls wait for the data it sets (#BUSY!), not the data being replaced.
    if (s.writing > 0) {
      if (!s.pending) s.pending = deferred();
      return s.pending.promise;
    }
    if (s.status === 'ready' && s.loaded) return Promise.resolve(s.loaded);
    if (s.status === 'error') {
      // Not sticky: a failed load (a cell being edited, a bad cell since fixed) is tried again by the next calculation.
      if (!s.loader || Date.now() - s.failedAt < ERROR_REUSE_MS) return Promise.reject(s.error);
      s.status = 'empty';
      s.error = null;
    }
    if (!s.pending) s.pending = deferred();
    const p = s.pending.promise;
    if (s.status === 'empty' && s.loader) startLoad();
    // Empty without a loader (Node, tests, a workbench not yet filled): wait for set().
    return p;
  };

  const store = {
    /** Fill from rows built in Node, a worker or the task pane; rebuilds the index and notifies. */
    set(snapshot: LedgerSnapshot): void {
      s.generation++;
      s.lastSetAt = Date.now();
      s.setSinceNotify = true;
      settle(build(snapshot, s.generation), 'set');
    },
    /** The workbook changed: drop the data; the next use re-reads it through the loader. During a write: after it. */
    invalidate(): void {
      if (s.writing > 0) {
        s.invalidateAfterWrite = true;
        return;
      }
      s.generation++;
      s.loaded = null;
      s.error = null;
      s.status = 'empty';
      s.setSinceNotify = false;
      emit('invalidated');
      // Functions already waiting keep waiting for the reload rather than failing.
      if (s.pending && s.loader && s.status === 'empty') startLoad();
    },
    status(): StoreStatus {
      return s.status;
    },
    /** Calls `fn` after every change (with what changed); returns the unsubscribe function. */
    subscribe(fn: (event?: StoreEvent) => void): () => void {
      s.listeners.add(fn);
      return () => {
        s.listeners.delete(fn);
      };
    },
    /** Resolves with the index once loaded; rejects with the loader's error. */
    ready(): Promise<LedgerIndex> {
      return loaded().then((l) => l.index);
    },
    /** Like ready(), with the snapshot the index was built from (prices, benchmarks). */
    loaded,
    /** The loaded ledger now, or null (synchronous hosts such as HyperFormula). */
    current(): LoadedLedger | null {
      return s.status === 'ready' ? s.loaded : null;
    },
    /** How to (re)load when empty or invalidated. A store in error retries with the new loader. */
    setLoader(loader: () => Promise<LedgerSnapshot>): void {
      s.loader = loader;
      if (s.status === 'error') {
        s.status = 'empty';
        s.error = null;
      }
      if (s.status === 'empty' && s.pending) startLoad();
    },
    hasLoader(): boolean {
      return s.loader !== null;
    },
    /** Date.now() of the last set() (0 if never). */
    lastSetAt(): number {
      return s.lastSetAt;
    },
    /**
     * The add-in starts writing the watched sheets (a Refresh): loads wait and invalidations are held until the
     * returned function is called; set() during the write is the new data. Call the end function in a finally.
     */
    beginWrite(): () => void {
      s.writing++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        s.writing--;
        s.lastWriteEndedAt = Date.now();
        if (s.writing > 0) return;
        if (s.invalidateAfterWrite) {
          s.invalidateAfterWrite = false;
          store.invalidate();
        } else if (s.pending && s.status === 'ready' && s.loaded) {
          // calls made during the write, and no new data set: the data from before stands
          const p = s.pending;
          s.pending = null;
          p.resolve(s.loaded);
        } else if (s.pending && (s.status === 'empty' || s.status === 'error') && s.loader) {
          s.status = 'empty';
          startLoad();
        }
      };
    },
    /** True while the add-in writes the watched sheets. */
    writing(): boolean {
      return s.writing > 0;
    },
    /** Date.now() when the last write ended (0 if none). */
    lastWriteEndedAt(): number {
      return s.lastWriteEndedAt;
    },
    /** A function ran in this cell ("Sheet1!B4", CustomFunctions.Invocation.address): its sheet needs recalculating after a change. */
    noteCaller(address: string | undefined): void {
      if (!address) return;
      const bang = address.lastIndexOf('!');
      if (bang <= 0) return;
      let sheet = address.slice(0, bang);
      if (sheet.startsWith("'") && sheet.endsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'");
      s.callerSheets.add(sheet);
    },
    /** Sheets known to hold AILABOR cells (empty until a function has run in this session). */
    callerSheets(): string[] {
      return [...s.callerSheets];
    },
    /** The error of the last failed load while the store is in error (else null); does not start a load. */
    lastError(): unknown {
      return s.status === 'error' ? s.error : null;
    },
    /** Why the last recalculation request failed, or null (the pane shows it; cells may be stale). */
    recalcProblem(): string | null {
      return s.recalcProblem;
    },
    setRecalcProblem(problem: string | null): void {
      if (problem === s.recalcProblem) return;
      s.recalcProblem = problem;
      emit('recalc');
    },
    /** How the host makes dependent cells recalculate (Excel: a full calculation; see excel-loader.ts). */
    setRecalculator(fn: (() => unknown) | null): void {
      s.recalc = fn;
    },
    /**
     * After the task pane refreshed the workbook: keep the snapshot it set() since the last call (the Ledger sheet
     * holds the same rows), else re-read the sheets; then ask the host to recalculate every AILABOR cell.
     */
    async notifyWorkbookRefreshed(): Promise<void> {
      if (s.setSinceNotify) s.lastSetAt = Date.now();
      else store.invalidate();
      s.setSinceNotify = false;
      // A failed recalculation rejects: the caller says the AILABOR cells may be stale (never swallowed).
      await s.recalc?.();
    },
    /** Back to a new store (tests). */
    reset(): void {
      s.status = 'empty';
      s.loaded = null;
      s.error = null;
      s.loader = null;
      s.pending = null;
      s.generation++;
      s.listeners.clear();
      s.lastSetAt = 0;
      s.setSinceNotify = false;
      s.recalc = null;
      s.writing = 0;
      s.invalidateAfterWrite = false;
      s.lastWriteEndedAt = 0;
      s.failedAt = 0;
      s.callerSheets = new Set();
      s.recalcProblem = null;
    },
  };
  return store;
}

export type LedgerStore = ReturnType<typeof createStore>;

const g = globalThis as unknown as Record<symbol, LedgerStore | undefined>;
export const ledgerStore: LedgerStore = g[KEY] ?? (g[KEY] = createStore());

/** The task pane calls this after a refresh wrote the workbook (after `ledgerStore.set` when it has the rows). */
export const notifyWorkbookRefreshed = (): Promise<void> => ledgerStore.notifyWorkbookRefreshed();
