// The pagination engine every API pull shares: complete pagination, 429 Retry-After and 5xx backoff, resume from a
// cursor, partial results reported as partial with the cursor to resume from. `fetch` and `sleep` are injected
// so the same code runs in the task pane, in Node and in fast tests. Credentials never reach a message.
//
// Every request is bounded (SECURITY.md): redirects are followed only within the same origin (a credential is never
// sent to another host), the response headers and the body each have a deadline, a page has a size cap, waits are
// capped and announced, a pull stops at a page cap or when the API loops (a cursor seen before, or empty page after
// empty page). Every response body is scrubbed of the credentials before it is parsed, so a server that echoes a key
// cannot put it into a record, a message or an output.
import type { RejectedRow } from '../../core/model/records';
import { clip } from './text';
import { emptyResult, mergeResults, pushAll, type MapResult } from './types';

/** The part of the WHATWG fetch API the pulls use (global fetch in browsers and Node ≥ 18 satisfies it). */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; redirect?: 'manual' | 'follow' | 'error'; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** the body as a stream (read in chunks, so a page has a size cap) */
  body?: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> } } | null;
  /** 'opaqueredirect' in browsers for a redirect not followed */
  type?: string;
}>;

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

/** Defaults of the bounds below (SECURITY.md lists them). */
export const PULL_LIMITS = {
  maxRetries: 5,
  /** longest Retry-After honoured; a longer one stops the pull (partial, with the cursor) instead of sleeping */
  maxWaitMs: 5 * 60_000,
  /** pages per pull unless `maxPages` says otherwise */
  maxPages: 10_000,
  /** consecutive pages with no record and a fresh cursor before the pull is taken for a loop */
  maxEmptyPages: 25,
  /** until the response headers arrive (connect included) */
  headersTimeoutMs: 30_000,
  /** to read the whole body once the headers are in (a server dripping bytes cannot hold a pull) */
  bodyTimeoutMs: 120_000,
  /** largest page body read */
  maxPageBytes: 64 * 1024 * 1024,
  maxRedirects: 5,
};

export interface PullDeps {
  fetch: FetchLike;
  /** resume: the `cursor` of a previous partial result */
  cursor?: string | null;
  /** after each page, e.g. to save the cursor so a crash can resume */
  onPage?: (p: PageReport) => void;
  /**
   * Streaming: each page's events, work items and reviews are handed here (and written, say) instead of being kept
   * in the result, which then holds only their counts in `handed`. Invoice and overhead lines stay in the result.
   */
  onRecords?: (r: MapResult, p: PageReport) => void | Promise<void>;
  /** what the pull is waiting for and why (Retry-After, backoff) */
  log?: (message: string) => void;
  /** default setTimeout; tests pass a recorder */
  sleep?: (ms: number) => Promise<void>;
  /** retries per page on 429/5xx/network errors/timeouts; default 5 */
  maxRetries?: number;
  /** longest Retry-After honoured, ms; default 5 minutes */
  maxWaitMs?: number;
  /** stop (partial, with the cursor) after this many pages; default 10,000 */
  maxPages?: number;
  maxEmptyPages?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  maxPageBytes?: number;
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
  /** with `onRecords`: how many records were handed over (they are not in the result) */
  handed?: { events: number; workItems: number; reviews: number; rejected: number };
}

export class PageError extends Error {}
/** A failure retrying cannot mend: a redirect to another origin, a page over the size cap. */
export class FinalError extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The forms a secret takes in text a server or a URL may echo: as is, percent-encoded (either hex case, and `+`
 * for spaces), inside a JSON string (quotes and backslashes escaped, `/` written as `\/` by some servers).
 */
function secretForms(s: string): string[] {
  const forms = new Set<string>([s]);
  const pct = encodeURIComponent(s);
  forms.add(pct);
  forms.add(pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(pct.replace(/%20/g, '+'));
  const json = JSON.stringify(s).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(s.replace(/\//g, '\\/'));
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * Replaces every secret, in every form above, with ***. Run it on whole texts, before anything is cut short: a
 * truncated secret no longer matches. `user:pass` pairs are passed as their base64 (the Basic header) by callers.
 */
export function redact(textIn: string, secrets: string[]): string {
  let out = textIn;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of secretForms(s)) if (out.includes(form)) out = out.split(form).join('***');
  }
  // userinfo in URLs (https://user:pass@host)
  return out.replace(/(https?:\/\/)[^/\s@"']+@/g, '$1***@');
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

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

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

/** The body as text, read in chunks against the size cap; the caller's deadline aborts it. */
async function readBody(res: Awaited<ReturnType<FetchLike>>, maxBytes: number): Promise<string> {
  if (res.body && typeof res.body.getReader === 'function' && typeof TextDecoder !== 'undefined') {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let size = 0;
    let out = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FinalError(`the response is larger than ${(maxBytes / 1048576).toFixed(0)} MB; lower the page size (limit/perPage) so a page fits`);
      }
      out += dec.decode(value, { stream: true });
    }
    return out + dec.decode();
  }
  const t = await res.text();
  if (t.length > maxBytes) throw new FinalError(`the response is larger than ${(maxBytes / 1048576).toFixed(0)} MB; lower the page size (limit/perPage) so a page fits`);
  return t;
}

/**
 * One exchange: the request, redirects within its own origin, the response headers within `headersTimeoutMs` and the
 * body within `bodyTimeoutMs` and `maxPageBytes`. A redirect to another origin is refused: the credential in the
 * headers belongs to this origin only (fetch itself would send most headers on to the new host).
 */
export async function boundedRequest(req: PageRequest, deps: Pick<PullDeps, 'fetch' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'maxPageBytes'>): Promise<{ status: number; headers: { get(n: string): string | null }; text: string }> {
  const headersTimeout = deps.headersTimeoutMs ?? PULL_LIMITS.headersTimeoutMs;
  const bodyTimeout = deps.bodyTimeoutMs ?? PULL_LIMITS.bodyTimeoutMs;
  const maxBytes = deps.maxPageBytes ?? PULL_LIMITS.maxPageBytes;
  let url = req.url;
  let method = req.method ?? 'GET';
  let body = req.body;
  for (let hop = 0; ; hop++) {
    const ac = new AbortController();
    let timedOut = '';
    const arm = (ms: number, what: string) =>
      setTimeout(() => {
        timedOut = what;
        ac.abort();
      }, ms);
    let timer = arm(headersTimeout, `no response within ${secs(headersTimeout)}`);
    try {
      let res;
      try {
        res = await deps.fetch(url, { method, headers: req.headers, body, redirect: 'manual', signal: ac.signal });
      } catch (e) {
        throw new Error(timedOut || (e instanceof Error ? e.message : String(e)));
      }
      clearTimeout(timer);
      if (res.type === 'opaqueredirect') throw new FinalError('the server answered with a redirect, which is not followed (check the base URL)');
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const loc = res.headers.get('location');
        res.body?.getReader().cancel().catch(() => undefined);
        if (!loc) throw new FinalError(`HTTP ${res.status} without a Location`);
        const from = new URL(url);
        const to = new URL(loc, from);
        if (to.origin !== from.origin) {
          throw new FinalError(`HTTP ${res.status}: redirected to another origin (${to.origin}); not followed, so the credential for ${from.origin} is not sent there. Check the base URL`);
        }
        if (hop >= PULL_LIMITS.maxRedirects) throw new FinalError(`more than ${PULL_LIMITS.maxRedirects} redirects`);
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        url = to.toString();
        continue;
      }
      timer = arm(bodyTimeout, `the response body did not arrive within ${secs(bodyTimeout)}`);
      try {
        const text = await readBody(res, maxBytes);
        return { status: res.status, headers: res.headers, text };
      } catch (e) {
        if (e instanceof FinalError) throw e;
        throw new Error(timedOut || (e instanceof Error ? e.message : String(e)));
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * One request with the retry rules: 429 waits Retry-After (else backoff), 5xx, network errors and timeouts back off
 * (1 s, 2 s, 4 s … capped at a minute), other statuses fail at once; a Retry-After longer than `maxWaitMs` stops
 * instead of sleeping. Every wait is announced on `deps.log`. Returns the body text (credentials scrubbed) or a
 * redacted error.
 */
export async function fetchWithRetry(req: PageRequest, label: string, ctx: RetryContext): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const { deps } = ctx;
  const sleep = deps.sleep ?? defaultSleep;
  const maxRetries = deps.maxRetries ?? PULL_LIMITS.maxRetries;
  const maxWait = deps.maxWaitMs ?? PULL_LIMITS.maxWaitMs;
  const now = deps.now ?? Date.now;
  const fail = (msg: string) => ({ ok: false as const, error: clip(redact(msg, ctx.secrets), 600) });
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let retryAfter: number | null = null;
    let detail = '';
    try {
      ctx.stats.requests++;
      const res = await boundedRequest(req, deps);
      status = res.status;
      if (status >= 200 && status < 300) return { ok: true, text: redact(res.text, ctx.secrets) };
      retryAfter = retryAfterMs(res.headers.get('retry-after'), now());
      // Scrub first, then cut: a cut secret would no longer match.
      detail = clip(redact(res.text, ctx.secrets).replace(/\s+/g, ' ').trim(), 300);
    } catch (e) {
      if (e instanceof FinalError) return fail(`${label}: ${e.message}`);
      detail = e instanceof Error ? e.message : String(e);
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    const what = status === 0 ? `network error: ${detail}` : `HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (!retryable || attempt >= maxRetries) {
      const hint = status === 401 || status === 403 ? ` — check the credentials${ctx.authHint ? ` (${ctx.authHint})` : ''}` : '';
      const tries = retryable ? ` after ${attempt + 1} attempts` : '';
      return fail(`${label}: ${what}${hint}${tries}`);
    }
    if (retryAfter !== null && retryAfter > maxWait) {
      return fail(`${label}: HTTP ${status} asks to wait ${secs(retryAfter)} (Retry-After), more than the ${secs(maxWait)} a pull waits; stopped so you can resume later from the cursor`);
    }
    const wait = Math.min(maxWait, retryAfter ?? Math.min(60_000, 1000 * 2 ** attempt));
    deps.log?.(redact(`${label}: ${clip(what, 200)}; waiting ${secs(wait)} (${retryAfter !== null ? 'Retry-After' : 'backoff'}), then retry ${attempt + 1} of ${maxRetries}`, ctx.secrets));
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
  if (deps.onRecords) out.handed = { events: 0, workItems: 0, reviews: 0, rejected: 0 };
  const stats = { requests: 0, waitedMs: 0 };
  const rctx: RetryContext = { deps, secrets: o.secrets, authHint: o.authHint, stats };
  const maxPages = deps.maxPages ?? PULL_LIMITS.maxPages;
  const maxEmpty = deps.maxEmptyPages ?? PULL_LIMITS.maxEmptyPages;
  let cursor: string | null = deps.cursor ?? null;
  const seen = new Set<string>();
  let empty = 0;
  const stop = (error: string) => {
    out.partial = true;
    out.cursor = cursor;
    out.error = clip(redact(error, o.secrets), 800);
    out.requests = stats.requests;
    out.waitedMs = stats.waitedMs;
    return out;
  };

  for (let pageNo = 1; ; pageNo++) {
    if (pageNo > maxPages) {
      return stop(`${source}: stopped after ${maxPages.toLocaleString('en-US')} pages (${deps.maxPages === undefined ? 'the default page cap' : 'maxPages'}); resume from the cursor${deps.maxPages === undefined ? ', or allow more pages (--max-pages)' : ''}`);
    }
    const req = o.request(cursor);
    const label = `${source} page ${pageNo} (${where(req.url)})`;
    const got = await fetchWithRetry(req, label, rctx);
    if (!got.ok) return stop(`${got.error}. ${out.pages} page(s) read; resume from the cursor to continue`);
    let body: unknown;
    try {
      body = JSON.parse(got.text);
    } catch (e) {
      return stop(`${label}: the response is not JSON (${clip((e as Error).message, 120)}); starts with ${JSON.stringify(got.text.slice(0, 80))}`);
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
            throw new PageError(`${l}: the response is not JSON (${clip((e as Error).message, 120)})`);
          }
        },
      });
    } catch (e) {
      if (e instanceof PageError) return stop(`${label}: ${e.message}`);
      throw e;
    }
    body = undefined;
    const report: PageReport = { source, page: pageNo, cursor, next: mapped.next, records: countRecords(mapped.result), rejected: mapped.result.rejected.length };
    const r = mapped.result;
    if (deps.onRecords) {
      // Hand the page on; keep only what is summed over the pull (invoice and overhead lines).
      const handed = out.handed!;
      handed.events += r.events.length;
      handed.workItems += r.workItems.length;
      handed.reviews += r.reviews.length;
      handed.rejected += r.rejected.length;
      out.skipped += r.skipped;
      pushAll(out.invoices, r.invoices);
      pushAll(out.overheads, r.overheads);
      await deps.onRecords({ ...emptyResult(), events: r.events, workItems: r.workItems, reviews: r.reviews, rejected: r.rejected, warnings: r.warnings ?? [], skipped: r.skipped }, report);
    } else mergeResults(out, r);
    out.pages++;
    deps.onPage?.(report);
    if (mapped.next === null) {
      out.cursor = mapped.checkpoint ?? null;
      out.requests = stats.requests;
      out.waitedMs = stats.waitedMs;
      return out;
    }
    // An API that hands back a cursor it already gave, or page after empty page, would loop forever.
    if (seen.has(mapped.next) || mapped.next === cursor) {
      cursor = mapped.next;
      return stop(`${label}: the API returned the same cursor twice (${clip(mapped.next, 80)}); stopped to avoid a loop`);
    }
    empty = report.records === 0 && report.rejected === 0 && r.skipped === 0 ? empty + 1 : 0;
    seen.add(mapped.next);
    cursor = mapped.next;
    if (empty >= maxEmpty) return stop(`${label}: ${maxEmpty} pages in a row without a record, each with a new cursor; stopped to avoid a loop (resume from the cursor if the API really pages through empty stretches)`);
  }
}

export function countRecords(r: MapResult): number {
  return r.events.length + r.workItems.length + r.reviews.length + r.invoices.length + r.overheads.length;
}

/** The items array of a page, or a PageError naming the key expected. */
export function pageArray(body: unknown, key: string): unknown[] {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(v)) throw new PageError(`expected a JSON object with an array "${key}"${body && typeof body === 'object' ? ` (keys: ${clip(Object.keys(body).slice(0, 8).join(', '), 120) || 'none'})` : ''}`);
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
