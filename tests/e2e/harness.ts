// End-to-end harness. The tests drive the artifacts users run and nothing else (tests/README.md): `npm start` as the
// README says, and `npm run build`'s dist/ served by a plain static file server. Never a rebuild with a different
// webpack config. Debian's chromium is driven through playwright-core (no browser download).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');

/** Fails (never skips) when the browser is missing: CI installs it in .ci/run. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The workbench end-to-end test needs Chromium at ${CHROMIUM} and it is missing. ` +
        'Install it with `apt-get install -y chromium` (Debian; .ci/run does this), or set CHROMIUM_PATH.',
    );
  }
}

/** A TCP port nothing listens on right now (bound on localhost, then released). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((ok) => s.listen(0, 'localhost', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** `npm run <script>` in the repository, as a user runs it; resolves with its exit and output. */
export function npmRun(script: string, env: NodeJS.ProcessEnv = {}): Promise<Exited> {
  return new Promise((ok, fail) => {
    const child = spawn('npm', ['run', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', fail);
    child.on('exit', (code, signal) => ok({ code, signal, output }));
  });
}

/**
 * `npm start` exactly as the README says (scripts/start.mjs → webpack serve with webpack.config.js), on free ports
 * (DEV_SERVER_PORT, WORKBENCH_HTTP_PORT: the documented way to move it) so a developer's own server is left alone.
 * Its own process group, so stop() sends the signal to npm, the script and webpack together, as Ctrl+C in a terminal does.
 */
export class NpmStart {
  private child: ChildProcess;
  output = '';
  readonly exited: Promise<Exited>;

  constructor(readonly ports: { devServer: number; http: number }) {
    this.child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // WORKBENCH_ONLY: on a developer's Mac or Windows machine, serve instead of sideloading into Excel.
      env: { ...process.env, DEV_SERVER_PORT: String(ports.devServer), WORKBENCH_HTTP_PORT: String(ports.http), WORKBENCH_ONLY: '1' },
    });
    this.child.stdout!.on('data', (c) => (this.output += c));
    this.child.stderr!.on('data', (c) => (this.output += c));
    this.exited = new Promise((ok) => this.child.on('exit', (code, signal) => ok({ code, signal, output: this.output })));
  }

  /** Waits for "Workbench ready: URL" and returns that URL (the one the user is told to open). */
  async ready(timeoutMs = 240_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const m = /Workbench ready: (\S+)/.exec(this.output);
      if (m) return m[1];
      const done = await Promise.race([this.exited, new Promise((ok) => setTimeout(() => ok(null), 250))]);
      if (done) throw new Error(`npm start exited before it was ready:\n${this.output.slice(-3000)}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`npm start not ready after ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
    }
  }

  /** Ctrl+C: SIGINT to the whole process group; resolves when npm has exited. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<Exited> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // already gone
      }
    }
    return this.exited;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `dir` on 127.0.0.1 (a random port); returns the base URL and a close function. */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'workbench.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** A fresh test-artifacts/e2e/<name>/ folder for one test file's screenshots. */
export function freshArtifacts(name: string): string {
  const dir = join(ARTIFACTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's chromium, headless, with a page that records every page error and failed request. */
export async function openBrowser(viewport = { width: 1440, height: 900 }): Promise<{ browser: Browser; page: Page; pageErrors: string[]; failedRequests: string[] }> {
  assertChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failedRequests.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
  return { browser, page, pageErrors, failedRequests };
}

/** `npm start` on free ports and Chromium on its workbench, waiting for the empty preview workbook. */
export async function workbenchOnNpmStart(viewport = { width: 1500, height: 900 }) {
  const server = new NpmStart({ devServer: await freePort(), http: await freePort() });
  const url = await server.ready();
  const opened = await openBrowser(viewport);
  const ui = workbenchUi(opened.page);
  await opened.page.goto(url);
  await opened.page.getByText('The preview workbook is empty.').waitFor({ timeout: 60_000 });
  return { server, ...opened, ui };
}

/** Locators of the workbench (task pane tabs, sheet tabs, grids) and waits, by accessible names. */
export function workbenchUi(page: Page) {
  const ui = {
    paneTab: (name: string) => page.getByRole('tab', { name, exact: true }),
    sheetTab: (name: string) => page.getByRole('tablist', { name: 'Sheets' }).getByRole('tab', { name, exact: true }),
    grid: (sheet: string) => page.getByRole('grid', { name: `Sheet ${sheet}`, exact: true }),
    cellIn: (g: Locator, ref: string) => g.locator(`[role="gridcell"][data-ref="${ref}"]`),
    formulaBar: () => page.getByRole('textbox', { name: 'Formula bar' }),
    /** Waits until the locator's text (or input value) is `expected`; returns it. */
    async expectText(l: Locator, expected: string | RegExp, how: 'text' | 'value' = 'text', timeout = 10_000): Promise<string> {
      const t0 = Date.now();
      let last = '';
      for (;;) {
        last = how === 'value' ? await l.inputValue() : await l.innerText();
        if (typeof expected === 'string' ? last === expected : expected.test(last)) return last;
        if (Date.now() - t0 > timeout) throw new Error(`expected ${how} ${String(expected)}, got "${last}"`);
        await page.waitForTimeout(100);
      }
    },
    /** The row number of the first column-`col` cell whose text is exactly `text` (among rendered rows). */
    async rowWhere(g: Locator, col: string, text: string): Promise<number> {
      const refs = await g.locator('[role="gridcell"]').evaluateAll(
        (els, [c, t]) => els.filter((e) => (e.textContent ?? '').trim() === t && new RegExp(`^${c}\\d+$`).test(e.getAttribute('data-ref') ?? '')).map((e) => e.getAttribute('data-ref')),
        [col, text],
      );
      if (!refs.length || !refs[0]) throw new Error(`no cell in column ${col} reads "${text}"`);
      return Number(refs[0].slice(col.length));
    },
    async selectCell(g: Locator, ref: string) {
      await ui.cellIn(g, ref).click();
      await ui.expectText(page.getByRole('textbox', { name: 'Cell address' }), ref, 'value');
    },
    /** Sources → Load sample data → Refresh: the month-end flow up to a built ledger in the grid. */
    async loadSampleAndRefresh() {
      await ui.paneTab('Sources').click();
      await page.getByRole('button', { name: 'Load sample data' }).click();
      await page.getByText(/Sample organisation/).first().waitFor();
      await ui.paneTab('Refresh').click();
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Refreshed' }).first().waitFor({ timeout: 150_000 });
      await ui.sheetTab('Ledger').waitFor();
    },
    /** Reports → Generate chargeback for the month; returns the sheet's grid. */
    async generateChargeback(period: string): Promise<Locator> {
      await ui.paneTab('Reports').click();
      await page.getByLabel('Month').selectOption(period);
      await page.getByRole('button', { name: 'Generate chargeback' }).click();
      await page.getByRole('status').filter({ hasText: `Wrote Chargeback ${period}` }).first().waitFor({ timeout: 60_000 });
      const sheet = `Chargeback ${period}`;
      await ui.sheetTab(sheet).click();
      const g = ui.grid(sheet);
      await g.waitFor();
      return g;
    },
  };
  return ui;
}

/** "$1,234.56" / "-$1.37" / "1,234" → integer cents. */
export function cents(text: string): number {
  const t = text.trim();
  if (!/^-?\$?[\d,]+(\.\d+)?$/.test(t)) throw new Error(`not an amount: "${text}"`);
  return Math.round(Number(t.replace(/[$,]/g, '')) * 100);
}
