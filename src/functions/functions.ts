// AILABOR.* custom functions: one-line wrappers over src/core (DESIGN.md §6). The JSDoc below is
// what custom-functions-metadata turns into functions.json and what Excel shows in autocomplete.
// Functions that read the workbook (the ledger-backed ones, and the calculators that price by the Prices sheet or
// read Benchmarks) await the ledger store (store.ts): while it loads Excel shows #BUSY!, never a stale number or the
// catalog's price where the Prices sheet says otherwise. Their logic is in logic.ts, shared with the HyperFormula
// plugin (hyperformula.ts).
//
// Types Excel sees (functions.json): a parameter typed `string` is converted to text by Excel before the call ("By
// specifying a parameter type, Excel will convert values into that type", docs "Autogenerate JSON metadata for custom
// functions": Types), so a date cell would arrive as "46296". Dates and periods are therefore `unknown` (JSON type
// `any`: no conversion), and the functions accept an Excel serial number or an ISO text.
// `@requiresAddress` gives each call the address of its cell (CustomFunctions.Invocation.address): the store keeps
// the sheets that hold AILABOR cells, so a data change recalculates those sheets only (excel-loader.ts).
//
// Names: no function may be called like a built-in Excel function in any language (docs "Custom functions naming and
// localization"): the monthly series is COSTTREND, not TREND.
import { fail } from './errors';
import * as C from './calculators';
import * as L from './logic';
import { ledgerStore, type LoadedLedger } from './store';

export { FunctionError, type FunctionErrorCode } from './errors';
export { currentPriceBook, setPriceOverrides, toIsoDate } from './calculators';

// custom-functions-metadata-plugin appends `CustomFunctions.associate("ID", fn);` to this file when webpack bundles it
// (only the functions bundle imports it). Excel's custom-functions runtime defines CustomFunctions; a browser that opens
// taskpane.html outside Excel does not, and the bare global would throw a ReferenceError there. This module binding
// is what the appended calls resolve to: the runtime's object inside Excel, a no-op elsewhere.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const CustomFunctions: { associate(id: string, fn: unknown): void } = (globalThis as { CustomFunctions?: { associate(id: string, fn: unknown): void } }).CustomFunctions ?? {
  associate() {
    // Not in Excel: nothing to register.
  },
};

type Invocation = { address?: string };

/** Notes the calling cell's sheet (the recalculation after a data change covers it). */
const called = (invocation: Invocation | undefined) => ledgerStore.noteCaller(invocation?.address);

/** The loaded ledger; a failed load becomes #N/A with the reason. */
async function loaded(invocation?: Invocation): Promise<LoadedLedger> {
  called(invocation);
  try {
    return await ledgerStore.loaded();
  } catch (e) {
    fail('notAvailable', `The ledger could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * For calculators: the loaded workbook data when the store has (or can load) it, else null (built-in defaults apply:
 * Node, tests, a workbench not refreshed yet). Inside Excel this waits for the Prices sheet — never the catalog's
 * price while the sheet is being read.
 */
async function workbookData(invocation?: Invocation): Promise<LoadedLedger | null> {
  called(invocation);
  if (ledgerStore.status() === 'empty' && !ledgerStore.hasLoader()) return null;
  return loaded();
}

/** The price book in force: the workbook's Prices sheet over the catalog (or setPriceOverrides outside Excel). */
const priceBook = async (invocation?: Invocation) => L.priceBookOf(await workbookData(invocation), C.currentPriceBook());

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
 * @requiresAddress
 */
export async function tokenCost(
  model: string,
  input_tokens: number,
  output_tokens: number,
  cached_input_tokens?: number,
  cache_write_tokens?: number,
  date?: unknown,
  provider?: string,
  batch?: boolean,
  invocation?: CustomFunctions.Invocation,
): Promise<number> {
  return C.tokenCostWith(await priceBook(invocation), model, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, date, provider, batch);
}

/**
 * Price in USD per 1M tokens of a model on a date.
 * @customfunction
 * @param model Model or deployment name, e.g. "gpt-4o".
 * @param [token_type] input, output, cached_input or cache_write (default input).
 * @param [date] Price date: an Excel date or ISO date (default today).
 * @param [provider] Provider, e.g. "openai".
 * @returns USD per 1M tokens.
 * @requiresAddress
 */
export async function modelPrice(model: string, token_type?: string, date?: unknown, provider?: string, invocation?: CustomFunctions.Invocation): Promise<number> {
  return C.modelPriceWith(await priceBook(invocation), model, token_type, date, provider);
}

/**
 * Fully loaded cost per successful outcome: the scope's cost in the month ÷ its successful outcomes closed in the month.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [component] api, retry, tools, review, overhead, trueup, unattributed or total (default total).
 * @returns USD per outcome.
 * @requiresAddress
 */
export async function costPerOutcome(scope: string, period?: unknown, component?: string, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.costPerOutcome(await loaded(invocation), scope, period, component);
}

/**
 * Cost per work item: the scope's cost in the month ÷ its work items in the month (failed and open ones included).
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [component] api, retry, tools, review, overhead, trueup, unattributed or total (default total).
 * @returns USD per work item.
 * @requiresAddress
 */
export async function costPerWorkItem(scope: string, period?: unknown, component?: string, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.costPerWorkItem(await loaded(invocation), scope, period, component);
}

/**
 * Total cost of the scope in the month (a component, or everything including unattributed cost), as on the Chargeback sheet.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [component] api, retry, tools, review, overhead, trueup, unattributed or total (default total).
 * @returns USD.
 * @requiresAddress
 */
export async function totalCost(scope: string, period?: unknown, component?: string, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.totalCost(await loaded(invocation), scope, period, component);
}

/**
 * Successful outcomes: work items of the scope that closed as a success in the month.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns Number of outcomes.
 * @requiresAddress
 */
export async function outcomes(scope: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.outcomes(await loaded(invocation), scope, period);
}

/**
 * Work items of the scope in the month (with cost in the month or closed in it).
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns Number of work items.
 * @requiresAddress
 */
export async function workItems(scope: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.workItems(await loaded(invocation), scope, period);
}

/**
 * Accuracy: approved reviews ÷ all reviews of the scope's work items in the month.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns A ratio between 0 and 1.
 * @requiresAddress
 */
export async function accuracy(scope: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.accuracy(await loaded(invocation), scope, period);
}

/**
 * Review rate: work items reviewed by a human ÷ work items, in the month.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns A ratio between 0 and 1.
 * @requiresAddress
 */
export async function reviewRate(scope: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.reviewRate(await loaded(invocation), scope, period);
}

/**
 * Cost per outcome minus the target cost per outcome (Agents sheet), or as a fraction of the target.
 * @customfunction
 * @param agent An agent id (or a business unit: its outcome-weighted target).
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [as_percent] TRUE for (cost per outcome ÷ target − 1) instead of USD.
 * @returns USD per outcome above (+) or below (−) target, or a fraction.
 * @requiresAddress
 */
export async function targetVariance(agent: string, period?: unknown, as_percent?: boolean, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.targetVariance(await loaded(invocation), agent, period, as_percent);
}

/**
 * SLO status of an agent in the month: "OK", "BREACH cost +8.2%" (and/or accuracy, review rate in points), "NO SLO" or "NO ACTIVITY".
 * @customfunction
 * @param agent An agent id.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns Status text.
 * @requiresAddress
 */
export async function sloStatus(agent: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<string> {
  return L.sloStatus(await loaded(invocation), agent, period);
}

/**
 * Saving against the human baseline: outcomes × human cost per unit − AI cost (summed over the agents of a business unit or "*").
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @returns USD saved in the month.
 * @requiresAddress
 */
export async function humanSavings(scope: string, period?: unknown, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.humanSavings(await loaded(invocation), scope, period);
}

/**
 * Monthly values of a metric from one month to another, as a spilled column (COSTTREND: Excel's TREND is a built-in).
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param from_period First month: YYYY-MM, a date or an Excel date.
 * @param [to_period] Last month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [metric] cost_per_outcome (default), cost_per_work_item, outcomes, work_items, accuracy, review_rate, or a component: api, retry, tools, review, overhead, trueup, unattributed, total.
 * @returns One row per month.
 * @requiresAddress
 */
export async function costTrend(scope: string, from_period: unknown, to_period?: unknown, metric?: string, invocation?: CustomFunctions.Invocation): Promise<number[][]> {
  return L.trend(await loaded(invocation), scope, from_period, to_period, metric);
}

/**
 * The scope's ledger rows for the month as a spilled table, with the Ledger sheet's column names as header row.
 * @customfunction
 * @param scope An agent id, a business unit, or "*" for all agents.
 * @param [period] Month: YYYY-MM, a date or an Excel date (default the latest month in the ledger).
 * @param [columns] Comma-separated Ledger columns, e.g. "work_item_id,outcome,total" (default all).
 * @returns A table: header row, then one row per work item.
 * @requiresAddress
 */
export async function ledger(scope: string, period?: unknown, columns?: string, invocation?: CustomFunctions.Invocation): Promise<unknown[][]> {
  return L.ledger(await loaded(invocation), scope, period, columns);
}

/**
 * Months until a model migration pays back, as on the Migration Payback sheet.
 * @customfunction
 * @param migration_cost One-off migration and testing cost (USD).
 * @param current_monthly_cost Monthly model spend on the current model (USD).
 * @param candidate_monthly_cost Monthly model spend on the candidate model (USD).
 * @param [parallel_run_months] Months both models run side by side, paid at the candidate's cost (default 0).
 * @returns Months.
 */
export function payback(migration_cost: number, current_monthly_cost: number, candidate_monthly_cost: number, parallel_run_months?: number): number {
  return L.payback(migration_cost, current_monthly_cost, candidate_monthly_cost, parallel_run_months);
}

/**
 * Monthly saving from moving work to a cheaper model, priced by the price book (Prices sheet over the catalog).
 * @customfunction
 * @param current_model Current model, e.g. "gpt-4o".
 * @param candidate_model Candidate model, e.g. "gpt-4.1-mini".
 * @param input_tokens_per_unit Input tokens per unit of work (cached included).
 * @param output_tokens_per_unit Output tokens per unit of work.
 * @param monthly_volume Units of work per month.
 * @param [cached_input_tokens_per_unit] Input tokens per unit read from the prompt cache.
 * @param [date] Price date: an Excel date or ISO date (default today).
 * @returns USD per month (negative when the candidate costs more).
 * @requiresAddress
 */
export async function migrationSavings(
  current_model: string,
  candidate_model: string,
  input_tokens_per_unit: number,
  output_tokens_per_unit: number,
  monthly_volume: number,
  cached_input_tokens_per_unit?: number,
  date?: unknown,
  invocation?: CustomFunctions.Invocation,
): Promise<number> {
  return L.migrationSavings(await priceBook(invocation), current_model, candidate_model, input_tokens_per_unit, output_tokens_per_unit, monthly_volume, cached_input_tokens_per_unit, C.toIsoDate(date));
}

/**
 * A peer cost per unit from the Benchmarks sheet (the playbook's figures by default).
 * @customfunction
 * @param segment A segment (e.g. "Customer service") or one benchmark's name (e.g. "Intercom Fin").
 * @param [bound] low, high or mid (default mid).
 * @returns USD per unit.
 * @requiresAddress
 */
export async function peerBenchmark(segment: string, bound?: string, invocation?: CustomFunctions.Invocation): Promise<number> {
  return L.peerBenchmark((await workbookData(invocation))?.snapshot.benchmarks, segment, bound);
}
