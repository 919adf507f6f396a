// Value normalization shared by the vendor mappers: numbers, timestamps, models/providers, token conventions, cents.
import { normalizeProvider, PriceBook } from '../../core/pricing';
import { decimalNumber, isIsoTimestamp, MAX_TOKENS, MAX_USD, MAX_YEAR, MIN_YEAR, USD_RANGE_MESSAGE } from '../../core/model/ranges';

/** Thrown by the readers below; the mapper turns it into a RejectedRow naming the field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
  }
}

export function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length.toLocaleString('en-US')} characters)` : s;
}

/** A field read by dotted path ("metadata.ticket_id"); arrays are not indexed. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A whole number ≥ 0; blank → `def`. Accepts numeric strings (CSV exports, OTLP int64 as string). */
/** A JSON number, or text in decimal notation ("12", "1.5e3"; not "0x1F"); else NaN. */
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? decimalNumber(v) : NaN);

export function tokenCount(v: unknown, field: string, def = 0): number {
  if (isBlank(v)) return def;
  const n = num(v);
  if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) throw new FieldError(field, v, 'expected a whole number ≥ 0 of tokens');
  if (n > MAX_TOKENS) throw new FieldError(field, v, `expected at most ${MAX_TOKENS.toExponential()} tokens`);
  return n;
}

/**
 * A number ≥ 0 (money, units, seconds); blank → null. At most ±1e12 (src/core/model/ranges.ts): any field read
 * this way ends up as money or a count a ledger row adds.
 */
export function amount(v: unknown, field: string): number | null {
  if (isBlank(v)) return null;
  const n = num(v);
  if (!Number.isFinite(n) || n < 0) throw new FieldError(field, v, 'expected a number ≥ 0');
  if (n > MAX_USD) throw new FieldError(field, v, `expected a number ≤ ${MAX_USD.toExponential()}`);
  return n;
}

/** A signed number (invoice lines can be credits); blank → null. Within ±1e12. */
export function signedAmount(v: unknown, field: string): number | null {
  if (isBlank(v)) return null;
  const n = num(v);
  if (!Number.isFinite(n)) throw new FieldError(field, v, 'expected a number');
  if (Math.abs(n) > MAX_USD) throw new FieldError(field, v, USD_RANGE_MESSAGE);
  return n;
}

/**
 * Anthropic's cost report gives `amount` as a decimal string in cents ("123.45" = $1.2345). Moving the decimal
 * point in the text instead of dividing by 100 keeps the dollars exact (123.45 / 100 is 1.2345000000000002).
 */
export function centsToUsd(v: unknown, field: string): number {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new FieldError(field, v, 'expected a decimal amount in cents such as "123.45"');
  const [, sign, int, frac = ''] = m;
  const digits = int.padStart(3, '0');
  const usd = `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}${frac}`;
  return Number(usd);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 UTC string from a Date. Milliseconds kept only when present so ids and expectations stay short. */
export function isoOf(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}Z`;
}

/**
 * A timestamp as ISO UTC. Accepts ISO strings (with or without zone: no zone = UTC, as LiteLLM and ServiceNow
 * write them), "YYYY-MM-DD HH:MM:SS", unix seconds or milliseconds, and OTLP nanosecond strings (`unit: 'ns'`).
 */
export function timestamp(v: unknown, field: string, unit: 's' | 'ms' | 'ns' | 'auto' = 'auto'): string {
  if (isBlank(v)) throw new FieldError(field, v, 'expected a timestamp (ISO 8601 such as 2026-10-03T14:05:00Z)');
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()))) {
    const s = String(v).trim();
    let ms: number;
    if (s.includes('.')) {
      // Fractional epochs (LiteLLM's StandardLoggingPayload writes startTime as float seconds).
      const n = Number(s);
      ms = unit === 'ms' || (unit === 'auto' && n >= 1e11) ? n : n * 1000;
    } else if (unit === 'ns' || (unit === 'auto' && s.length >= 17)) ms = Number(BigInt(s) / 1_000_000n);
    else if (unit === 'ms' || (unit === 'auto' && s.length >= 12)) ms = Number(s);
    else ms = Number(s) * 1000;
    const d = new Date(Math.floor(ms));
    if (Number.isNaN(d.getTime()) || !inYears(d)) throw new FieldError(field, v, `expected a timestamp in the years ${MIN_YEAR}–${MAX_YEAR}`);
    return isoOf(d);
  }
  if (typeof v !== 'string') throw new FieldError(field, v, 'expected a timestamp (ISO 8601 such as 2026-10-03T14:05:00Z)');
  // "YYYY-MM-DD HH:MM:SS[.fff]" without a zone (ServiceNow, LiteLLM, Helicone/ClickHouse, DB exports) is UTC.
  let s = v.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  // Jira writes offsets without a colon ("+0000"); Date.parse wants "+00:00".
  s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(d.getTime())) {
    throw new FieldError(field, v, 'expected a timestamp (ISO 8601 such as 2026-10-03T14:05:00Z)');
  }
  // The date must exist (Date rolls 30 February over to 2 March) and lie in the years we accept.
  if (!isIsoTimestamp(s.replace(/(\.\d{1,9})\d*/, '$1')) || !inYears(d)) {
    throw new FieldError(field, v, `expected a real date and time in the years ${MIN_YEAR}–${MAX_YEAR}`);
  }
  return isoOf(d);
}

const inYears = (d: Date) => d.getUTCFullYear() >= MIN_YEAR && d.getUTCFullYear() <= MAX_YEAR;

export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Prefixes LiteLLM, Helicone and OpenRouter-style ids put before a model name ("openai/gpt-4o"). */
const PROVIDER_PREFIXES = new Set([
  'openai', 'anthropic', 'azure', 'azure_ai', 'bedrock', 'aws', 'vertex_ai', 'vertex', 'gemini', 'google', 'mistral',
  'groq', 'cohere', 'deepseek', 'xai', 'together_ai', 'fireworks_ai', 'perplexity', 'ollama', 'huggingface', 'openrouter',
  'text-completion-openai', 'cerebras',
]);

// Bedrock cross-region inference profiles ("us.anthropic...") and ARNs name the same model as the base id the
// catalog knows.
const BEDROCK_REGION = /^(us|eu|apac|us-gov|global|ca|jp|au)\./;
export function bedrockModelId(model: string): string {
  let m = model.trim();
  const arn = /^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile|application-inference-profile|provisioned-model)\/(.+)$/.exec(m);
  if (arn) m = arn[1];
  return m.replace(BEDROCK_REGION, '');
}

/**
 * Provider and model as the price book wants them: lower-case provider with the core's aliases
 * (bedrock → aws), a "provider/" prefix moved from the model to the provider, Bedrock ids stripped of
 * region prefixes and ARNs. Unknown models pass through unchanged (the ledger lists them as unpriced).
 */
export function normalizeModel(provider: string, model: string): { provider: string; model: string } {
  let p = (provider ?? '').trim().toLowerCase();
  let m = (model ?? '').trim();
  // Vertex AI resource names: projects/<p>/locations/<l>/publishers/<publisher>/models/<model>. Google bills every
  // publisher's model on Vertex (Gemini and Claude alike), so the provider is google.
  const vertex = /(?:^|\/)publishers\/([^/]+)\/models\/([^/]+)$/.exec(m);
  if (vertex) {
    m = vertex[2];
    if (!p || p === 'vertex_ai' || p === 'vertex' || p === vertex[1].toLowerCase()) p = 'google';
  } else if (/^models\/[^/]+$/.test(m)) m = m.slice(7);
  const slash = m.indexOf('/');
  if (slash > 0 && !m.startsWith('arn:')) {
    const prefix = m.slice(0, slash).toLowerCase();
    if (PROVIDER_PREFIXES.has(prefix) && prefix !== 'openrouter') {
      if (!p || p === 'litellm_proxy') p = prefix;
      m = m.slice(slash + 1);
    } else if (prefix === 'openrouter') {
      p = p || 'openrouter';
      m = m.slice(slash + 1);
    }
  }
  if (p === 'text-completion-openai') p = 'openai';
  if (p === 'azure_ai') p = 'azure';
  p = normalizeProvider(p);
  if (p === 'aws' || m.startsWith('arn:aws')) {
    p = 'aws';
    m = bedrockModelId(m);
  }
  if (!p && m) p = catalogProvider(m);
  return { provider: p, model: m };
}

const FAMILIES: [RegExp, string][] = [
  [/^(gpt-|o\d|chatgpt-|text-embedding-|davinci|babbage)/i, 'openai'],
  [/^claude/i, 'anthropic'],
  [/^gemini|^text-embedding-00|^gemini-embedding/i, 'google'],
  [/^(mistral|mixtral|codestral|ministral|pixtral)/i, 'mistral'],
];
let catalogBook: PriceBook | null = null;
const providerCache = new Map<string, string>();
/**
 * The provider the price catalog knows a model under (Langfuse and OTel records often name only the model). Invoice
 * true-up matches events by provider, so an empty provider would leave them out of their provider's true-up.
 * Unknown models stay without a provider.
 */
export function catalogProvider(model: string): string {
  let p = providerCache.get(model);
  if (p === undefined) {
    catalogBook ??= new PriceBook();
    const r = catalogBook.priceTokens({ model }, { input_tokens: 0, output_tokens: 0 });
    p = r.source === 'catalog' ? r.provider : '';
    // The catalog's provider-less match misses some families (text-embedding-3-small): try the family's provider,
    // kept only when the catalog confirms it.
    const guess = FAMILIES.find(([re]) => re.test(model))?.[1];
    if (!p && guess && catalogBook.priceTokens({ model, provider: guess }, { input_tokens: 0, output_tokens: 0 }).source === 'catalog') p = guess;
    providerCache.set(model, p);
  }
  return p;
}

export type TokenConvention = 'inclusive' | 'separate' | 'auto';

/**
 * Canonical input counts every input token (OpenAI / genai-prices convention). Anthropic, Bedrock and Langfuse
 * report uncached input apart from cache reads and writes: those are added up. `auto` = separate for Anthropic
 * models (their APIs report that way), inclusive otherwise; and whenever the cache counts exceed the reported
 * input, the input cannot have included them, so they are added (a log mixing both conventions still lands right).
 */
export function canonicalInput(
  reported: number,
  cacheRead: number,
  cacheWrite: number,
  convention: TokenConvention,
  provider: string,
  model: string,
): { input_tokens: number; cached_input_tokens: number; cache_write_tokens: number } {
  let separate = convention === 'separate';
  if (convention === 'auto') separate = provider === 'anthropic' || (provider === 'aws' && /anthropic|claude/i.test(model));
  if (!separate && cacheRead + cacheWrite > reported) separate = true;
  return {
    input_tokens: separate ? reported + cacheRead + cacheWrite : reported,
    cached_input_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
}

/** A JSON text field (LiteLLM CSV exports hold metadata and tags as JSON strings) → its value; else as is. */
export function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (!(s.startsWith('{') || s.startsWith('['))) return v;
  try {
    return JSON.parse(s);
  } catch {
    return v;
  }
}

export function asRecord(v: unknown): Record<string, unknown> {
  const j = maybeJson(v);
  return j !== null && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : {};
}

export function asStringArray(v: unknown): string[] {
  const j = maybeJson(v);
  if (Array.isArray(j)) return j.map((x) => text(x)).filter((x) => x !== '');
  if (typeof j === 'string' && j.trim() !== '') return j.split(',').map((x) => x.trim()).filter(Boolean);
  return [];
}

/** YYYY-MM of an ISO timestamp. */
export const periodOf = (iso: string) => iso.slice(0, 7);
