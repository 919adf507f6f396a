// AILABOR.* custom functions: one-line wrappers over src/core (DESIGN.md §6). The JSDoc below is
// what custom-functions-metadata turns into functions.json and what Excel shows in autocomplete.
import { PriceBook, TOKEN_TYPES, type TokenType } from '../core/pricing';
import type { PriceOverride } from '../core/model/records';

let priceBook = new PriceBook();

/** Replace the price book (the task pane calls this after reading the workbook's Prices sheet). */
export function setPriceOverrides(rows: PriceOverride[]): void {
  priceBook = new PriceBook(rows);
}

/** An error Excel shows as #VALUE! / #N/A with our message; outside Excel (tests, HyperFormula) a plain Error with `code`. */
export class FunctionError extends Error {
  constructor(
    readonly code: 'invalidValue' | 'notAvailable',
    message: string,
  ) {
    super(message);
  }
}

function fail(code: 'invalidValue' | 'notAvailable', message: string): never {
  const CF = (globalThis as { CustomFunctions?: typeof CustomFunctions }).CustomFunctions;
  if (CF?.Error) throw new CF.Error(CF.ErrorCode[code], message);
  throw new FunctionError(code, message);
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel serial date or ISO string → ISO date; empty → today. */
export function toIsoDate(date: unknown, param = 'date'): string | undefined {
  if (date === undefined || date === null || date === '') return undefined;
  if (typeof date === 'number') {
    if (!Number.isFinite(date) || date < 1 || date > 2958465) fail('invalidValue', `${param}: expected an Excel date or an ISO date such as 2026-10-01, got ${date}`);
    return new Date(EXCEL_EPOCH_MS + Math.round(date * 86400000)).toISOString();
  }
  const s = String(date).trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(Date.parse(s))) {
    fail('invalidValue', `${param}: expected an Excel date or an ISO date such as 2026-10-01, got "${s}"`);
  }
  return s;
}

function tokenArg(v: unknown, name: string): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) fail('invalidValue', `${name}: expected a number of tokens ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Cost in USD of one request's tokens, at the price book's price for that date.
 * @customfunction
 * @param model Model or deployment name, e.g. "gpt-4o".
 * @param input_tokens All input tokens, cached included.
 * @param output_tokens Output tokens.
 * @param [cached_input_tokens] Input tokens read from the prompt cache (part of input_tokens).
 * @param [cache_write_tokens] Input tokens written to the prompt cache (part of input_tokens).
 * @param [date] Price date: an Excel date or ISO date (default today).
 * @param [provider] Provider, e.g. "openai", "anthropic", "aws".
 * @param [batch] TRUE for batch API requests (batch multiplier applies).
 * @returns Cost in USD.
 */
export function tokenCost(
  model: string,
  input_tokens: number,
  output_tokens: number,
  cached_input_tokens?: number,
  cache_write_tokens?: number,
  date?: string,
  provider?: string,
  batch?: boolean,
): number {
  const usage = {
    input_tokens: tokenArg(input_tokens, 'input_tokens'),
    output_tokens: tokenArg(output_tokens, 'output_tokens'),
    cached_input_tokens: tokenArg(cached_input_tokens, 'cached_input_tokens'),
    cache_write_tokens: tokenArg(cache_write_tokens, 'cache_write_tokens'),
  };
  if (usage.cached_input_tokens + usage.cache_write_tokens > usage.input_tokens) {
    fail('invalidValue', `cached_input_tokens + cache_write_tokens (${usage.cached_input_tokens + usage.cache_write_tokens}) cannot exceed input_tokens (${usage.input_tokens}): input counts every input token`);
  }
  const r = priceBook.priceTokens({ model: String(model ?? ''), provider: provider ? String(provider) : '', date: toIsoDate(date), batch: batch === true }, usage);
  if (r.cost_usd === null) fail('notAvailable', r.reason ?? `Unknown model "${model}": add it on the Prices sheet`);
  return r.cost_usd;
}

/**
 * Price in USD per 1M tokens of a model on a date.
 * @customfunction
 * @param model Model or deployment name, e.g. "gpt-4o".
 * @param [token_type] input, output, cached_input or cache_write (default input).
 * @param [date] Price date: an Excel date or ISO date (default today).
 * @param [provider] Provider, e.g. "openai".
 * @returns USD per 1M tokens.
 */
export function modelPrice(model: string, token_type?: string, date?: string, provider?: string): number {
  const type = (token_type === undefined || token_type === null || token_type === '' ? 'input' : String(token_type).trim().toLowerCase()) as TokenType;
  if (!TOKEN_TYPES.includes(type)) fail('invalidValue', `token_type: expected one of ${TOKEN_TYPES.join(', ')}, got "${token_type}"`);
  const u = priceBook.unitPrices({ model: String(model ?? ''), provider: provider ? String(provider) : '', date: toIsoDate(date) });
  if (u.source === 'unpriced') fail('notAvailable', u.reason ?? `Unknown model "${model}": add it on the Prices sheet`);
  return u[type];
}
