// Every formula cell's computed value, saved in the file next to its formula (ExcelJS `{ formula, result }`), so
// readers that do not calculate — mail and phone previews, Quick Look, SharePoint viewers, pandas — see the figures.
// Excel and LibreOffice still recalculate on load (the workbook asks for a full calculation). The values come from
// HyperFormula over the whole workbook as it stands (every sheet and defined name, user sheets included); a formula
// it cannot evaluate (a function it lacks) keeps no saved value rather than a wrong one.
import type ExcelJS from 'exceljs';
import { DetailedCellError, HyperFormula, type RawCellContent } from 'hyperformula';
import { formatValue } from '../../workbook/numfmt';
import { DEFAULT_ROW_PT, MAX_TEXT_WIDTH, widthFor, wrappedLines } from '../../workbook/print';
import { hyperFormulaText } from '../../workbook/sanitize';

/** Errors Excel shows as cached values; HyperFormula's own (#ERROR!, #CYCLE!, #NAME? for a missing function…) are not saved. */
const EXCEL_ERRORS = new Set(['#DIV/0!', '#N/A', '#VALUE!', '#REF!', '#NUM!', '#NULL!']);

export interface SavedResults {
  formulas: number;
  saved: number;
  /** formulas left without a saved value (HyperFormula could not evaluate them) */
  unsaved: number;
  /** why no value was computed at all (HyperFormula refused the workbook) */
  error?: string;
}

type Formula = { sheet: number; row: number; col: number; cell: ExcelJS.Cell };

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function rawOf(cell: ExcelJS.Cell): RawCellContent | undefined {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return hyperFormulaText(v);
  if (v instanceof Date) return (v.getTime() - EXCEL_EPOCH) / 86_400_000;
  const o = v as Record<string, unknown>;
  if ('richText' in o) return hyperFormulaText((o.richText as { text: string }[]).map((t) => t.text).join(''));
  if ('error' in o) return String(o.error);
  if ('text' in o) return hyperFormulaText(String(o.text));
  return undefined;
}

/** A computed value by sheet and 0-based cell, from a host that already calculated the workbook (the preview). */
export type ComputedValue = (sheet: string, row: number, col: number) => unknown;

// ExcelJS objects, read through these (the office-addins lint rules take any getX() result for an Office.js proxy).
const columnOf = (ws: ExcelJS.Worksheet, c: number): Partial<ExcelJS.Column> => ws.columns?.[c] ?? {};
const colWidth = (ws: ExcelJS.Worksheet, c: number) => (columnOf(ws, c).hidden ? 0 : (columnOf(ws, c).width ?? 8.43));
const rowHeight = (ws: ExcelJS.Worksheet, r: number): number | undefined => ws.findRow(r + 1)?.height;
const cellIn = (ws: ExcelJS.Worksheet, row: number, c: number): ExcelJS.Cell | undefined =>
  (ws.findRow(row + 1) as unknown as { findCell(c: number): ExcelJS.Cell | undefined } | undefined)?.findCell(c + 1);

/**
 * The width a text result's column needs so it is not cut: text overflows into empty cells to its right, so only
 * text followed (in its row) by a non-empty cell within reach needs its column wider (0 when nothing is needed);
 * `wrap` when even MAX_TEXT_WIDTH is not enough (the text then wraps in its cell and its row grows).
 */
function textNeed(ws: ExcelJS.Worksheet, f: Formula, text: string): { need: number; wrap: boolean } {
  const want = widthFor(text, !!f.cell.font?.bold);
  let available = colWidth(ws, f.col);
  for (let c = f.col + 1; available < want && c < f.col + 64; c++) {
    const v = cellIn(ws, f.row, c)?.value;
    if (v !== null && v !== undefined && v !== '') {
      const need = colWidth(ws, f.col) + want - available;
      return { need: Math.min(MAX_TEXT_WIDTH, need), wrap: need > MAX_TEXT_WIDTH };
    }
    available += colWidth(ws, c);
  }
  return { need: 0, wrap: false };
}

/** Rows with a height of their own (wrapped headers) get the lines their wrapped text needs in the final widths. */
function refitWrappedRows(ws: ExcelJS.Worksheet): void {
  ws.eachRow((row, r) => {
    if (row.height === undefined) return;
    let lines = 0;
    row.eachCell((cell, c) => {
      if (!cell.alignment?.wrapText || typeof cell.value !== 'string' || columnOf(ws, c - 1).hidden) return;
      lines = Math.max(lines, wrappedLines(cell.value, colWidth(ws, c - 1), !!cell.font?.bold));
    });
    if (lines > 0) ws.getRow(r).height = Math.max(DEFAULT_ROW_PT, lines * DEFAULT_ROW_PT + 2);
  });
}

/**
 * Computes every formula of the workbook with HyperFormula (or takes `computed` values from a host that already has
 * them) and stores each result in its cell. `names` are the workbook's defined names ({ name, ranges }), as the host
 * keeps them. `fitSheets`: the generated sheets, whose columns are sized to their computed values (a number never
 * shows as ###, text a neighbour would cut widens its column or wraps), each with the spec's `minWidth` per column:
 * a column that had room left for unknown formula results shrinks back to what its values need. A user's own sheets
 * keep their widths.
 */
export function saveFormulaResults(
  wb: ExcelJS.Workbook,
  names: { name: string; ranges: string[] }[],
  fitSheets: ReadonlyMap<string, readonly (number | undefined)[]> = new Map(),
  computed?: ComputedValue,
): SavedResults {
  // Only the HyperFormula path needs the cells' content; the formulas' places are needed either way.
  const sheets: Record<string, RawCellContent[][]> = {};
  const formulas: Formula[] = [];
  const worksheets = wb.worksheets;
  worksheets.forEach((ws, si) => {
    if (computed) {
      // values come from elsewhere: only the formulas' places are needed (a 100,000-row Ledger as a matrix is ~0.5 GB)
      ws.eachRow({ includeEmpty: false }, (row, r) => {
        row.eachCell({ includeEmpty: false }, (cell, c) => {
          if (cell.formula) formulas.push({ sheet: si, row: r - 1, col: c - 1, cell });
        });
      });
      return;
    }
    const m: RawCellContent[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const line: RawCellContent[] = [];
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        const f = cell.formula;
        let raw: RawCellContent | undefined;
        if (f) {
          raw = `=${f}`;
          formulas.push({ sheet: si, row: r - 1, col: c - 1, cell });
        } else raw = rawOf(cell);
        if (raw === undefined) return;
        while (line.length < c - 1) line.push(null);
        line[c - 1] = raw;
      });
      while (m.length < r - 1) m.push([]);
      m[r - 1] = line;
    });
    sheets[ws.name] = m;
  });
  if (!formulas.length) return { formulas: 0, saved: 0, unsaved: 0 };
  let hf: HyperFormula | null = null;
  let valueAt: (f: Formula) => unknown;
  if (computed) valueAt = (f) => computed(worksheets[f.sheet].name, f.row, f.col);
  else {
    const namedExpressions = names.filter((n) => n.ranges[0] && !n.name.startsWith('_xlnm.')).map((n) => ({ name: n.name, expression: `=${n.ranges[0]}` }));
    let engine: HyperFormula;
    try {
      engine = HyperFormula.buildFromSheets(sheets, { licenseKey: 'gpl-v3', maxRows: 1_048_576 }, namedExpressions);
    } catch (e) {
      // A workbook HyperFormula cannot read (a user's sheet beyond its limits, a name it refuses) is still saved,
      // its formulas without values, as before: Excel and LibreOffice calculate them on open.
      return { formulas: formulas.length, saved: 0, unsaved: formulas.length, error: (e as Error).message };
    }
    hf = engine;
    const ids = worksheets.map((ws) => engine.getSheetId(ws.name)!);
    valueAt = (f) => engine.getCellValue({ sheet: ids[f.sheet], row: f.row, col: f.col });
  }
  try {
    const widths = new Map<ExcelJS.Worksheet, Map<number, number>>();
    const wraps: { ws: ExcelJS.Worksheet; f: Formula; text: string }[] = [];
    let saved = 0;
    for (const f of formulas) {
      const v = valueAt(f);
      let result: ExcelJS.CellValue | { error: string } | undefined;
      if (v instanceof DetailedCellError) result = EXCEL_ERRORS.has(v.value) ? { error: v.value } : undefined;
      else if (typeof v === 'string' && v.startsWith('#')) result = EXCEL_ERRORS.has(v) ? { error: v } : v;
      else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') result = v;
      if (result === undefined) continue;
      f.cell.value = { ...(f.cell.value as object), result } as ExcelJS.CellValue;
      saved++;
      const ws = worksheets[f.sheet];
      if (!fitSheets.has(ws.name)) continue;
      let need = 0;
      if (typeof v === 'number') need = widthFor(formatValue(v, f.cell.numFmt), !!f.cell.font?.bold);
      else if (typeof v === 'string' && !f.cell.alignment?.wrapText) {
        const t = textNeed(ws, f, v);
        need = t.need;
        if (t.wrap) wraps.push({ ws, f, text: v });
      }
      let per = widths.get(ws);
      if (!per) widths.set(ws, (per = new Map()));
      per.set(f.col, Math.max(per.get(f.col) ?? 0, need));
    }
    // A number wider than its column prints as ###: the column widens. One that was given room for results not
    // known when the sheet was built (minWidth) is sized to its values instead. Hidden helpers stay hidden.
    for (const [ws, per] of widths) {
      const min = fitSheets.get(ws.name) ?? [];
      for (const [c, need] of per) {
        if (columnOf(ws, c).hidden) continue;
        const target = min[c] !== undefined ? Math.max(min[c]!, need) : Math.max(colWidth(ws, c), need);
        if (target !== colWidth(ws, c)) ws.getColumn(c + 1).width = target;
      }
    }
    // Wrapped headers were given their height for the widths the sheet was built with: fit them to the final widths.
    for (const ws of worksheets) if (fitSheets.has(ws.name)) refitWrappedRows(ws);
    for (const { ws, f, text } of wraps) {
      f.cell.alignment = { ...(f.cell.alignment ?? {}), wrapText: true, vertical: 'top' };
      const height = wrappedLines(text, colWidth(ws, f.col), !!f.cell.font?.bold) * DEFAULT_ROW_PT + 2;
      if ((rowHeight(ws, f.row) ?? DEFAULT_ROW_PT) < height) ws.getRow(f.row + 1).height = height;
    }
    return { formulas: formulas.length, saved, unsaved: formulas.length - saved };
  } finally {
    hf?.destroy();
  }
}
