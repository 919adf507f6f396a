// Canonical record files as the command line reads them: CSV and JSON lines through the import's own readers
// (sources/files/node.ts), Parquet through DuckDB as a table of text cells (engines/duckdb.ts readParquetTable). The
// Parquet rows go through the same row validation as a CSV row, so the js engine builds from Parquet, and a SQL build
// whose Parquet rows are outside the database's simple form falls back to the import, which lists and skips the rows it
// rejects (as it does for CSV) instead of stopping the build.
import { basename } from 'node:path';
import type { RejectedRow } from '../../core/model/records';
import { readParquetTable } from '../../engines/duckdb';
import { importTable, type ImportOptions, type ImportReport, type RecordKind } from '../../sources/files';
import { importFile } from '../../sources/files/node';

export const isParquet = (path: string) => /\.parquet$/i.test(path);

/** A rejected row as the command line prints it: the file, the line (a Parquet file's row), the column, why. */
export const rejectedText = (r: RejectedRow) =>
  `${r.file}${r.line ? ` ${isParquet(r.file) ? 'row' : 'line'} ${r.line}` : ''}${r.column ? `, ${r.column}` : ''}: ${r.reason}`;

export async function importCanonicalFile<K extends RecordKind>(
  path: string,
  opts: Omit<ImportOptions<K>, 'input' | 'fileName' | 'head'> & { fileName?: string },
): Promise<ImportReport> {
  if (!isParquet(path)) return importFile(path, opts);
  return importTable(() => readParquetTable(path), { ...opts, fileName: opts.fileName ?? basename(path) });
}
