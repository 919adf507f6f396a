// The few SQL idioms that differ between DuckDB and ClickHouse. Everything else the engine writes is the subset both
// accept (CTEs, CASE, window functions, || concatenation, double-quoted identifiers).

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** a string literal */
  str(s: string): string;
  /** expr is one of the literal strings (DuckDB plans a long IN list as a join: equalities are cheaper per row) */
  oneOf(expr: string, values: readonly string[]): string;
  /** a double literal that reads back as exactly this double */
  num(x: number): string;
  /** a quoted identifier */
  id(name: string): string;
  /** a scratch table from a SELECT (temporary: gone with the connection) */
  createTable(name: string, select: string): string;
  dropTable(name: string): string;
  /** text → double, NULL when it is not a number */
  tryDouble(expr: string): string;
  /** any number → double */
  double(expr: string): string;
  /** any integer-valued number → signed 64-bit integer */
  int(expr: string): string;
  /** text → signed 64-bit integer, NULL when it is not one */
  tryInt(expr: string): string;
  /** count of rows where `cond` holds, as a signed integer */
  countIf(cond: string): string;
  /** RE2 full match of text against a pattern (no anchors in the pattern) */
  fullMatch(expr: string, pattern: string): string;
  /** RE2 search: the pattern occurs in the text */
  matches(expr: string, pattern: string): string;
  /** the first `n` distinct values of a text column in byte order, joined with ', ' (an aggregate) */
  firstSorted(expr: string, n: number): string;
  /**
   * text that the JavaScript import reads as it is: DuckDB's text is always valid UTF-8 (its readers refuse other
   * bytes), ClickHouse's String is bytes, and the import decodes every invalid sequence to U+FFFD (so two different
   * invalid ids would be one id there and two in the database)
   */
  validText(expr: string): string;
  /** any value as text (NULL stays NULL) */
  text(expr: string): string;
  /** NULL as text */
  nullText: string;
  /** number of characters (code points) */
  length(expr: string): string;
  /** the UTC month (YYYY-MM) and day (YYYY-MM-DD) and epoch milliseconds of an ISO timestamp with an offset */
  utcMonth(ts: string): string;
  utcDay(ts: string): string;
  epochMs(ts: string): string;
  /** any value of a column within a group */
  anyValue(expr: string): string;
  /** a 64-bit hash of several values (for content comparisons) */
  hash(exprs: string[]): string;
  /** SELECT … FROM a list of literal rows: (values) AS t(col, …) */
  values(rows: string[][], columns: string[]): string;
  /** a compensated (Kahan) sum of doubles: the conservation checks compare sums of millions of amounts at the micro-dollar */
  fsum(expr: string): string;
  /** a plain sum of doubles in ascending order (an aggregate over few values): the same bits as core's Line.reviewMin */
  sortedSum(expr: string): string;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  str: sqlString,
  oneOf: (e, vs) => `(${vs.map((v) => `${e} = ${sqlString(v)}`).join(' OR ')})`,
  num: (x) => `CAST('${String(x)}' AS DOUBLE)`,
  id: (n) => `"${n.replace(/"/g, '""')}"`,
  createTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`,
  dropTable: (name) => `DROP TABLE IF EXISTS ${name}`,
  tryDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  int: (e) => `CAST(${e} AS BIGINT)`,
  tryInt: (e) => `TRY_CAST(${e} AS BIGINT)`,
  countIf: (c) => `CAST(count_if(${c}) AS BIGINT)`,
  fullMatch: (e, p) => `regexp_full_match(${e}, ${sqlString(p)})`,
  matches: (e, p) => `regexp_matches(${e}, ${sqlString(p)})`,
  firstSorted: (e, n) => `array_to_string(list_slice(list_sort(list_distinct(list(${e}))), 1, ${n}), ', ')`,
  validText: () => 'TRUE',
  text: (e) => `CAST(${e} AS VARCHAR)`,
  nullText: 'CAST(NULL AS VARCHAR)',
  length: (e) => `length(${e})`,
  utcMonth: (ts) => `strftime(TRY_CAST(${ts} AS TIMESTAMPTZ), '%Y-%m')`,
  utcDay: (ts) => `strftime(TRY_CAST(${ts} AS TIMESTAMPTZ), '%Y-%m-%d')`,
  epochMs: (ts) => `epoch_ms(TRY_CAST(${ts} AS TIMESTAMPTZ))`,
  anyValue: (e) => `any_value(${e})`,
  hash: (es) => `hash(${es.join(', ')})`,
  values: (rows, cols) => `(VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS t(${cols.join(', ')})`,
  fsum: (e) => `fsum(${e})`,
  sortedSum: (e) => `list_reduce(list_sort(list(${e})), lambda a, b: a + b)`,
};

// ClickHouse: string literals take backslash escapes; scratch tables are session-scoped temporary Memory tables.
const chString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  str: chString,
  oneOf: (e, vs) => `${e} IN (${vs.map(chString).join(', ')})`,
  num: (x) => `toFloat64('${String(x)}')`,
  id: (n) => `\`${n.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``,
  createTable: (name, select) => `CREATE TEMPORARY TABLE ${name} ENGINE = Memory AS ${select}`,
  dropTable: (name) => `DROP TEMPORARY TABLE IF EXISTS ${name}`,
  tryDouble: (e) => `toFloat64OrNull(${e})`,
  double: (e) => `toFloat64(${e})`,
  int: (e) => `toInt64(${e})`,
  tryInt: (e) => `toInt64OrNull(${e})`,
  countIf: (c) => `toInt64(countIf(${c}))`,
  fullMatch: (e, p) => `match(${e}, ${chString(`^(?:${p})$`)})`,
  matches: (e, p) => `match(${e}, ${chString(p)})`,
  firstSorted: (e, n) => `arrayStringConcat(arraySlice(arraySort(groupUniqArray(${e})), 1, ${n}), ', ')`,
  validText: (e) => `isValidUTF8(${e})`,
  text: (e) => `toString(${e})`,
  nullText: 'CAST(NULL AS Nullable(String))',
  length: (e) => `lengthUTF8(${e})`,
  utcMonth: (ts) => `formatDateTime(parseDateTime64BestEffortOrNull(${ts}, 3, 'UTC'), '%Y-%m', 'UTC')`,
  utcDay: (ts) => `formatDateTime(parseDateTime64BestEffortOrNull(${ts}, 3, 'UTC'), '%Y-%m-%d', 'UTC')`,
  epochMs: (ts) => `toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(${ts}, 3, 'UTC'))`,
  anyValue: (e) => `any(${e})`,
  hash: (es) => `cityHash64(${es.join(', ')})`,
  values: (rows, cols) =>
    `(SELECT ${cols.map((c, i) => `tupleElement(x, ${i + 1}) AS ${c}`).join(', ')} FROM (SELECT arrayJoin([${rows.map((r) => `tuple(${r.join(', ')})`).join(', ')}]) AS x)) AS t`,
  fsum: (e) => `sumKahan(toFloat64(${e}))`,
  sortedSum: (e) => `arrayFold((acc, v) -> acc + v, arraySort(groupArray(toFloat64(${e}))), toFloat64(0))`,
};
