// Which API pulls exist, which environment variables hold their credentials, and how the relay authenticates
// upstream. Shared by `pull`, `serve` and the month-end config so a source's names are spelled once.
import type { LinkRules } from './links';
import type { FetchLike, PullDeps, PullResult } from './common/http';
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
  /** the API paths a pull requests (below the base URL): the only ones the relay forwards */
  endpoints: { method: 'GET' | 'POST'; path: RegExp }[];
}

const GET = (path: RegExp) => ({ method: 'GET' as const, path });

const bearer = (t: string | undefined): Record<string, string> => (t ? { Authorization: `Bearer ${t}` } : {});
const basic = (user: string | undefined, pass: string | undefined): Record<string, string> => (user && pass ? { Authorization: `Basic ${base64(`${user}:${pass}`)}` } : {});

export const PULL_SOURCES: Record<string, PullSource> = {
  litellm: {
    label: 'LiteLLM /spend/logs/v2', produces: 'usage', credentials: { apiKey: 'LITELLM_API_KEY' }, baseUrlEnv: 'LITELLM_BASE_URL',
    pull: (c, d) => pullLiteLLM(c as never, d), relayHeaders: (c) => bearer(c.apiKey),
    endpoints: [GET(/^\/spend\/logs\/v2$/)],
  },
  langfuse: {
    label: 'Langfuse /api/public/v2/observations', produces: 'usage', credentials: { publicKey: 'LANGFUSE_PUBLIC_KEY', secretKey: 'LANGFUSE_SECRET_KEY' },
    baseUrlEnv: 'LANGFUSE_BASE_URL', defaultBaseUrl: 'https://cloud.langfuse.com',
    pull: (c, d) => pullLangfuse(c as never, d),
    relayHeaders: (c) => basic(c.publicKey, c.secretKey),
    endpoints: [GET(/^\/api\/public\/v2\/observations$/)],
  },
  helicone: {
    label: 'Helicone /v1/request/query-clickhouse', produces: 'usage', credentials: { apiKey: 'HELICONE_API_KEY' }, baseUrlEnv: 'HELICONE_BASE_URL',
    defaultBaseUrl: 'https://api.helicone.ai', pull: (c, d) => pullHelicone(c as never, d), relayHeaders: (c) => bearer(c.apiKey),
    endpoints: [{ method: 'POST', path: /^\/v1\/request\/query-clickhouse$/ }],
  },
  openai: {
    label: 'OpenAI organization Usage/Costs API', produces: 'report', credentials: { adminKey: 'OPENAI_ADMIN_KEY' }, baseUrlEnv: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com', pull: (c, d) => pullOpenAI(c as never, d), relayHeaders: (c) => bearer(c.adminKey),
    endpoints: [GET(/^\/v1\/organization\/usage\/(completions|embeddings)$/), GET(/^\/v1\/organization\/costs$/)],
  },
  anthropic: {
    label: 'Anthropic usage/cost report', produces: 'report', credentials: { adminKey: 'ANTHROPIC_ADMIN_KEY' }, baseUrlEnv: 'ANTHROPIC_BASE_URL',
    defaultBaseUrl: 'https://api.anthropic.com', pull: (c, d) => pullAnthropic(c as never, d),
    relayHeaders: (c): Record<string, string> => (c.adminKey ? { 'x-api-key': c.adminKey, 'anthropic-version': '2023-06-01' } : {}),
    endpoints: [GET(/^\/v1\/organizations\/usage_report\/messages$/), GET(/^\/v1\/organizations\/cost_report$/)],
  },
  zendesk: {
    label: 'Zendesk incremental ticket export', produces: 'work_items',
    credentials: { email: 'ZENDESK_EMAIL', apiToken: 'ZENDESK_API_TOKEN', oauthToken: 'ZENDESK_OAUTH_TOKEN' }, baseUrlEnv: 'ZENDESK_BASE_URL',
    pull: (c, d) => pullZendesk(c as never, d),
    relayHeaders: (c) => (c.oauthToken ? bearer(c.oauthToken) : basic(c.email && `${c.email}/token`, c.apiToken)),
    endpoints: [GET(/^\/api\/v2\/incremental\/tickets\/cursor\.json$/)],
  },
  jira: {
    label: 'Jira Cloud /rest/api/3/search/jql', produces: 'work_items', credentials: { email: 'JIRA_EMAIL', apiToken: 'JIRA_API_TOKEN' }, baseUrlEnv: 'JIRA_BASE_URL',
    pull: (c, d) => pullJira(c as never, d),
    relayHeaders: (c) => basic(c.email, c.apiToken),
    endpoints: [GET(/^\/rest\/api\/3\/search\/jql$/), GET(/^\/rest\/api\/3\/issue\/[A-Za-z0-9_-]+\/worklog$/)],
  },
  servicenow: {
    label: 'ServiceNow Table API', produces: 'work_items',
    credentials: { username: 'SERVICENOW_USERNAME', password: 'SERVICENOW_PASSWORD', token: 'SERVICENOW_TOKEN' }, baseUrlEnv: 'SERVICENOW_BASE_URL',
    pull: (c, d) => pullServiceNow(c as never, d),
    relayHeaders: (c) => (c.token ? bearer(c.token) : basic(c.username, c.password)),
    endpoints: [GET(/^\/api\/now\/table\/[a-z0-9_]+$/)],
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

/** The request header the relay requires: a page on another site cannot send it without a CORS preflight, which the relay refuses. */
export const RELAY_HEADER = 'x-ai-labor-ledger-relay';

/** Environment variable listing hosts a config's or a setting's `baseUrl` may send a credential to. */
export const ALLOWED_HOSTS_ENV = 'PULL_ALLOWED_HOSTS';

export const isLocalHost = (hostname: string) => ['localhost', '127.0.0.1', '[::1]', '::1'].includes(hostname.toLowerCase());

/**
 * Where a pull may send its credential: the base URL must be https (plain http only to this machine) and carry no
 * user:password; a `baseUrl` given in the settings (a config file, --set) must name the host of the environment's
 * base URL (or the API's own host), unless the user lists it in PULL_ALLOWED_HOSTS. Returns the problem, or null.
 */
export function baseUrlProblem(source: string, settingsBase: string | undefined, env: Env): string | null {
  const s = PULL_SOURCES[source];
  const envBase = baseUrlFromEnv(source, env);
  const base = settingsBase ?? envBase;
  if (!base) return null; // the pull's own schema names the missing variable
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return `${source}: base URL "${base}" is not a URL (such as https://example.com)`;
  }
  if (u.username || u.password) return `${source}: base URL ${u.origin} carries a user name or password; credentials come only from ${Object.values(s.credentials).join(' / ')}`;
  if (!(u.protocol === 'https:' || (u.protocol === 'http:' && isLocalHost(u.hostname)))) {
    return `${source}: base URL ${u.origin} must be https (plain http only to localhost): the credential would cross the network in clear text`;
  }
  if (settingsBase === undefined) return null;
  let envHost = '';
  try {
    envHost = envBase ? new URL(envBase).host.toLowerCase() : '';
  } catch {
    envHost = '';
  }
  const host = u.host.toLowerCase();
  const allowed = (env[ALLOWED_HOSTS_ENV] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (host === envHost || allowed.includes(host)) return null;
  const vars = Object.values(s.credentials).join(' / ');
  return `${source}: baseUrl ${u.origin} would receive ${vars}, but ${envHost ? `the credential's host is ${envHost} (${s.baseUrlEnv})` : `${s.baseUrlEnv} is not set`}; set ${s.baseUrlEnv} to it, or allow the host with ${ALLOWED_HOSTS_ENV}=${host}`;
}

/** A fetch that adds the relay's header: pulls through `serve`'s /relay/<source> send it, direct pulls do not. */
function withRelayHeader(f: FetchLike): FetchLike {
  return (url, init) => f(url, { ...init, headers: { ...(init?.headers ?? {}), [RELAY_HEADER]: '1' } });
}

/** Runs a pull with settings (non-secret) + credentials from the environment. */
export async function runPull(source: string, settings: Record<string, unknown>, env: Env, deps: PullDeps & { links?: LinkRules }): Promise<PullResult> {
  const s = PULL_SOURCES[source];
  if (!s) throw new Error(`unknown API source "${source}"; known: ${Object.keys(PULL_SOURCES).join(', ')}`);
  const given = typeof settings.baseUrl === 'string' ? settings.baseUrl : settings.baseUrl === undefined ? undefined : String(settings.baseUrl);
  const problem = baseUrlProblem(source, given, env);
  if (problem) throw new Error(problem);
  const baseUrl = given ?? baseUrlFromEnv(source, env);
  const config = { ...settings, ...(baseUrl ? { baseUrl } : {}), ...credentialsFromEnv(source, env) };
  const relayed = !!baseUrl && /^\/relay\/[a-z]+(\/|$)/.test(new URL(baseUrl).pathname);
  return s.pull(config, relayed ? { ...deps, fetch: withRelayHeader(deps.fetch) } : deps);
}
