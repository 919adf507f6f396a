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
  /** maps one page; throws PageError when the page is not the shape expected. `file` names the page for rejections */
  page(body: unknown, ctx: { page: number; file: string; cursor: string | null }): Promise<{ next: string | null; result: MapResult }> | { next: string | null; result: MapResult };
  /** extra advice on auth failures, e.g. which environment variable holds the key */
  authHint?: string;
}

export async function paginate(o: PaginateOptions): Promise<PullResult> {
  const { deps, source } = o;
  const sleep = deps.sleep ?? defaultSleep;
  const maxRetries = deps.maxRetries ?? 5;
  const maxWait = deps.maxWaitMs ?? 600_000;
  const now = deps.now ?? Date.now;
  const out: PullResult = { ...emptyResult(), source, partial: false, cursor: null, pages: 0, requests: 0, waitedMs: 0 };
  let cursor: string | null = deps.cursor ?? null;
  const seen = new Set<string>();
  const safe = (s: string) => redact(s, o.secrets);
  const stop = (error: string) => {
    out.partial = true;
    out.cursor = cursor;
    out.error = safe(error);
    return out;
  };

  for (let pageNo = 1; ; pageNo++) {
    if (deps.maxPages !== undefined && pageNo > deps.maxPages) return stop(`${source}: stopped after ${deps.maxPages} pages (maxPages); resume from the cursor`);
    const req = o.request(cursor);
    const label = `${source} page ${pageNo} (${where(req.url)})`;
    let bodyText: string | null = null;
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let retryAfter: number | null = null;
      let detail = '';
      try {
        out.requests++;
        const res = await deps.fetch(req.url, { method: req.method ?? 'GET', headers: req.headers, body: req.body });
        status = res.status;
        if (status >= 200 && status < 300) {
          bodyText = await res.text();
          break;
        }
        retryAfter = retryAfterMs(res.headers.get('retry-after'), now());
        detail = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
      } catch (e) {
        detail = e instanceof Error ? e.message : String(e);
      }
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt >= maxRetries) {
        const what = status === 0 ? `network error: ${detail}` : `HTTP ${status}${detail ? `: ${detail}` : ''}`;
        const hint = status === 401 || status === 403 ? ` — check the credentials${o.authHint ? ` (${o.authHint})` : ''}` : '';
        const tries = retryable ? ` after ${attempt + 1} attempts` : '';
        return stop(`${label}: ${what}${hint}${tries}. ${out.pages} page(s) read; resume from the cursor to continue`);
      }
      // 429: the server's Retry-After, else exponential backoff (1 s, 2 s, 4 s … capped at a minute).
      const wait = Math.min(maxWait, retryAfter ?? Math.min(60_000, 1000 * 2 ** attempt));
      out.waitedMs += wait;
      await sleep(wait);
    }

    let body: unknown;
    try {
      body = JSON.parse(bodyText!);
    } catch (e) {
      return stop(`${label}: the response is not JSON (${(e as Error).message}); starts with ${JSON.stringify(bodyText!.slice(0, 80))}`);
    }
    let mapped: { next: string | null; result: MapResult };
    try {
      mapped = await o.page(body, { page: pageNo, file: label, cursor });
    } catch (e) {
      if (e instanceof PageError) return stop(`${label}: ${e.message}`);
      throw e;
    }
    mergeResults(out, mapped.result);
    out.pages++;
    deps.onPage?.({ source, page: pageNo, cursor, next: mapped.next, records: countRecords(mapped.result), rejected: mapped.result.rejected.length });
    if (mapped.next === null) {
      out.cursor = null;
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
