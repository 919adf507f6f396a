// Text as every reader and store of the ledger holds it.

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The text with each lone UTF-16 surrogate replaced by U+FFFD, as a UTF-8 encoder writes it
 * (String.prototype.toWellFormed, written out: the task pane's older webviews lack it). A JSON `\ud800` escape is the one
 * way a file gives such text (a UTF-8 reader already turns bytes it cannot decode into U+FFFD); DuckDB stores it as
 * U+FFFD and ClickHouse refuses it, so the import reads it as U+FFFD too and every engine holds the same strings.
 */
export function wellFormed(s: string): string {
  if (!SURROGATE.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? '\uFFFD' : s[i];
  }
  return out;
}

/**
 * Compares two strings in Unicode code point order, the order of their UTF-8 bytes (DuckDB's and ClickHouse's ORDER BY
 * on text). JavaScript's `<` compares UTF-16 units, which puts U+10000 and above (surrogate pairs) before U+E000–U+FFFF.
 */
export function codePointCmp(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // the fix-up of Unicode's "UTF-16 in code point order": surrogates (D800–DFFF) move above E000–FFFF
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
