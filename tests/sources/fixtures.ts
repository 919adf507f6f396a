// Helpers for the fixture-driven source tests: read a fixture folder's *.expected.json, run the mapper it names,
// and serve recorded API pages from a local HTTP server on 127.0.0.1.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseSourceFile, type SourceFormat } from '../../src/sources/formats';
import { parseLinkRules } from '../../src/sources/links';
import type { MapResult } from '../../src/sources/common/types';
import { emptyUsageEvent } from '../../src/core/model/records';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'sources');

export interface ExpectedFile {
  input: string;
  format: Exclude<SourceFormat, 'canonical'>;
  links?: string | object;
  options?: string | object;
  events?: unknown[];
  work_items?: unknown[];
  reviews?: unknown[];
  invoices?: unknown[];
  overheads?: unknown[];
  rejected?: { file?: string; line: number; column: string; reason: string }[];
  /** consistency warnings the mapper must report (totals vs parts, reported cost vs catalog price) */
  warnings?: { file?: string; line: number; column: string; reason: string }[];
  skipped?: number;
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A value that is either inline or the name of a JSON file in the same folder. */
export function inlineOrFile(dir: string, v: string | object | undefined): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  return (typeof v === 'string' ? readJson(join(dir, v)) : v) as Record<string, unknown>;
}

export function expectedFiles(): { source: string; name: string; path: string }[] {
  const out: { source: string; name: string; path: string }[] = [];
  for (const source of readdirSync(FIXTURES).sort()) {
    for (const f of readdirSync(join(FIXTURES, source)).sort()) {
      if (f.endsWith('.expected.json')) out.push({ source, name: f, path: join(FIXTURES, source, f) });
    }
  }
  return out;
}

/** Runs the mapper an expected file names on its input; rejected rows name the input by its bare file name. */
export function runExpected(dir: string, exp: ExpectedFile): MapResult {
  const text = readFileSync(join(dir, exp.input), 'utf8');
  const links = exp.links ? parseLinkRules(inlineOrFile(dir, exp.links)) : undefined;
  return parseSourceFile(exp.format, text, exp.input, { links, options: inlineOrFile(dir, exp.options) });
}

/**
 * Expected usage events list only the fields they set: the ones added later to the canonical record (service tier,
 * splits, web searches, line item) take the schema's defaults, so older expectations stay exact without repeating them.
 */
export function withDefaults(events: unknown[] | undefined): unknown[] {
  return (events ?? []).map((e) => ({ ...emptyUsageEvent(), ...(e as object) }));
}

export function actualOf(r: MapResult) {
  return {
    events: r.events,
    work_items: r.workItems,
    reviews: r.reviews,
    invoices: r.invoices,
    overheads: r.overheads,
    rejected: r.rejected.map((x) => ({ file: x.file, line: x.line, column: x.column, reason: x.reason })),
    warnings: r.warnings.map((x) => ({ file: x.file, line: x.line, column: x.column, reason: x.reason })),
    skipped: r.skipped,
  };
}

export interface RecordedResponse {
  /** `json`: top-level keys the request's JSON body must hold (POST APIs that page in the body) */
  when: { path: string; query?: Record<string, string | null>; method?: string; json?: Record<string, unknown> };
  status: number;
  headers?: Record<string, string>;
  /** a file in the scenario's folder, or the literal body */
  body?: string;
  /** how many times this response is served before the next matching one takes over (default: always) */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Serves recorded pages on 127.0.0.1 (ephemeral port); unmatched requests get 404 with what was asked. */
export async function recordedServer(dir: string, responses: RecordedResponse[]): Promise<{ server: Server; baseUrl: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const used = responses.map(() => 0);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams.entries());
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const i = responses.findIndex((r, idx) => {
        if (r.when.path !== url.pathname) return false;
        if (r.when.method && r.when.method !== req.method) return false;
        for (const [k, v] of Object.entries(r.when.query ?? {})) {
          if (v === null ? url.searchParams.has(k) : url.searchParams.get(k) !== v) return false;
        }
        if (r.when.json) {
          let sent: Record<string, unknown>;
          try {
            sent = JSON.parse(requests[requests.length - 1].body) as Record<string, unknown>;
          } catch {
            return false;
          }
          for (const [k, v] of Object.entries(r.when.json)) if (JSON.stringify(sent?.[k]) !== JSON.stringify(v)) return false;
        }
        return r.times === undefined || used[idx] < r.times;
      });
      if (i < 0) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`no recorded response for ${req.method} ${url.pathname}${url.search}`);
        return;
      }
      used[i]++;
      const r = responses[i];
      let body = r.body ?? '';
      if (body && !body.trimStart().startsWith('{') && !body.includes(' ') && body.endsWith('.json')) body = readFileSync(join(dir, body), 'utf8');
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
