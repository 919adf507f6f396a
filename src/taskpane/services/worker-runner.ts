// The refresh computation in a Web Worker (webpack 5 bundles `new Worker(new URL(...))` natively). Cancel terminates
// the worker outright: nothing half-built reaches the workbook.
import { RefreshCancelled } from './refresh-core';
import type { RefreshRunner } from './runner';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

export function createRefreshWorker(): Worker {
  return new Worker(new URL('./refresh.worker.ts', import.meta.url), { name: 'ailabor-refresh' });
}

export function workerRunner(create: () => Worker = createRefreshWorker): RefreshRunner {
  let worker: Worker | null = null;
  let reject: ((e: Error) => void) | null = null;
  return {
    run(req, onProgress) {
      return new Promise((resolve, rej) => {
        const w = create();
        worker = w;
        reject = rej;
        const stop = () => {
          w.terminate();
          if (worker === w) worker = null;
        };
        w.onmessage = (ev: MessageEvent<WorkerReply>) => {
          const m = ev.data;
          if (m.type === 'progress') onProgress(m.progress);
          else if (m.type === 'done') {
            stop();
            resolve(m.computed);
          } else {
            stop();
            rej(m.cancelled ? new RefreshCancelled() : new Error(m.message));
          }
        };
        w.onerror = (ev) => {
          stop();
          rej(new Error(`the refresh worker failed: ${ev.message || 'unknown error'}`));
        };
        const msg: WorkerRequest = { type: 'run', req };
        w.postMessage(msg);
      });
    },
    cancel() {
      worker?.terminate();
      worker = null;
      reject?.(new RefreshCancelled());
      reject = null;
    },
  };
}
