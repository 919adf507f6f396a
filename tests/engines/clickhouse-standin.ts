// A small stand-in for a ClickHouse server: ClickHouse's HTTP interface (POST with the query in the body, or an INSERT
// in the `query` parameter with the data in the body; settings, session_id and query_id as URL parameters; basic
// auth; gzip when asked; errors as status 500 with ClickHouse's "Code: N. DB::Exception" text) in front of chDB — the
// ClickHouse engine itself, embedded. Enough for @clickhouse/client to run a whole ledger build against it; not a
// server (one session at a time, no TLS, no cluster). Listens on 127.0.0.1, on a port the system picks.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'session_id', 'database', 'default_format', 'role']);

export interface StandIn {
  url: string;
  /** every request: its session id, the statement (first 60 characters) and whether it carried the expected credentials */
  requests: { session: string | null; statement: string; authorized: boolean }[];
  /** when set, rewrites an answer before it is sent (a proxy or a connection that misbehaves), by its statement */
  tamper: ((statement: string, out: string) => string) | null;
  /** when set, milliseconds to wait before answering a statement (a server that stalls) */
  stall: ((statement: string) => number) | null;
  /** drops the temporary tables a build left (a server drops them with the build's session; this stand-in has one) */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The request's body, read from the moment it arrives. Read only when its turn in the queue came, a request the client
 * had given up on meanwhile (a timeout) was destroyed with its body unread: it never ended, and every later request
 * waited behind it for good.
 */
function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => reject(new Error('the client closed the request before sending all of it')));
  });
}

export async function startClickHouseStandIn(credentials: { user: string; password: string }): Promise<StandIn> {
  const { Session } = (await import('chdb' as string)) as { Session: new () => ChdbSession };
  const session = new Session();
  const requests: StandIn['requests'] = [];
  let server: Server | null = null;
  const api: StandIn = {
    url: '',
    requests,
    tamper: null,
    stall: null,
    async reset() {
      const names = (await session.queryAsync('SELECT name FROM system.tables WHERE is_temporary', { format: 'TabSeparated' })).text().split('\n').filter(Boolean);
      for (const n of names) await session.queryAsync(`DROP TEMPORARY TABLE IF EXISTS \`${n}\``);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server!.close(() => {
          session.close();
          resolve();
        });
        server!.closeAllConnections?.();
      }),
  };
  let queue = Promise.resolve();
  server = createServer((req, res) => {
    const received = body(req);
    received.catch(() => undefined);
    // one statement at a time: a ClickHouse session also refuses concurrent queries; one request's fault is its own
    queue = queue.then(async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/ping') {
        res.end('Ok.\n');
        return;
      }
      const auth = req.headers.authorization ?? '';
      const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
      const data = await received.catch(() => null);
      if (data === null) return; // the client went away mid-request: nothing to run, nobody to answer
      const insert = url.searchParams.get('query');
      const statement = insert ?? data.toString('utf8');
      requests.push({ session: url.searchParams.get('session_id'), statement: statement.slice(0, 60), authorized: auth === expected });
      if (auth !== expected) {
        res.statusCode = 516;
        res.setHeader('X-ClickHouse-Exception-Code', '516');
        res.end(`Code: 516. DB::Exception: ${credentials.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)\n`);
        return;
      }
      try {
        for (const [k, v] of url.searchParams) {
          if (NOT_SETTINGS.has(k)) continue;
          await session.queryAsync(`SET ${k} = ${/^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}`);
        }
        const sql = insert ? `${insert}\n${data.toString('utf8')}` : statement;
        const wait = api.stall ? api.stall(statement) : 0;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const answer = (await session.queryAsync(sql, { format: 'TabSeparated' })).text();
        const out = api.tamper ? api.tamper(statement, answer) : answer;
        res.setHeader('X-ClickHouse-Query-Id', url.searchParams.get('query_id') ?? '');
        res.setHeader('X-ClickHouse-Summary', JSON.stringify({ read_rows: '0', read_bytes: '0', written_rows: '0', written_bytes: '0', total_rows_to_read: '0', result_rows: '0', result_bytes: '0' }));
        if (url.searchParams.get('enable_http_compression') === '1' && /gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
          res.setHeader('Content-Encoding', 'gzip');
          res.end(gzipSync(out));
        } else res.end(out);
      } catch (e) {
        const message = (e as Error).message.replace(/^Query failed: /, '');
        res.statusCode = 500;
        res.setHeader('X-ClickHouse-Exception-Code', /Code: (\d+)/.exec(message)?.[1] ?? '1000');
        res.end(message.startsWith('Code:') ? message : `Code: 1000. DB::Exception: ${message}`);
      }
    }).catch(() => {
      // a fault outside the statement's own try: answer it, and keep the queue alive for the next request
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.url = `http://127.0.0.1:${port}`;
  return api;
}
