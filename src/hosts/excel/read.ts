// The one Office.js reader of sheet values, used by the task pane (ExcelHost.readSheet) and by the functions' ledger
// loader: each sheet's used range is read in row blocks, several blocks per context.sync up to a cell budget, so no
// response nears Excel on the web's 5 MB limit and no range nears the 5,000,000-cell read limit past which
// `Range.values` comes back null (docs "Resource limits and performance optimization", "Read or write to a large
// range"). A block Excel still refuses (ResponsePayloadSizeLimitExceeded: long texts) is read again in halves.
import type { CellValue } from '../../workbook/spec';
import { isPayloadTooLarge } from './run';

/**
 * Cells per context.sync. A Ledger cell averages ~7 bytes of JSON (measured on the sample: 166 bytes a 24-column
 * row), so 200,000 cells are ~1.4 MB, far under Excel on the web's 5 MB; long texts that still overflow are halved.
 */
export const DEFAULT_MAX_CELLS_PER_SYNC = 200_000;

export interface ReadSheetsOptions {
  maxCellsPerSync?: number;
}

export interface SheetsRead {
  /** values by sheet (row 0 = sheet row 1, column 0 = column A); '' read as null. Sheets that do not exist are absent. */
  grids: Map<string, CellValue[][]>;
  /** context.sync calls made */
  syncs: number;
  /** blocks read again in halves after Excel refused them */
  retries: number;
}

interface Block {
  sheet: string;
  ws: Excel.Worksheet;
  row: number;
  col: number;
  rows: number;
  cols: number;
}

/**
 * Reads the used ranges of `names` (the ones that exist) in one request context: existence, dimensions, then the
 * values in blocks. Formula cells read as their computed values.
 */
export async function readSheetsBlocked(context: Excel.RequestContext, names: readonly string[], opts: ReadSheetsOptions = {}): Promise<SheetsRead> {
  const maxCells = Math.max(1, opts.maxCellsPerSync ?? DEFAULT_MAX_CELLS_PER_SYNC);
  const stats = { syncs: 0, retries: 0 };
  const sheets = names.map((name) => ({ name, ws: context.workbook.worksheets.getItemOrNullObject(name) }));
  sheets.forEach((s) => s.ws.load('isNullObject'));
  await context.sync();
  stats.syncs++;
  const present = sheets.filter((s) => !s.ws.isNullObject).map((s) => ({ ...s, used: s.ws.getUsedRangeOrNullObject(true) }));
  present.forEach((s) => s.used.load('isNullObject,rowIndex,columnIndex,rowCount,columnCount'));
  if (present.length) {
    await context.sync();
    stats.syncs++;
  }
  const grids = new Map<string, CellValue[][]>();
  // Row blocks of at most maxCells, grouped so that each sync carries at most maxCells.
  const groups: Block[][] = [];
  let group: Block[] = [];
  let cells = 0;
  for (const s of present) {
    grids.set(s.name, []);
    if (s.used.isNullObject) continue;
    const { rowIndex, columnIndex, rowCount, columnCount } = s.used;
    const rowsPerBlock = Math.max(1, Math.floor(maxCells / Math.max(1, columnCount)));
    for (let r = 0; r < rowCount; r += rowsPerBlock) {
      const n = Math.min(rowsPerBlock, rowCount - r);
      if (cells + n * columnCount > maxCells && group.length) {
        groups.push(group);
        group = [];
        cells = 0;
      }
      group.push({ sheet: s.name, ws: s.ws, row: rowIndex + r, col: columnIndex, rows: n, cols: columnCount });
      cells += n * columnCount;
    }
  }
  if (group.length) groups.push(group);
  for (const g of groups) await readGroup(context, g, grids, stats);
  for (const grid of grids.values()) for (let i = 0; i < grid.length; i++) if (!grid[i]) grid[i] = [];
  return { grids, syncs: stats.syncs, retries: stats.retries };
}

/** One sync for a group of blocks; a refused group is read again in halves (a single block by its rows). */
async function readGroup(context: Excel.RequestContext, group: Block[], grids: Map<string, CellValue[][]>, stats: { syncs: number; retries: number }): Promise<void> {
  const ranges = group.map((b) => {
    const r = b.ws.getRangeByIndexes(b.row, b.col, b.rows, b.cols);
    r.load('values');
    return r;
  });
  try {
    await context.sync();
    stats.syncs++;
  } catch (e) {
    if (!isPayloadTooLarge(e)) throw e;
    const halves = splitGroup(group);
    if (!halves) throw e;
    stats.retries++;
    for (const h of halves) await readGroup(context, h, grids, stats);
    return;
  }
  group.forEach((b, k) => {
    const values = ranges[k].values as unknown[][] | null;
    // Past 5,000,000 cells Excel may answer null instead of failing: never read that as an empty sheet.
    if (!values) throw new Error(`Excel returned no values for ${b.sheet} rows ${b.row + 1}–${b.row + b.rows} (${b.rows * b.cols} cells)`);
    const grid = grids.get(b.sheet)!;
    values.forEach((row, i) => {
      const line: CellValue[] = new Array(b.col).fill(null);
      for (const v of row) line.push(v === '' || v === undefined ? null : (v as CellValue));
      while (line.length && line[line.length - 1] === null) line.pop();
      grid[b.row + i] = line;
    });
  });
}

function splitGroup(group: Block[]): [Block[], Block[]] | null {
  if (group.length > 1) {
    const h = Math.ceil(group.length / 2);
    return [group.slice(0, h), group.slice(h)];
  }
  const b = group[0];
  if (b.rows < 2) return null;
  const h = Math.ceil(b.rows / 2);
  return [[{ ...b, rows: h }], [{ ...b, row: b.row + h, rows: b.rows - h }]];
}
