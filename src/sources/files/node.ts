// Node side of the file import: opens a file as a byte stream (the importer finds its encoding and delimiter).
import { createReadStream, promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { importRecords, type ImportOptions, type ImportReport } from './import';
import type { RecordKind } from './columns';

export async function importFile<K extends RecordKind>(
  path: string,
  opts: Omit<ImportOptions<K>, 'input' | 'fileName' | 'head'> & { fileName?: string },
): Promise<ImportReport> {
  const fileName = opts.fileName ?? basename(path);
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      file: fileName, kind: opts.kind, read: 0, accepted: 0, rejectedCount: 0, rejected: [], duplicates: 0, conflicts: 0, ignoredColumns: [],
      duplicateColumns: [], lines: 0, linesAccounted: 0,
      fatal: `${fileName}: cannot open ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message})`,
    };
  }
  // 64 KB reads: each chunk's strings die young (a scavenge, not a full GC).
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  return importRecords({ ...opts, fileName, input: stream } as ImportOptions<K>);
}
