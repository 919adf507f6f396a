// Hand-written validation of usage events. Why: zod's safeParse costs ~5 µs per row, which is most of a
// 1M-event import; this path does the same checks in the schema's field order with the schema's own
// messages (usage-fast.test.ts runs both on good and bad rows and requires the same result).
import { CONTEXT_TIERS, EVENT_KINDS, EVENT_STATUSES, OUTCOMES, TIMESTAMP_MESSAGE, TOKENS_RANGE_MESSAGE, UNITS_RANGE_MESSAGE, usageCountsIssue, type UsageEvent, type WorkItem } from '../../core/model/records';
import { decimalNumber, isIsoTimestamp, MAX_TOKENS, MAX_UNITS, MAX_USD, USD_RANGE_MESSAGE, validDay } from '../../core/model/ranges';
import { BOOLEAN_MESSAGE } from './columns';

export interface FieldIssue {
  column: string;
  reason: string;
}

const TS_MESSAGE = TIMESTAMP_MESSAGE;
const ID_MESSAGE = 'expected a non-empty id';
const TOKENS_MESSAGE = 'expected a whole number ≥ 0';
const KIND_MESSAGE = `expected one of ${EVENT_KINDS.join(', ')}`;
const STATUS_MESSAGE = `expected one of ${EVENT_STATUSES.join(', ')}`;
const KINDS = new Set<string>(EVENT_KINDS);
const CONTEXT_TIER_SET = new Set<string>(CONTEXT_TIERS);
const STATUSES = new Set<string>(EVENT_STATUSES);

/** Column indexes of the usage columns in the file (-1 = column absent). */
export type UsageColumnIndex = Record<keyof UsageEvent, number>;

// The schema's own check (a real calendar day, years 2000–2100); a regex and a few comparisons, no Date.parse. The
// form logs write (`2026-10-21T13:10:27Z`) is checked by character codes first: the regex's match array cost ~0.4 µs.
const isoTimestamp = isIsoTimestamp;
const isDay = validDay;
function isTimestamp(s: string): boolean {
  if (s.length === 20 && s.charCodeAt(19) === 90 && s.charCodeAt(10) === 84) {
    const y = num4(s, 0);
    const mo = num2(s, 5);
    const d = num2(s, 8);
    const h = num2(s, 11);
    const mi = num2(s, 14);
    const sec = num2(s, 17);
    if ((y | mo | d | h | mi | sec) >= 0 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
      return isDay(y, mo, d) && h <= 23 && mi <= 59 && sec <= 59;
    }
  }
  return isoTimestamp(s);
}
function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
function num4(s: string, i: number): number {
  const a = num2(s, i);
  const b = num2(s, i + 2);
  return a >= 0 && b >= 0 ? a * 100 + b : -1;
}

let issue: FieldIssue | null = null;
const fail = (column: string, reason: string) => {
  issue = { column, reason };
  return undefined as never;
};

function tokens(cells: string[], i: number, column: string): number {
  if (i < 0) return 0;
  const s = cells[i];
  if (s === undefined || s === '' || (s.trim() === '')) return 0;
  const n = decimalNumber(s);
  if (!Number.isSafeInteger(n) || n < 0) return fail(column, TOKENS_MESSAGE);
  if (n > MAX_TOKENS) return fail(column, TOKENS_RANGE_MESSAGE);
  return n;
}

function money(cells: string[], i: number, column: string, empty: number | null, max = MAX_USD, rangeMessage = USD_RANGE_MESSAGE): number | null {
  if (i < 0) return empty;
  const s = cells[i];
  if (s === undefined || s === '' || s.trim() === '') return empty;
  const n = decimalNumber(s);
  if (!Number.isFinite(n)) return fail(column, 'expected a number');
  if (n < 0) return fail(column, 'expected a number ≥ 0');
  if (n > max) return fail(column, rangeMessage);
  return n;
}

function text(cells: string[], i: number): string {
  if (i < 0) return '';
  const s = cells[i];
  return s === undefined ? '' : s.trim();
}

/** One CSV row → a usage event, or the first problem in schema field order (the same one zod reports first). */
export function parseUsageRow(cells: string[], ix: UsageColumnIndex): { event: UsageEvent } | { issue: FieldIssue } {
  issue = null;
  const event_id = text(cells, ix.event_id);
  if (event_id === '') return { issue: { column: 'event_id', reason: ID_MESSAGE } };
  const timestamp = text(cells, ix.timestamp);
  if (!isTimestamp(timestamp)) return { issue: { column: 'timestamp', reason: TS_MESSAGE } };
  const agent_id = text(cells, ix.agent_id);
  const work_item_id = text(cells, ix.work_item_id);
  const provider = text(cells, ix.provider);
  const model = text(cells, ix.model);
  const kind = text(cells, ix.kind);
  if (!KINDS.has(kind)) return { issue: { column: 'kind', reason: KIND_MESSAGE } };
  const input_tokens = tokens(cells, ix.input_tokens, 'input_tokens');
  if (issue) return { issue };
  const cached_input_tokens = tokens(cells, ix.cached_input_tokens, 'cached_input_tokens');
  if (issue) return { issue };
  const cache_write_tokens = tokens(cells, ix.cache_write_tokens, 'cache_write_tokens');
  if (issue) return { issue };
  const output_tokens = tokens(cells, ix.output_tokens, 'output_tokens');
  if (issue) return { issue };
  const units = money(cells, ix.units, 'units', 0, MAX_UNITS, UNITS_RANGE_MESSAGE) as number;
  if (issue) return { issue };
  let status = text(cells, ix.status);
  if (status === '') status = 'ok';
  else if (!STATUSES.has(status)) return { issue: { column: 'status', reason: STATUS_MESSAGE } };
  let batch = false;
  const b = text(cells, ix.batch).toLowerCase();
  if (b !== '') {
    if (b === 'true' || b === '1' || b === 'yes' || b === 'y') batch = true;
    else if (!(b === 'false' || b === '0' || b === 'no' || b === 'n')) return { issue: { column: 'batch', reason: BOOLEAN_MESSAGE } };
  }
  const cost_usd = money(cells, ix.cost_usd, 'cost_usd', null);
  if (issue) return { issue };
  // Columns added later: absent in older files (index -1), so they take the schema's defaults.
  const service_tier = text(cells, ix.service_tier).toLowerCase();
  const context_tier = text(cells, ix.context_tier);
  if (!CONTEXT_TIER_SET.has(context_tier)) return { issue: { column: 'context_tier', reason: 'expected standard, long or empty' } };
  const cache_write_1h_tokens = tokens(cells, ix.cache_write_1h_tokens, 'cache_write_1h_tokens');
  if (issue) return { issue };
  const audio_input_tokens = tokens(cells, ix.audio_input_tokens, 'audio_input_tokens');
  if (issue) return { issue };
  const cached_audio_input_tokens = tokens(cells, ix.cached_audio_input_tokens, 'cached_audio_input_tokens');
  if (issue) return { issue };
  const image_input_tokens = tokens(cells, ix.image_input_tokens, 'image_input_tokens');
  if (issue) return { issue };
  const cached_image_input_tokens = tokens(cells, ix.cached_image_input_tokens, 'cached_image_input_tokens');
  if (issue) return { issue };
  const audio_output_tokens = tokens(cells, ix.audio_output_tokens, 'audio_output_tokens');
  if (issue) return { issue };
  const image_output_tokens = tokens(cells, ix.image_output_tokens, 'image_output_tokens');
  if (issue) return { issue };
  const reasoning_tokens = tokens(cells, ix.reasoning_tokens, 'reasoning_tokens');
  if (issue) return { issue };
  const web_search_requests = tokens(cells, ix.web_search_requests, 'web_search_requests');
  if (issue) return { issue };
  const line_item = text(cells, ix.line_item);
  const event: UsageEvent = {
    event_id, timestamp, agent_id, work_item_id, provider, model, kind: kind as UsageEvent['kind'],
    input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, units,
    status: status as UsageEvent['status'], batch, cost_usd,
    service_tier, context_tier: context_tier as UsageEvent['context_tier'], cache_write_1h_tokens, audio_input_tokens, cached_audio_input_tokens,
    image_input_tokens, cached_image_input_tokens, audio_output_tokens, image_output_tokens, reasoning_tokens, web_search_requests, line_item,
  };
  const bad = usageCountsIssue(event);
  return bad ? { issue: bad } : { event };
}

/** Column indexes of the work item columns in the file (-1 = column absent). */
export type WorkItemColumnIndex = Record<keyof WorkItem, number>;
const OUTCOME_SET = new Set<string>(OUTCOMES);

/**
 * Work items come by the hundred thousand too (zod: ~10 µs a row). This accepts the rows the schema accepts and
 * returns null for any other row, which the caller then runs through zod for the schema's own message.
 */
export function parseWorkItemRow(cells: string[], ix: WorkItemColumnIndex): WorkItem | null {
  const work_item_id = text(cells, ix.work_item_id);
  const agent_id = text(cells, ix.agent_id);
  if (work_item_id === '' || agent_id === '') return null;
  const opened_at = text(cells, ix.opened_at);
  const closed_at = text(cells, ix.closed_at);
  if ((opened_at !== '' && !isTimestamp(opened_at)) || (closed_at !== '' && !isTimestamp(closed_at))) return null;
  let outcome = text(cells, ix.outcome);
  if (outcome === '') outcome = 'pending';
  else if (!OUTCOME_SET.has(outcome)) return null;
  return { work_item_id, agent_id, business_unit: text(cells, ix.business_unit), type: text(cells, ix.type), opened_at, closed_at, outcome: outcome as WorkItem['outcome'] };
}
