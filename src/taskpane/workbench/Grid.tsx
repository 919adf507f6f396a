// The preview workbook's sheet as an ARIA grid. Rows are windowed (only those in view, plus the selected one, are in
// the DOM) so a Ledger of tens of thousands of rows scrolls as fast as a small report. Focus stays on the grid and
// aria-activedescendant names the selected cell, so the selection can move to rows that were not rendered yet.
// Like Excel where users notice: the sheet's frozen rows and columns stay in view, hidden columns and rows are not
// drawn (nor reached by the arrow keys), row heights and wrapped headers follow the sheet, text runs on into empty
// cells to its right, and AILABOR.* results show in their natural format when the cell has none.
import * as React from 'react';
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { styleAt, type PreviewHost } from '../../hosts/preview';
import { a1, colLetter } from '../../workbook/address';
import type { CellStyle, CellValue } from '../../workbook/spec';
import { formatValue } from './format';
import { functionResultFormat } from './function-formats';
import { ROW_HEIGHT, RowLayout, columnWidth } from './layout';

export { ROW_HEIGHT, columnWidth };
const HEADER_HEIGHT = 24;
/** Text runs on over at most this many empty cells to its right. */
const MAX_OVERFLOW_COLS = 30;
const ROW_HEADER_WIDTH = 56;
const OVERSCAN = 8;
/** rows drawn when the viewport has no measured height yet (tests, first paint) */
const FALLBACK_VIEW_ROWS = 40;

export interface Pos {
  row: number;
  col: number;
}

export interface GridProps {
  host: PreviewHost;
  sheet: string;
  /** the host's version: a new value redraws the visible cells */
  version: number;
  selected: Pos;
  onSelect: (p: Pos) => void;
  /** text typed into a cell; the grid moves the selection by `move` afterwards */
  onCommit: (p: Pos, text: string, move: Pos) => void;
  /** text the formula bar would show for a cell (the editor starts from it on F2/Enter/double-click) */
  editTextOf: (p: Pos) => string;
}

const useStyles = makeStyles({
  scroller: {
    position: 'relative',
    overflow: 'auto',
    flexGrow: 1,
    minHeight: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase200,
    outlineStyle: 'none',
  },
  frame: { position: 'relative', display: 'flex', flexDirection: 'column', flexGrow: 1, minHeight: 0 },
  // The focus ring sits on top of the cells (an outline on the scroller itself is painted under them).
  ring: { position: 'absolute', inset: 0, pointerEvents: 'none', zIndex: 5, boxShadow: `inset 0 0 0 2px ${tokens.colorStrokeFocus2}` },
  headerRow: { position: 'sticky', top: 0, zIndex: 4, display: 'flex', height: `${HEADER_HEIGHT}px` },
  // frozen rows: a block that stays under the column headers while the rows below it scroll
  frozen: { position: 'sticky', top: `${HEADER_HEIGHT}px`, zIndex: 3, borderBottom: `2px solid ${tokens.colorNeutralStroke1}`, boxSizing: 'content-box' },
  body: { position: 'relative' },
  row: { position: 'absolute', left: 0, display: 'flex' },
  head: {
    flexShrink: 0,
    boxSizing: 'border-box',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    userSelect: 'none',
  },
  rowHead: { position: 'sticky', left: 0, zIndex: 2 },
  corner: { position: 'sticky', left: 0, zIndex: 5 },
  frozenCol: { position: 'sticky', zIndex: 2 },
  frozenEdge: { borderRight: `2px solid ${tokens.colorNeutralStroke1}` },
  headActive: { backgroundColor: tokens.colorNeutralBackground3Selected, fontWeight: tokens.fontWeightSemibold },
  cell: {
    flexShrink: 0,
    boxSizing: 'border-box',
    borderRight: `1px solid ${tokens.colorNeutralStroke3}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    color: tokens.colorNeutralForeground1,
    backgroundColor: tokens.colorNeutralBackground1,
    position: 'relative',
  },
  // the cell's text: clipped at its own edge, or at the end of the empty cells it runs on into. Pointer events pass
  // through it, so a click on an empty cell under spilled text selects that cell, as in Excel
  text: { position: 'absolute', top: 0, left: '4px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', lineHeight: `${ROW_HEIGHT - 1}px`, pointerEvents: 'none' },
  wrapped: { whiteSpace: 'normal', lineHeight: '16px', paddingTop: '3px', overflowWrap: 'anywhere' },
  overflowing: { zIndex: 1, overflow: 'visible' },
  selected: { outline: `2px solid ${tokens.colorBrandStroke1}`, outlineOffset: '-2px', zIndex: 1 },
  editor: {
    position: 'absolute',
    inset: 0,
    width: '100%',
    boxSizing: 'border-box',
    border: `2px solid ${tokens.colorBrandStroke1}`,
    padding: '0 2px',
    font: 'inherit',
    color: tokens.colorNeutralForeground1,
    backgroundColor: tokens.colorNeutralBackground1,
    outlineStyle: 'none',
  },
});

/** Inline look of a cell from its spec style: the workbook's own fills and fonts, as Excel would show them. */
function cellLook(s: CellStyle | undefined, numeric: boolean): React.CSSProperties | undefined {
  const align = s?.align ?? (numeric ? 'right' : undefined);
  if (!s && !align) return undefined;
  return {
    fontWeight: s?.bold ? 600 : undefined,
    fontStyle: s?.italic ? 'italic' : undefined,
    color: s?.color ? `#${s.color}` : undefined,
    backgroundColor: s?.fill ? `#${s.fill}` : undefined,
    textAlign: align,
  };
}

interface Editing {
  pos: Pos;
  text: string;
  /** opened by typing a character (the cell's content is being replaced) */
  typed: boolean;
}

export const cellId = (p: Pos) => `wb-cell-${a1(p.row, p.col)}`;

export function Grid({ host, sheet, version, selected, onSelect, onCommit, editTextOf }: GridProps) {
  const styles = useStyles();
  const scroller = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [scrollLeft, setScrollLeft] = React.useState(0);
  const [viewHeight, setViewHeight] = React.useState(0);
  const [editing, setEditingState] = React.useState<Editing | null>(null);
  // The editor's state is read from a ref too: a blur fired while committing must not commit a second time.
  const editingRef = React.useRef<Editing | null>(null);
  const setEditing = (e: Editing | null) => {
    editingRef.current = e;
    setEditingState(e);
  };
  const editorRef = React.useRef<HTMLInputElement>(null);
  const [ring, setRing] = React.useState(false);

  const spec = host.sheetSpec(sheet);
  const dims = host.dimensions(sheet);
  // A little room past the used range, as a spreadsheet has, so a cell below or right of the data can be typed in.
  const rowCount = Math.max(dims.rows + 10, 30);
  const colCount = Math.max(dims.cols + 2, 8);
  const widths = React.useMemo(() => Array.from({ length: colCount }, (_, c) => columnWidth(spec, c)), [spec, colCount]);
  /** the columns drawn (hidden ones are not) */
  const cols = React.useMemo(() => widths.map((w, c) => (w > 0 ? c : -1)).filter((c) => c >= 0), [widths]);
  const lefts = React.useMemo(() => {
    const l: number[] = [];
    let x = ROW_HEADER_WIDTH;
    for (const w of widths) {
      l.push(x);
      x += w;
    }
    l.push(x);
    return l;
  }, [widths]);
  const totalWidth = lefts[lefts.length - 1];
  const rows = React.useMemo(() => new RowLayout(rowCount, spec), [rowCount, spec]);
  const frozenRows = Math.min(spec?.freeze?.rows ?? 0, rowCount);
  const frozenCols = Math.min(spec?.freeze?.cols ?? 0, colCount);
  const frozenHeight = rows.top(frozenRows);
  const frozenWidth = lefts[frozenCols] - ROW_HEADER_WIDTH;

  // The viewport's height decides how many rows to draw; ResizeObserver reports it once on observe, then on changes.
  React.useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the selected cell in view (keyboard moves, jumps from the name box or a pane link), past the frozen panes.
  React.useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (selected.row >= frozenRows) {
      const top = rows.top(selected.row) - frozenHeight;
      const h = rows.height(selected.row);
      const visible = (el.clientHeight || FALLBACK_VIEW_ROWS * ROW_HEIGHT) - HEADER_HEIGHT - frozenHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + h > el.scrollTop + visible) el.scrollTop = top + h - visible;
    }
    if (selected.col >= frozenCols) {
      const left = lefts[selected.col] ?? 0;
      const right = lefts[selected.col + 1] ?? left;
      if (left - ROW_HEADER_WIDTH - frozenWidth < el.scrollLeft) el.scrollLeft = left - ROW_HEADER_WIDTH - frozenWidth;
      else if (el.clientWidth && right > el.scrollLeft + el.clientWidth) el.scrollLeft = right - el.clientWidth;
    }
    // the scroll event that follows redraws the window; the selected row is drawn meanwhile
  }, [selected.row, selected.col, lefts, rows, frozenRows, frozenCols, frozenHeight, frozenWidth]);

  React.useEffect(() => {
    if (editing) editorRef.current?.focus();
  }, [editing?.pos.row, editing?.pos.col]); // eslint-disable-line react-hooks/exhaustive-deps

  const viewHeightPx = viewHeight || FALLBACK_VIEW_ROWS * ROW_HEIGHT;
  const viewRows = Math.ceil(viewHeightPx / ROW_HEIGHT);
  // The body scrolls under the frozen rows: its first visible row is the one at scrollTop past them.
  const firstVisible = rows.rowAt(frozenHeight + scrollTop);
  const first = Math.max(frozenRows, firstVisible - OVERSCAN);
  const last = Math.min(rowCount - 1, rows.rowAt(frozenHeight + scrollTop + viewHeightPx) + OVERSCAN);
  const bodyRows: number[] = [];
  for (let r = first; r <= last; r++) if (!rows.hidden(r)) bodyRows.push(r);
  // The selected row is always in the DOM: aria-activedescendant must point at a real element.
  if (selected.row >= frozenRows && (selected.row < first || selected.row > last)) bodyRows.push(selected.row);
  const topRows: number[] = [];
  for (let r = 0; r < frozenRows; r++) if (!rows.hidden(r)) topRows.push(r);

  const clamp = (p: Pos): Pos => ({ row: Math.min(Math.max(p.row, 0), rowCount - 1), col: Math.min(Math.max(p.col, 0), colCount - 1) });
  /** The nearest row/column from p in the direction of travel that is not hidden (p itself when visible). */
  const visibleFrom = (p: Pos, dr: number, dc: number): Pos => {
    let { row, col } = clamp(p);
    while (rows.hidden(row) && row + (dr || 1) >= 0 && row + (dr || 1) < rowCount) row += dr || 1;
    while (widths[col] === 0 && col + (dc || 1) >= 0 && col + (dc || 1) < colCount) col += dc || 1;
    return { row, col };
  };
  const focusGrid = () => scroller.current?.focus({ preventScroll: true });

  const startEdit = (p: Pos, text?: string) => setEditing({ pos: p, text: text ?? editTextOf(p), typed: text !== undefined });
  const finishEdit = (move: Pos | null) => {
    const e = editingRef.current;
    if (!e) return;
    setEditing(null);
    // An editor opened on the cell's own content and left unchanged does not rewrite the cell.
    const unchanged = !e.typed && e.text === editTextOf(e.pos);
    if (move && unchanged) onSelect(visibleFrom({ row: e.pos.row + move.row, col: e.pos.col + move.col }, move.row, move.col));
    else if (move) onCommit(e.pos, e.text, move);
    focusGrid();
  };

  const onKeyDown = (ev: React.KeyboardEvent<HTMLDivElement>) => {
    if (editing) return; // the editor handles its own keys
    const page = Math.max(1, viewRows - 2);
    const moves: Record<string, Pos> = {
      ArrowUp: { row: -1, col: 0 },
      ArrowDown: { row: 1, col: 0 },
      ArrowLeft: { row: 0, col: -1 },
      ArrowRight: { row: 0, col: 1 },
      PageUp: { row: -page, col: 0 },
      PageDown: { row: page, col: 0 },
    };
    let next: Pos | null = null;
    let dir: Pos = { row: 0, col: 0 };
    if (ev.key in moves) {
      const m = moves[ev.key];
      dir = { row: Math.sign(m.row), col: Math.sign(m.col) };
      next = ev.ctrlKey || ev.metaKey
        ? { row: m.row < 0 ? 0 : m.row > 0 ? Math.max(dims.rows - 1, 0) : selected.row, col: m.col < 0 ? 0 : m.col > 0 ? Math.max(dims.cols - 1, 0) : selected.col }
        : { row: selected.row + m.row, col: selected.col + m.col };
      // A step that lands on a hidden row or column goes on past it, as in Excel.
      if (!(ev.ctrlKey || ev.metaKey)) next = visibleFrom(next, dir.row, dir.col);
    } else if (ev.key === 'Home') next = ev.ctrlKey || ev.metaKey ? { row: 0, col: 0 } : { row: selected.row, col: 0 };
    else if (ev.key === 'End') next = ev.ctrlKey || ev.metaKey ? { row: Math.max(dims.rows - 1, 0), col: Math.max(dims.cols - 1, 0) } : { row: selected.row, col: Math.max(dims.cols - 1, 0) };
    else if (ev.key === 'Tab') {
      // Tab leaves the grid at its edges, so keyboard users are never trapped.
      const step = ev.shiftKey ? -1 : 1;
      if (selected.col + step < 0 || selected.col + step >= colCount) return;
      const col = visibleFrom({ row: selected.row, col: selected.col + step }, 0, step).col;
      if (widths[col] === 0) return;
      next = { row: selected.row, col };
      dir = { row: 0, col: step };
    } else if (ev.key === 'Enter' || ev.key === 'F2') {
      ev.preventDefault();
      startEdit(selected);
      return;
    } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
      ev.preventDefault();
      onCommit(selected, '', { row: 0, col: 0 });
      return;
    } else if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      // Typing on a cell replaces its content, as in Excel.
      ev.preventDefault();
      startEdit(selected, ev.key);
      return;
    }
    if (next) {
      ev.preventDefault();
      const to = visibleFrom(next, dir.row || (next.row < selected.row ? -1 : 1), dir.col || (next.col < selected.col ? -1 : 1));
      onSelect(to);
    }
  };

  const onEditorKeyDown = (ev: React.KeyboardEvent<HTMLInputElement>) => {
    ev.stopPropagation();
    if (ev.key === 'Enter') {
      ev.preventDefault();
      finishEdit({ row: ev.shiftKey ? -1 : 1, col: 0 });
    } else if (ev.key === 'Tab') {
      ev.preventDefault();
      finishEdit({ row: 0, col: ev.shiftKey ? -1 : 1 });
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      finishEdit(null);
    }
  };

  /** The value shown in a cell, or null when it is empty (an empty cell lets text run on over it). */
  const valueAt = (r: number, c: number): CellValue => (r < dims.rows && c < dims.cols ? host.valueAt(sheet, r, c) : null);

  const drawRow = (r: number, top: number) => {
    const h = rows.height(r);
    const tall = h !== ROW_HEIGHT;
    const values = cols.map((c) => valueAt(r, c));
    return (
      <div key={r} role="row" aria-rowindex={r + 2} className={styles.row} style={{ top, height: h, width: totalWidth }}>
        <div role="rowheader" aria-colindex={1} className={mergeClasses(styles.head, styles.rowHead, r === selected.row && styles.headActive)} style={{ width: ROW_HEADER_WIDTH }}>
          {r + 1}
        </div>
        {cols.map((c, k) => {
          const w = widths[c];
          const p = { row: r, col: c };
          const isSel = r === selected.row && c === selected.col;
          const v = values[k];
          const inData = r < dims.rows && c < dims.cols;
          const st = inData && spec ? styleAt(spec, r, c) : undefined;
          // A number in a cell with no format of its own: an AILABOR.* result shows as the function's figure does.
          const numFmt = st?.numFmt ?? (typeof v === 'number' ? functionResultFormat(host.formulaAt(sheet, r, c)) : undefined);
          const text = formatValue(v, numFmt);
          const numeric = typeof v === 'number';
          const align = st?.align ?? (numeric ? 'right' : 'left');
          // Text runs on over the empty cells to its right; from a frozen column, past the frozen edge only while the
          // sheet is scrolled all the way left (then the columns beside it are where they belong).
          let span = w;
          if (text && !numeric && !st?.wrap && align === 'left') {
            const end = c < frozenCols && scrollLeft > 0 ? frozenCols : colCount;
            for (let j = k + 1; j < cols.length && cols[j] < end && j - k <= MAX_OVERFLOW_COLS && values[j] === null; j++) span += widths[cols[j]];
          }
          const isEditing = editing && editing.pos.row === r && editing.pos.col === c;
          const frozen = c < frozenCols;
          const ref = a1(r, c);
          return (
            <div
              key={c}
              id={cellId(p)}
              role="gridcell"
              aria-colindex={c + 2}
              aria-selected={isSel}
              data-ref={ref}
              className={mergeClasses(styles.cell, frozen && styles.frozenCol, frozen && c === frozenCols - 1 && styles.frozenEdge, span > w && styles.overflowing, isSel && styles.selected)}
              style={{ width: w, ...(frozen ? { left: lefts[c] } : {}), ...cellLook(st, numeric) }}
              onMouseDown={(e) => {
                if (isEditing) return;
                e.preventDefault();
                if (editing) finishEdit({ row: 0, col: 0 });
                onSelect(p);
                focusGrid();
              }}
              onDoubleClick={() => startEdit(p)}
            >
              {isEditing ? (
                <input
                  ref={editorRef}
                  aria-label={`Edit ${ref}`}
                  className={styles.editor}
                  value={editing.text}
                  onChange={(e) => setEditing({ pos: p, text: e.target.value, typed: editing.typed })}
                  onKeyDown={onEditorKeyDown}
                  onBlur={() => finishEdit({ row: 0, col: 0 })}
                />
              ) : text ? (
                <span
                  className={mergeClasses(styles.text, st?.wrap && styles.wrapped)}
                  style={{
                    width: span - 8,
                    textAlign: align,
                    ...(st?.wrap ? { height: h - 1 } : tall ? { top: h - ROW_HEIGHT } : {}),
                    ...(span > w ? { textOverflow: 'clip' } : {}),
                  }}
                >
                  {text}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
    );
  };

  const sheetId = sheet;
  void version; // the host is read during render; version only makes React render again
  return (
    <div className={styles.frame}>
      <div
        ref={scroller}
        role="grid"
        aria-label={`Sheet ${sheet}`}
        aria-rowcount={rowCount + 1}
        aria-colcount={colCount + 1}
        aria-activedescendant={editing ? undefined : cellId(selected)}
        aria-readonly={false}
        tabIndex={0}
        className={styles.scroller}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          setScrollTop(e.currentTarget.scrollTop);
          setScrollLeft(e.currentTarget.scrollLeft);
        }}
        onFocus={(e) => {
          if (e.target !== e.currentTarget) return;
          let visible = true;
          try {
            visible = e.currentTarget.matches(':focus-visible');
          } catch {
            // no :focus-visible support: show the ring
          }
          setRing(visible);
        }}
        onBlur={(e) => {
          if (e.target === e.currentTarget) setRing(false);
        }}
        data-sheet={sheetId}
        data-frozen={frozenRows || frozenCols ? `${frozenRows},${frozenCols}` : undefined}
      >
        <div role="rowgroup" className={styles.headerRow} style={{ width: totalWidth }}>
          <div role="row" aria-rowindex={1} style={{ display: 'flex' }}>
            <div role="columnheader" aria-colindex={1} className={mergeClasses(styles.head, styles.corner)} style={{ width: ROW_HEADER_WIDTH }}>
              <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>Row</span>
            </div>
            {cols.map((c) => (
              <div
                key={c}
                role="columnheader"
                aria-colindex={c + 2}
                className={mergeClasses(styles.head, c < frozenCols && styles.frozenCol, c === frozenCols - 1 && styles.frozenEdge, c === selected.col && styles.headActive)}
                style={{ width: widths[c], ...(c < frozenCols ? { left: lefts[c], zIndex: 3 } : {}) }}
              >
                {colLetter(c)}
              </div>
            ))}
          </div>
        </div>
        {frozenRows > 0 && (
          <div role="rowgroup" aria-label="Frozen rows" className={styles.frozen} style={{ height: frozenHeight, width: totalWidth }}>
            {topRows.map((r) => drawRow(r, rows.top(r)))}
          </div>
        )}
        <div role="rowgroup" className={styles.body} style={{ height: rows.total - frozenHeight, width: totalWidth }}>
          {bodyRows.map((r) => drawRow(r, rows.top(r) - frozenHeight))}
        </div>
      </div>
      {ring && <div aria-hidden="true" className={styles.ring} />}
    </div>
  );
}
