// The small inputs of a build (agents, rates, tool prices, overheads, invoices, prices): each from its file or, when
// not given, from the edited workbook's input sheet. One reader for the js engine (build.ts) and the SQL engines
// (build-sql.ts), so both take the same records and report the same rejected rows.
import type { LedgerContext } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import type { ImportReport, RecordKind } from '../../sources/files';
import { importCanonicalFile } from './read-files';
import type { BuildInputs } from './build';
import type { CliIO } from './index';
import { cellErrorsAsRejected, readWorkbookInputs } from './workbook';

/** Pushes each file's import report onto `reports`; `rejected` lists the workbook's bad cells by address. */
export async function readContextFiles(files: BuildInputs, io: CliIO, reports: ImportReport[]): Promise<{ ctx: LedgerContext; rejected: RejectedRow[] }> {
  async function readAll<T>(kind: RecordKind, path: string | undefined): Promise<T[]> {
    if (!path) return [];
    const out: T[] = [];
    reports.push(await importCanonicalFile(path, { kind, fileName: path, sink: (r) => { out.push(r as T); } }));
    return out;
  }
  const book = files.workbook ? await readWorkbookInputs(files.workbook, io) : null;
  const ctx: LedgerContext = {
    agents: files.agents || !book?.ctx.agents ? await readAll('agents', files.agents) : book.ctx.agents,
    rates: files.rates || !book?.ctx.rates ? await readAll('rates', files.rates) : book.ctx.rates,
    toolPrices: files.toolPrices || !book?.ctx.toolPrices ? await readAll('tool_prices', files.toolPrices) : book.ctx.toolPrices,
    overheads: files.overheads || !book?.ctx.overheads ? await readAll('overheads', files.overheads) : book.ctx.overheads,
    invoices: files.invoices || !book?.ctx.invoices ? await readAll('invoices', files.invoices) : book.ctx.invoices,
    prices: files.prices || !book?.ctx.prices ? await readAll('prices', files.prices) : book.ctx.prices,
  };
  return { ctx, rejected: book ? cellErrorsAsRejected(files.workbook!, book.errors) : [] };
}
