// Formula text helpers. Only functions that compute in Excel 2010+, LibreOffice 7 and HyperFormula:
// SUMIFS, COUNTIFS, INDEX/MATCH, IFERROR, ROUND, ISNUMBER, INT, MOD, EXACT, SUBSTITUTE, SIGN. No array arithmetic
// (HyperFormula refuses ranges inside SUMPRODUCT products), no RANK (HyperFormula lacks it: COUNTIFS does the ranking).
//
// Text keys never reach a criterion (RULES.md "Keys"): SUMIFS/COUNTIFS match the numeric key columns of the data
// sheets (keys.ts), and a lookup into an input sheet the user edits goes through `exactIndex`, which only ever
// accepts a row whose text EXACT-ly equals the key.

/** `SUMIFS(sum, c1, v1, c2, v2, ...)` */
export const sumifs = (sum: string, ...criteria: string[]) => `SUMIFS(${[sum, ...criteria].join(',')})`;
export const countifs = (...criteria: string[]) => `COUNTIFS(${criteria.join(',')})`;

/** 1 when a > b and both are numbers, else 0 (a blank or "" never compares: "" > 5 is TRUE in Excel). */
export const gt = (a: string, b: string) => `IF(ISNUMBER(${a}),IF(ISNUMBER(${b}),IF(${a}>${b},1,0),0),0)`;
export const lt = (a: string, b: string) => gt(b, a);

/** a / b, or "" when b is not a positive number */
export const ratio = (a: string, b: string) => `IF(ISNUMBER(${b}),IF(${b}>0,${a}/${b},""),"")`;

/**
 * `x` at displayed precision, as `roundShown` in core/ledger/rounding.ts computes it: a 1e-9 nudge away from zero
 * before ROUND, because Excel and LibreOffice round the decimal text (2.675 → 2.68) and HyperFormula the double
 * (2.67). `x` must be a cell reference or a short expression (it appears twice).
 */
export const roundShown = (x: string, digits: number) => `ROUND(${x}+SIGN(${x})*0.000000001,${digits})`;

/** A cell's number rounded as displayed, or "" when it holds no number (ROUND("") is #VALUE!). */
export const shownOrBlank = (cell: string, digits: number) => `IF(ISNUMBER(${cell}),ROUND(${cell},${digits}),"")`;

/** The period key (yyyymm, keys.ts) of a period cell: text YYYY-MM, or a date Excel made of a typed 2026-10; else 0. */
export const periodKeyOf = (cell: string) =>
  `IF(ISNUMBER(${cell}),YEAR(${cell})*100+MONTH(${cell}),IFERROR(VALUE(LEFT(${cell},4))*100+VALUE(MID(${cell},6,2)),0))`;

/**
 * A string literal inside a formula. A double quote goes in as CHAR(34), not doubled (""): HyperFormula, the workbench's
 * engine, does not read "" inside a literal (#ERROR!), while Excel and LibreOffice read both.
 */
export const str = (s: string) => s.split('"').map((part) => `"${part}"`).join('&CHAR(34)&');

/** Excel's escape for wildcards in MATCH (LibreOffice reads them too; HyperFormula's MATCH is literal). */
const escapeWildcards = (cell: string) => `SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(${cell},"~","~~"),"*","~*"),"?","~?")`;

/**
 * The 1-based position in `range` of the first cell whose text is EXACT-ly the text of cell `key` (every character,
 * case included, any length), or 0. Tried in turn, each accepted only when EXACT confirms it:
 * 1. `hint`, the position found by exact comparison when the sheet was generated (the only way for keys over 255
 *    characters, Excel's MATCH limit, and for keys that differ from another only in case);
 * 2. MATCH with * ? ~ escaped (Excel, LibreOffice) — follows rows the user moved or sorted since;
 * 3. MATCH of the raw key (HyperFormula, whose MATCH takes no wildcards).
 * MATCH compares case-insensitively and stops at the first hit, so a step that lands on another spelling gives way
 * to the next; nothing found is 0, never another row.
 */
export function exactIndex(key: string, range: string, hint?: number): string {
  const fail = '1/0'; // an error, so IFERROR moves on to the next step
  const viaMatch = (needle: string) => `IF(EXACT(INDEX(${range},MATCH(${needle},${range},0)),${key}),MATCH(${needle},${range},0),${fail})`;
  const steps = [viaMatch(escapeWildcards(key)), viaMatch(key)];
  if (hint !== undefined && hint > 0) steps.unshift(`IF(EXACT(INDEX(${range},${hint}),${key}),${hint},${fail})`);
  return steps.reduceRight((rest, step) => `IFERROR(${step},${rest})`, '0');
}

/** The number in `col` at position `index` (a cell holding exactIndex's result), or "" when 0 or not a number. */
export const numberAt = (index: string, col: string) => `IF(${index}>0,IF(ISNUMBER(INDEX(${col},${index})),INDEX(${col},${index}),""),"")`;

/**
 * TRUE when the cell's text is exactly `text`. Long texts are compared in 200-character pieces (Excel refuses string
 * literals over 255 characters in a formula).
 */
export function exactText(ref: string, text: string): string {
  if (text.length <= 200) return `EXACT(${ref},${str(text)})`;
  const parts: string[] = [`LEN(${ref})=${text.length}`];
  for (let i = 0; i < text.length; i += 200) parts.push(`EXACT(MID(${ref},${i + 1},200),${str(text.slice(i, i + 200))})`);
  return `AND(${parts.join(',')})`;
}
