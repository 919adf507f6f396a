// Canonical records as SQL: the expressions that read raw text the way the JavaScript import does
// (src/sources/files). Text is taken natively only in a strict "simple form" that the JavaScript import provably
// reads to the same values (no surrounding whitespace, plain numerals, ISO timestamps with a valid date); each typed
// value is NULL when its text is not in that form, and a file with any such row is read by the JavaScript import
// instead (engine.ts), so every rejected row keeps its exact file, line, column and message.
import { MAX_TOKENS, MAX_USD, MAX_YEAR, MIN_YEAR } from '../../core/model/ranges';
import type { Dialect } from '../dialect';

export const USAGE_TEXT_COLUMNS = [
  'event_id', 'timestamp', 'agent_id', 'work_item_id', 'provider', 'model', 'kind', 'input_tokens', 'cached_input_tokens',
  'cache_write_tokens', 'output_tokens', 'units', 'status', 'batch', 'cost_usd', 'service_tier', 'context_tier', 'cache_write_1h_tokens',
  'audio_input_tokens', 'cached_audio_input_tokens', 'image_input_tokens', 'cached_image_input_tokens', 'audio_output_tokens',
  'image_output_tokens', 'reasoning_tokens', 'web_search_requests',
] as const;
export const WORK_ITEM_TEXT_COLUMNS = ['work_item_id', 'agent_id', 'business_unit', 'type', 'opened_at', 'closed_at', 'outcome'] as const;
export const REVIEW_TEXT_COLUMNS = ['work_item_id', 'reviewer_role', 'minutes', 'result', 'reviewed_at'] as const;

/** Token columns of a usage event in the typed relation (short names), in the order of USAGE_TEXT_COLUMNS. */
export const TOKENS = [
  ['it', 'input_tokens'], ['ci', 'cached_input_tokens'], ['cw', 'cache_write_tokens'], ['ot', 'output_tokens'],
  ['w1h', 'cache_write_1h_tokens'], ['ai', 'audio_input_tokens'], ['cai', 'cached_audio_input_tokens'], ['ii', 'image_input_tokens'],
  ['cii', 'cached_image_input_tokens'], ['ao', 'audio_output_tokens'], ['io', 'image_output_tokens'], ['rt', 'reasoning_tokens'],
  ['ws', 'web_search_requests'],
] as const;
export type TokenKey = (typeof TOKENS)[number][0];

/**
 * Code points String.prototype.trim removes (ECMA-262 WhiteSpace and LineTerminator): text starting or ending with one
 * is not in the simple form (the JavaScript import would trim it).
 */
export const JS_WHITESPACE = [9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279];

/** The text itself when it has no whitespace at either end (the JavaScript import's trim leaves it as it is), else NULL. */
export const text = (d: Dialect, x: string) => `CASE WHEN ${untrimmed(d, x)} THEN ${x} END`;

const WS_CLASS = `[${JS_WHITESPACE.map((c) => `\\x{${c.toString(16).toUpperCase()}}`).join('')}]`;

/** The text has no whitespace at either end (one small pattern: cheaper per row than decoding its characters), no
 * carriage return anywhere (the JavaScript import reads a file by lines, so a quoted cell's \r\n comes back as \n), and is
 * valid UTF-8 (Dialect.validText). */
export const untrimmed = (d: Dialect, x: string) => `(${d.validText(x)} AND NOT ${d.matches(x, `^${WS_CLASS}|${WS_CLASS}$|\\x{D}`)})`;

// A simple ISO timestamp, which the JavaScript import accepts too (isIsoTimestamp, core/model/ranges.ts): a calendar
// date that exists (30 February and 29 February 2100 do not) in a year from 2000 to 2100, a time below 24:00:00 with an
// optional fraction, and Z or an offset of at most ±14:59. The calendar is in the pattern itself rather than a cast to
// a date: ClickHouse's toDate rolls 2026-02-30 over to March. The usual form (20 characters, Z) is tested first.
if (MIN_YEAR !== 2000 || MAX_YEAR !== 2100) throw new Error('canonical.ts: the date pattern spells out the years 2000–2100');
const MONTH_DAY = '((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)';
const DATE = `((20[0-9]{2}|2100)-${MONTH_DAY}|20([02468][048]|[13579][26])-02-29)`;
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]';
const TS_Z = `${DATE}T${TIME}Z`;
const TS_ANY = `${DATE}(T${TIME}(\\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?)?`;

/** The timestamp when it is in the simple form ('' when empty and `allowEmpty`), else NULL. */
export function timestamp(d: Dialect, ts: string, allowEmpty: boolean): string {
  return `CASE WHEN ${ts} = '' THEN ${allowEmpty ? "''" : 'NULL'}
    WHEN ${d.length(ts)} = 20 AND ${d.fullMatch(ts, TS_Z)} THEN ${ts}
    WHEN ${d.fullMatch(ts, TS_ANY)} THEN ${ts} END`;
}

/** True when the simple timestamp names its UTC month and day by its text (ends in Z or has no offset). */
export function utcText(d: Dialect, ts: string): string {
  return `(${d.length(ts)} <= 20 OR substr(${ts}, ${d.length(ts)}, 1) = 'Z' OR NOT ${d.oneOf(`substr(${ts}, ${d.length(ts)} - 5, 1)`, ['+', '-'])})`;
}

/** The UTC month of a simple timestamp, as `periodOf` (core/ledger/period.ts) gives it. */
export function periodExpr(d: Dialect, ts: string): string {
  // ±00:00 is read by its text too (periodOf), which is also its UTC month
  // 20 characters is the usual form, …SSZ (no other simple form has that length): tested first, it halves the cost
  return `CASE WHEN ${d.length(ts)} = 20 OR ${utcText(d, ts)} OR substr(${ts}, ${d.length(ts)} - 4, 5) = '00:00' THEN substr(${ts}, 1, 7) ELSE ${d.utcMonth(ts)} END`;
}

/** The UTC day of a simple timestamp (the price book's day). */
export function dayExpr(d: Dialect, ts: string): string {
  return `CASE WHEN ${d.length(ts)} = 20 OR ${utcText(d, ts)} OR substr(${ts}, ${d.length(ts)} - 4, 5) = '00:00' THEN substr(${ts}, 1, 10) ELSE ${d.utcDay(ts)} END`;
}

/** A whole number from 0 to MAX_TOKENS ('' = 0), else NULL (digits only: Number() and the database agree on them). */
export const tokens = (d: Dialect, x: string) =>
  `CASE WHEN ${x} = '' OR ${x} = '0' THEN 0 WHEN ${d.fullMatch(x, '[0-9]{1,16}')} AND ${d.tryDouble(x)} <= ${MAX_TOKENS} THEN ${d.tryDouble(x)} END`;

const MONEY = '[0-9]{1,15}(\\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?';

/**
 * A plain decimal from 0 to `max` ('' = `empty`), else NULL; JavaScript's Number() and the database read it to the same
 * double. `max` is the import's range for the column (MAX_USD, MAX_UNITS, MAX_REVIEW_MINUTES): past it the import
 * rejects the row, so the database must not read it (an exponent of 1e999 is NULL or infinity there: not ≤ max either).
 */
export const money = (d: Dialect, x: string, empty: string, max: number = MAX_USD) =>
  `CASE WHEN ${x} = '' THEN ${empty} WHEN ${d.fullMatch(x, MONEY)} AND ${d.tryDouble(x)} <= ${max} THEN ${d.tryDouble(x)} END`;
