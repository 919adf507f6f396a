// Which canonical record each import kind produces, and how text in its columns becomes typed values.
import type { z } from 'zod';
import {
  agentSchema,
  invoiceSchema,
  overheadSchema,
  priceOverrideSchema,
  rateSchema,
  reviewSchema,
  toolPriceSchema,
  usageEventSchema,
  workItemSchema,
} from '../../core/model/records';
import { decimalNumber } from '../../core/model/ranges';

export const RECORD_KINDS = ['usage', 'work_items', 'reviews', 'agents', 'rates', 'tool_prices', 'overheads', 'invoices', 'prices'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const SCHEMAS = {
  usage: usageEventSchema,
  work_items: workItemSchema,
  reviews: reviewSchema,
  agents: agentSchema,
  rates: rateSchema,
  tool_prices: toolPriceSchema,
  overheads: overheadSchema,
  invoices: invoiceSchema,
  prices: priceOverrideSchema,
} as const;

export type RecordOf<K extends RecordKind> = z.output<(typeof SCHEMAS)[K]>;

export type ColumnType = 'text' | 'number' | 'boolean';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** the schema accepts a missing value (it has a default) */
  optional: boolean;
}

// Column types, by name across all records (the canonical column names never reuse a name with another type).
const NUMBER_COLUMNS = new Set([
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'units', 'cost_usd',
  'minutes', 'target_cost_per_outcome', 'human_cost_per_unit', 'slo_max_cost_per_outcome', 'slo_min_accuracy',
  'slo_max_review_rate', 'hourly_rate_usd', 'unit_price_usd', 'amount_usd', 'billed_usd', 'input_mtok',
  'cached_input_mtok', 'cache_write_mtok', 'output_mtok', 'discount_pct', 'batch_multiplier',
  'cache_write_1h_tokens', 'audio_input_tokens', 'cached_audio_input_tokens', 'image_input_tokens', 'cached_image_input_tokens',
  'audio_output_tokens', 'image_output_tokens', 'reasoning_tokens', 'web_search_requests', 'cache_write_1h_mtok', 'web_search_per_1k',
  'tier_multiplier',
  'alert_drift_pct', 'alert_min_change_pct', 'alert_window_days',
]);
const BOOLEAN_COLUMNS = new Set(['batch']);

const specCache = new Map<RecordKind, ColumnSpec[]>();

/** The columns of a record kind, in schema order, read from the zod schema so the two never drift apart. */
export function columnsOf(kind: RecordKind): ColumnSpec[] {
  let specs = specCache.get(kind);
  if (!specs) {
    const shape = (SCHEMAS[kind] as unknown as { shape: Record<string, z.ZodType> }).shape;
    specs = Object.keys(shape).map((name) => ({
      name,
      type: NUMBER_COLUMNS.has(name) ? 'number' : BOOLEAN_COLUMNS.has(name) ? 'boolean' : 'text',
      optional: shape[name].safeParse(undefined).success,
    }));
    specCache.set(kind, specs);
  }
  return specs;
}

/** " Event ID " / "EVENT_ID" / "event-id" → "event_id". */
export function normalizeHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

/**
 * Text → the value handed to the schema. Empty cells become `undefined` where the schema has a
 * default, else '' (text: the schema then says what it expected). Unparseable numbers/booleans are
 * passed through as text so the schema's own message names what was expected.
 */
export function coerceCell(raw: string, spec: ColumnSpec): unknown {
  const s = raw.trim();
  if (s === '') return spec.optional ? undefined : spec.type === 'text' ? '' : undefined;
  if (spec.type === 'number') {
    // Decimal notation only: Number() would also read "0x1F" as 31.
    const n = decimalNumber(s);
    return Number.isNaN(n) ? s : n;
  }
  if (spec.type === 'boolean') {
    const l = s.toLowerCase();
    return TRUE.has(l) ? true : FALSE.has(l) ? false : s;
  }
  return s;
}

export const BOOLEAN_MESSAGE = 'expected true or false (also 1/0, yes/no)';
export const REQUIRED_MESSAGE = 'expected a value (the column is required)';

/** A canonical usage row is ~120 bytes: enough to size the ledger's de-duplication table once (it grows if wrong). */
export const usageRowsIn = (bytes: number): number => Math.ceil(bytes / 120);
