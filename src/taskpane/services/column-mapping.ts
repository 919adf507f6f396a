// A file in no known format gets a column mapping (src/sources/generic): which of its columns fills each field of
// the records it holds (usage, work items or reviews), with value translations for the fields that take one of a
// few values ("Done" → success). This module guesses a first mapping from the column names, previews the first rows
// through the same import a refresh runs (so its problems are the refresh's), and keys saved mappings by the file's
// columns so the next export of the same system maps itself. Mappings hold column names and values, never secrets.
import { EVENT_KINDS, EVENT_STATUSES, OUTCOMES, REVIEW_RESULTS, type RejectedRow } from '../../core/model/records';
import { readRecords } from '../../sources/common/records';
import { columnsOf, normalizeHeader } from '../../sources/files';
import { parseGenericFile, type ColumnMapping } from '../../sources/generic';

export type MappableKind = ColumnMapping['kind'];

export const MAPPABLE_KINDS: { kind: MappableKind; label: string }[] = [
  { kind: 'usage', label: 'AI usage: one row per model or tool call' },
  { kind: 'work_items', label: 'Work items: tickets, claims, applications' },
  { kind: 'reviews', label: 'Human reviews of work items' },
];

/** Fields that take one of a few values, and those values. */
export const FIELD_VALUES: Record<string, readonly string[]> = { kind: EVENT_KINDS, status: EVENT_STATUSES, outcome: OUTCOMES, result: REVIEW_RESULTS };

/** What each field means, for the mapping table (in the words of DESIGN.md §3). */
export const FIELD_HINTS: Record<string, string> = {
  event_id: 'unique id of the call',
  timestamp: 'when it happened (ISO date and time)',
  agent_id: 'which AI agent',
  work_item_id: 'the ticket, claim or application it was for',
  provider: 'openai, anthropic…',
  model: 'model name',
  kind: 'llm, embedding, vector_search or tool',
  input_tokens: 'all input tokens, cached included',
  cached_input_tokens: 'input tokens read from the prompt cache',
  cache_write_tokens: 'input tokens written to the prompt cache',
  output_tokens: 'output tokens',
  units: 'calls or units (vector searches, tools)',
  status: 'ok, error or retry',
  batch: 'batch request (true/false)',
  cost_usd: 'cost the provider reported (optional)',
  business_unit: 'P&L line (default: the agent’s)',
  type: 'ticket, claim…',
  opened_at: 'opened (date and time)',
  closed_at: 'closed (date and time)',
  outcome: 'success, failure or pending',
  reviewer_role: 'who reviewed (a role on the Rates sheet)',
  minutes: 'minutes spent',
  result: 'approved, corrected or rejected',
  reviewed_at: 'when it was reviewed',
};

export const MAPPINGS_KEY = 'ailabor.columnMappings';
/** Rows shown in the preview, and read to list a column's values. */
export const PREVIEW_ROWS = 5;
const SAMPLE_ROWS = 200;

export interface MappingField {
  name: string;
  required: boolean;
}

export function fieldsOf(kind: MappableKind): MappingField[] {
  return columnsOf(kind).map((c) => ({ name: c.name, required: !c.optional }));
}

/**
 * True when the start of a file is not text (a spreadsheet, an archive, an image): NUL bytes, or many characters
 * that are neither printable nor whitespace. Such a file gets a one-line message, never its bytes echoed back.
 */
export function looksBinary(head: string): boolean {
  const s = head.slice(0, 8192);
  if (!s) return false;
  if (s.includes('\u0000')) return true;
  let odd = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return odd / s.length > 0.02;
}

/** The one line a binary file gets, guessing what it is from its first bytes (never quoting them). */
export function binaryMessage(name: string, head: string): string {
  const what = head.startsWith('PK') ? ' (a zip archive or an Excel workbook: save the sheet as CSV and add that)' : head.startsWith('%PDF') ? ' (a PDF)' : '';
  return `${name}: not a text file${what}. Add CSV, JSON or JSON Lines exports.`;
}

/** The text up to the end of its n-th line (a CSV or JSONL prefix for previews); JSON documents stay whole. */
function firstLines(text: string, n: number): string {
  const t = text.trimStart();
  if (t.startsWith('[') || (t.startsWith('{') && !/^\{[^\n]*\}\s*\n/.test(t))) return text;
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return text;
  }
  return text.slice(0, at);
}

/** The file's columns (a CSV header, or the keys of its first JSON records) and its first rows as records. */
export function fileColumns(text: string, name: string): { columns: string[]; rows: Record<string, unknown>[] } {
  const raw = readRecords(firstLines(text, SAMPLE_ROWS), name, ['data', 'records', 'items']);
  const rows = raw.records.slice(0, SAMPLE_ROWS).map((r) => (r.value && typeof r.value === 'object' ? (r.value as Record<string, unknown>) : {}));
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows };
}

/** Names a column often has for a field, beyond the field's own name. */
const SYNONYMS: Record<string, string[]> = {
  event_id: ['id', 'request_id', 'call_id', 'span_id', 'trace_id'],
  timestamp: ['time', 'date', 'created_at', 'created', 'start_time', 'starttime', 'datetime'],
  agent_id: ['agent', 'bot', 'assistant', 'application'],
  work_item_id: ['ticket', 'ticket_id', 'case', 'case_id', 'claim', 'claim_id', 'issue', 'issue_key', 'key', 'work_item'],
  provider: ['vendor'],
  model: ['model_name', 'deployment'],
  input_tokens: ['prompt_tokens', 'tokens_in', 'input'],
  output_tokens: ['completion_tokens', 'tokens_out', 'output'],
  cost_usd: ['cost', 'spend', 'amount', 'price_usd'],
  business_unit: ['department', 'team', 'cost_center', 'bu'],
  opened_at: ['created_at', 'created', 'opened'],
  closed_at: ['resolved_at', 'closed', 'resolved', 'solved_at'],
  outcome: ['status', 'resolution', 'state'],
  reviewer_role: ['role', 'reviewer'],
  minutes: ['review_minutes', 'duration_minutes', 'time_spent_minutes'],
  result: ['review_result', 'verdict', 'decision'],
  reviewed_at: ['review_date', 'reviewed'],
};

/** A first mapping from the column names: the field's own name first, then common names for it; each column used once. */
export function guessColumns(kind: MappableKind, columns: string[]): Record<string, string> {
  const byNorm = new Map(columns.map((c) => [normalizeHeader(c), c]));
  const used = new Set<string>();
  const out: Record<string, string> = {};
  for (const f of fieldsOf(kind)) {
    for (const cand of [f.name, ...(SYNONYMS[f.name] ?? [])]) {
      const col = byNorm.get(cand);
      if (col && !used.has(col)) {
        out[f.name] = col;
        used.add(col);
        break;
      }
    }
  }
  return out;
}

/** The values a mapped column holds in the first rows (for the value translations), at most `max`. */
export function columnValues(rows: Record<string, unknown>[], column: string, max = 12): string[] {
  const seen: string[] = [];
  for (const r of rows) {
    const v = r[column];
    const s = v === null || v === undefined ? '' : String(v).trim();
    if (s === '' || seen.includes(s)) continue;
    seen.push(s);
    if (seen.length > max) break;
  }
  return seen;
}

export interface MappingPreview {
  /** the first rows the refresh would import, as records (field → value) */
  rows: Record<string, unknown>[];
  /** problems in those rows, as the refresh would list them */
  rejected: RejectedRow[];
  /** required fields not mapped (and with no default) */
  missing: string[];
}

/** The first rows of the file through the mapping, exactly as a refresh imports them. */
export function previewMapping(text: string, name: string, mapping: ColumnMapping, n = PREVIEW_ROWS): MappingPreview {
  const missing = fieldsOf(mapping.kind)
    .filter((f) => f.required && !mapping.columns[f.name] && !(mapping.defaults ?? {})[f.name])
    .map((f) => f.name);
  const res = parseGenericFile(firstLines(text, n), name, mapping);
  const records: unknown[] = mapping.kind === 'usage' ? res.events : mapping.kind === 'work_items' ? res.workItems : res.reviews;
  return { rows: records.slice(0, n) as Record<string, unknown>[], rejected: res.rejected, missing };
}

/** The key a mapping is saved under: the file's columns, normalized and sorted (so column order does not matter). */
export function columnsSignature(columns: string[]): string {
  return [...new Set(columns.map(normalizeHeader))].sort().join('|');
}

export type SavedMappings = Record<string, ColumnMapping>;

export function parseSavedMappings(json: string | undefined): SavedMappings {
  if (!json) return {};
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as SavedMappings) : {};
  } catch {
    return {};
  }
}
