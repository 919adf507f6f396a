// Periods are UTC months (RULES.md "Components and periods").

/** True when the timestamp's first 7 characters are its UTC month: it ends in Z or carries no UTC offset (read as UTC). */
export function monthIsUtc(ts: string): boolean {
  if (ts.charCodeAt(ts.length - 1) === 90 /* Z */) return true;
  for (let i = 11; i < ts.length; i++) {
    const c = ts.charCodeAt(i);
    if (c === 43 /* + */ || c === 45 /* - */) return false;
  }
  return true;
}

/** The UTC month (YYYY-MM) of an ISO timestamp; offsets other than +00:00 are converted. */
export function periodOf(ts: string): string {
  if (!monthIsUtc(ts) && !/[+-]00:?00$/.test(ts)) return new Date(ts).toISOString().slice(0, 7);
  return ts.slice(0, 7);
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp, dated as periodOf dates its month: its first 7 characters are that month. */
export function dayOf(ts: string): string {
  if (!monthIsUtc(ts) && !/[+-]00:?00$/.test(ts)) return new Date(ts).toISOString().slice(0, 10);
  return ts.slice(0, 10);
}
