// The pull and serve commands: canonical JSONL out, credentials only from the environment and never printed,
// partial pulls resumable, and a relay that holds credentials server-side and reaches only allow-listed hosts.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { makePullCommand } from '../../src/cli/commands/pull';
import { createServeServer, loadTls, relayRoutes, serveCommand } from '../../src/cli/commands/serve';
import { helpText } from '../../src/cli/main';
import { importRecords } from '../../src/sources/files';
import type { FetchLike } from '../../src/sources/common/http';
import { FIXTURES, recordedServer } from './fixtures';

const fetchFn = globalThis.fetch as unknown as FetchLike;
const tmp = () => mkdtempSync(join(tmpdir(), 'sources-cli-'));
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, all: () => [...out, ...err].join('\n') };
}
const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('help lists pull and serve', () => {
  expect(helpText()).toMatch(/pull\s+pull a vendor API/);
  expect(helpText()).toMatch(/serve\s+host the built add-in/);
});

describe('pull', () => {
  test('--file converts a vendor export into canonical JSONL that the canonical import reads back', async () => {
    const dir = tmp();
    const out = join(dir, 'events.jsonl');
    const t = io();
    const code = await makePullCommand().run(
      ['litellm', '--file', join(FIXTURES, 'litellm', 'spend-logs.json'), '--links', join(FIXTURES, 'litellm', 'links.json'), '--out', out, '--rejected', join(dir, 'rej.json')],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out.join('\n')).toContain(`Wrote 5 events to ${out}`);
    expect(t.err.join('\n')).toMatch(/1 records rejected[\s\S]*line 5, prompt_tokens: expected a whole number ≥ 0 of tokens \(got 12\.5\)/);
    expect(JSON.parse(readFileSync(join(dir, 'rej.json'), 'utf8'))).toHaveLength(1);
    const back: unknown[] = [];
    const rep = await importRecords({ kind: 'usage', fileName: out, input: readFileSync(out, 'utf8'), format: 'jsonl', sink: (e) => { back.push(e); } });
    expect(rep.rejectedCount).toBe(0);
    expect(back).toEqual(lines(out));
  });

  test('--preview prints how many events each link rule links and what stays unlinked, and writes nothing', async () => {
    const t = io();
    const file = join(FIXTURES, 'litellm', 'spend-logs.json');
    expect(await makePullCommand().run(['litellm', '--file', file, '--links', join(FIXTURES, 'litellm', 'links.json'), '--preview'], t.io)).toBe(0);
    expect(t.out).toEqual([
      `${file}: 5 events (1 rejected rows not counted)`,
      '  work item: 4 linked (80.0%), 1 unlinked',
      '    rule 1 metadata.work_item_id: 1',
      '    rule 2 tag ticket:…: 3',
      '    unlinked, e.g. chatcmpl-c3',
      '  agent: 4 by rule, 0 by default, 1 unassigned',
      '    rule 1 tag agent:…: 1',
      '    rule 2 team (mapped): 3',
      '    unassigned, e.g. req-d4',
    ]);
    const t2 = io();
    expect(await makePullCommand().run(['zendesk', '--file', file, '--preview'], t2.io)).toBe(2);
    expect(t2.err.join('\n')).toMatch(/--preview reads vendor usage files/);
  });

  test('an API pull writes work items and reviews, waits on 429, prints no secret', async () => {
    const api = join(FIXTURES, 'zendesk', 'api');
    const srv = await recordedServer(api, [
      { when: { path: '/api/v2/incremental/tickets/cursor.json', query: { cursor: null } }, status: 200, body: 'page-1.json' },
      { when: { path: '/api/v2/incremental/tickets/cursor.json', query: { cursor: 'c-after-1' } }, status: 429, headers: { 'retry-after': '60' }, body: '{}', times: 1 },
      { when: { path: '/api/v2/incremental/tickets/cursor.json', query: { cursor: 'c-after-1' } }, status: 200, body: 'page-2.json' },
    ]);
    const dir = tmp();
    const out = join(dir, 'tickets.jsonl');
    const t = io();
    const sleeps: number[] = [];
    const secret = 'zd-token-SECRET-4242';
    try {
      const code = await makePullCommand({ fetch: fetchFn, sleep: async (ms) => { sleeps.push(ms); }, env: { ZENDESK_BASE_URL: srv.baseUrl, ZENDESK_EMAIL: 'ops@acme.example', ZENDESK_API_TOKEN: secret } }).run(
        ['zendesk', '--out', out, '--from', '2026-10-01T00:00:00Z', '--settings', join(FIXTURES, 'zendesk', 'options.json')],
        t.io,
      );
      expect(code).toBe(0);
    } finally {
      await srv.close();
    }
    expect(sleeps).toEqual([60000]);
    expect(lines(out).map((w) => [w.work_item_id, w.outcome])).toEqual([['ZD-1001', 'success'], ['ZD-1002', 'success'], ['ZD-1003', 'pending']]);
    expect(lines(join(dir, 'tickets.reviews.jsonl')).map((r) => r.minutes)).toEqual([10, 40]);
    expect(t.err.join('\n')).toContain("next incremental run: --cursor 'c-after-2'");
    expect(t.all()).not.toContain(secret);
    expect(readFileSync(out, 'utf8')).not.toContain(secret);
  });

  test('a partial pull exits 1 with the resume cursor; --cursor resumes and appends', async () => {
    const api = join(FIXTURES, 'litellm', 'api');
    const env = (base: string) => ({ LITELLM_BASE_URL: base, LITELLM_API_KEY: 'sk-litellm-SECRET-1234' });
    const dir = tmp();
    const out = join(dir, 'events.jsonl');
    const bad = await recordedServer(api, [
      { when: { path: '/spend/logs/v2', query: { page: '1' } }, status: 200, body: 'page-1.json' },
      { when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 500, body: 'boom sk-litellm-SECRET-1234' },
    ]);
    const t1 = io();
    try {
      const code = await makePullCommand({ fetch: fetchFn, sleep: async () => {}, env: env(bad.baseUrl) }).run(['litellm', '--out', out, '--from', '2026-10-01', '--to', '2026-10-31', '--set', 'pageSize=2'], t1.io);
      expect(code).toBe(1);
    } finally {
      await bad.close();
    }
    expect(t1.err.join('\n')).toMatch(/PARTIAL — litellm page 2 .*HTTP 500: boom \*\*\*/);
    expect(t1.err.join('\n')).toContain("resume with: --cursor '2'");
    expect(t1.all()).not.toContain('SECRET');
    expect(lines(out).map((e) => e.event_id)).toEqual(['p1-a', 'p1-b']);

    const good = await recordedServer(api, [{ when: { path: '/spend/logs/v2', query: { page: '2' } }, status: 200, body: 'page-2.json' }]);
    const t2 = io();
    try {
      const code = await makePullCommand({ fetch: fetchFn, env: env(good.baseUrl) }).run(['litellm', '--out', out, '--from', '2026-10-01', '--to', '2026-10-31', '--set', 'pageSize=2', '--cursor', '2'], t2.io);
      expect(code).toBe(0);
    } finally {
      await good.close();
    }
    expect(lines(out).map((e) => e.event_id)).toEqual(['p1-a', 'p1-b', 'p2-a']);
  });

  test('bad usage: unknown source, missing --out, missing credentials named by variable', async () => {
    const t = io();
    expect(await makePullCommand({ env: {} }).run(['splunk', '--out', 'x.jsonl'], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/unknown API source "splunk"/);
    const t2 = io();
    expect(await makePullCommand({ env: {} }).run(['jira'], t2.io)).toBe(2);
    expect(t2.err.join('\n')).toMatch(/--out FILE\.jsonl is required/);
    const t3 = io();
    const dir = tmp();
    expect(await makePullCommand({ env: { JIRA_BASE_URL: 'https://acme.atlassian.net' }, fetch: async () => { throw new Error('no call expected'); } }).run(['jira', '--out', join(dir, 'j.jsonl'), '--set', 'jql=project = SUP'], t3.io)).toBe(2);
    expect(t3.err.join('\n')).toMatch(/email: expected the Atlassian account email \(JIRA_EMAIL\).*apiToken: expected an API token \(JIRA_API_TOKEN\)/);
  });
});

describe('serve', () => {
  function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  test('hosts dist/, relays to allow-listed hosts with server-side credentials, refuses the rest', async () => {
    const dist = tmp();
    writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>AI Labor Ledger</title>');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'nope');

    const upstream = await recordedServer(join(FIXTURES, 'zendesk', 'api'), [
      { when: { path: '/api/v2/incremental/tickets/cursor.json' }, status: 200, headers: { 'retry-after': '3', 'set-cookie': 'session=1' }, body: 'page-1.json' },
    ]);
    const upstreamHost = new URL(upstream.baseUrl).host;
    const env = {
      ZENDESK_BASE_URL: upstream.baseUrl, ZENDESK_OAUTH_TOKEN: 'zd-oauth-SECRET-1',
      JIRA_BASE_URL: 'https://evil.example', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 'jira-SECRET',
      RELAY_ALLOWED_HOSTS: `${upstreamHost},acme.atlassian.net`,
    };
    const logs: string[] = [];
    const server = createServeServer({ distDir: dist, env, fetch: fetchFn, log: (l) => logs.push(l) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const home = await get(port, '/');
      expect(home.status).toBe(200);
      expect(home.headers['content-type']).toContain('text/html');
      expect(home.body).toContain('AI Labor Ledger');
      expect((await get(port, '/assets/app.js')).headers['content-type']).toContain('javascript');
      expect((await get(port, '/../outside-secret.txt')).body).not.toContain('nope');
      expect((await get(port, '/%2e%2e/outside-secret.txt')).body).not.toContain('nope');
      expect((await get(port, '/..%2foutside-secret.txt')).status).toBe(403);
      expect((await get(port, '/missing.js')).status).toBe(404);

      const relayed = await get(port, '/relay/zendesk/api/v2/incremental/tickets/cursor.json?start_time=0', { authorization: 'Bearer placeholder', cookie: 'x=1', accept: 'application/json', 'x-ai-labor-ledger-relay': '1' });
      expect(relayed.status).toBe(200);
      expect(JSON.parse(relayed.body).after_cursor).toBe('c-after-1');
      expect(relayed.headers['retry-after']).toBe('3');
      expect(relayed.headers['set-cookie']).toBeUndefined();
      const seen = upstream.requests[0];
      expect(seen.headers.authorization).toBe('Bearer zd-oauth-SECRET-1');
      expect(seen.headers.cookie).toBeUndefined();
      expect(seen.query).toEqual({ start_time: '0' });

      const relayHeader = { 'x-ai-labor-ledger-relay': '1' };
      const blocked = await get(port, '/relay/jira/rest/api/3/search/jql', relayHeader);
      expect(blocked.status).toBe(503);
      expect(blocked.body).toContain('evil.example not in RELAY_ALLOWED_HOSTS');
      expect((await get(port, '/relay/splunk/x', relayHeader)).status).toBe(404);
      expect((await get(port, '/relay/zendesk/api/v2/incremental/tickets/cursor.json', relayHeader, 'DELETE')).status).toBe(405);
      expect((await get(port, '/', { host: 'attacker.example' })).status).toBe(421);
      expect(upstream.requests).toHaveLength(1);
      expect([...logs, blocked.body, relayed.body].join('\n')).not.toMatch(/SECRET/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await upstream.close();
    }
  });

  test('--https serves the add-in and the relay over TLS (Excel loads add-ins only over https)', async () => {
    const dir = tmp();
    const cert = join(dir, 'localhost.crt');
    const key = join(dir, 'localhost.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const dist = tmp();
    writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>AI Labor Ledger</title>');
    const upstream = await recordedServer(join(FIXTURES, 'zendesk', 'api'), [{ when: { path: '/api/v2/incremental/tickets/cursor.json' }, status: 200, body: 'page-1.json' }]);
    const env = { ZENDESK_BASE_URL: upstream.baseUrl, ZENDESK_OAUTH_TOKEN: 'zd-oauth-SECRET-2', RELAY_ALLOWED_HOSTS: new URL(upstream.baseUrl).host };
    const server = createServeServer({ distDir: dist, env, fetch: fetchFn, tls: loadTls(cert, key, false) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const ca = readFileSync(cert);
    const get = (path: string, extra: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', servername: 'localhost', port, path, ca, headers: { host: `localhost:${port}`, ...extra } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const home = await get('/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('AI Labor Ledger');
      const relayed = await get('/relay/zendesk/api/v2/incremental/tickets/cursor.json?start_time=0', { 'x-ai-labor-ledger-relay': '1' });
      expect(relayed.status).toBe(200);
      expect(JSON.parse(relayed.body).after_cursor).toBe('c-after-1');
      expect(upstream.requests[0].headers.authorization).toBe('Bearer zd-oauth-SECRET-2');
      // Plain http to the TLS port is not served.
      await expect(new Promise((resolve, reject) => request({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject).end())).rejects.toThrow(/socket hang up|ECONNRESET/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await upstream.close();
    }
  });

  test('--https without a dev certificate, or --cert without --key, says what to do (exit 2)', async () => {
    expect(() => loadTls(undefined, undefined, true, join(tmp(), 'none'))).toThrow(/cannot read the certificate .*localhost\.crt; run "npx office-addin-dev-certs install" first, or pass --cert FILE --key FILE/);
    expect(() => loadTls('a.crt', undefined, false)).toThrow(/--cert and --key go together/);
    expect(loadTls(undefined, undefined, false)).toBeUndefined();
    const t = io();
    expect(await serveCommand.run(['--cert', join(tmp(), 'missing.crt'), '--key', 'k.pem'], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/cannot read the certificate .*missing\.crt$/);
  });

  test('relay routes report why a source is off', () => {
    const r = Object.fromEntries(relayRoutes({ LITELLM_BASE_URL: 'https://llm.acme.example', LITELLM_API_KEY: 'k', RELAY_ALLOWED_HOSTS: 'llm.acme.example', OPENAI_ADMIN_KEY: '' }).map((x) => [x.source, x]));
    expect(r.litellm.ready).toBe(true);
    expect(r.openai.why).toBe('api.openai.com not in RELAY_ALLOWED_HOSTS');
    expect(r.jira.why).toBe('JIRA_BASE_URL not set');
  });
});
