// Canonical records of DESIGN.md §3. Every source maps into these; every report reads them.
// Schemas take typed values (numbers, booleans); text-to-value coercion with row/column messages
// lives in src/sources (files) and src/workbook (sheet readers).
import { z } from 'zod';
import { isIsoTimestamp, isPeriod, MAX_REVIEW_MINUTES, MAX_TOKENS, MAX_UNITS, MAX_USD, USD_RANGE_MESSAGE } from './ranges';

export const TIMESTAMP_MESSAGE = 'expected an ISO 8601 timestamp such as 2026-10-03T14:05:00Z (a real date, years 2000–2100)';
export const TOKENS_RANGE_MESSAGE = `expected a whole number of tokens ≤ ${MAX_TOKENS.toExponential()}`;
export const UNITS_RANGE_MESSAGE = `expected a number of units ≤ ${MAX_UNITS.toExponential()}`;
export const MINUTES_RANGE_MESSAGE = `expected minutes between 0 and ${MAX_REVIEW_MINUTES} (one year)`;

export const EVENT_KINDS = ['llm', 'embedding', 'vector_search', 'tool'] as const;
export const EVENT_STATUSES = ['ok', 'error', 'retry'] as const;
export const OUTCOMES = ['success', 'failure', 'pending'] as const;
export const REVIEW_RESULTS = ['approved', 'corrected', 'rejected'] as const;
export const OVERHEAD_DRIVERS = ['work_items', 'api_cost', 'tokens'] as const;
export const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;

export type EventKind = (typeof EVENT_KINDS)[number];
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type ReviewResult = (typeof REVIEW_RESULTS)[number];
export type OverheadDriver = (typeof OVERHEAD_DRIVERS)[number];
export type Component = (typeof COMPONENTS)[number];

/** ISO 8601 timestamp with a date part; stored as given, compared as UTC instants. */
export const isoTimestamp = z
  .string()
  .trim()
  .refine(isIsoTimestamp, { message: TIMESTAMP_MESSAGE });
export const periodString = z
  .string()
  .trim()
  .refine(isPeriod, { message: 'expected a period YYYY-MM such as 2026-10 (years 2000–2100)' });
// Ranges: src/core/model/ranges.ts (why each bound is what it is).
const money = z.number({ message: 'expected a number' }).finite().min(-MAX_USD, { message: USD_RANGE_MESSAGE }).max(MAX_USD, { message: USD_RANGE_MESSAGE });
const nonNegMoney = z.number({ message: 'expected a number' }).finite().min(0, { message: 'expected a number ≥ 0' }).max(MAX_USD, { message: USD_RANGE_MESSAGE });
const tokens = z
  .number({ message: 'expected a whole number ≥ 0' })
  .int({ message: 'expected a whole number ≥ 0' })
  .min(0, { message: 'expected a whole number ≥ 0' })
  .max(MAX_TOKENS, { message: TOKENS_RANGE_MESSAGE });
const id = z.string().trim().min(1, { message: 'expected a non-empty id' });
const optText = z.string().trim().default('');

/** Service tiers priced as the standard tier (vendors spell it differently; '' = not reported). */
export const STANDARD_SERVICE_TIERS = ['', 'standard', 'default', 'auto', 'standard_only', 'on_demand'] as const;
/** `context_tier`: '' = decide from the request's own input tokens; `standard`/`long` = the vendor said which price tier (Anthropic `context_window`). */
export const CONTEXT_TIERS = ['', 'standard', 'long'] as const;
export type ContextTier = (typeof CONTEXT_TIERS)[number];

/**
 * The token counts of a usage event nest (OpenAI / genai-prices convention): input counts every input token; cache
 * reads and writes, audio and image tokens are parts of it; 1-hour cache writes are part of the cache writes; cached
 * audio/image tokens are part of both the cached and the audio/image counts; reasoning, audio and image output tokens
 * are parts of the output. Shared by the schema and the fast CSV path so both say the same thing about a bad row.
 */
export interface UsageCounts {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  cache_write_1h_tokens?: number;
  audio_input_tokens?: number;
  cached_audio_input_tokens?: number;
  image_input_tokens?: number;
  cached_image_input_tokens?: number;
  audio_output_tokens?: number;
  image_output_tokens?: number;
  reasoning_tokens?: number;
}

/** The first count that breaks the nesting above, as the column and what was expected; null when they nest. */
// Module level, not per call: the CLI runs through tsx, whose keepNames wraps every closure it creates (~0.2 µs).
const n = (v: number | undefined) => v ?? 0;
export function usageCountsIssue(e: UsageCounts): { column: string; reason: string } | null {
  const inp = e.input_tokens;
  if (e.cached_input_tokens > inp) return { column: 'cached_input_tokens', reason: `expected cached_input_tokens ≤ input_tokens (${inp})` };
  if (e.cached_input_tokens + e.cache_write_tokens > inp) {
    return { column: 'cache_write_tokens', reason: `expected cached_input_tokens + cache_write_tokens ≤ input_tokens (${inp}): input counts every input token` };
  }
  if (n(e.cache_write_1h_tokens) > e.cache_write_tokens) {
    return { column: 'cache_write_1h_tokens', reason: `expected cache_write_1h_tokens ≤ cache_write_tokens (${e.cache_write_tokens}): 1-hour writes are part of the cache writes` };
  }
  if (n(e.cached_audio_input_tokens) > n(e.audio_input_tokens)) {
    return { column: 'cached_audio_input_tokens', reason: `expected cached_audio_input_tokens ≤ audio_input_tokens (${n(e.audio_input_tokens)})` };
  }
  if (n(e.cached_image_input_tokens) > n(e.image_input_tokens)) {
    return { column: 'cached_image_input_tokens', reason: `expected cached_image_input_tokens ≤ image_input_tokens (${n(e.image_input_tokens)})` };
  }
  if (n(e.cached_audio_input_tokens) + n(e.cached_image_input_tokens) > e.cached_input_tokens) {
    return { column: 'cached_audio_input_tokens', reason: `expected cached_audio_input_tokens + cached_image_input_tokens ≤ cached_input_tokens (${e.cached_input_tokens})` };
  }
  const uncachedMedia = n(e.audio_input_tokens) - n(e.cached_audio_input_tokens) + n(e.image_input_tokens) - n(e.cached_image_input_tokens);
  if (e.cached_input_tokens + e.cache_write_tokens + uncachedMedia > inp) {
    return {
      column: 'audio_input_tokens',
      reason: `expected cached + cache-write + uncached audio and image tokens ≤ input_tokens (${inp}): audio and image tokens are part of the input`,
    };
  }
  if (n(e.audio_output_tokens) + n(e.image_output_tokens) + n(e.reasoning_tokens) > e.output_tokens) {
    return {
      column: n(e.reasoning_tokens) > 0 ? 'reasoning_tokens' : 'audio_output_tokens',
      reason: `expected reasoning_tokens + audio_output_tokens + image_output_tokens ≤ output_tokens (${e.output_tokens}): they are part of the output`,
    };
  }
  return null;
}

export const usageEventSchema = z
  .object({
    event_id: id,
    timestamp: isoTimestamp,
    agent_id: optText,
    /** empty = unattributed */
    work_item_id: optText,
    provider: optText,
    model: optText,
    kind: z.enum(EVENT_KINDS, { message: `expected one of ${EVENT_KINDS.join(', ')}` }),
    /** all input tokens, cached included (OpenAI convention) */
    input_tokens: tokens.default(0),
    cached_input_tokens: tokens.default(0),
    cache_write_tokens: tokens.default(0),
    output_tokens: tokens.default(0),
    /** units for vector_search/tool calls */
    units: z.number({ message: 'expected a number' }).finite().min(0, { message: 'expected a number ≥ 0' }).max(MAX_UNITS, { message: UNITS_RANGE_MESSAGE }).default(0),
    status: z.enum(EVENT_STATUSES, { message: `expected one of ${EVENT_STATUSES.join(', ')}` }).default('ok'),
    batch: z.boolean().default(false),
    /** provider-reported cost; wins over the price book when present */
    cost_usd: nonNegMoney.nullable().default(null),
    // Columns added after the first release: every one has a default, so files written before them still import.
    /** the vendor's processing tier (standard, batch, flex, priority, scale…), lower case; '' = not reported */
    service_tier: z.string().trim().toLowerCase().default(''),
    /** which context-length price tier applies: '' = from the request's own input tokens */
    context_tier: z.enum(CONTEXT_TIERS, { message: `expected standard, long or empty` }).default(''),
    /** 1-hour cache writes (Anthropic bills them at 2× input; 5-minute writes at 1.25×): part of cache_write_tokens */
    cache_write_1h_tokens: tokens.default(0),
    /** audio input tokens, cached ones included: part of input_tokens */
    audio_input_tokens: tokens.default(0),
    cached_audio_input_tokens: tokens.default(0),
    /** image input tokens, cached ones included: part of input_tokens */
    image_input_tokens: tokens.default(0),
    cached_image_input_tokens: tokens.default(0),
    /** parts of output_tokens */
    audio_output_tokens: tokens.default(0),
    image_output_tokens: tokens.default(0),
    reasoning_tokens: tokens.default(0),
    /** server-side web searches (billed per 1,000) */
    web_search_requests: tokens.default(0),
    /** the vendor's own name for a cost line (OpenAI Costs `line_item`, Anthropic cost report `description`) */
    line_item: optText,
  })
  .superRefine((e, ctx) => {
    const issue = usageCountsIssue(e);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.column], message: issue.reason });
  });
export type UsageEvent = z.output<typeof usageEventSchema>;

export const workItemSchema = z.object({
  work_item_id: id,
  agent_id: id,
  /** P&L line; empty = the agent's */
  business_unit: optText,
  type: optText,
  opened_at: isoTimestamp.or(z.literal('')).default(''),
  /** empty = still open */
  closed_at: isoTimestamp.or(z.literal('')).default(''),
  outcome: z.enum(OUTCOMES, { message: `expected one of ${OUTCOMES.join(', ')}` }).default('pending'),
});
export type WorkItem = z.output<typeof workItemSchema>;

export const reviewSchema = z.object({
  work_item_id: id,
  reviewer_role: id,
  minutes: z.number({ message: 'expected a number' }).finite().min(0, { message: 'expected a number ≥ 0' }).max(MAX_REVIEW_MINUTES, { message: MINUTES_RANGE_MESSAGE }),
  result: z.enum(REVIEW_RESULTS, { message: `expected one of ${REVIEW_RESULTS.join(', ')}` }),
  reviewed_at: isoTimestamp,
});
export type Review = z.output<typeof reviewSchema>;

const optMoney = nonNegMoney.nullable().default(null);
const optRatio = z
  .number({ message: 'expected a ratio between 0 and 1' })
  .min(0, { message: 'expected a ratio between 0 and 1' })
  .max(1, { message: 'expected a ratio between 0 and 1' })
  .nullable()
  .default(null);

export const agentSchema = z.object({
  agent_id: id,
  name: optText,
  business_unit: id,
  /** what one work item is called: ticket, claim, application */
  unit_name: optText,
  model: optText,
  target_cost_per_outcome: optMoney,
  human_cost_per_unit: optMoney,
  slo_max_cost_per_outcome: optMoney,
  slo_min_accuracy: optRatio,
  slo_max_review_rate: optRatio,
  /** the cost centre the chargeback debits; empty = the business unit's name */
  cost_center: optText,
  /** daily alerts (src/core/daily): alert when cost per outcome over the window is more than this above target;
   * empty = Budget Drivers' slo_alert_pct (5%) */
  alert_drift_pct: optRatio,
  /** daily alerts: the smallest change against the agent's own normal cost per outcome that alerts; empty = 5% */
  alert_min_change_pct: optRatio,
  /** daily alerts: the trailing window in days (drift vs target, shifts); empty = 3 */
  alert_window_days: z
    .number({ message: 'expected a whole number of days from 1 to 14' })
    .int({ message: 'expected a whole number of days from 1 to 14' })
    .min(1, { message: 'expected a whole number of days from 1 to 14' })
    .max(14, { message: 'expected a whole number of days from 1 to 14' })
    .nullable()
    .default(null),
});
export type Agent = z.output<typeof agentSchema>;

export const rateSchema = z.object({ reviewer_role: id, hourly_rate_usd: nonNegMoney });
export type Rate = z.output<typeof rateSchema>;

export const toolPriceSchema = z.object({
  kind: z.enum(['vector_search', 'tool'], { message: 'expected vector_search or tool' }),
  unit_price_usd: nonNegMoney,
});
export type ToolPrice = z.output<typeof toolPriceSchema>;

export const overheadScope = z
  .string()
  .trim()
  .regex(/^(all|agent:.+|business_unit:.+)$/, { message: 'expected all, agent:<id> or business_unit:<name>' });
export const overheadSchema = z.object({
  period: periodString,
  category: id,
  amount_usd: money,
  scope: overheadScope.default('all'),
  driver: z.enum(OVERHEAD_DRIVERS, { message: `expected one of ${OVERHEAD_DRIVERS.join(', ')}` }).default('work_items'),
});
export type Overhead = z.output<typeof overheadSchema>;

export const invoiceSchema = z.object({ period: periodString, provider: id, billed_usd: money });
export type Invoice = z.output<typeof invoiceSchema>;

/**
 * One row of the Prices sheet. A row with any *_mtok price is a negotiated price for that
 * provider/model from `effective_from` on; `discount_pct` and `batch_multiplier` adjust whatever
 * base price applies; `maps_to_model` makes `model` a deployment name (alias) of another model.
 * `provider` empty or `*` = any provider; `model` `*` = every model of the provider. `service_tier` scopes a row to
 * one processing tier; `tier_multiplier` prices a tier as a multiple of the standard price.
 */
export const priceOverrideSchema = z.object({
  provider: z.string().trim().default('*'),
  model: id,
  effective_from: z
    .string()
    .trim()
    .refine((s) => s === '' || isIsoTimestamp(s), {
      message: 'expected a date YYYY-MM-DD (a real date, years 2000–2100)',
    })
    .default(''),
  input_mtok: optMoney,
  cached_input_mtok: optMoney,
  cache_write_mtok: optMoney,
  output_mtok: optMoney,
  discount_pct: z
    .number({ message: 'expected a percentage between 0 and 100' })
    .min(0, { message: 'expected a percentage between 0 and 100' })
    .max(100, { message: 'expected a percentage between 0 and 100' })
    .nullable()
    .default(null),
  batch_multiplier: optMoney,
  maps_to_model: optText,
  note: optText,
  // Columns added after the first release, optional so that older Prices sheets, files and callers still load.
  /** the row applies only to events of this service tier (priority, flex, scale…); empty = any tier */
  service_tier: z.string().trim().toLowerCase().optional(),
  /** USD per 1M 1-hour cache-write tokens (Anthropic) */
  cache_write_1h_mtok: nonNegMoney.nullable().optional(),
  /** USD per 1,000 server-side web searches */
  web_search_per_1k: nonNegMoney.nullable().optional(),
  /** multiplier of the standard price for events of `service_tier` (e.g. 2 for a priority tier billed at twice the list) */
  tier_multiplier: nonNegMoney.nullable().optional(),
});
export type PriceOverride = z.output<typeof priceOverrideSchema>;

/**
 * A usage event with every field at the value the schema fills in when a reader leaves it out (ids and timestamp
 * empty: the caller sets them). Spread it under the fields a mapper knows, so the defaults live in one place.
 */
export function emptyUsageEvent(): UsageEvent {
  return {
    event_id: '',
    timestamp: '',
    agent_id: '',
    work_item_id: '',
    provider: '',
    model: '',
    kind: 'llm',
    input_tokens: 0,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 0,
    units: 0,
    status: 'ok',
    batch: false,
    cost_usd: null,
    service_tier: '',
    context_tier: '',
    cache_write_1h_tokens: 0,
    audio_input_tokens: 0,
    cached_audio_input_tokens: 0,
    image_input_tokens: 0,
    cached_image_input_tokens: 0,
    audio_output_tokens: 0,
    image_output_tokens: 0,
    reasoning_tokens: 0,
    web_search_requests: 0,
    line_item: '',
  };
}

/** An agent with only its id and business unit: every optional field at the schema's default (no targets, no SLOs). */
export function blankAgent(agent_id: string, business_unit: string): Agent {
  return {
    agent_id,
    name: '',
    business_unit,
    unit_name: '',
    model: '',
    target_cost_per_outcome: null,
    human_cost_per_unit: null,
    slo_max_cost_per_outcome: null,
    slo_min_accuracy: null,
    slo_max_review_rate: null,
    cost_center: '',
    alert_drift_pct: null,
    alert_min_change_pct: null,
    alert_window_days: null,
  };
}

/** Everything a ledger build reads. */
export interface LedgerInputs {
  events: UsageEvent[];
  workItems: WorkItem[];
  reviews: Review[];
  agents: Agent[];
  rates: Rate[];
  toolPrices: ToolPrice[];
  overheads: Overhead[];
  invoices: Invoice[];
  prices: PriceOverride[];
}

/** Ledger inputs with every list empty. */
export function emptyLedgerInputs(): LedgerInputs {
  return { events: [], workItems: [], reviews: [], agents: [], rates: [], toolPrices: [], overheads: [], invoices: [], prices: [] };
}

/** A row a reader refused: where it was and why. `file` is a file name or a sheet name. */
export interface RejectedRow {
  file: string;
  line: number;
  column: string;
  value: string;
  reason: string;
}
