// Fake vendor servers on 127.0.0.1 (ephemeral ports) for the network findings of issue 14: each test gives a handler;
// every request is recorded (method, path, query, headers) so a test can say who received what.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface Fake {
  baseUrl: string;
  host: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function fakeServer(handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void): Promise<Fake> {
  const seen: Seen[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    handler(req, res, url);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    // Stalled responses hold their sockets open: end them so the server closes.
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** A LiteLLM /spend/logs/v2 page of `n` rows (ids p<page>-<i>) out of `pages`. */
export function litellmPage(page: number, pages: number, n = 2, extra: Record<string, unknown> = {}) {
  return {
    data: Array.from({ length: n }, (_, i) => ({
      request_id: `p${page}-${i}`, call_type: 'acompletion', spend: 0.001, prompt_tokens: 10, completion_tokens: 5, startTime: '2026-10-07T10:00:00Z',
      model: 'gpt-4o', custom_llm_provider: 'openai', status: 'success', request_tags: [], metadata: {}, ...extra,
    })),
    page, page_size: n, total_pages: pages,
  };
}
