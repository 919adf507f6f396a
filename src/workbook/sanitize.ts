// Untrusted text (ticket titles, model names, reasons quoting a bad value) must stay text in every host.
// The spec already separates values from formulas (`f`); these functions make sure each host's own parsing
// cannot turn a string value back into a formula, number or date.

/** Excel's cell text limit. */
export const MAX_CELL_TEXT = 32767;

// XML 1.0 forbids these; ExcelJS would write them verbatim and produce a file Excel refuses to open.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text as it may be stored in any cell: no XML-invalid control characters, at most 32,767 characters. */
export function cleanText(s: string): string {
  let t = s.replace(XML_INVALID, '\uFFFD');
  if (t.length > MAX_CELL_TEXT) t = t.slice(0, MAX_CELL_TEXT - 1) + '…';
  return t;
}

/**
 * True when Excel (Range.values) or LibreOffice would read this string as something other than itself if typed:
 * a formula (= + - @), a number, a percentage, a date or time, a boolean. Such strings need the text number
 * format ("@") before they are written through Office.js.
 */
export function wouldBeParsed(s: string): boolean {
  const t = s.trim();
  if (t === '') return false;
  if (/^[=+\-@]/.test(t)) return true;
  if (/^(true|false)$/i.test(t)) return true;
  if (/^[($]*[-+]?[$€£]?\s*[\d.,]+\s*%?\)?$/.test(t) && /\d/.test(t)) return true;
  if (/^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?([ T]\d{1,2}:\d{2}.*)?$/.test(t)) return true;
  if (/^\d{1,2}:\d{2}/.test(t)) return true;
  if (/^\d{1,2}[- ]?[A-Za-z]{3,9}([- ]?\d{2,4})?$/.test(t) || /^[A-Za-z]{3,9}[- ]\d{1,4}([- ,]+\d{2,4})?$/.test(t)) return true;
  return false;
}

/**
 * HyperFormula parses raw string content (formulas, numbers, dates); a leading apostrophe makes it a literal
 * string and is dropped from the value, so prefixing every string keeps it byte for byte.
 */
export function hyperFormulaText(s: string): string {
  return `'${cleanText(s)}`;
}
