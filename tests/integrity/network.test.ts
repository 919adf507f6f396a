// Issue 14, "credentials leave", "redaction has holes" and "pulls never give up": against fake vendor servers on
// 127.0.0.1, through `runPull` (what `pull`, `build --config` and the task pane run) and the `pull` command itself.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPull } from '../../src/sources/pulls';
import { loadMonthEndConfig } from '../../src/sources/config';
import { makePullCommand } from '../../src/cli/commands/pull';
import { redact, type FetchLike } from '../../src/sources/common/http';
import { fakeServer, json, litellmPage, type Fake } from './servers';

const fetchFn = globalThis.fetch as unknown as FetchLike;
const KEY = 'sk-litellm-SECRET-0123456789abcdefghij';
const SETTINGS = { startDate: '2026-10-01', endDate: '2026-10-31', pageSize: 2 };
const env = (base: string, key = KEY) => ({ LITELLM_BASE_URL: base, LITELLM_API_KEY: key });
const noSleep = { sleep: async () => {} };
const servers: Fake[] = [];
const serve = async (h: Parameters<typeof fakeServer>[0]) => {
  const s = await fakeServer(h);
  servers.push(s);
  return s;
};
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, all: () => [...out, ...err].join('\n') };
}

describe('credentials stay with their host', () => {
  test('a redirect to another origin is not followed: the other host receives nothing (x-api-key and Authorization alike)', async () => {
    const thief = await serve((_req, res) => json(res, 200, litellmPage(1, 1)));
    const lit = await serve((_req, res) => {
      res.writeHead(302, { location: `${thief.baseUrl}/spend/logs/v2?page=1` });
      res.end();
    });
    const r = await runPull('litellm', SETTINGS, env(lit.baseUrl), { fetch: fetchFn, ...noSleep });
    expect(r.partial).toBe(true);
    expect(r.error).toMatch(/HTTP 302: redirected to another origin \(http:\/\/127\.0\.0\.1:\d+\); not followed/);
    expect(thief.seen).toHaveLength(0);

    const ant = await serve((_req, res) => {
      res.writeHead(307, { location: `${thief.baseUrl}/v1/organizations/usage_report/messages` });
      res.end();
    });
    const a = await runPull('anthropic', { startingAt: '2026-10-01T00:00:00Z' }, { ANTHROPIC_BASE_URL: ant.baseUrl, ANTHROPIC_ADMIN_KEY: 'sk-ant-admin-SECRET-42' }, { fetch: fetchFn, ...noSleep });
    expect(a.partial).toBe(true);
    expect(ant.seen[0].headers['x-api-key']).toBe('sk-ant-admin-SECRET-42');
    expect(thief.seen).toHaveLength(0);
  });

  test('a redirect within the same origin is followed', async () => {
    const lit = await serve((req, res, url) => {
      if (url.pathname === '/spend/logs/v2') {
        res.writeHead(301, { location: `/v2${url.pathname}${url.search}` });
        return res.end();
      }
      json(res, 200, litellmPage(1, 1));
    });
    const r = await runPull('litellm', SETTINGS, env(lit.baseUrl), { fetch: fetchFn, ...noSleep });
    expect(r.partial).toBe(false);
    expect(r.events.map((e) => e.event_id)).toEqual(['p1-0', 'p1-1']);
    expect(lit.seen.map((s) => s.path)).toEqual(['/spend/logs/v2', '/v2/spend/logs/v2']);
    expect(lit.seen[1].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  test('a base URL must be https unless it is this machine', async () => {
    const calls: string[] = [];
    const spy: FetchLike = async (u) => {
      calls.push(u);
      throw new Error('no request expected');
    };
    await expect(runPull('litellm', SETTINGS, env('http://llm.acme.example'), { fetch: spy })).rejects.toThrow(/must be https \(plain http only to localhost\)/);
    await expect(runPull('litellm', SETTINGS, env('https://user:pw@llm.acme.example'), { fetch: spy })).rejects.toThrow(/carries a user name or password/);
    expect(calls).toEqual([]);
  });

  test("a config's api.baseUrl cannot send an environment credential to another host unless the user allows that host", async () => {
    const other = await serve((_req, res) => json(res, 200, { data: [], meta: {} }));
    const config = { period: '2026-10', sources: [{ name: 'traces', format: 'langfuse', api: { baseUrl: other.baseUrl } }] };
    const creds = { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-SECRET-77' };
    const refused = await loadMonthEndConfig(config, 'm.json', { readText: async () => '', fetch: fetchFn, env: creds });
    expect(refused.rejected[0].reason).toMatch(new RegExp(`langfuse pull not started: langfuse: baseUrl ${other.baseUrl} would receive LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY, but the credential's host is cloud\\.langfuse\\.com \\(LANGFUSE_BASE_URL\\).*PULL_ALLOWED_HOSTS=${other.host.replace('.', '\\.')}`));
    expect(other.seen).toHaveLength(0);
    const allowed = await loadMonthEndConfig(config, 'm.json', { readText: async () => '', fetch: fetchFn, env: { ...creds, PULL_ALLOWED_HOSTS: other.host } });
    expect(allowed.sources[0].partial).toBeFalsy();
    expect(other.seen).toHaveLength(1);
    // Pointing the environment's own base URL there is the other explicit way.
    const viaEnv = await loadMonthEndConfig(config, 'm.json', { readText: async () => '', fetch: fetchFn, env: { ...creds, LANGFUSE_BASE_URL: other.baseUrl } });
    expect(viaEnv.sources[0].partial).toBeFalsy();
  });
});

describe('redaction', () => {
  test('an error body is scrubbed before it is cut short (it used to print 37 of 38 key characters)', async () => {
    // The key starts 253 to 289 characters in: a 300-character cut keeps 11 to 37 of its 38 characters.
    for (let pad = 243; pad <= 279; pad += 4) {
      const lit = await serve((_req, res) => json(res, 401, `${'x'.repeat(pad)} your key ${KEY} is not valid`));
      const r = await runPull('litellm', SETTINGS, env(lit.baseUrl), { fetch: fetchFn, ...noSleep });
      expect(r.error).toContain('HTTP 401');
      expect(r.error).not.toContain(KEY.slice(0, 8));
    }
  });

  test('JSON-escaped slashes, lower-case percent escapes, "+" for spaces and base64 user:pass are scrubbed too', () => {
    const key = 'sk/ab c+d=SECRET/99';
    const forms = [
      key, encodeURIComponent(key), encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), encodeURIComponent(key).replace(/%20/g, '+'),
      JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/'),
    ];
    for (const form of forms) expect(redact(`echo: ${form} end`, [key])).toBe('echo: *** end');
    const basic = Buffer.from(`me@acme.example:${key}`).toString('base64');
    expect(redact(`Authorization: Basic ${basic}`, [key, basic])).toBe('Authorization: Basic ***');
  });

  test('a 200 page that echoes the key into a record does not put it into any output', async () => {
    // The echo lands in fields that reach the events: the model name, and a tag a link rule reads as the work item.
    const lit = await serve((req, res) => json(res, 200, litellmPage(1, 1, 2, { model: `gpt-4o ${req.headers.authorization}`, request_tags: [`work_item:${KEY}`] })));
    const dir = mkdtempSync(join(tmpdir(), 'echo-'));
    const t = io();
    expect(await makePullCommand({ fetch: fetchFn, env: env(lit.baseUrl), ...noSleep }).run(['litellm', '--out', join(dir, 'e.jsonl'), '--from', '2026-10-01', '--to', '2026-10-31'], t.io)).toBe(0);
    expect(readFileSync(join(dir, 'e.jsonl'), 'utf8')).not.toContain('SECRET');
    expect(t.all()).not.toContain('SECRET');
    const r = await runPull('litellm', SETTINGS, env(lit.baseUrl), { fetch: fetchFn, ...noSleep });
    expect(JSON.stringify(r)).not.toContain('SECRET');
  });
});

describe('pulls give up', () => {
  test('a server that never answers, or drips its body, is given up on within the deadlines', async () => {
    const silent = await serve(() => undefined);
    const t0 = Date.now();
    const r = await runPull('litellm', SETTINGS, env(silent.baseUrl), { fetch: fetchFn, ...noSleep, maxRetries: 1, headersTimeoutMs: 300 });
    expect(r.partial).toBe(true);
    expect(r.error).toMatch(/no response within 0\.3 s after 2 attempts/);
    const drip = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const d = await runPull('litellm', SETTINGS, env(drip.baseUrl), { fetch: fetchFn, ...noSleep, maxRetries: 1, bodyTimeoutMs: 400 });
    expect(d.partial).toBe(true);
    expect(d.error).toMatch(/the response body did not arrive within 0\.4 s/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test('Retry-After longer than the cap stops the pull at once (resumable) instead of sleeping for hours; shorter waits are announced', async () => {
    let n = 0;
    const lit = await serve((_req, res) => (n++ === 0 ? json(res, 429, '{}', { 'retry-after': '86400' }) : json(res, 200, litellmPage(1, 1))));
    const sleeps: number[] = [];
    const r = await runPull('litellm', SETTINGS, env(lit.baseUrl), { fetch: fetchFn, sleep: async (ms) => { sleeps.push(ms); } });
    expect(sleeps).toEqual([]);
    expect(r.partial).toBe(true);
    expect(r.cursor).toBeNull();
    expect(r.error).toMatch(/HTTP 429 asks to wait 86400 s \(Retry-After\), more than the 300 s a pull waits; stopped/);

    let m = 0;
    const slow = await serve((_req, res) => (m++ === 0 ? json(res, 429, '{}', { 'retry-after': '60' }) : json(res, 200, litellmPage(1, 1))));
    const dir = mkdtempSync(join(tmpdir(), 'wait-'));
    const t = io();
    expect(await makePullCommand({ fetch: fetchFn, env: env(slow.baseUrl), sleep: async () => {} }).run(['litellm', '--out', join(dir, 'e.jsonl'), '--from', '2026-10-01', '--to', '2026-10-31'], t.io)).toBe(0);
    expect(t.err.join('\n')).toMatch(/litellm page 1 .*HTTP 429: \{\}; waiting 60 s \(Retry-After\), then retry 1 of 5/);
  });

  test('pages with no record and a fresh cursor each time stop the pull (it ran 93,106 empty pages in a minute)', async () => {
    let n = 0;
    const lf = await serve((_req, res) => json(res, 200, { data: [], meta: { cursor: `c${++n}` } }));
    const r = await runPull('langfuse', {}, { LANGFUSE_BASE_URL: lf.baseUrl, LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk-lf-SECRET-1' }, { fetch: fetchFn, ...noSleep });
    expect(r.partial).toBe(true);
    expect(r.error).toMatch(/25 pages in a row without a record/);
    expect(lf.seen).toHaveLength(25);
    expect(r.cursor).toBe('c25');
  });

  test('without --max-pages a pull stops at the default page cap (partial, resumable)', async () => {
    let n = 0;
    const endless: FetchLike = async () => {
      n++;
      const body = JSON.stringify({ data: [{ id: `o${n}`, type: 'GENERATION', startTime: '2026-10-01T00:00:00Z', model: 'gpt-4o', usageDetails: { input: 1, output: 1 } }], meta: { cursor: `c${n}` } });
      return { status: 200, headers: { get: () => null }, text: async () => body };
    };
    const r = await runPull('langfuse', {}, { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' }, { fetch: endless, ...noSleep, onRecords: () => undefined });
    expect(r.partial).toBe(true);
    expect(r.pages).toBe(10_000);
    expect(r.error).toMatch(/stopped after 10,000 pages \(the default page cap\); resume from the cursor, or allow more pages \(--max-pages\)/);
    expect(r.cursor).toBe('c10000');
  }, 60_000);

  test('--max-pages must be a whole number of pages (abc used to mean unlimited)', async () => {
    for (const bad of ['abc', '0', '2.5', '1e99', ' ']) {
      const t = io();
      expect(await makePullCommand({ env: {} }).run(['litellm', '--out', 'x.jsonl', '--max-pages', bad], t.io)).toBe(2);
      expect(t.err.join('\n')).toMatch(/--max-pages .*expected a whole number of pages, at least 1/);
    }
    expect(await makePullCommand({ env: {} }).run(['litellm', '--out', 'x.jsonl', '--max-pages', '-1'], io().io)).toBe(2);
  });

  test('a page larger than the cap stops the pull instead of filling memory', async () => {
    const big = await serve((_req, res) => json(res, 200, { data: [], filler: 'x'.repeat(3 * 1024 * 1024) }));
    const r = await runPull('litellm', SETTINGS, env(big.baseUrl), { fetch: fetchFn, ...noSleep, maxPageBytes: 1024 * 1024 });
    expect(r.partial).toBe(true);
    expect(r.error).toMatch(/the response is larger than 1 MB; lower the page size/);
    expect(big.seen).toHaveLength(1);
  });
});

describe('a killed pull keeps what it read', () => {
  const bin = join(__dirname, '..', '..', 'bin', 'ai-labor-ledger.cjs');
  const run = (args: string[], base: string, onErr?: (line: string, kill: () => void) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, 'pull', 'litellm', ...args], { env: { ...process.env, ...env(base) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      p.stderr.on('data', (c: Buffer) => {
        err += c.toString();
        onErr?.(err, () => p.kill('SIGKILL'));
      });
      p.on('close', (code, signal) => resolve({ code, signal, err }));
    });

  test('each page is on disk with its resume cursor before the next is asked for; --cursor goes on from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kill-'));
    const out = join(dir, 'usage.jsonl');
    const stall = await serve((_req, res, url) => {
      const page = Number(url.searchParams.get('page'));
      if (page <= 2) json(res, 200, litellmPage(page, 3));
      // page 3 never answers: the process is killed while it waits
    });
    const args = ['--out', out, '--from', '2026-10-01', '--to', '2026-10-31', '--set', 'pageSize=2'];
    const killed = await run(args, stall.baseUrl, (err, kill) => {
      if (/page 2: .*resume with --cursor '3'/.test(err)) kill();
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.err).toMatch(/page 1: 2 records \(2 so far, in .*usage\.jsonl\.partial\); if stopped, resume with --cursor '2'/);
    expect(existsSync(out)).toBe(false);
    const partial = readFileSync(`${out}.partial`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).event_id);
    expect(partial).toEqual(['p1-0', 'p1-1', 'p2-0', 'p2-1']);

    const healthy = await serve((_req, res, url) => json(res, 200, litellmPage(Number(url.searchParams.get('page')), 3)));
    const resumed = await run([...args, '--cursor', '3'], healthy.baseUrl);
    expect(resumed.code).toBe(0);
    expect(healthy.seen.map((s) => s.query.page)).toEqual(['3']);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).event_id)).toEqual(['p1-0', 'p1-1', 'p2-0', 'p2-1', 'p3-0', 'p3-1']);
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 60_000);
});
