// The refresh worker: imports and ledger build off the UI thread. API pulls use the worker's own fetch.
import type { FetchLike } from '../../sources/common/http';
import { computeRefresh, RefreshCancelled } from './refresh-core';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const scope = self as unknown as { onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply): void };

scope.onmessage = async (ev) => {
  if (ev.data?.type !== 'run') return;
  try {
    const computed = await computeRefresh(ev.data.req, {
      onProgress: (progress) => scope.postMessage({ type: 'progress', progress }),
      cancelled: () => false, // Cancel terminates the worker
      fetch: fetch.bind(self) as unknown as FetchLike,
    });
    scope.postMessage({ type: 'done', computed });
  } catch (e) {
    scope.postMessage({ type: 'error', message: (e as Error).message, cancelled: e instanceof RefreshCancelled });
  }
};
