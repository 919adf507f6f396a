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
