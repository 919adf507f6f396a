// The small inputs of a build (agents, rates, tool prices, overheads, invoices, prices): each from its file or, when
// not given, from the edited workbook's input sheet. One reader for the js engine (build.ts) and the SQL engines
// (build-sql.ts), so both take the same records and report the same rejected rows.
import type { LedgerContext } from '../../core/ledger';
import type { RejectedRow } from '../../core/model/records';
import { columnsOf, type ImportReport, type RecordKind, type SinkResult } from '../../sources/files';
import { importCanonicalFile } from './read-files';
import type { BuildInputs } from './build';
import type { CliIO } from './index';
import { cellErrorsAsRejected, readWorkbookInputs } from './workbook';

/** Context files whose first column names what a row is about: a second row for it is a duplicate or a conflict. */
const KEYED = new Set<RecordKind>(['agents', 'rates']);

/** Pushes each file's import report onto `reports`; `rejected` lists the workbook's bad cells by address. */
export async function readContextFiles(files: BuildInputs, io: CliIO, reports: ImportReport[]): Promise<{ ctx: LedgerContext; rejected: RejectedRow[] }> {
  async function readAll<T>(kind: RecordKind, path: string | undefined): Promise<T[]> {
    if (!path) return [];
    const out: T[] = [];
    // An agent (or a reviewer role's rate) listed twice: the same row again is a duplicate; another P&L line or target
    // is a conflict, listed, and the first row kept — as the ledger keeps it. Both rows were taken in silence.
    const key = KEYED.has(kind) ? columnsOf(kind)[0].name : null;
    const seen = new Map<string, string>();
    const sink = (r: unknown): SinkResult => {
      if (key !== null) {
        const id = String((r as Record<string, unknown>)[key]);
        const content = JSON.stringify(r);
        const prev = seen.get(id);
        if (prev !== undefined) return prev === content ? 'duplicate' : 'conflict';
        seen.set(id, content);
      }
      out.push(r as T);
      return 'added';
    };
    reports.push(await importCanonicalFile(path, { kind, fileName: path, sink }));
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
