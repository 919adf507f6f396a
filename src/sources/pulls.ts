// Which API pulls exist, which environment variables hold their credentials, and how the relay authenticates
// upstream. Shared by `pull`, `serve` and the month-end config so a source's names are spelled once.
import type { LinkRules } from './links';
import type { PullDeps, PullResult } from './common/http';
import { base64 } from './common/http';
import { pullLiteLLM } from './litellm';
import { pullLangfuse } from './langfuse';
import { pullHelicone } from './helicone';
import { pullOpenAI } from './openai';
import { pullAnthropic } from './anthropic';
import { pullZendesk } from './zendesk';
import { pullJira } from './jira';
import { pullServiceNow } from './servicenow';

export type Env = Record<string, string | undefined>;

export interface PullSource {
  label: string;
  /** what it produces */
  produces: 'usage' | 'work_items' | 'report';
  /** config key → environment variable (credentials: never in a config file, a workbook or a log) */
  credentials: Record<string, string>;
  /** environment variable of the base URL, and its default when the API has one host */
  baseUrlEnv: string;
  defaultBaseUrl?: string;
  pull(config: Record<string, unknown>, deps: PullDeps & { links?: LinkRules }): Promise<PullResult>;
  /** headers the relay adds upstream, from server-side credentials */
  relayHeaders(creds: Record<string, string>): Record<string, string>;
}

const bearer = (t: string | undefined): Record<string, string> => (t ? { Authorization: `Bearer ${t}` } : {});
const basic = (user: string | undefined, pass: string | undefined): Record<string, string> => (user && pass ? { Authorization: `Basic ${base64(`${user}:${pass}`)}` } : {});

export const PULL_SOURCES: Record<string, PullSource> = {
  litellm: {
    label: 'LiteLLM /spend/logs/v2', produces: 'usage', credentials: { apiKey: 'LITELLM_API_KEY' }, baseUrlEnv: 'LITELLM_BASE_URL',
    pull: (c, d) => pullLiteLLM(c as never, d), relayHeaders: (c) => bearer(c.apiKey),
  },
  langfuse: {
    label: 'Langfuse /api/public/v2/observations', produces: 'usage', credentials: { publicKey: 'LANGFUSE_PUBLIC_KEY', secretKey: 'LANGFUSE_SECRET_KEY' },
    baseUrlEnv: 'LANGFUSE_BASE_URL', defaultBaseUrl: 'https://cloud.langfuse.com',
    pull: (c, d) => pullLangfuse(c as never, d),
    relayHeaders: (c) => basic(c.publicKey, c.secretKey),
  },
  helicone: {
    label: 'Helicone /v1/request/query-clickhouse', produces: 'usage', credentials: { apiKey: 'HELICONE_API_KEY' }, baseUrlEnv: 'HELICONE_BASE_URL',
    defaultBaseUrl: 'https://api.helicone.ai', pull: (c, d) => pullHelicone(c as never, d), relayHeaders: (c) => bearer(c.apiKey),
  },
  openai: {
    label: 'OpenAI organization Usage/Costs API', produces: 'report', credentials: { adminKey: 'OPENAI_ADMIN_KEY' }, baseUrlEnv: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com', pull: (c, d) => pullOpenAI(c as never, d), relayHeaders: (c) => bearer(c.adminKey),
  },
  anthropic: {
    label: 'Anthropic usage/cost report', produces: 'report', credentials: { adminKey: 'ANTHROPIC_ADMIN_KEY' }, baseUrlEnv: 'ANTHROPIC_BASE_URL',
    defaultBaseUrl: 'https://api.anthropic.com', pull: (c, d) => pullAnthropic(c as never, d),
    relayHeaders: (c): Record<string, string> => (c.adminKey ? { 'x-api-key': c.adminKey, 'anthropic-version': '2023-06-01' } : {}),
  },
  zendesk: {
    label: 'Zendesk incremental ticket export', produces: 'work_items',
    credentials: { email: 'ZENDESK_EMAIL', apiToken: 'ZENDESK_API_TOKEN', oauthToken: 'ZENDESK_OAUTH_TOKEN' }, baseUrlEnv: 'ZENDESK_BASE_URL',
    pull: (c, d) => pullZendesk(c as never, d),
    relayHeaders: (c) => (c.oauthToken ? bearer(c.oauthToken) : basic(c.email && `${c.email}/token`, c.apiToken)),
  },
  jira: {
    label: 'Jira Cloud /rest/api/3/search/jql', produces: 'work_items', credentials: { email: 'JIRA_EMAIL', apiToken: 'JIRA_API_TOKEN' }, baseUrlEnv: 'JIRA_BASE_URL',
    pull: (c, d) => pullJira(c as never, d),
    relayHeaders: (c) => basic(c.email, c.apiToken),
  },
  servicenow: {
    label: 'ServiceNow Table API', produces: 'work_items',
    credentials: { username: 'SERVICENOW_USERNAME', password: 'SERVICENOW_PASSWORD', token: 'SERVICENOW_TOKEN' }, baseUrlEnv: 'SERVICENOW_BASE_URL',
    pull: (c, d) => pullServiceNow(c as never, d),
    relayHeaders: (c) => (c.token ? bearer(c.token) : basic(c.username, c.password)),
  },
};

/** Credentials of a source from the environment (only the variables that are set). */
export function credentialsFromEnv(source: string, env: Env): Record<string, string> {
  const s = PULL_SOURCES[source];
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const [k, v] of Object.entries(s.credentials)) if (env[v]) out[k] = env[v]!;
  return out;
}

export function baseUrlFromEnv(source: string, env: Env): string | undefined {
  const s = PULL_SOURCES[source];
  return s ? env[s.baseUrlEnv] || s.defaultBaseUrl : undefined;
}

/** Runs a pull with settings (non-secret) + credentials from the environment. */
export async function runPull(source: string, settings: Record<string, unknown>, env: Env, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const s = PULL_SOURCES[source];
  if (!s) throw new Error(`unknown API source "${source}"; known: ${Object.keys(PULL_SOURCES).join(', ')}`);
  const baseUrl = (settings.baseUrl as string | undefined) ?? baseUrlFromEnv(source, env);
  const config = { ...settings, ...(baseUrl ? { baseUrl } : {}), ...credentialsFromEnv(source, env) };
  return s.pull(config, deps);
}
