// The calculators TOKENCOST and MODELPRICE and the argument helpers every host shares (Excel's custom functions in
// functions.ts, the HyperFormula plugin of the workbench). Kept out of functions.ts on purpose: the metadata plugin
// appends Excel-only `CustomFunctions.associate` calls to that file in every bundle that imports it, and the workbench
// must not carry them (issue #11: a blank workbench page).
import { PriceBook, TOKEN_TYPES, type TokenType } from '../core/pricing';
import type { PriceOverride } from '../core/model/records';
import { fail } from './errors';
import * as L from './logic';
import { ledgerStore } from './store';

let priceBook = new PriceBook();

/** Replace the price book used when no loaded ledger carries Prices rows (the store's snapshot wins when it does). */
export function setPriceOverrides(rows: PriceOverride[]): void {
  priceBook = new PriceBook(rows);
}

/** The price book set by setPriceOverrides (the HyperFormula plugin prices with it too). */
export const currentPriceBook = (): PriceBook => priceBook;

/** The price book in force: the loaded workbook's Prices sheet, else the one set by setPriceOverrides. */
const prices = () => L.priceBookOf(ledgerStore.current(), priceBook);

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

/** TOKENCOST over the price book in force now (synchronous hosts: HyperFormula). */
export function tokenCost(
  model: string,
  input_tokens: number,
  output_tokens: number,
  cached_input_tokens?: number,
  cache_write_tokens?: number,
  date?: unknown,
  provider?: string,
  batch?: boolean,
): number {
  return tokenCostWith(prices(), model, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, date, provider, batch);
}

/** TOKENCOST priced by `book`: see functions.ts for the documented signature. */
export function tokenCostWith(
  book: PriceBook,
  model: string,
  input_tokens: number,
  output_tokens: number,
  cached_input_tokens?: number,
  cache_write_tokens?: number,
  date?: unknown,
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
  const r = book.priceTokens({ model: String(model ?? ''), provider: provider ? String(provider) : '', date: toIsoDate(date), batch: batch === true }, usage);
  if (r.cost_usd === null) fail('notAvailable', r.reason ?? `Unknown model "${model}": add it on the Prices sheet`);
  return r.cost_usd;
}

/** MODELPRICE over the price book in force now (synchronous hosts: HyperFormula). */
export function modelPrice(model: string, token_type?: string, date?: unknown, provider?: string): number {
  return modelPriceWith(prices(), model, token_type, date, provider);
}

/** MODELPRICE priced by `book`: see functions.ts for the documented signature. */
export function modelPriceWith(book: PriceBook, model: string, token_type?: string, date?: unknown, provider?: string): number {
  const type = (token_type === undefined || token_type === null || token_type === '' ? 'input' : String(token_type).trim().toLowerCase()) as TokenType;
  if (!TOKEN_TYPES.includes(type)) fail('invalidValue', `token_type: expected one of ${TOKEN_TYPES.join(', ')}, got "${token_type}"`);
  const u = book.unitPrices({ model: String(model ?? ''), provider: provider ? String(provider) : '', date: toIsoDate(date) });
  if (u.source === 'unpriced') fail('notAvailable', u.reason ?? `Unknown model "${model}": add it on the Prices sheet`);
  return u[type];
}
