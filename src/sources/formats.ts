// The registry of vendor formats: detection for dropped files, and one entry point that maps a file of any format
// into canonical records (usage through the link rules).
import type { LinkRules } from './links';
import { DEFAULT_LINK_RULES, previewLinks, type LinkPreview } from './links';
import { pushAll } from './common/types';
import type { DraftBatch } from './common/usage';
import { RawRecordReader, type RawRecord } from './common/records';
import { decodeText } from './common/text';
import { asRecord } from './common/normalize';
import { litellmDrafts, type LiteLLMOptions } from './litellm';
import { langfuseDrafts } from './langfuse';
import { heliconeDrafts, type HeliconeOptions } from './helicone';
import { otelRequestDrafts, type OtelOptions } from './otel';
import { BEDROCK_ARRAY_KEYS, bedrockDrafts, unwrapCloudWatch, type BedrockOptions } from './bedrock';

export const USAGE_FORMATS = ['litellm', 'langfuse', 'helicone', 'otel', 'bedrock'] as const;
export const REPORT_FORMATS = ['openai', 'anthropic'] as const;
export const WORK_FORMATS = ['zendesk', 'jira', 'servicenow'] as const;
export const FORMATS = [...USAGE_FORMATS, ...REPORT_FORMATS, 'focus', ...WORK_FORMATS, 'generic', 'canonical'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];
export type SourceFormat = (typeof FORMATS)[number];

export const FORMAT_LABELS: Record<SourceFormat, string> = {
  litellm: 'LiteLLM spend logs',
  langfuse: 'Langfuse observations',
  helicone: 'Helicone requests',
  otel: 'OpenTelemetry GenAI spans (OTLP JSON)',
  bedrock: 'AWS Bedrock invocation logs',
  openai: 'OpenAI Usage/Costs API report',
  anthropic: 'Anthropic usage/cost report',
  focus: 'FOCUS cost and usage CSV',
  zendesk: 'Zendesk tickets',
  jira: 'Jira issues',
  servicenow: 'ServiceNow Table API records',
  generic: 'CSV with a column mapping',
  canonical: 'canonical CSV/JSONL',
};

export type Detection =
  | { ok: true; format: SourceFormat; label: string; /** for canonical files: the record kind the header suggests */ kind?: 'usage' | 'work_items' | 'reviews' | 'invoices' | 'overheads' | 'agents' | 'rates' | 'tool_prices' | 'prices' }
  | { ok: false; message: string };

function csvHeader(head: string): string[] {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const delim = [',', ';', '\t', '|'].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ',');
  return line.split(delim).map((h) => h.trim().replace(/^"|"$/g, '').trim());
}

/**
 * The canonical configuration files (the CLI's --agents, --rates, --tool-prices, --prices; `demo` writes them) by
 * their required columns plus one column only that file has, so another export with an agent_id and a business_unit
 * still gets the column-mapping step.
 */
function configKind(cols: Set<string>): 'agents' | 'rates' | 'tool_prices' | 'prices' | undefined {
  const any = (...c: string[]) => c.some((x) => cols.has(x));
  if (cols.has('agent_id') && cols.has('business_unit') && any('target_cost_per_outcome', 'human_cost_per_unit', 'slo_max_cost_per_outcome')) return 'agents';
  if (cols.has('reviewer_role') && cols.has('hourly_rate_usd')) return 'rates';
  if (cols.has('kind') && cols.has('unit_price_usd')) return 'tool_prices';
  if (cols.has('model') && any('input_mtok', 'output_mtok', 'cached_input_mtok', 'discount_pct', 'maps_to_model')) return 'prices';
  return undefined;
}

/**
 * Which format a dropped file is, from its name and first bytes (64 KB is plenty). JSON is recognized by the keys
 * each vendor writes; CSV by its header row. Anything else gets a message naming the file and the known formats.
 */
export function detectFormat(name: string, firstBytes: string | Uint8Array): Detection {
  const head = (typeof firstBytes === 'string' ? firstBytes : decodeText(firstBytes)).replace(/^\uFEFF/, '');
  const t = head.trimStart();
  const has = (re: RegExp) => re.test(head);
  const ok = (format: SourceFormat, kind?: Extract<Detection, { ok: true }>['kind']): Detection => ({ ok: true, format, label: FORMAT_LABELS[format], ...(kind ? { kind } : {}) });
  if (t.startsWith('{') || t.startsWith('[')) {
    if (has(/"resourceSpans"\s*:/)) return ok('otel');
    if (has(/"schemaType"\s*:\s*"ModelInvocationLog"/) || (has(/"modelId"\s*:/) && has(/"inputTokenCount"\s*:/))) return ok('bedrock');
    // CloudWatch exports hold each invocation log as an escaped JSON string in `message`.
    if (has(/"(logEvents|events)"\s*:/) && has(/\\"(schemaType|inputTokenCount)\\"/)) return ok('bedrock');
    if (has(/"organization\.(usage|costs)\./) || (has(/"object"\s*:\s*"bucket"/) && has(/"start_time"\s*:/))) return ok('openai');
    if (has(/"uncached_input_tokens"\s*:/) || (has(/"starting_at"\s*:/) && has(/"results"\s*:/))) return ok('anthropic');
    if (has(/"tickets"\s*:/) || (has(/"requester_id"\s*:/) && has(/"status"\s*:/))) return ok('zendesk');
    if (has(/"issues"\s*:/) || (has(/"key"\s*:/) && has(/"fields"\s*:/) && has(/"statusCategory"|"issuetype"/))) return ok('jira');
    if (has(/"sys_id"\s*:/)) return ok('servicenow');
    if (has(/"usageDetails"\s*:|"calculatedTotalCost"\s*:|"costDetails"\s*:/) || (has(/"traceId"\s*:/) && has(/"GENERATION"/))) return ok('langfuse');
    if (has(/"costUSD"\s*:|"request_properties"\s*:|"prompt_cache_read_tokens"\s*:/)) return ok('helicone');
    if (has(/"request_id"\s*:/) && has(/"spend"\s*:/)) return ok('litellm');
    // LiteLLM's StandardLoggingPayload (GCS/S3 bucket logs, callbacks): response_cost instead of spend.
    if (has(/"response_cost"\s*:/) && has(/"call_type"\s*:|"standard_built_in_tools_params"\s*:|"model_map_information"\s*:/)) return ok('litellm');
    if (has(/"event_id"\s*:/) && has(/"timestamp"\s*:/)) return ok('canonical', 'usage');
    if (has(/"work_item_id"\s*:/) && has(/"reviewer_role"\s*:/)) return ok('canonical', 'reviews');
    if (has(/"work_item_id"\s*:/) && has(/"agent_id"\s*:/)) return ok('canonical', 'work_items');
    const keys = new Set([...head.matchAll(/"([A-Za-z_]+)"\s*:/g)].map((m) => m[1].toLowerCase()));
    const k = configKind(keys);
    if (k) return ok('canonical', k);
  } else if (t !== '') {
    const h = csvHeader(t);
    const lower = new Set(h.map((x) => x.toLowerCase()));
    if (lower.has('billedcost') && (lower.has('chargeperiodstart') || lower.has('billingperiodstart'))) return ok('focus');
    if (lower.has('request_id') && lower.has('spend') && (lower.has('starttime') || lower.has('start_time'))) return ok('litellm');
    if (lower.has('request_id') && (lower.has('costusd') || lower.has('prompt_cache_read_tokens') || lower.has('request_created_at'))) return ok('helicone');
    // Helicone's export CLI (npx @helicone/export --format csv): response_id … cost, no request_id.
    if (lower.has('response_id') && (lower.has('cost') || lower.has('costusd')) && (lower.has('request_created_at') || lower.has('response_created_at'))) return ok('helicone');
    if (lower.has('event_id') && lower.has('timestamp')) return ok('canonical', 'usage');
    if (lower.has('work_item_id') && lower.has('reviewer_role')) return ok('canonical', 'reviews');
    if (lower.has('work_item_id') && lower.has('agent_id')) return ok('canonical', 'work_items');
    if (lower.has('period') && lower.has('billed_usd')) return ok('canonical', 'invoices');
    if (lower.has('period') && lower.has('amount_usd')) return ok('canonical', 'overheads');
    const k = configKind(lower);
    if (k) return ok('canonical', k);
  }
  const what = t === '' ? 'it is empty' : t.startsWith('{') || t.startsWith('[') ? 'its JSON keys match none of them' : `its header (${csvHeader(t).slice(0, 8).join(', ')}) matches none of them`;
  return {
    ok: false,
    message: `${name}: not a known format — ${what}. Known: ${Object.values(FORMAT_LABELS).join('; ')}. For another CSV, map its columns (format "generic").`,
  };
}

export type { FileOptions } from './vendor-files';
export { parseSourceFile, importSourceFile, SourceFileImport, VENDOR_FORMATS, type VendorFormat } from './vendor-files';

type Container = Record<string, unknown> | undefined;
const DRAFTS: Record<UsageFormat, { keys: string[]; drafts(r: RawRecord[], file: string, o: Record<string, unknown>, counter: { n: number }, container: Container): DraftBatch }> = {
  litellm: { keys: ['data', 'logs'], drafts: (r, f, o) => litellmDrafts(r, f, o as LiteLLMOptions) },
  // A downloaded trace ({ trace, observations }): the trace's session, user, tags and metadata belong to every observation.
  langfuse: { keys: ['data', 'observations'], drafts: (r, f, _o, _c, container) => langfuseDrafts(r, f, asRecord(container?.trace)) },
  helicone: { keys: ['data'], drafts: (r, f, o) => heliconeDrafts(r, f, o as HeliconeOptions) },
  otel: { keys: [], drafts: (r, f, o, counter, container) => otelRequestDrafts(r[0].value, f, container ? null : r[0].line, o as OtelOptions, counter) },
  bedrock: { keys: BEDROCK_ARRAY_KEYS, drafts: (r, f, o) => bedrockDrafts(r.map(unwrapCloudWatch), f, o as BedrockOptions) },
};

/** Usage drafts of a usage-format file, before link rules (for previews). */
export function usageDrafts(format: UsageFormat, textIn: string, fileName: string, options: Record<string, unknown> = {}): DraftBatch {
  const d = DRAFTS[format];
  const out: DraftBatch = { drafts: [], rejected: [], skipped: 0 };
  const counter = { n: 0 };
  const reader = new RawRecordReader(fileName, d.keys, {
    record: (r, container) => {
      const b = d.drafts([r], fileName, options, counter, container);
      pushAll(out.drafts, b.drafts);
      pushAll(out.rejected, b.rejected);
      out.skipped += b.skipped;
    },
    bad: (r) => out.rejected.push(r),
  });
  reader.push(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  reader.end();
  if (reader.error) out.rejected.push({ file: fileName, line: 1, column: '', value: '', reason: reader.error });
  return out;
}

/** How many events of a usage file each link rule links, from the raw file. */
export function previewFileLinks(format: UsageFormat, textIn: string, fileName: string, rules: LinkRules = DEFAULT_LINK_RULES, options: Record<string, unknown> = {}): LinkPreview & { rejected: number } {
  const b = usageDrafts(format, textIn, fileName, options);
  return { ...previewLinks(b.drafts, rules, format), rejected: b.rejected.length };
}

/** Preview from raw vendor records already parsed (e.g. the rows of an API page). */
export function previewRawLinks(format: UsageFormat, records: unknown[], rules: LinkRules = DEFAULT_LINK_RULES, options: Record<string, unknown> = {}): LinkPreview & { rejected: number } {
  return previewFileLinks(format, JSON.stringify(format === 'otel' ? { resourceSpans: records } : records), `${format} records`, rules, options);
}
