// Link rules: which field of a usage record names its work item and which names its agent. A JSON-serializable,
// zod-validated config saved with the workbook settings or the month-end config; previewed before it is applied.
import { z } from 'zod';
import type { UsageEvent } from '../core/model/records';
import { getPath, text } from './common/normalize';
import type { UsageDraft } from './common/types';

/** The fields a link rule can read, filled by each usage mapper from its vendor's record. */
export interface LinkFields {
  /** request metadata (LiteLLM metadata/spend_logs_metadata, Langfuse metadata, Bedrock requestMetadata) */
  metadata: Record<string, unknown>;
  tags: string[];
  session_id: string;
  user: string;
  end_user: string;
  team: string;
  key_alias: string;
  api_key: string;
  project: string;
  workspace: string;
  /** Helicone custom properties (Helicone-Property-* headers), names lower-cased without the prefix */
  properties: Record<string, string>;
  /** OTel span and resource attributes (span wins) */
  attributes: Record<string, unknown>;
}

export function emptyLinkFields(): LinkFields {
  return { metadata: {}, tags: [], session_id: '', user: '', end_user: '', team: '', key_alias: '', api_key: '', project: '', workspace: '', properties: {}, attributes: {} };
}

export const linkFieldSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('metadata'), key: z.string().min(1, { message: 'expected the metadata key (dotted path allowed)' }) }),
  z.object({ from: z.literal('tag'), prefix: z.string().default('') }),
  z.object({ from: z.literal('property'), name: z.string().min(1, { message: 'expected the custom property name' }) }),
  z.object({ from: z.literal('attribute'), name: z.string().min(1, { message: 'expected the attribute name such as app.work_item.id' }) }),
  z.object({ from: z.literal('session') }),
  z.object({ from: z.literal('user') }),
  z.object({ from: z.literal('end_user') }),
  z.object({ from: z.literal('team') }),
  z.object({ from: z.literal('key_alias') }),
  z.object({ from: z.literal('api_key') }),
  z.object({ from: z.literal('project') }),
  z.object({ from: z.literal('workspace') }),
]);

export type LinkField =
  | { from: 'metadata'; key: string }
  | { from: 'tag'; prefix: string }
  | { from: 'property'; name: string }
  | { from: 'attribute'; name: string }
  | { from: 'session' | 'user' | 'end_user' | 'team' | 'key_alias' | 'api_key' | 'project' | 'workspace' };

const regexText = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);

export const linkRuleSchema = z.object({
  /** shown in the preview; default describes the field */
  name: z.string().optional(),
  field: linkFieldSchema,
  /** the value must match; its first capture group (or the whole match) is kept */
  pattern: regexText.optional(),
  /** prepended to the value, e.g. "ZD-" so Zendesk ticket 123 becomes work item ZD-123 */
  prefix: z.string().default(''),
  /** value → id (agent rules: key alias/team/project → agent); a value absent from the map does not link */
  map: z.record(z.string(), z.string()).optional(),
  /** formats this rule applies to (e.g. ["litellm"]); default all */
  formats: z.array(z.string()).optional(),
});
export type LinkRule = z.output<typeof linkRuleSchema>;

export const DEFAULT_WORK_ITEM_RULES: z.input<typeof linkRuleSchema>[] = [
  { field: { from: 'metadata', key: 'work_item_id' } },
  { field: { from: 'tag', prefix: 'work_item:' } },
];
export const DEFAULT_AGENT_RULES: z.input<typeof linkRuleSchema>[] = [
  { field: { from: 'metadata', key: 'agent_id' } },
  { field: { from: 'tag', prefix: 'agent:' } },
];

export const linkRulesSchema = z.object({
  work_item: z.array(linkRuleSchema).default(() => DEFAULT_WORK_ITEM_RULES.map((r) => linkRuleSchema.parse(r))),
  agent: z.array(linkRuleSchema).default(() => DEFAULT_AGENT_RULES.map((r) => linkRuleSchema.parse(r))),
  /** agent for events no agent rule links; empty = "Unassigned" in the ledger */
  default_agent: z.string().trim().default(''),
});
export type LinkRules = z.output<typeof linkRulesSchema>;
export type LinkRulesInput = z.input<typeof linkRulesSchema>;

export const DEFAULT_LINK_RULES: LinkRules = linkRulesSchema.parse({});

/** Parses saved rules; throws with every problem and its path (e.g. `work_item[1].field.from`). */
export function parseLinkRules(input: unknown): LinkRules {
  const r = linkRulesSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Error(`link rules: ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
}

export function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export function describeRule(r: LinkRule): string {
  if (r.name) return r.name;
  const f = r.field as LinkField;
  const base =
    f.from === 'metadata' ? `metadata.${f.key}` : f.from === 'tag' ? `tag ${f.prefix ? `${f.prefix}…` : '(any)'}` : f.from === 'property' ? `property ${f.name}` : f.from === 'attribute' ? `attribute ${f.name}` : f.from;
  return `${base}${r.pattern ? ` ~ /${r.pattern}/` : ''}${r.map ? ' (mapped)' : ''}`;
}

function candidates(f: LinkField, l: LinkFields): string[] {
  switch (f.from) {
    case 'metadata': {
      const v = l.metadata[f.key] !== undefined ? l.metadata[f.key] : getPath(l.metadata, f.key);
      return [text(v)];
    }
    case 'tag':
      return l.tags.filter((t) => t.startsWith(f.prefix)).map((t) => t.slice(f.prefix.length).trim());
    case 'property': {
      const want = f.name.toLowerCase().replace(/^helicone-property-/, '');
      return [l.properties[want] ?? ''];
    }
    case 'attribute':
      return [text(l.attributes[f.name])];
    case 'session':
      return [l.session_id];
    default:
      return [l[f.from]];
  }
}

const regexCache = new Map<string, RegExp>();
function valueOf(rule: LinkRule, l: LinkFields): string {
  for (const raw of candidates(rule.field as LinkField, l)) {
    let v = raw;
    if (v === '') continue;
    if (rule.pattern) {
      let re = regexCache.get(rule.pattern);
      if (!re) regexCache.set(rule.pattern, (re = new RegExp(rule.pattern)));
      const m = re.exec(v);
      if (!m) continue;
      v = (m[1] ?? m[0]).trim();
      if (v === '') continue;
    }
    if (rule.map) {
      const mapped = rule.map[v];
      if (mapped === undefined || mapped.trim() === '') continue;
      return mapped.trim();
    }
    return `${rule.prefix}${v}`;
  }
  return '';
}

const applies = (r: LinkRule, format: string) => !r.formats || r.formats.length === 0 || r.formats.includes(format);

/** Which rule linked a draft (index into the rules) or -1; the value found. */
function firstMatch(rules: LinkRule[], l: LinkFields, format: string): { index: number; value: string } {
  for (let i = 0; i < rules.length; i++) {
    if (!applies(rules[i], format)) continue;
    const v = valueOf(rules[i], l);
    if (v) return { index: i, value: v };
  }
  return { index: -1, value: '' };
}

/**
 * Drafts → canonical events. A work item or agent the mapper already knows (explicit in the record) wins over
 * the rules. A draft no rule links keeps an empty work item: it stays visible as unattributed, never dropped.
 */
export function applyLinks(drafts: UsageDraft[], rules: LinkRules = DEFAULT_LINK_RULES, format = ''): UsageEvent[] {
  return drafts.map((d) => {
    const work = d.event.work_item_id || firstMatch(rules.work_item, d.link, format).value;
    const agent = d.event.agent_id || firstMatch(rules.agent, d.link, format).value || rules.default_agent;
    return { ...d.event, work_item_id: work, agent_id: agent } as UsageEvent;
  });
}

export interface RulePreview {
  index: number;
  rule: string;
  /** events this rule linked (first matching rule wins) */
  linked: number;
}
export interface LinkPreview {
  total: number;
  work_item: { rules: RulePreview[]; linked: number; unlinked: number; linked_share: number; unlinked_examples: string[] };
  agent: { rules: RulePreview[]; linked: number; by_default: number; unlinked: number; unlinked_examples: string[] };
}

/**
 * How many events each rule links and how many stay unlinked, before anything is imported. Takes mapped drafts
 * (e.g. `parseUsageFile(...).drafts`); `previewRaw` in formats.ts takes raw vendor records.
 */
export function previewLinks(drafts: UsageDraft[], rules: LinkRules = DEFAULT_LINK_RULES, format = ''): LinkPreview {
  const wi = rules.work_item.map((r, index) => ({ index, rule: describeRule(r), linked: 0 }));
  const ag = rules.agent.map((r, index) => ({ index, rule: describeRule(r), linked: 0 }));
  const out: LinkPreview = {
    total: drafts.length,
    work_item: { rules: wi, linked: 0, unlinked: 0, linked_share: 0, unlinked_examples: [] },
    agent: { rules: ag, linked: 0, by_default: 0, unlinked: 0, unlinked_examples: [] },
  };
  for (const d of drafts) {
    if (d.event.work_item_id) out.work_item.linked++;
    else {
      const m = firstMatch(rules.work_item, d.link, format);
      if (m.index >= 0) {
        wi[m.index].linked++;
        out.work_item.linked++;
      } else {
        out.work_item.unlinked++;
        if (out.work_item.unlinked_examples.length < 5) out.work_item.unlinked_examples.push(d.event.event_id);
      }
    }
    if (d.event.agent_id) out.agent.linked++;
    else {
      const m = firstMatch(rules.agent, d.link, format);
      if (m.index >= 0) {
        ag[m.index].linked++;
        out.agent.linked++;
      } else if (rules.default_agent) out.agent.by_default++;
      else {
        out.agent.unlinked++;
        if (out.agent.unlinked_examples.length < 5) out.agent.unlinked_examples.push(d.event.event_id);
      }
    }
  }
  out.work_item.linked_share = drafts.length ? out.work_item.linked / drafts.length : 0;
  return out;
}
