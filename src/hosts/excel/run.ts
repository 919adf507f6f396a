// How every Office.js batch of the add-in runs, and how its errors are read.
//
// - delayForCellEdit: by default a batch fails while the user is editing a cell (Excel.RunOptions; docs "Delay
//   execution while cell is being edited"). Every batch of ours asks Excel to wait for the edit to end instead: a
//   Refresh, a ledger load behind the AILABOR functions, a recalculation request.
// - Error codes: Office.js puts the reason in `error.code` (OfficeExtension.ErrorCodes / Excel.ErrorCodes); the
//   `message` is localized and "isn't intended for consumption" (docs "Error handling with the application-specific
//   JavaScript APIs"). Never match the message text.
// - Sizes: Excel on the web refuses a request or a response over 5 MB (docs "Resource limits and performance
//   optimization", "Payload size limit best practices"); payloads are JSON in UTF-8, so sizes are counted in bytes.

export type Run = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

/** Excel.run with { delayForCellEdit: true }: a batch waits while the user edits a cell instead of failing. */
export const excelRun: Run = (batch) => Excel.run({ delayForCellEdit: true }, batch);

/** The Office.js error code of an error (`error.code`), or '' when it has none. */
export function officeErrorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Excel refused the request or the response as too large (Excel on the web, 5 MB): retry the work in smaller pieces. */
export function isPayloadTooLarge(e: unknown): boolean {
  const c = officeErrorCode(e);
  return c === 'RequestPayloadSizeLimitExceeded' || c === 'ResponsePayloadSizeLimitExceeded';
}

/** Failures that say nothing about the workbook's content: worth trying again a little later. */
const TRANSIENT = new Set(['InvalidOperationInCellEditMode', 'ActivityLimitReached', 'GeneralException', 'RequestAborted', 'ServiceNotAvailable', 'Conflict', 'InactiveWorkbook']);
export function isTransientOfficeError(e: unknown): boolean {
  return TRANSIENT.has(officeErrorCode(e));
}

/** A short description for messages: the code (stable) and Excel's localized message (for the reader). */
export function describeOfficeError(e: unknown): string {
  const code = officeErrorCode(e);
  const msg = e instanceof Error ? e.message : String((e as { message?: unknown } | null)?.message ?? e);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/** UTF-8 length of a string, without allocating (TextEncoder would copy it). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4; // a surrogate pair: one 4-byte code point
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bytes a value takes in a JSON request body (UTF-8): what Excel on the web counts against its 5 MB. */
export function jsonBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') {
    // JSON escapes " \ and control characters (2–6 bytes each); everything else goes as UTF-8.
    let extra = 2;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c === 0x22 || c === 0x5c) extra += 1;
      else if (c < 0x20) extra += 5;
    }
    return utf8Length(v) + extra;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).length;
  return utf8Length(JSON.stringify(v));
}
