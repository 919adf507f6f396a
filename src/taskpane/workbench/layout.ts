// Where the grid draws each row and column: widths and heights from the sheet spec (hidden ones take no room),
// in pixels. Rows are windowed, so their layout answers "where is row r" and "which row is at y" without a loop
// over 50,000 rows: the default height times r, corrected by the few rows that differ.
import type { SheetSpec } from '../../workbook/spec';

/** The default row height in pixels (Excel's 15 pt row at the workbench's size). */
export const ROW_HEIGHT = 24;
/** Pixels per point of a spec's row height (15 pt ↔ ROW_HEIGHT). */
export const PX_PER_PT = ROW_HEIGHT / 15;

/** Column width in px from the spec's width in characters (Excel's default is about 8.43 characters); 0 when hidden. */
export function columnWidth(spec: SheetSpec | undefined, col: number): number {
  const c = spec?.columns?.[col];
  if (c?.hidden) return 0;
  const w = c?.width;
  return w === undefined ? 80 : Math.max(36, Math.round(w * 7 + 10));
}

export class RowLayout {
  /** rows whose height differs from ROW_HEIGHT, ascending, with the running sum of the differences up to each */
  private idx: number[] = [];
  private h: number[] = [];
  private before: number[] = [];
  readonly total: number;

  constructor(
    readonly count: number,
    spec: SheetSpec | undefined,
  ) {
    const custom = new Map<number, number>();
    for (const r of spec?.rows ?? []) {
      if (r.index >= count) continue;
      const px = r.hidden ? 0 : r.height !== undefined ? Math.round(r.height * PX_PER_PT) : ROW_HEIGHT;
      if (px !== ROW_HEIGHT) custom.set(r.index, px);
    }
    let acc = 0;
    for (const [i, px] of [...custom].sort((a, b) => a[0] - b[0])) {
      this.idx.push(i);
      this.h.push(px);
      this.before.push(acc);
      acc += px - ROW_HEIGHT;
    }
    this.total = count * ROW_HEIGHT + acc;
  }

  /** index into idx of the last custom row < r, or -1 */
  private lastBelow(r: number): number {
    let lo = 0;
    let hi = this.idx.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.idx[mid] < r) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  height(r: number): number {
    const k = this.lastBelow(r + 1);
    return k >= 0 && this.idx[k] === r ? this.h[k] : ROW_HEIGHT;
  }

  hidden(r: number): boolean {
    return this.height(r) === 0;
  }

  top(r: number): number {
    const k = this.lastBelow(r);
    return r * ROW_HEIGHT + (k >= 0 ? this.before[k] + this.h[k] - ROW_HEIGHT : 0);
  }

  /** The row drawn at y (clamped to the sheet). */
  rowAt(y: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.top(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }
}
