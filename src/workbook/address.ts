// A1 addresses: column letters, parsing and ranges. Hand-written because each host library has its own
// (ExcelJS, HyperFormula) and the spec, the builders and the planner must agree without importing a host.

export function colLetter(col: number): string {
  // col is 0-based: 0 → A, 25 → Z, 26 → AA
  let n = col + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** 0-based row and column of "B7" (or "$B$7"). */
export function parseA1(ref: string): { row: number; col: number } {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref.trim());
  if (!m) throw new Error(`not a cell address: "${ref}"`);
  return { row: Number(m[2]) - 1, col: colIndex(m[1]) };
}

/** "B7" from 0-based row and column. */
export const a1 = (row: number, col: number): string => `${colLetter(col)}${row + 1}`;
/** "$B$7" */
export const abs = (row: number, col: number): string => `$${colLetter(col)}$${row + 1}`;

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function parseRange(ref: string): Rect {
  const [p, q] = ref.split(':');
  const s = parseA1(p);
  const e = q ? parseA1(q) : s;
  return { top: Math.min(s.row, e.row), left: Math.min(s.col, e.col), bottom: Math.max(s.row, e.row), right: Math.max(s.col, e.col) };
}

export const rangeA1 = (r: Rect): string => (r.top === r.bottom && r.left === r.right ? a1(r.top, r.left) : `${a1(r.top, r.left)}:${a1(r.bottom, r.right)}`);

/** A sheet name as a formula prefix: `Ledger!` or `'Budget Drivers'!` (quotes doubled inside). */
export function sheetRef(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) ? `${name}!` : `'${name.replace(/'/g, "''")}'!`;
}

/** Excel sheet names: ≤ 31 characters, none of : \ / ? * [ ], not blank, not starting or ending with '. */
export function checkSheetName(name: string): void {
  if (!name || name.length > 31 || /[:\\/?*[\]]/.test(name) || /^'|'$/.test(name)) {
    throw new Error(`invalid sheet name "${name}": at most 31 characters, none of : \\ / ? * [ ]`);
  }
}
