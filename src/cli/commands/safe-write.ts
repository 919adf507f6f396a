// Outputs are never half-written over what was there: each is written to a temporary file in the target's own folder
// (same file system, so the rename is atomic), flushed to disk, and renamed over the target. Killed mid-write, the
// target still holds its previous content; the temporary file is left behind, named after the target.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** A temporary name beside `path`: `.NAME.tmp-PID-RANDOM`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

function fsyncPath(path: string) {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a whole file by temporary file and rename. The folder is created if missing. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Lets `write` produce the file at a temporary path (e.g. a library that writes files itself), then renames it. */
export async function writeViaTemp(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await write(tmp);
    fsyncPath(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}

/**
 * Writes text chunks to a temporary file beside `path` (bounded memory: one chunk at a time), flushed to disk; the
 * caller renames it into place with `commit()` once everything that goes with it is ready, or `discard()`s it.
 */
export function prepareChunks(path: string, chunks: Iterable<string>): { tmp: string; bytes: number; commit(): void; discard(): void } {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const c of chunks) bytes += writeSync(fd, Buffer.from(c, 'utf8'));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return { tmp, bytes, commit: () => renameSync(tmp, path), discard: () => rmSync(tmp, { force: true }) };
}

/** `NAME.backup-YYYYMMDD-HHMMSS.EXT` beside `path` (UTC), for a file about to be replaced. */
export function backupPathFor(path: string, now = new Date()): string {
  const ext = extname(path);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join(dirname(path), `${basename(path, ext)}.backup-${stamp}${ext}`);
}
