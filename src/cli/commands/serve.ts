// `serve`: hosts the built add-in (dist/) on 127.0.0.1 plus a relay, /relay/<source>/<path>, for the APIs the
// browser cannot call (no CORS). The relay holds the credentials server-side (environment variables), forwards
// only to hosts listed in RELAY_ALLOWED_HOSTS, drops any credential the browser sends, and never logs a secret.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createReadStream, readFileSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PULL_SOURCES, baseUrlFromEnv, credentialsFromEnv, type Env } from '../../sources/pulls';
import { redact, type FetchLike } from '../../sources/common/http';
import type { CliIO, Command } from './index';
import { UsageError, numberFlag, parseFlags } from './args';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

// Headers the browser may pass upstream; everything else (cookies, its own Authorization) stays here.
const FORWARD_REQUEST = ['accept', 'content-type'];
const FORWARD_RESPONSE = ['content-type', 'retry-after', 'x-ratelimit-remaining', 'x-rate-limit-remaining', 'link'];

export interface ServeOptions {
  distDir: string;
  env: Env;
  fetch: FetchLike;
  log?(line: string): void;
  /** serve https (Excel loads add-ins only over https): PEM certificate and key */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Where `npx office-addin-dev-certs install` puts the trusted localhost certificate. */
export const DEV_CERT_DIR = join(homedir(), '.office-addin-dev-certs');

function allowedHosts(env: Env): Set<string> {
  return new Set((env.RELAY_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
}

/** Which relay routes are live: sources whose base URL host is allow-listed and whose credentials are set. */
export function relayRoutes(env: Env): { source: string; base: string; host: string; ready: boolean; why?: string }[] {
  const hosts = allowedHosts(env);
  return Object.keys(PULL_SOURCES).map((source) => {
    const base = baseUrlFromEnv(source, env);
    if (!base) return { source, base: '', host: '', ready: false, why: `${PULL_SOURCES[source].baseUrlEnv} not set` };
    let host = '';
    try {
      host = new URL(base).host.toLowerCase();
    } catch {
      return { source, base, host, ready: false, why: `${PULL_SOURCES[source].baseUrlEnv} is not a URL` };
    }
    if (!hosts.has(host)) return { source, base, host, ready: false, why: `${host} not in RELAY_ALLOWED_HOSTS` };
    if (Object.keys(PULL_SOURCES[source].relayHeaders(credentialsFromEnv(source, env))).length === 0) {
      return { source, base, host, ready: false, why: `credentials not set (${Object.values(PULL_SOURCES[source].credentials).join(' / ')})` };
    }
    return { source, base, host, ready: true };
  });
}

function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createServeServer(o: ServeOptions): Server | HttpsServer {
  const dist = resolve(o.distDir);
  const secretsOf = (source: string) => Object.values(credentialsFromEnv(source, o.env)).concat(Object.values(PULL_SOURCES[source]?.relayHeaders(credentialsFromEnv(source, o.env)) ?? {}).map((h) => h.replace(/^(Basic|Bearer) /, '')));
  const origins = new Set((o.env.RELAY_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
    res.end(body);
  };

  async function relay(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/relay\/([a-z]+)(\/.*)?$/.exec(url.pathname);
    const source = m?.[1] ?? '';
    const route = relayRoutes(o.env).find((r) => r.source === source);
    if (!route) return send(res, 404, `relay: unknown source "${source}"; sources: ${Object.keys(PULL_SOURCES).join(', ')}`);
    if (!route.ready) return send(res, 503, `relay: ${source} is not configured on this server: ${route.why}`);
    const upstream = new URL(route.base);
    const basePath = upstream.pathname.replace(/\/$/, '');
    const target = new URL(`${upstream.origin}${basePath}${m?.[2] ?? '/'}${url.search}`);
    // A path like /relay/jira/..%2F..%2F or an absolute URL must not leave the allow-listed host.
    if (target.host.toLowerCase() !== route.host) return send(res, 400, 'relay: the path leaves the configured host');
    const headers: Record<string, string> = {};
    for (const h of FORWARD_REQUEST) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    Object.assign(headers, PULL_SOURCES[source].relayHeaders(credentialsFromEnv(source, o.env)));
    const method = (req.method ?? 'GET').toUpperCase();
    if (!['GET', 'POST'].includes(method)) return send(res, 405, 'relay: only GET and POST are relayed');
    const body = method === 'POST' ? await readBody(req) : undefined;
    let up;
    try {
      up = await o.fetch(target.toString(), { method, headers, body });
    } catch (e) {
      o.log?.(`relay ${source}: ${redact((e as Error).message, secretsOf(source))}`);
      return send(res, 502, `relay: ${source} upstream unreachable`);
    }
    const text = await up.text();
    const out: Record<string, string> = {};
    for (const h of FORWARD_RESPONSE) {
      const v = up.headers.get(h);
      if (v) out[h] = v;
    }
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) out['access-control-allow-origin'] = origin;
    o.log?.(`relay ${source}: ${method} ${target.pathname} → ${up.status}`);
    res.writeHead(up.status, out);
    res.end(text);
  }

  async function serveStatic(res: ServerResponse, url: URL) {
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'taskpane.html';
    const path = normalize(join(dist, rel));
    if (path !== dist && !path.startsWith(dist + sep)) return send(res, 403, 'forbidden');
    try {
      const st = await fs.stat(path);
      if (!st.isFile()) return send(res, 404, 'not found');
    } catch {
      return send(res, 404, `not found: ${rel}${rel.endsWith('taskpane.html') ? ' (run "npm run build" first)' : ''}`);
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
    createReadStream(path).pipe(res);
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // DNS-rebinding guard: only requests addressed to this machine by a local name.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return send(res, 421, 'serve: requests must address localhost or 127.0.0.1');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS' && req.headers.origin && origins.has(req.headers.origin)) {
      res.writeHead(204, { 'access-control-allow-origin': req.headers.origin, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, accept' });
      return res.end();
    }
    const handler = url.pathname.startsWith('/relay/') ? relay(req, res, url) : serveStatic(res, url);
    handler.catch((e) => {
      if (!res.headersSent) send(res, 500, 'serve: internal error');
      o.log?.(`serve: ${(e as Error).message}`);
    });
  };
  return o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, handle) : createServer(handle);
}

/** The certificate and key for --https / --cert --key, with a message saying what to do when they are missing. */
export function loadTls(cert: string | undefined, key: string | undefined, devCerts: boolean, dir = DEV_CERT_DIR): { cert: Buffer; key: Buffer } | undefined {
  if (!cert && !key && !devCerts) return undefined;
  if (!!cert !== !!key) throw new UsageError('serve: --cert and --key go together (PEM files)');
  const c = cert ?? join(dir, 'localhost.crt');
  const k = key ?? join(dir, 'localhost.key');
  const read = (p: string, what: string) => {
    try {
      return readFileSync(p);
    } catch {
      throw new UsageError(`serve: cannot read the ${what} ${p}${cert ? '' : '; run "npx office-addin-dev-certs install" first, or pass --cert FILE --key FILE'}`);
    }
  };
  return { cert: read(c, 'certificate'), key: read(k, 'key') };
}

const usage = `Usage: ai-labor-ledger serve [--port 3000] [--dist dist] [--https | --cert FILE --key FILE]

Hosts the built add-in (run "npm run build" first) on http://127.0.0.1:PORT and a relay for APIs the browser
cannot call directly: the task pane calls http://127.0.0.1:PORT/relay/<source>/<API path> with any placeholder
credential; the relay drops it and adds the real one from this server's environment.

Excel loads add-ins only over https: --https serves https://localhost:PORT with the certificate of
"npx office-addin-dev-certs install" (${DEV_CERT_DIR}); --cert/--key take other PEM files. The manifest
points at https://localhost:3000, so "serve --https" on the default port hosts the add-in Excel sideloads, and
the relay is then https://localhost:PORT/relay/<source>/..., the task pane's own origin.

Environment:
  RELAY_ALLOWED_HOSTS     comma-separated upstream hosts the relay may reach (e.g. acme.zendesk.com,acme.atlassian.net)
  RELAY_ALLOWED_ORIGINS   optional: other origins (e.g. https://localhost:3000) allowed to call the relay
${Object.entries(PULL_SOURCES).map(([k, s]) => `  ${k.padEnd(11)} ${[s.baseUrlEnv, ...Object.values(s.credentials)].join(', ')}`).join('\n')}

Binds 127.0.0.1 only.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'host the built add-in and a credential-holding relay on 127.0.0.1',
  usage,
  async run(argv: string[], io: CliIO) {
    let port: number;
    let dist: string;
    let tls: ServeOptions['tls'];
    try {
      const v = parseFlags('serve', argv, { port: { type: 'string' }, dist: { type: 'string' }, https: { type: 'boolean' }, cert: { type: 'string' }, key: { type: 'string' } });
      tls = loadTls(v.cert as string | undefined, v.key as string | undefined, !!v.https);
      port = numberFlag('serve', '--port', v.port as string | undefined, 3000, (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number 0–65535');
      dist = (v.dist as string | undefined) ?? 'dist';
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(e.message);
        return 2;
      }
      throw e;
    }
    const server = createServeServer({ distDir: dist, env: process.env, fetch: globalThis.fetch as unknown as FetchLike, log: (l) => io.err(l), tls });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const addr = server.address();
    const actual = typeof addr === 'object' && addr ? addr.port : port;
    io.out(`Serving ${resolve(dist)} on ${tls ? `https://localhost:${actual}/` : `http://127.0.0.1:${actual}/`}`);
    for (const r of relayRoutes(process.env)) io.out(`  relay /relay/${r.source}/ → ${r.ready ? r.base : `off (${r.why})`}`);
    await new Promise<void>((r) => {
      const stop = () => server.close(() => r());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
