// Issue 14, "the relay is open to other sites": `serve`'s relay answers only the add-in's own origin (Origin/Referer
// and a custom header), forwards only the pull endpoints, follows no redirect away, returns only scrubbed JSON, and
// binds 127.0.0.1. Upstreams are fake vendor servers on 127.0.0.1.
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServeServer, serveCommand } from '../../src/cli/commands/serve';
import { RELAY_HEADER, runPull } from '../../src/sources/pulls';
import type { FetchLike } from '../../src/sources/common/http';
import { fakeServer, json, type Fake } from './servers';

const fetchFn = globalThis.fetch as unknown as FetchLike;
const TOKEN = 'zd-oauth-SECRET-9001';
const OPENAI_KEY = 'sk-admin-SECRET-1234';
const ticketsPage = { tickets: [{ id: 1, status: 'solved', created_at: '2026-10-01T00:00:00Z', updated_at: '2026-10-02T00:00:00Z', group_id: 7 }], after_cursor: null, end_of_stream: true };

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function call(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Res> {
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

let upstream: Fake;
let elsewhere: Fake;
let port = 0;
let server: ReturnType<typeof createServeServer>;
let mode: 'json' | 'html' | 'redirect' | 'echo' = 'json';
const logs: string[] = [];
const own = () => `http://127.0.0.1:${port}`;
const H = { [RELAY_HEADER]: '1' };

beforeAll(async () => {
  elsewhere = await fakeServer((_req, res) => json(res, 200, { metadata: 'instance credentials' }));
  upstream = await fakeServer((req, res) => {
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<script>fetch("/steal?" + localStorage.getItem("key"))</script>');
    }
    if (mode === 'redirect') {
      res.writeHead(302, { location: `${elsewhere.baseUrl}/latest/meta-data/iam/security-credentials/` });
      return res.end();
    }
    if (mode === 'echo') return json(res, 200, { ...ticketsPage, debug: { received: req.headers.authorization, raw: TOKEN } });
    json(res, 200, ticketsPage, { 'retry-after': '1' });
  });
  const env = {
    ZENDESK_BASE_URL: upstream.baseUrl, ZENDESK_OAUTH_TOKEN: TOKEN,
    OPENAI_BASE_URL: upstream.baseUrl, OPENAI_ADMIN_KEY: OPENAI_KEY,
    RELAY_ALLOWED_HOSTS: upstream.host, RELAY_ALLOWED_ORIGINS: 'https://localhost:3000',
  };
  const dist = mkdtempSync(join(tmpdir(), 'relay-dist-'));
  writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>AI Labor Ledger</title>');
  server = createServeServer({ distDir: dist, env, fetch: fetchFn, log: (l) => logs.push(l) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await upstream.close();
  await elsewhere.close();
});
beforeEach(() => {
  mode = 'json';
  upstream.seen.length = 0;
  elsewhere.seen.length = 0;
});

const ZD = '/relay/zendesk/api/v2/incremental/tickets/cursor.json?start_time=0';

test("the add-in's own pages get through; other sites, and requests without the relay header, do not", async () => {
  const ok = await call(port, ZD, { ...H, origin: own(), referer: `${own()}/taskpane.html` });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body).tickets).toHaveLength(1);
  expect(upstream.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect((await call(port, ZD, { ...H, origin: 'https://localhost:3000' })).status).toBe(200); // RELAY_ALLOWED_ORIGINS
  const seenBefore = upstream.seen.length;

  const evil = await call(port, ZD, { ...H, origin: 'https://evil.example' });
  expect(evil.status).toBe(403);
  expect(evil.body).toMatch(/answers only the add-in's own origin/);
  expect((await call(port, ZD, { ...H, referer: 'https://evil.example/page' })).status).toBe(403);
  expect((await call(port, ZD, { ...H, origin: 'null' })).status).toBe(403);
  // What a page on any site can send without a preflight: a simple GET, a text/plain POST. Both lack the header.
  const simpleGet = await call(port, ZD, { origin: 'https://evil.example' });
  expect(simpleGet.status).toBe(403);
  const simplePost = await call(port, '/relay/openai/v1/organization/costs', { 'content-type': 'text/plain' }, 'POST', '{"name":"new key"}');
  expect(simplePost.status).toBe(403);
  expect(simplePost.body).toMatch(new RegExp(`must carry the ${RELAY_HEADER} header`));
  // The preflight that would let another site add the header is refused.
  const pre = await call(port, ZD, { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': RELAY_HEADER }, 'OPTIONS');
  expect(pre.status).toBe(403);
  expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  const okPre = await call(port, ZD, { origin: 'https://localhost:3000', 'access-control-request-method': 'GET' }, 'OPTIONS');
  expect(okPre.status).toBe(204);
  expect(okPre.headers['access-control-allow-headers']).toContain(RELAY_HEADER);
  expect(upstream.seen.length).toBe(seenBefore);
});

test('only the documented pull endpoints of each vendor are forwarded (no key creation, no other paths)', async () => {
  const adminKeys = await call(port, '/relay/openai/v1/organization/admin_api_keys', { ...H, 'content-type': 'application/json' }, 'POST', '{"name":"x"}');
  expect(adminKeys.status).toBe(404);
  expect(adminKeys.body).toMatch(/not a pull endpoint of openai; the relay forwards only GET \/v1\/organization\/usage/);
  expect((await call(port, '/relay/zendesk/api/v2/users.json', H)).status).toBe(404);
  expect((await call(port, '/relay/openai/v1/organization/costs', { ...H, 'content-type': 'application/json' }, 'POST', '{}')).status).toBe(405);
  expect(upstream.seen).toHaveLength(0);
  expect((await call(port, '/relay/openai/v1/organization/costs?start_time=0', H)).status).toBe(200);
});

test('a redirect from upstream is not followed away from the allow-listed host (no SSRF)', async () => {
  mode = 'redirect';
  const r = await call(port, ZD, H);
  expect(r.status).toBe(502);
  expect(JSON.parse(r.body).error).toMatch(/redirected to another origin/);
  expect(elsewhere.seen).toHaveLength(0);
});

test('only JSON goes back, never upstream HTML, with nosniff and a restrictive CSP', async () => {
  mode = 'html';
  const r = await call(port, ZD, H);
  expect(r.status).toBe(502);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(r.body).not.toContain('<script>');
  expect(JSON.parse(r.body).error).toMatch(/answered HTTP 200 with text\/html, not JSON; not relayed/);
  mode = 'json';
  const ok = await call(port, ZD, H);
  expect(ok.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox" });
  expect(ok.headers['retry-after']).toBe('1');
});

test('credentials an upstream echoes are scrubbed from the relayed body and the log', async () => {
  mode = 'echo';
  const r = await call(port, ZD, H);
  expect(r.status).toBe(200);
  expect(r.body).not.toContain(TOKEN);
  expect(JSON.parse(r.body).debug).toEqual({ received: 'Bearer ***', raw: '***' });
  expect(logs.join('\n')).not.toContain('SECRET');
});

test('the task pane pulls through the relay: its pulls send the relay header, with a placeholder credential', async () => {
  const r = await runPull('zendesk', { startTime: 0, agent: { default: 'csr' } }, { ZENDESK_BASE_URL: `${own()}/relay/zendesk`, ZENDESK_OAUTH_TOKEN: 'placeholder' }, { fetch: fetchFn, sleep: async () => {} });
  expect(r.partial).toBe(false);
  expect(r.workItems.map((w) => w.work_item_id)).toEqual(['1']);
  expect(upstream.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
});

test('serve binds 127.0.0.1 only', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'serve-dist-'));
  const out: string[] = [];
  const running = serveCommand.run(['--port', '0', '--dist', dist], { out: (t) => out.push(t), err: () => undefined });
  for (let i = 0; i < 100 && !out.length; i++) await new Promise((r) => setTimeout(r, 20));
  const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out[0] ?? '');
  expect(m).not.toBeNull();
  const p = Number(m![1]);
  expect((await call(p, '/')).status).toBe(404); // nothing built in dist: but it answers on loopback
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    await expect(new Promise((resolve, reject) => request({ host: external.address, port: p, path: '/' }, resolve).on('error', reject).end())).rejects.toThrow(/ECONNREFUSED/);
  }
  process.emit('SIGINT');
  expect(await running).toBe(0);
});
