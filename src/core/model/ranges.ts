// The documented range of every number and date a record may hold (DESIGN.md §3; SECURITY.md). A value outside it is
// a corrupted or hostile input, rejected by line and column like any other bad value, so the arithmetic downstream
// (cents as integers, largest-remainder rounding, sums over a million events) always stays finite and exact.

/** Money (USD, either sign): ±1e12. Cents of it (1e14) and sums of many of them stay exact integers in a double. */
export const MAX_USD = 1e12;
/**
 * Tokens of one usage event. One request holds at most ~1e7 tokens today (the largest context windows); provider
 * usage reports give one line per day, project and model, which adds up many requests, so an event may hold 1e11
 * (10,000 times the largest request). Anything above is a corrupted count.
 */
export const MAX_TOKENS = 1e11;
/** Units of a vector search or tool event (calls, queries): the same bound as tokens. */
export const MAX_UNITS = 1e11;
/** Minutes of one human review: one year (525,600 minutes). */
export const MAX_REVIEW_MINUTES = 525_600;
/** Calendar years a date may have. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

export const USD_RANGE_MESSAGE = `expected an amount between -${MAX_USD.toExponential()} and ${MAX_USD.toExponential()} USD`;

/**
 * A number written in decimal notation: digits with an optional sign, point and exponent ("12", "-0.5", "1.5E+3").
 * `Number()` alone also reads hex ("0x1F" → 31), octal, binary and "Infinity": none of those is a figure a log or a
 * sheet means.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Text → number when it is decimal notation; NaN otherwise (the caller says what was expected). */
export function decimalNumber(s: string): number {
  const t = s.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A calendar day that exists, in the years we accept (30 February and year 0000 do not). */
export function validDay(y: number, m: number, d: number): boolean {
  if (!(y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1)) return false;
  return d <= (m === 2 && leap(y) ? 29 : DAYS[m - 1]);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * ISO 8601 date or timestamp (`2026-10-03`, `2026-10-03T14:05`, `2026-10-03T14:05:00.123Z`, `… +02:00`) whose
 * date exists, year 2000–2100, hours < 24, minutes and seconds < 60, offset within ±14:00.
 */
export function isIsoTimestamp(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  if (!validDay(+m[1], +m[2], +m[3])) return false;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59))) return false;
  if (m[8] !== undefined && (+m[8] > 14 || +m[9] > 59)) return false;
  return true;
}

/**
 * The instant of an ISO timestamp, in milliseconds. A date and time without an offset is UTC, as its month and day are
 * (RULES.md: months are UTC) — `Date.parse` alone reads it in the machine's time zone, so the same files priced a
 * time-of-day price change differently in New York and in London.
 */
export function utcMs(ts: string): number {
  return Date.parse(/[T ]\d{2}:\d{2}(:\d{2}(\.\d*)?)?$/.test(ts) ? `${ts}Z` : ts);
}

/** YYYY-MM with a month 01–12 and a year 2000–2100. */
export function isPeriod(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return !!m && validDay(+m[1], +m[2], 1);
}
