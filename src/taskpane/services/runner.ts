// How a refresh computation is run: in a Web Worker in the browser (worker-runner.ts + worker-factory.ts, loaded
// lazily so jest never parses the factory's `import.meta.url`), or in-process (tests, and engines without workers). Both are cancellable.
import type { FetchLike } from '../../sources/common/http';
import { computeRefresh, RefreshCancelled, type Progress, type RefreshComputed, type RefreshRequest } from './refresh-core';

export interface RefreshRunner {
  run(req: RefreshRequest, onProgress: (p: Progress) => void): Promise<RefreshComputed>;
  /** stops the run; its promise rejects with RefreshCancelled */
  cancel(): void;
}

export type RunnerFactory = () => RefreshRunner;

/** Runs on the calling thread, yielding between steps so progress paints and Cancel is heard. */
export function inProcessRunner(opts: { fetch?: FetchLike } = {}): RefreshRunner {
  let cancelled = false;
  return {
    run: (req, onProgress) => {
      cancelled = false;
      return computeRefresh(req, { onProgress, cancelled: () => cancelled, fetch: opts.fetch ?? (typeof fetch === 'function' ? (fetch.bind(globalThis) as unknown as FetchLike) : undefined) });
    },
    cancel: () => {
      cancelled = true;
    },
  };
}

/** The worker when the engine has one, else in-process. */
export const defaultRunnerFactory: RunnerFactory = () => {
  if (typeof Worker === 'undefined') return inProcessRunner();
  let inner: RefreshRunner | null = null;
  let cancelled = false;
  return {
    async run(req, onProgress) {
      cancelled = false;
      const [m, f] = await Promise.all([import('./worker-runner'), import('./worker-factory')]);
      if (cancelled) throw new RefreshCancelled();
      inner = m.workerRunner(f.createRefreshWorker);
      return inner.run(req, onProgress);
    },
    cancel() {
      cancelled = true;
      inner?.cancel();
    },
  };
};
