// Generic CSV/JSONL import of canonical records. node.ts (file paths) is not re-exported so the browser bundle stays fs-free.
export * from './columns';
export * from './import';
export { parseUsageRow } from './usage-fast';
export * from './csv-write';
