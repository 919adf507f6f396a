// The refresh computation in a Web Worker. Cancel terminates the worker outright: nothing half-built reaches the workbook.
import { RefreshCancelled } from './refresh-core';
import type { RefreshRunner } from './runner';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/** A runner over workers made by `create` (worker-factory.ts in the browser; a fake in tests), one per run. */
export function workerRunner(create: () => Worker): RefreshRunner {
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
