// Node side of the file import: opens a file as a byte stream (the importer finds its encoding and delimiter).
import { createReadStream, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { basename } from 'node:path';
import { fatalReport, importRecords, type ImportOptions, type ImportReport } from './import';
import type { RecordKind } from './columns';
import { importUsageInWorker } from './usage-worker';

/** Usage files from this size up are read on a worker thread when the machine has a second core (usage-worker.ts). */
export const WORKER_MIN_BYTES = 32 << 20;
/**
 * AI_LEDGER_USAGE_WORKER=0: never; =1: every usage file (the tests use it on small files); unset: from WORKER_MIN_BYTES
 * when a second core exists. bench/README.md: the 1M-event month builds in about 3/4 of the in-thread time.
 */
function usageWorker(size: number): boolean {
  const v = process.env.AI_LEDGER_USAGE_WORKER;
  if (v === '0') return false;
  if (v === '1') return true;
  return size >= WORKER_MIN_BYTES && availableParallelism() > 1;
}

export async function importFile<K extends RecordKind>(
  path: string,
  opts: Omit<ImportOptions<K>, 'input' | 'fileName' | 'head'> & {
    fileName?: string;
    /** read a usage file on a worker thread: true/false, or by default when it is large and a second core exists */
    worker?: boolean;
  },
): Promise<ImportReport> {
  const fileName = opts.fileName ?? basename(path);
  const fatal = (why: string) => fatalReport(fileName, opts.kind, why);
  // the command line reads Parquet through DuckDB (cli/commands/read-files.ts) and hands this import its rows
  if (/\.parquet$/i.test(path)) return fatal('a Parquet file: this reader takes CSV and JSON lines (the command line reads Parquet)');
  let size = 0;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fatal(`cannot open ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message})`);
  }
  if (opts.kind === 'usage' && isMainThread && (opts.worker ?? usageWorker(size))) {
    try {
      return await importUsageInWorker(path, { ...(opts as unknown as ImportOptions<'usage'>), fileName });
    } catch (e) {
      // A worker that could not start has read nothing: read in this thread instead.
      if (!(e as { beforeStart?: boolean }).beforeStart) throw e;
    }
  }
  // 64 KB reads: each chunk's strings die young (a scavenge, not a full GC). On the usage worker the rows the scanner
  // accepts make no strings: 256 KB reads, a quarter of the calls.
  const stream = createReadStream(path, { highWaterMark: isMainThread ? 1 << 16 : 1 << 18 });
  return importRecords({ ...opts, fileName, input: stream } as ImportOptions<K>);
}
