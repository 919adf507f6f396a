// The one place that constructs the refresh worker. webpack 5 bundles `new Worker(new URL(...))` natively; jest
// never loads this file (its `import.meta.url` is ESM-only): tests use the in-process runner or a fake Worker.
export function createRefreshWorker(): Worker {
  return new Worker(new URL('./refresh.worker.ts', import.meta.url), { name: 'ailabor-refresh' });
}
