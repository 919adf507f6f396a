// Messages between the task pane and the refresh worker.
import type { Progress, RefreshComputed, RefreshRequest } from './refresh-core';

export type WorkerRequest = { type: 'run'; req: RefreshRequest };
export type WorkerReply =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; computed: RefreshComputed }
  | { type: 'error'; message: string; cancelled?: boolean };
