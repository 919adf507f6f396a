// The registry of vendor formats: detection for dropped files, and one entry point that maps a file of any format
// into canonical records (usage through the link rules).
import type { LinkRules } from './links';
import { DEFAULT_LINK_RULES, previewLinks, type LinkPreview } from './links';
import { emptyResult, type MapResult } from './common/types';
import { finalizeUsage, type DraftBatch } from './common/usage';
import { parseLiteLLMFile, type LiteLLMOptions } from './litellm';
import { parseLangfuseFile } from './langfuse';
import { parseHeliconeFile, type HeliconeOptions } from './helicone';
import { parseOtelFile, type OtelOptions } from './otel';
import { parseBedrockFile, type BedrockOptions } from './bedrock';
import { parseOpenAIReportFile } from './openai';
import { parseAnthropicReportFile } from './anthropic';
import type { ReportOptions } from './common/reports';
import { parseFocusFile, type FocusOptions } from './focus';
import { parseZendeskFile, type ZendeskOptions } from './zendesk';
import { parseJiraFile, type JiraOptions } from './jira';
import { parseServiceNowFile, type ServiceNowOptions } from './servicenow';
import { parseGenericFile, type ColumnMapping } from './generic';

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
  | { ok: true; format: SourceFormat; label: string; /** for canonical files: the record kind the header suggests */ kind?: 'usage' | 'work_items' | 'reviews' | 'invoices' | 'overheads' }
  | { ok: false; message: string };

function csvHeader(head: string): string[] {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const delim = [',', ';', '\t', '|'].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ',');
  return line.split(delim).map((h) => h.trim().replace(/^"|"$/g, '').trim());
}

/**
 * Which format a dropped file is, from its name and first bytes (64 KB is plenty). JSON is recognized by the keys
 * each vendor writes; CSV by its header row. Anything else gets a message naming the file and the known formats.
 */
export function detectFormat(name: string, firstBytes: string | Uint8Array): Detection {
  const head = (typeof firstBytes === 'string' ? firstBytes : new TextDecoder().decode(firstBytes)).replace(/^\uFEFF/, '');
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
  }
  const what = t === '' ? 'it is empty' : t.startsWith('{') || t.startsWith('[') ? 'its JSON keys match none of them' : `its header (${csvHeader(t).slice(0, 8).join(', ')}) matches none of them`;
  return {
    ok: false,
    message: `${name}: not a known format — ${what}. Known: ${Object.values(FORMAT_LABELS).join('; ')}. For another CSV, map its columns (format "generic").`,
  };
}

export interface FileOptions {
  links?: LinkRules;
  /** format-specific options (LiteLLMOptions, ZendeskOptions, ReportOptions, FocusOptions, a ColumnMapping for generic) */
  options?: Record<string, unknown>;
}

/** Usage drafts of a usage-format file, before link rules (for previews). */
export function usageDrafts(format: UsageFormat, textIn: string, fileName: string, options: Record<string, unknown> = {}): DraftBatch {
  switch (format) {
    case 'litellm':
      return parseLiteLLMFile(textIn, fileName, options as LiteLLMOptions);
    case 'langfuse':
      return parseLangfuseFile(textIn, fileName);
    case 'helicone':
      return parseHeliconeFile(textIn, fileName, options as HeliconeOptions);
    case 'otel':
      return parseOtelFile(textIn, fileName, options as OtelOptions);
    case 'bedrock':
      return parseBedrockFile(textIn, fileName, options as BedrockOptions);
  }
}

/** Any format except canonical (whose files go through src/sources/files) → canonical records + rejected rows. */
export function parseSourceFile(format: Exclude<SourceFormat, 'canonical'>, textIn: string, fileName: string, opts: FileOptions = {}): MapResult {
  const links = opts.links ?? DEFAULT_LINK_RULES;
  const o = opts.options ?? {};
  if ((USAGE_FORMATS as readonly string[]).includes(format)) {
    const b = usageDrafts(format as UsageFormat, textIn, fileName, o);
    const fin = finalizeUsage(b, links, format);
    const res = emptyResult();
    res.events = fin.events;
    res.rejected = fin.rejected;
    res.warnings = fin.warnings;
    res.skipped = b.skipped;
    return res;
  }
  switch (format) {
    case 'openai':
      return parseOpenAIReportFile(textIn, fileName, o as ReportOptions, links);
    case 'anthropic':
      return parseAnthropicReportFile(textIn, fileName, o as ReportOptions, links);
    case 'focus':
      return parseFocusFile(textIn, fileName, o as FocusOptions);
    case 'zendesk':
      return parseZendeskFile(textIn, fileName, o as ZendeskOptions);
    case 'jira':
      return parseJiraFile(textIn, fileName, o as JiraOptions);
    case 'servicenow':
      return parseServiceNowFile(textIn, fileName, o as ServiceNowOptions);
    case 'generic':
      return parseGenericFile(textIn, fileName, o as unknown as ColumnMapping);
    default:
      throw new Error(`${fileName}: format ${format} has no file reader`);
  }
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
