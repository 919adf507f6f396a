// UTC days (YYYY-MM-DD) as the ledger dates months: a timestamp ending in Z, with +00:00 or with no offset is dated
// by its text; any other offset is converted. So a day's first 7 characters are always the ledger period of the
// same timestamp (periodOf in ../ledger/builder.ts), and a month of days adds up to the month.

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of an ISO timestamp (one function with the ledger's, which dates its months the same way). */
export { dayOf } from '../ledger/period';

export const isDay = (s: string) => /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const msDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => msDay(dayMs(day) + n * DAY_MS);
/** Whole days from `a` to `b` (b − a). */
export const daysBetween = (a: string, b: string) => Math.round((dayMs(b) - dayMs(a)) / DAY_MS);
/** 0 = Sunday … 6 = Saturday */
export const weekday = (day: string) => new Date(dayMs(day)).getUTCDay();
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Every day from `first` to `last`, both included. */
export function dayRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let ms = dayMs(first), end = dayMs(last); ms <= end; ms += DAY_MS) out.push(msDay(ms));
  return out;
}

/** First and last day of a period YYYY-MM. */
export function periodDays(period: string): { first: string; last: string } {
  const [y, m] = period.split('-').map(Number);
  return { first: `${period}-01`, last: msDay(Date.UTC(y, m, 0)) };
}
