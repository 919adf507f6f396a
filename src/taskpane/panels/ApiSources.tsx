import * as React from 'react';
import { Button, Caption1, Field, Input, MessageBar, MessageBarBody, Select, Textarea } from '@fluentui/react-components';
import { PULL_SOURCES } from '../../sources/pulls';
import { newId, useSession } from '../state';
import type { SourceReport } from '../services/refresh-core';
import { H3, usePanelStyles } from './common';
import { RejectedTable, SourceCounts } from './SourcesPanel';

/** What each API's pull needs besides the base URL and credentials (see the pull schemas in src/sources). */
export const SETTINGS_EXAMPLES: Record<string, string> = {
  litellm: '{"startDate": "2026-10-01", "endDate": "2026-10-31"}',
  langfuse: '{"fromStartTime": "2026-10-01T00:00:00Z", "toStartTime": "2026-11-01T00:00:00Z"}',
  helicone: '{"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}',
  openai: '{"startTime": "2026-10-01", "report": "completions"}',
  anthropic: '{"startingAt": "2026-10-01T00:00:00Z", "endingAt": "2026-11-01T00:00:00Z"}',
  zendesk: '{"startTime": "2026-10-01"}',
  jira: '{"jql": "project = SUP AND updated >= \\"2026-10-01\\""}',
  servicenow: '{"table": "incident", "query": "sys_updated_on>=2026-10-01"}',
};

const SECRETISH = /(api[-_]?key|secret|token|password|bearer|authorization|adminkey|publickey|email|username)/i;

/** Parses the pull settings box: a JSON object with no credential in it (it is saved with the workbook). */
export function parsePullSettings(text: string, credentialKeys: string[]): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: {} };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Pull settings: expected a JSON object such as {"startDate": "2026-10-01"} (${(e as Error).message})` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: 'Pull settings: expected a JSON object such as {"startDate": "2026-10-01"}' };
  const bad = Object.keys(v).filter((k) => credentialKeys.includes(k) || SECRETISH.test(k));
  if (bad.length) return { ok: false, message: `Pull settings: ${bad.join(', ')} is a credential; enter it in its own field (kept per user, never in the workbook)` };
  return { ok: true, value: v as Record<string, unknown> };
}

/** API sources: format, base URL and pull settings are saved with the workbook; credentials only in per-user storage. */
export function ApiSources({ reports }: { reports: Map<string, SourceReport> }) {
  const s = usePanelStyles();
  const { sources, setSources, services } = useSession();
  const keys = Object.keys(PULL_SOURCES);
  const [format, setFormat] = React.useState(keys[0]);
  const def = PULL_SOURCES[format];
  const [baseUrl, setBaseUrl] = React.useState('');
  const [creds, setCreds] = React.useState<Record<string, string>>({});
  const [settingsText, setSettingsText] = React.useState('');
  const [msg, setMsg] = React.useState<{ intent: 'success' | 'error'; text: string } | null>(null);
  const api = sources.filter((x) => x.type === 'api');

  const add = async () => {
    const url = (baseUrl || def.defaultBaseUrl || '').trim();
    if (!/^https?:\/\/\S+$/.test(url)) {
      setMsg({ intent: 'error', text: `Base URL: expected an http(s) URL such as https://litellm.example.com, got "${baseUrl}"` });
      return;
    }
    const settings = parsePullSettings(settingsText, Object.keys(def.credentials));
    if (!settings.ok) {
      setMsg({ intent: 'error', text: settings.message });
      return;
    }
    const id = newId('api');
    const stored = Object.entries(creds).filter(([, v]) => v.trim() !== '');
    try {
      for (const [k, v] of stored) await services.credentials.set(`${id}.${k}`, v.trim());
    } catch (e) {
      setMsg({ intent: 'error', text: `Could not store the credentials: ${(e as Error).message}` });
      return;
    }
    setSources((prev) => [...prev, { id, name: `${def.label} (${url})`, type: 'api', format, label: def.label, baseUrl: url, settings: settings.value, credentialKeys: stored.map(([k]) => k) }]);
    setCreds({});
    setSettingsText('');
    setBaseUrl('');
    setMsg({ intent: 'success', text: `Added ${def.label}. Credentials kept in ${services.credentials.where}, never in the workbook.` });
  };

  const remove = async (id: string, keysOf: string[] = []) => {
    for (const k of keysOf) await services.credentials.remove(`${id}.${k}`).catch(() => undefined);
    setSources((prev) => prev.filter((x) => x.id !== id));
  };

  return (
    <section className={s.stack} aria-labelledby="api-h">
      <H3 id="api-h">API sources ({api.length})</H3>
      <Caption1>Pulled at each Refresh. The API must allow this pane&apos;s origin (CORS), or point the base URL at `ai-labor-ledger serve`.</Caption1>
      <ul className={s.plainList} aria-label="API sources">
        {api.map((a) => (
          <li key={a.id} className={s.card}>
            <Caption1>{a.name}{a.settings && Object.keys(a.settings).length ? ` · ${JSON.stringify(a.settings)}` : ''}</Caption1>
            <SourceCounts report={reports.get(a.id)} />
            {reports.get(a.id)?.rejected ? <RejectedTable report={reports.get(a.id)!} /> : null}
            <Button size="small" appearance="subtle" onClick={() => void remove(a.id, a.credentialKeys)}>Remove {a.label}</Button>
          </li>
        ))}
      </ul>
      <Field label="API">
        <Select value={format} onChange={(_, d) => { setFormat(d.value); setCreds({}); }}>
          {keys.map((k) => <option key={k} value={k}>{PULL_SOURCES[k].label}</option>)}
        </Select>
      </Field>
      <Field label="Base URL" hint={def.defaultBaseUrl ? `default ${def.defaultBaseUrl}` : undefined}>
        <Input type="url" value={baseUrl} placeholder={def.defaultBaseUrl ?? 'https://'} onChange={(_, d) => setBaseUrl(d.value)} />
      </Field>
      <Field label="Pull settings (JSON)" hint={`e.g. ${SETTINGS_EXAMPLES[format] ?? '{}'}`}>
        <Textarea value={settingsText} resize="vertical" onChange={(_, d) => setSettingsText(d.value)} />
      </Field>
      {Object.keys(def.credentials).map((k) => (
        <Field key={k} label={`Credential: ${k}`} hint="stored for you only, on this device">
          <Input type="password" autoComplete="off" value={creds[k] ?? ''} onChange={(_, d) => setCreds((c) => ({ ...c, [k]: d.value }))} />
        </Field>
      ))}
      <div><Button onClick={() => void add()}>Add API source</Button></div>
      {msg && <MessageBar intent={msg.intent} role={msg.intent === 'error' ? 'alert' : 'status'}><MessageBarBody>{msg.text}</MessageBarBody></MessageBar>}
    </section>
  );
}
