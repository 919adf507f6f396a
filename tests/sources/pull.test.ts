// API connectors against a local HTTP server on 127.0.0.1 serving recorded pages: pagination, 429 Retry-After,
// backoff, resume from a cursor after a failure, partial results, and credentials kept out of every message.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runPull, PULL_SOURCES } from '../../src/sources/pulls';
import { parseLinkRules } from '../../src/sources/links';
import type { FetchLike, PullResult } from '../../src/sources/common/http';
import { FIXTURES, inlineOrFile, readJson, recordedServer, withDefaults, type RecordedResponse } from './fixtures';

interface Scenario {
  source: string;
  description: string;
  settings: Record<string, unknown>;
  optionsFile?: string;
  env: Record<string, string>;
  links?: string;
  responses: RecordedResponse[];
  expect: {
    partial: boolean;
    pages?: number;
    requests?: number;
    sleeps?: number[];
    cursor?: string | null;
    auth?: string;
    header?: [string, string];
    error_includes?: string;
    event_ids?: string[];
    events?: string;
    records?: string;
    invoices?: unknown[];
  };
}

const fetchFn = globalThis.fetch as unknown as FetchLike;

export async function runScenario(dir: string, file: string) {
  const sc = readJson<Scenario>(join(dir, file));
  const srv = await recordedServer(dir, sc.responses);
  const sleeps: number[] = [];
  try {
    const options = sc.optionsFile ? inlineOrFile(dir, sc.optionsFile) : {};
    const env = { ...sc.env, [PULL_SOURCES[sc.source].baseUrlEnv]: srv.baseUrl };
    const result = await runPull(sc.source, { ...options, ...sc.settings }, env, {
      fetch: fetchFn,
      sleep: async (ms) => { sleeps.push(ms); },
      links: sc.links ? parseLinkRules(inlineOrFile(dir, sc.links)) : undefined,
    });
    return { sc, result, sleeps, requests: srv.requests };
  } finally {
    await srv.close();
  }
}

const scenarios: [string, string, string][] = [];
for (const source of readdirSync(FIXTURES).sort()) {
  const api = join(FIXTURES, source, 'api');
  if (!existsSync(api)) continue;
  for (const f of readdirSync(api).sort()) if (f.endsWith('.scenario.json')) scenarios.push([`${source}/api/${f}`, api, f]);
}

test('every API source has recorded pages and a scenario', () => {
  const covered = new Set(scenarios.map((s) => s[0].split('/')[0]));
  for (const source of Object.keys(PULL_SOURCES)) expect([source, covered.has(source)]).toEqual([source, true]);
});

test('the awkward cases are among the scenarios: pages, a 429 then success, a malformed page', () => {
  const all = scenarios.map(([label, dir, file]) => ({ label, sc: readJson<Scenario>(join(dir, file)) }));
  const multiPage = all.filter((x) => (x.sc.expect.pages ?? 0) >= 2 && !x.sc.expect.partial).map((x) => x.label);
  const retried429 = all.filter((x) => x.sc.responses.some((r) => r.status === 429) && !x.sc.expect.partial).map((x) => x.label);
  const malformed = all.filter((x) => x.sc.expect.partial && x.sc.responses.every((r) => r.status === 200)).map((x) => x.label);
  expect(multiPage.length).toBeGreaterThanOrEqual(6);
  expect(retried429.length).toBeGreaterThanOrEqual(3);
  expect(malformed).toEqual(expect.arrayContaining(['langfuse/api/malformed.scenario.json', 'openai/api/malformed.scenario.json']));
});

describe.each(scenarios)('%s', (_label, dir, file) => {
  let run: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    run = await runScenario(dir, file);
  });

  test('pull outcome (complete/partial, pages, requests, waits, cursor)', () => {
    const { sc, result, sleeps, requests } = run;
    expect(result.partial).toBe(sc.expect.partial);
    if (sc.expect.pages !== undefined) expect(result.pages).toBe(sc.expect.pages);
    if (sc.expect.requests !== undefined) expect(requests.length).toBe(sc.expect.requests);
    if (sc.expect.requests !== undefined) expect(result.requests).toBe(sc.expect.requests);
    if (sc.expect.sleeps !== undefined) expect(sleeps).toEqual(sc.expect.sleeps);
    if (sc.expect.cursor !== undefined) expect(result.cursor).toBe(sc.expect.cursor);
    if (sc.expect.error_includes) expect(result.error).toContain(sc.expect.error_includes);
    if (!sc.expect.partial) expect(result.error).toBeUndefined();
  });

  test('credentials go in headers, never in the URL or a message', () => {
    const { sc, result, requests } = run;
    if (sc.expect.auth) for (const r of requests) expect(r.headers.authorization).toBe(sc.expect.auth);
    if (sc.expect.header) for (const r of requests) expect(r.headers[sc.expect.header[0]]).toBe(sc.expect.header[1]);
    const secrets = Object.values(sc.env).filter((v) => /SECRET/.test(v));
    for (const r of requests) for (const s of secrets) expect(r.path + JSON.stringify(r.query)).not.toContain(s);
    for (const s of secrets) expect(JSON.stringify(result)).not.toContain(s);
  });

  test('records match the expected canonical records', () => {
    const { sc, result } = run;
    if (sc.expect.event_ids) expect(result.events.map((e) => e.event_id)).toEqual(sc.expect.event_ids);
    if (sc.expect.invoices) expect(result.invoices).toEqual(sc.expect.invoices);
    const expFile = sc.expect.events ?? sc.expect.records;
    if (expFile) {
      const exp = readJson<Partial<Record<'events' | 'work_items' | 'reviews' | 'rejected', unknown[]>>>(join(dir, expFile));
      expect(result.events).toEqual(withDefaults(exp.events));
      expect(result.workItems).toEqual(exp.work_items ?? []);
      expect(result.reviews).toEqual(exp.reviews ?? []);
      expect(result.rejected).toEqual(exp.rejected ?? []);
    }
  });
});

/** A tiny recorded API for the failure cases below. */
async function litellmServer(page2: RecordedResponse[]) {
  const dir = join(FIXTURES, 'litellm', 'api');
  return recordedServer(dir, [
    { when: { path: '/spend/logs/v2', query: { page: '1' } }, status: 200, body: 'page-1.json' },
    ...page2,
  ]);
}
const LITELLM_ENV = (base: string) => ({ LITELLM_BASE_URL: base, LITELLM_API_KEY: 'sk-litellm-SECRET-1234' });
const SETTINGS = { startDate: '2026-10-01', endDate: '2026-10-31', pageSize: 2 };

describe('failures', () => {
  test('a page that keeps failing stops the pull as partial with the cursor to resume; resuming completes it', async () => {
    const failing = await litellmServer([{ when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 502, body: 'Bad Gateway' }]);
    const sleeps: number[] = [];
    const pages: number[] = [];
    let first: PullResult;
    try {
      first = await runPull('litellm', SETTINGS, LITELLM_ENV(failing.baseUrl), {
        fetch: fetchFn, maxRetries: 2, sleep: async (ms) => { sleeps.push(ms); }, onPage: (p) => pages.push(p.page),
      });
    } finally {
      await failing.close();
    }
    expect(first.partial).toBe(true);
    expect(first.cursor).toBe('2');
    expect(first.error).toMatch(/litellm page 2 .*HTTP 502: Bad Gateway after 3 attempts/);
    expect(first.events.map((e) => e.event_id)).toEqual(['p1-a', 'p1-b']);
    expect(sleeps).toEqual([1000, 2000]);
    expect(pages).toEqual([1]);

    const healthy = await litellmServer([{ when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 200, body: 'page-2.json' }]);
    try {
      const second = await runPull('litellm', SETTINGS, LITELLM_ENV(healthy.baseUrl), { fetch: fetchFn, cursor: first.cursor, sleep: async () => {} });
      expect(second.partial).toBe(false);
      expect(healthy.requests.map((r) => r.query.page)).toEqual(['2']);
      expect([...first.events, ...second.events].map((e) => e.event_id)).toEqual(['p1-a', 'p1-b', 'p2-a']);
    } finally {
      await healthy.close();
    }
  });

  test('429 without end: retries are bounded and the result is partial, never silently short', async () => {
    const srv = await litellmServer([{ when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 429, headers: { 'retry-after': '1' }, body: '{}' }]);
    const sleeps: number[] = [];
    try {
      const r = await runPull('litellm', SETTINGS, LITELLM_ENV(srv.baseUrl), { fetch: fetchFn, maxRetries: 3, sleep: async (ms) => { sleeps.push(ms); } });
      expect(r.partial).toBe(true);
      expect(r.cursor).toBe('2');
      expect(r.error).toContain('HTTP 429');
      expect(sleeps).toEqual([1000, 1000, 1000]);
      expect(r.waitedMs).toBe(3000);
    } finally {
      await srv.close();
    }
  });

  test('Retry-After as an HTTP date waits until that time', async () => {
    const now = Date.parse('2026-10-07T10:00:00Z');
    const srv = await litellmServer([
      { when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 429, headers: { 'retry-after': 'Wed, 07 Oct 2026 10:00:30 GMT' }, body: '{}', times: 1 },
      { when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 200, body: 'page-2.json' },
    ]);
    const sleeps: number[] = [];
    try {
      const r = await runPull('litellm', SETTINGS, LITELLM_ENV(srv.baseUrl), { fetch: fetchFn, now: () => now, sleep: async (ms) => { sleeps.push(ms); } });
      expect(r.partial).toBe(false);
      expect(sleeps).toEqual([30000]);
    } finally {
      await srv.close();
    }
  });

  test('an API that repeats a cursor is stopped instead of looping', async () => {
    const dir = join(FIXTURES, 'langfuse', 'api');
    const srv = await recordedServer(dir, [{ when: { path: '/api/public/v2/observations' }, status: 200, body: '{"data": [], "meta": {"cursor": "same"}}' }]);
    try {
      const r = await runPull('langfuse', {}, { LANGFUSE_BASE_URL: srv.baseUrl, LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk-lf-SECRET-5678' }, { fetch: fetchFn });
      expect(r.partial).toBe(true);
      expect(r.error).toContain('same cursor twice');
      expect(srv.requests.length).toBe(2);
    } finally {
      await srv.close();
    }
  });

  test('a rejected credential: the message says which variable to check and contains no secret, even when the server echoes it', async () => {
    const dir = join(FIXTURES, 'zendesk', 'api');
    const token = 'zd-token-SECRET-4242';
    const basic = Buffer.from(`ops@acme.example/token:${token}`).toString('base64');
    const srv = await recordedServer(dir, [
      { when: { path: '/api/v2/incremental/tickets/cursor.json' }, status: 401, body: `{"error":"Couldn't authenticate you","received":"Basic ${basic}","token":"${token}"}` },
    ]);
    try {
      const r = await runPull('zendesk', { startTime: 0, agent: { default: 'csr-agent' } }, { ZENDESK_BASE_URL: srv.baseUrl, ZENDESK_EMAIL: 'ops@acme.example', ZENDESK_API_TOKEN: token }, { fetch: fetchFn });
      expect(r.partial).toBe(true);
      expect(r.error).toContain('HTTP 401');
      expect(r.error).toContain('ZENDESK_EMAIL + ZENDESK_API_TOKEN');
      expect(r.error).not.toContain(token);
      expect(r.error).not.toContain(basic);
      expect(JSON.stringify(r)).not.toContain(token);
    } finally {
      await srv.close();
    }
  });

  test('missing credentials are named by their environment variable before any request', async () => {
    await expect(runPull('jira', { jql: 'project = SUP' }, { JIRA_BASE_URL: 'http://127.0.0.1:9' }, { fetch: fetchFn })).rejects.toThrow(/JIRA_EMAIL/);
    await expect(runPull('openai', { startTime: 0 }, {}, { fetch: fetchFn })).rejects.toThrow(/OPENAI_ADMIN_KEY/);
  });

  test('a network error is retried and then reported as partial', async () => {
    const sleeps: number[] = [];
    const r = await runPull('litellm', SETTINGS, { LITELLM_BASE_URL: 'http://127.0.0.1:1', LITELLM_API_KEY: 'sk-litellm-SECRET-1234' }, { fetch: fetchFn, maxRetries: 1, sleep: async (ms) => { sleeps.push(ms); } });
    expect(r.partial).toBe(true);
    expect(r.cursor).toBeNull();
    expect(r.error).toContain('network error');
    expect(r.error).not.toContain('SECRET');
    expect(sleeps).toEqual([1000]);
  });
});
