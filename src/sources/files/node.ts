// Node side of the file import: opens a file as a stream and peeks at its head for the delimiter.
import { createReadStream, promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { importRecords, type ImportOptions, type ImportReport } from './import';
import type { RecordKind } from './columns';

export async function importFile<K extends RecordKind>(
  path: string,
  opts: Omit<ImportOptions<K>, 'input' | 'fileName' | 'head'> & { fileName?: string },
): Promise<ImportReport> {
  const fileName = opts.fileName ?? basename(path);
  let head: string;
  try {
    const fh = await fs.open(path, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      file: fileName, kind: opts.kind, read: 0, accepted: 0, rejectedCount: 0, rejected: [], duplicates: 0, conflicts: 0, ignoredColumns: [],
      fatal: `${fileName}: cannot open ${path} (${code === 'ENOENT' ? 'no such file' : (e as Error).message})`,
    };
  }
  // 64 KB reads: see chunkSize in import.ts.
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  return importRecords({ ...opts, fileName, input: stream, head } as ImportOptions<K>);
}
