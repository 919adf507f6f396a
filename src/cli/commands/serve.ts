// `serve`: hosts the built add-in (dist/) on 127.0.0.1 plus a relay, /relay/<source>/<path>, for the APIs the
// browser cannot call (no CORS). The relay holds the credentials server-side (environment variables), forwards
// only to hosts listed in RELAY_ALLOWED_HOSTS, drops any credential the browser sends, and never logs a secret.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createReadStream, readFileSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PULL_SOURCES, RELAY_HEADER, baseUrlFromEnv, baseUrlProblem, credentialsFromEnv, type Env } from '../../sources/pulls';
import { boundedRequest, redact, type FetchLike } from '../../sources/common/http';
import { clip } from '../../sources/common/text';
import type { CliIO, Command } from './index';
import { UsageError, numberFlag, parseFlags } from './args';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

// Headers the browser may pass upstream; everything else (cookies, its own Authorization) stays here.
const FORWARD_REQUEST = ['accept', 'content-type'];
const FORWARD_RESPONSE = ['retry-after', 'x-ratelimit-remaining', 'x-rate-limit-remaining', 'link'];
/** Every relay answer is JSON that no browser may render, sniff, frame or run. */
const RELAY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

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
    const problem = baseUrlProblem(source, undefined, env);
    if (problem) return { source, base, host, ready: false, why: problem };
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

/** The origin a browser shows for a request addressed to this server (the Host header is checked to be local). */
function ownOrigin(req: IncomingMessage, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${(req.headers.host ?? '').toLowerCase()}`;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return null;
  }
}

export function createServeServer(o: ServeOptions): Server | HttpsServer {
  const dist = resolve(o.distDir);
  const secretsOf = (source: string) => {
    const creds = credentialsFromEnv(source, o.env);
    const headers = Object.values(PULL_SOURCES[source]?.relayHeaders(creds) ?? {}).map((h) => h.replace(/^(Basic|Bearer) /, ''));
    return Object.values(creds).concat(headers);
  };
  const origins = new Set((o.env.RELAY_ALLOWED_ORIGINS ?? '').split(',').map((x) => x.trim().toLowerCase().replace(/\/$/, '')).filter(Boolean));
  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  const relayError = (res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...RELAY_HEADERS, ...extra });
    res.end(JSON.stringify({ error: message }));
  };

  /**
   * Who may call the relay: the add-in's own pages (same origin, or an origin in RELAY_ALLOWED_ORIGINS). A request
   * that names another origin (Origin, else Referer) is refused, and every request must carry RELAY_HEADER — a page
   * on another site can only add it through a CORS preflight, which is answered for allowed origins only — so
   * simple cross-site GETs and text/plain POSTs (which need no preflight) fail.
   */
  const callerProblem = (req: IncomingMessage): string | null => {
    const own = ownOrigin(req, !!o.tls);
    const allowed = (x: string | null) => x !== null && (x === own || origins.has(x));
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!allowed(origin === 'null' ? null : origin.toLowerCase())) return `the relay answers only the add-in's own origin (${own}), not ${clip(origin, 80)}`;
    } else if (req.headers.referer !== undefined) {
      if (!allowed(originOf(req.headers.referer))) return `the relay answers only the add-in's own pages (${own})`;
    }
    if (!req.headers[RELAY_HEADER]) return `a relay request must carry the ${RELAY_HEADER} header (the add-in's pulls send it)`;
    return null;
  };

  async function relay(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/relay\/([a-z]+)(\/.*)?$/.exec(url.pathname);
    const source = m?.[1] ?? '';
    const cors: Record<string, string> = {};
    const origin = req.headers.origin?.toLowerCase();
    if (origin && origins.has(origin)) Object.assign(cors, { 'access-control-allow-origin': origin, vary: 'Origin' });
    const caller = callerProblem(req);
    if (caller) return relayError(res, 403, `relay: ${caller}`, cors);
    const route = relayRoutes(o.env).find((r) => r.source === source);
    if (!route) return relayError(res, 404, `relay: unknown source "${clip(source, 40)}"; sources: ${Object.keys(PULL_SOURCES).join(', ')}`, cors);
    if (!route.ready) return relayError(res, 503, `relay: ${source} is not configured on this server: ${route.why}`, cors);
    const method = (req.method ?? 'GET').toUpperCase();
    const rest = m?.[2] ?? '/';
    const endpoint = PULL_SOURCES[source].endpoints.find((e) => e.path.test(rest));
    if (!endpoint) {
      return relayError(res, 404, `relay: ${clip(rest, 120)} is not a pull endpoint of ${source}; the relay forwards only ${PULL_SOURCES[source].endpoints.map((e) => `${e.method} ${e.path.source.replace(/\\|^\^|\$$/g, '')}`).join(', ')}`, cors);
    }
    if (method !== endpoint.method) return relayError(res, 405, `relay: ${rest} is relayed for ${endpoint.method} only`, { ...cors, allow: endpoint.method });
    const upstream = new URL(route.base);
    const basePath = upstream.pathname.replace(/\/$/, '');
    const target = new URL(`${upstream.origin}${basePath}${rest}${url.search}`);
    // A path like /relay/jira/..%2F..%2F or an absolute URL must not leave the allow-listed host.
    if (target.host.toLowerCase() !== route.host) return relayError(res, 400, 'relay: the path leaves the configured host', cors);
    const headers: Record<string, string> = {};
    for (const h of FORWARD_REQUEST) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    Object.assign(headers, PULL_SOURCES[source].relayHeaders(credentialsFromEnv(source, o.env)));
    const body = method === 'POST' ? await readBody(req) : undefined;
    const secrets = secretsOf(source);
    let up;
    try {
      // Same-origin redirects only, bounded time and size: the relay is not a way to reach other hosts.
      up = await boundedRequest({ url: target.toString(), method, headers, body }, { fetch: o.fetch });
    } catch (e) {
      o.log?.(`relay ${source}: ${redact((e as Error).message, secrets)}`);
      return relayError(res, 502, `relay: ${source} upstream failed: ${clip(redact((e as Error).message, secrets), 300)}`, cors);
    }
    const out: Record<string, string> = { ...RELAY_HEADERS, ...cors };
    for (const h of FORWARD_RESPONSE) {
      const v = up.headers.get(h);
      if (v) out[h] = redact(v, secrets);
    }
    o.log?.(redact(`relay ${source}: ${method} ${target.pathname} → ${up.status}`, secrets));
    // Only JSON goes back, scrubbed of the credentials: never upstream HTML (it would run on the add-in's origin).
    const type = (up.headers.get('content-type') ?? '').toLowerCase();
    const text = redact(up.text, secrets);
    const isJson = /^application\/([a-z.+-]*\+)?json\b/.test(type) || (type === '' && looksJson(text));
    if (!isJson || (text.trim() !== '' && !looksJson(text))) {
      return relayError(res, 502, `relay: ${source} answered HTTP ${up.status} with ${type || 'no content type'}, not JSON; not relayed`, cors);
    }
    res.writeHead(up.status, out);
    res.end(text);
  }

  async function serveStatic(res: ServerResponse, url: URL) {
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    if (rel.endsWith('/')) rel += 'taskpane.html';
    const path = normalize(join(dist, rel));
    if (path !== dist && !path.startsWith(dist + sep)) return send(res, 403, 'forbidden');
    try {
      const st = await fs.stat(path);
      if (!st.isFile()) return send(res, 404, 'not found');
    } catch {
      return send(res, 404, `not found: ${clip(rel, 200)}${rel.endsWith('taskpane.html') ? ' (run "npm run build" first)' : ''}`);
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
    createReadStream(path).pipe(res);
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // DNS-rebinding guard: only requests addressed to this machine by a local name.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return send(res, 421, 'serve: requests must address localhost or 127.0.0.1');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS' && url.pathname.startsWith('/relay/')) {
      // Preflight: only for the origins allowed to call the relay; anyone else gets no CORS grant.
      const origin = req.headers.origin?.toLowerCase();
      if (origin && origins.has(origin)) {
        res.writeHead(204, {
          'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': `content-type, accept, ${RELAY_HEADER}`, 'access-control-max-age': '600',
        });
        return res.end();
      }
      return relayError(res, 403, 'relay: this origin may not call the relay');
    }
    const handler = url.pathname.startsWith('/relay/') ? relay(req, res, url) : serveStatic(res, url);
    handler.catch((e) => {
      if (!res.headersSent) send(res, 500, 'serve: internal error');
      o.log?.(`serve: ${clip((e as Error).message, 300)}`);
    });
  };
  return o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, handle) : createServer(handle);
}

function looksJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
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

The relay answers only the add-in's own pages (Origin/Referer checked; every request must carry the
${RELAY_HEADER} header, which the add-in's pulls send), forwards only the documented pull endpoints of each
source, follows no redirect to another host, and returns only JSON, scrubbed of the credentials.

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
