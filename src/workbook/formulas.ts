// Formula text helpers. Only functions that compute in Excel 2010+, LibreOffice 7 and HyperFormula:
// SUMIFS, COUNTIFS, INDEX/MATCH, IFERROR, ROUND, ISNUMBER, INT, MOD. No array arithmetic (HyperFormula refuses
// ranges inside SUMPRODUCT products), no RANK (HyperFormula lacks it: COUNTIFS does the ranking).

/** `SUMIFS(sum, c1, v1, c2, v2, ...)` */
export const sumifs = (sum: string, ...criteria: string[]) => `SUMIFS(${[sum, ...criteria].join(',')})`;
export const countifs = (...criteria: string[]) => `COUNTIFS(${criteria.join(',')})`;

/** 1 when a > b and both are numbers, else 0 (a blank or "" never compares: "" > 5 is TRUE in Excel). */
export const gt = (a: string, b: string) => `IF(ISNUMBER(${a}),IF(ISNUMBER(${b}),IF(${a}>${b},1,0),0),0)`;
export const lt = (a: string, b: string) => gt(b, a);

/** The value of `col` on the row where `keyCol` = key, or "" when absent or blank. */
export const lookup = (key: string, keyCol: string, col: string) =>
  `IFERROR(IF(ISNUMBER(INDEX(${col},MATCH(${key},${keyCol},0))),INDEX(${col},MATCH(${key},${keyCol},0)),""),"")`;
export const lookupText = (key: string, keyCol: string, col: string) => `IFERROR(INDEX(${col},MATCH(${key},${keyCol},0))&"","")`;

/** a / b, or "" when b is not a positive number */
export const ratio = (a: string, b: string) => `IF(ISNUMBER(${b}),IF(${b}>0,${a}/${b},""),"")`;

/** A string literal inside a formula. */
export const str = (s: string) => `"${s.replace(/"/g, '""')}"`;
