// The pagination engine every API pull shares: complete pagination, 429 Retry-After and 5xx backoff, resume from a
// cursor, partial results reported as partial with the cursor to resume from. `fetch` and `sleep` are injected
// so the same code runs in the task pane, in Node and in fast tests. Credentials never reach a message.
import type { RejectedRow } from '../../core/model/records';
import { emptyResult, mergeResults, type MapResult } from './types';

/** The part of the WHATWG fetch API the pulls use (global fetch in browsers and Node ≥ 18 satisfies it). */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface PageReport {
  source: string;
  page: number;
  /** the cursor this page was requested with (null = the first page) */
  cursor: string | null;
  /** the cursor of the next page (null = last page) */
  next: string | null;
  records: number;
  rejected: number;
}

export interface PullDeps {
  fetch: FetchLike;
  /** resume: the `cursor` of a previous partial result */
  cursor?: string | null;
  /** after each page, e.g. to save the cursor so a crash can resume */
  onPage?: (p: PageReport) => void;
  /** default setTimeout; tests pass a recorder */
  sleep?: (ms: number) => Promise<void>;
  /** retries per page on 429/5xx/network errors; default 5 */
  maxRetries?: number;
  /** longest wait honoured for one Retry-After, ms; default 10 minutes */
  maxWaitMs?: number;
  /** stop (partial) after this many pages; default unlimited */
  maxPages?: number;
  now?: () => number;
}

export interface PullResult extends MapResult {
  source: string;
  /** true when the pull stopped before the last page: `cursor` resumes it, `error` says why */
  partial: boolean;
  /** when partial: pass this back as `cursor` to continue where it stopped; when complete: the cursor after
   * the last page if the API gives one (Zendesk's after_cursor: the next incremental run starts there) */
  cursor: string | null;
  error?: string;
  pages: number;
  requests: number;
  /** total ms waited on 429/5xx */
  waitedMs: number;
}

export class PageError extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Replaces every secret (and its URL/base64 forms) with ***. */
export function redact(textIn: string, secrets: string[]): string {
  let out = textIn;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of [s, encodeURIComponent(s)]) out = out.split(form).join('***');
  }
  // userinfo in URLs (https://user:pass@host)
  return out.replace(/(https?:\/\/)[^/\s@]+@/g, '$1***@');
}

/** Base64 of text, in browsers and Node alike. */
export function base64(textIn: string): string {
  const bytes = new TextEncoder().encode(textIn);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Retry-After: seconds or an HTTP date. */
export function retryAfterMs(v: string | null, now: number): number | null {
  if (!v) return null;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/** Path and query of a URL without its origin's credentials, for messages. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export interface PageRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface PaginateOptions {
  source: string;
  deps: PullDeps;
  /** every credential value: stripped from every message */
  secrets: string[];
  request(cursor: string | null): PageRequest;
  /** extra advice on auth failures, e.g. which environment variable holds the key */
  authHint?: string;
}

export interface RetryContext {
  deps: PullDeps;
  secrets: string[];
  authHint?: string;
  /** counters shared with the caller's result */
  stats: { requests: number; waitedMs: number };
}

/**
 * One request with the retry rules: 429 waits Retry-After (else backoff), 5xx and network errors back off
 * (1 s, 2 s, 4 s … capped at a minute), other statuses fail at once. Returns the body text or a redacted error.
 */
export async function fetchWithRetry(req: PageRequest, label: string, ctx: RetryContext): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const { deps } = ctx;
  const sleep = deps.sleep ?? defaultSleep;
  const maxRetries = deps.maxRetries ?? 5;
  const maxWait = deps.maxWaitMs ?? 600_000;
  const now = deps.now ?? Date.now;
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let retryAfter: number | null = null;
    let detail = '';
    try {
      ctx.stats.requests++;
      const res = await deps.fetch(req.url, { method: req.method ?? 'GET', headers: req.headers, body: req.body });
      status = res.status;
      if (status >= 200 && status < 300) return { ok: true, text: await res.text() };
      retryAfter = retryAfterMs(res.headers.get('retry-after'), now());
      detail = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
    } catch (e) {
      detail = e instanceof Error ? e.message : String(e);
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || attempt >= maxRetries) {
      const what = status === 0 ? `network error: ${detail}` : `HTTP ${status}${detail ? `: ${detail}` : ''}`;
      const hint = status === 401 || status === 403 ? ` — check the credentials${ctx.authHint ? ` (${ctx.authHint})` : ''}` : '';
      const tries = retryable ? ` after ${attempt + 1} attempts` : '';
      return { ok: false, error: redact(`${label}: ${what}${hint}${tries}`, ctx.secrets) };
    }
    const wait = Math.min(maxWait, retryAfter ?? Math.min(60_000, 1000 * 2 ** attempt));
    ctx.stats.waitedMs += wait;
    await sleep(wait);
  }
}

export interface PageContext {
  page: number;
  /** names the page in rejected rows and messages */
  file: string;
  cursor: string | null;
  /** further requests a page needs (Jira worklogs beyond the first 20), with the same retry rules */
  fetchJson(req: PageRequest, label: string): Promise<unknown>;
}

export interface PageOutcome {
  next: string | null;
  result: MapResult;
  /** on the last page: where the next incremental run starts (Zendesk after_cursor) */
  checkpoint?: string | null;
}

export async function paginate(o: Omit<PaginateOptions, 'page'> & { page(body: unknown, ctx: PageContext): Promise<PageOutcome> | PageOutcome }): Promise<PullResult> {
  const { deps, source } = o;
  const out: PullResult = { ...emptyResult(), source, partial: false, cursor: null, pages: 0, requests: 0, waitedMs: 0 };
  const stats = { requests: 0, waitedMs: 0 };
  const rctx: RetryContext = { deps, secrets: o.secrets, authHint: o.authHint, stats };
  let cursor: string | null = deps.cursor ?? null;
  const seen = new Set<string>();
  const stop = (error: string) => {
    out.partial = true;
    out.cursor = cursor;
    out.error = redact(error, o.secrets);
    out.requests = stats.requests;
    out.waitedMs = stats.waitedMs;
    return out;
  };

  for (let pageNo = 1; ; pageNo++) {
    if (deps.maxPages !== undefined && pageNo > deps.maxPages) return stop(`${source}: stopped after ${deps.maxPages} pages (maxPages); resume from the cursor`);
    const req = o.request(cursor);
    const label = `${source} page ${pageNo} (${where(req.url)})`;
    const got = await fetchWithRetry(req, label, rctx);
    if (!got.ok) return stop(`${got.error}. ${out.pages} page(s) read; resume from the cursor to continue`);
    let body: unknown;
    try {
      body = JSON.parse(got.text);
    } catch (e) {
      return stop(`${label}: the response is not JSON (${(e as Error).message}); starts with ${JSON.stringify(got.text.slice(0, 80))}`);
    }
    let mapped: PageOutcome;
    try {
      mapped = await o.page(body, {
        page: pageNo,
        file: `${source} page ${pageNo}`,
        cursor,
        fetchJson: async (r, l) => {
          const g = await fetchWithRetry(r, l, rctx);
          if (!g.ok) throw new PageError(g.error);
          try {
            return JSON.parse(g.text);
          } catch (e) {
            throw new PageError(`${l}: the response is not JSON (${(e as Error).message})`);
          }
        },
      });
    } catch (e) {
      if (e instanceof PageError) return stop(`${label}: ${e.message}`);
      throw e;
    }
    mergeResults(out, mapped.result);
    out.pages++;
    deps.onPage?.({ source, page: pageNo, cursor, next: mapped.next, records: countRecords(mapped.result), rejected: mapped.result.rejected.length });
    if (mapped.next === null) {
      out.cursor = mapped.checkpoint ?? null;
      out.requests = stats.requests;
      out.waitedMs = stats.waitedMs;
      return out;
    }
    // An API that hands back a cursor it already gave would loop forever.
    if (seen.has(mapped.next) || mapped.next === cursor) {
      cursor = mapped.next;
      return stop(`${label}: the API returned the same cursor twice (${mapped.next}); stopped to avoid a loop`);
    }
    seen.add(mapped.next);
    cursor = mapped.next;
  }
}

export function countRecords(r: MapResult): number {
  return r.events.length + r.workItems.length + r.reviews.length + r.invoices.length + r.overheads.length;
}

/** The items array of a page, or a PageError naming the key expected. */
export function pageArray(body: unknown, key: string): unknown[] {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(v)) throw new PageError(`expected a JSON object with an array "${key}"${body && typeof body === 'object' ? ` (keys: ${Object.keys(body).slice(0, 8).join(', ') || 'none'})` : ''}`);
  return v;
}

export function rejectedFrom(file: string, line: number, column: string, value: string, reason: string): RejectedRow {
  return { file, line, column, value, reason };
}

/** Joins a base URL and a path; a base given with a trailing slash or path prefix keeps it. */
export function joinUrl(base: string, path: string, query?: Record<string, string | number | undefined | null | string[]>): string {
  const u = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) for (const x of v) u.searchParams.append(k, x);
      else u.searchParams.set(k, String(v));
    }
  }
  return u.toString();
}
