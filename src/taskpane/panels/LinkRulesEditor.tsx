import * as React from 'react';
import { Body1, Button, Caption1, Field, Input, MessageBar, MessageBarBody, Select, Textarea } from '@fluentui/react-components';
import { USAGE_FORMATS, previewFileLinks, type UsageFormat } from '../../sources/formats';
import { linkRulesSchema, formatPath, type LinkRule, type LinkRules } from '../../sources/links';
import { useSession } from '../state';
import { H3, fmtInt, fmtPct, usePanelStyles } from './common';

const FIELDS = ['metadata', 'tag', 'property', 'attribute', 'session', 'user', 'end_user', 'team', 'key_alias', 'api_key', 'project', 'workspace'] as const;
type FieldName = (typeof FIELDS)[number];
const ARG: Partial<Record<FieldName, { key: 'key' | 'prefix' | 'name'; label: string }>> = {
  metadata: { key: 'key', label: 'Metadata key' },
  tag: { key: 'prefix', label: 'Tag prefix' },
  property: { key: 'name', label: 'Property name' },
  attribute: { key: 'name', label: 'Attribute name' },
};

type Side = 'work_item' | 'agent';

/** `value = id` lines ↔ a rule's map. Returns the line numbers that are not of that shape. */
export function parseMapText(text: string): { map: Record<string, string> | undefined; bad: number[] } {
  const map: Record<string, string> = {};
  const bad: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^(.+?)\s*=\s*(.+)$/.exec(line.trim());
    if (!m) bad.push(i + 1);
    else map[m[1].trim()] = m[2].trim();
  });
  return { map: Object.keys(map).length ? map : undefined, bad };
}
const mapText = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n');

export function LinkRulesEditor() {
  const s = usePanelStyles();
  const { links, setLinks, sources } = useSession();
  // An edit that does not validate stays on screen (with its errors) without replacing the applied rules.
  const [invalid, setInvalid] = React.useState<{ draft: LinkRules; errors: string[] } | null>(null);
  const draft = invalid?.draft ?? links;
  const errors = invalid?.errors ?? [];

  const apply = (next: LinkRules) => {
    const r = linkRulesSchema.safeParse(next);
    if (r.success) {
      setInvalid(null);
      setLinks(r.data);
    } else setInvalid({ draft: next, errors: r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) });
  };
  const update = (side: Side, i: number, rule: LinkRule) => apply({ ...draft, [side]: draft[side].map((r, j) => (j === i ? rule : r)) });
  const remove = (side: Side, i: number) => apply({ ...draft, [side]: draft[side].filter((_, j) => j !== i) });
  const add = (side: Side) => apply({ ...draft, [side]: [...draft[side], { field: { from: 'metadata', key: side === 'agent' ? 'agent_id' : 'work_item_id' }, prefix: '' } as LinkRule] });

  const deferred = React.useDeferredValue(links);
  const usage = sources.filter((x) => !x.error && x.text !== undefined && (USAGE_FORMATS as readonly string[]).includes(x.format));

  return (
    <section className={s.stack} aria-labelledby="link-rules-h">
      <H3 id="link-rules-h">Link rules</H3>
      <Caption1>Which field of a usage record names its work item and its agent. The first rule that finds a value wins.</Caption1>
      {(['work_item', 'agent'] as Side[]).map((side) => (
        <fieldset key={side} className={s.stack} style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend><Body1>{side === 'work_item' ? 'Work-item rules' : 'Agent rules'}</Body1></legend>
          {draft[side].map((rule, i) => (
            <RuleRow key={i} n={i + 1} side={side} rule={rule} onChange={(r) => update(side, i, r)} onRemove={() => remove(side, i)} />
          ))}
          <Button size="small" onClick={() => add(side)}>{side === 'work_item' ? 'Add work-item rule' : 'Add agent rule'}</Button>
        </fieldset>
      ))}
      <Field label="Default agent (for usage no agent rule links)">
        <Input value={draft.default_agent} onChange={(_, d) => apply({ ...draft, default_agent: d.value })} />
      </Field>
      {errors.length > 0 && (
        <MessageBar intent="error"><MessageBarBody>Not applied: {errors.join('; ')}</MessageBarBody></MessageBar>
      )}
      <div role="status" aria-live="polite" aria-label="Link preview">
        {usage.length === 0 ? (
          <Caption1 className={s.muted}>Add a usage log (LiteLLM, Langfuse, Helicone, OTel, Bedrock) to preview how many records these rules link.</Caption1>
        ) : (
          usage.map((src) => <Preview key={src.id} name={src.name} format={src.format as UsageFormat} text={src.text!} rules={deferred} />)
        )}
      </div>
    </section>
  );
}

function RuleRow({ n, side, rule, onChange, onRemove }: { n: number; side: Side; rule: LinkRule; onChange: (r: LinkRule) => void; onRemove: () => void }) {
  const s = usePanelStyles();
  const from = rule.field.from as FieldName;
  const arg = ARG[from];
  const label = `${side === 'agent' ? 'Agent' : 'Work-item'} rule ${n}`;
  return (
    <div className={s.card} role="group" aria-label={label}>
      <Field label={`${label}: field`}>
        <Select
          value={from}
          onChange={(_, d) => {
            const f = d.value as FieldName;
            const a = ARG[f];
            onChange({ ...rule, field: (a ? { from: f, [a.key]: '' } : { from: f }) as LinkRule['field'] });
          }}
        >
          {FIELDS.map((f) => <option key={f} value={f}>{f}</option>)}
        </Select>
      </Field>
      {arg && (
        <Field label={arg.label}>
          <Input value={String((rule.field as Record<string, unknown>)[arg.key] ?? '')} onChange={(_, d) => onChange({ ...rule, field: { ...rule.field, [arg.key]: d.value } as LinkRule['field'] })} />
        </Field>
      )}
      <Field label="Pattern (regular expression, optional)">
        <Input value={rule.pattern ?? ''} onChange={(_, d) => onChange({ ...rule, pattern: d.value || undefined })} />
      </Field>
      {side === 'work_item' && (
        <Field label="Prefix added to the value">
          <Input value={rule.prefix} onChange={(_, d) => onChange({ ...rule, prefix: d.value })} />
        </Field>
      )}
      <MapField label={label} rule={rule} onChange={onChange} />
      <Button size="small" appearance="subtle" onClick={onRemove}>Remove {label.toLowerCase()}</Button>
    </div>
  );
}

/** The rule's value map, edited as text; lines that are not `value = id` are named and the map is not applied. */
function MapField({ label, rule, onChange }: { label: string; rule: LinkRule; onChange: (r: LinkRule) => void }) {
  const [typed, setText] = React.useState(() => mapText(rule.map));
  const [bad, setBad] = React.useState<number[]>([]);
  // Show what was typed while it is being edited (or has bad lines); else the rule's own map (rules loaded from the
  // workbook, or another rule now at this position after a removal).
  const text = bad.length || JSON.stringify(parseMapText(typed).map ?? {}) === JSON.stringify(rule.map ?? {}) ? typed : mapText(rule.map);
  return (
    <Field
      label={`${label}: map values to ids (one "value = id" per line, optional)`}
      validationState={bad.length ? 'error' : 'none'}
      validationMessage={bad.length ? `line${bad.length > 1 ? 's' : ''} ${bad.join(', ')}: expected "value = id", e.g. team-support = csr-agent` : undefined}
    >
      <Textarea
        value={text}
        resize="vertical"
        onChange={(_, d) => {
          setText(d.value);
          const r = parseMapText(d.value);
          setBad(r.bad);
          if (!r.bad.length) onChange({ ...rule, map: r.map });
        }}
      />
    </Field>
  );
}

/** The live preview runs on the UI thread at every edit: past this size it reads only the first lines (CSV, JSONL). */
export const PREVIEW_MAX_CHARS = 2_000_000;

/** The text to preview and whether it was cut; null when a large JSON document cannot be cut. */
export function previewText(text: string): { text: string; cut: boolean } | null {
  if (text.length <= PREVIEW_MAX_CHARS) return { text, cut: false };
  const t = text.trimStart();
  const jsonl = /^\{[^\n]*\}\s*\n\s*\{/.test(t.slice(0, 100_000));
  if ((t.startsWith('[') || t.startsWith('{')) && !jsonl) return null;
  const end = text.lastIndexOf('\n', PREVIEW_MAX_CHARS);
  return end > 0 ? { text: text.slice(0, end), cut: true } : null;
}

function Preview({ name, format, text: full, rules }: { name: string; format: UsageFormat; text: string; rules: LinkRules }) {
  const part = React.useMemo(() => previewText(full), [full]);
  const p = React.useMemo(() => {
    if (!part) return null;
    try {
      return previewFileLinks(format, part.text, name, rules);
    } catch (e) {
      return (e as Error).message;
    }
  }, [format, part, name, rules]);
  if (p === null) return <Caption1>{name}: too large to preview live (a JSON document over {PREVIEW_MAX_CHARS / 1e6} MB); Refresh reports its linked counts.</Caption1>;
  if (typeof p === 'string') return <MessageBar intent="error"><MessageBarBody>{name}: {p}</MessageBarBody></MessageBar>;
  return (
    <div>
      <Body1>
        {name}{part?.cut ? ` (first ${PREVIEW_MAX_CHARS / 1e6} MB)` : ''}: {fmtInt(p.work_item.linked)} of {fmtInt(p.total)} records linked to a work item ({fmtPct(p.work_item.linked_share)}); {fmtInt(p.agent.linked + p.agent.by_default)} to an agent
        {p.rejected ? `; ${fmtInt(p.rejected)} rejected` : ''}.
      </Body1>
      <ul>
        {p.work_item.rules.map((r) => <li key={`w${r.index}`}><Caption1>work item · {r.rule}: {fmtInt(r.linked)}</Caption1></li>)}
        {p.agent.rules.map((r) => <li key={`a${r.index}`}><Caption1>agent · {r.rule}: {fmtInt(r.linked)}</Caption1></li>)}
      </ul>
      {p.work_item.unlinked_examples.length > 0 && <Caption1>Unlinked examples: {p.work_item.unlinked_examples.join(', ')}</Caption1>}
    </div>
  );
}
