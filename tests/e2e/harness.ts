// End-to-end harness: build the workbench page with the repository's own webpack config, serve the build over a
// tiny static http server on 127.0.0.1, and drive Debian's chromium through playwright-core (no browser download).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Configuration, Stats } from 'webpack';

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

/**
 * Builds only the workbench entry (and its async chunks: the refresh worker, ExcelJS) with webpack.config.js in
 * development mode without source maps: a few seconds instead of a minute of minifying.
 */
export async function buildWorkbench(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'ailabor-workbench-'));
  const webpack = require('webpack') as typeof import('webpack');
  const makeConfig = require(join(ROOT, 'webpack.config.js')) as (env: unknown, argv: { mode: string }) => Promise<Configuration>;
  const config = await makeConfig({}, { mode: 'development' });
  const entry = config.entry as Record<string, string>;
  if (!entry.workbench) throw new Error('webpack.config.js has no "workbench" entry');
  const html = (config.plugins ?? []).filter(
    (p) => p?.constructor?.name === 'HtmlWebpackPlugin' && (p as unknown as { userOptions: { filename?: string } }).userOptions.filename === 'workbench.html',
  );
  if (html.length !== 1) throw new Error('webpack.config.js does not generate workbench.html');
  const built: Configuration = {
    ...config,
    mode: 'development',
    context: ROOT,
    devtool: false,
    entry: { workbench: entry.workbench },
    output: { ...config.output, path: out, clean: true },
    // the page and its icons; not the custom-functions metadata or the task pane page
    plugins: [...html, ...(config.plugins ?? []).filter((p) => p?.constructor?.name === 'CopyPlugin')],
    infrastructureLogging: { level: 'error' },
  };
  const stats = await new Promise<Stats>((ok, fail) =>
    webpack(built, (err, s) => {
      if (err || !s) fail(err ?? new Error('webpack gave no stats'));
      else ok(s);
    }),
  );
  if (stats.hasErrors()) throw new Error(`workbench build failed:\n${stats.toString({ all: false, errors: true })}`);
  if (!existsSync(join(out, 'workbench.html'))) throw new Error(`no workbench.html in ${out}`);
  return out;
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

export function freshArtifacts(): string {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

/** "$1,234.56" / "-$1.37" / "1,234" → integer cents. */
export function cents(text: string): number {
  const t = text.trim();
  if (!/^-?\$?[\d,]+(\.\d+)?$/.test(t)) throw new Error(`not an amount: "${text}"`);
  return Math.round(Number(t.replace(/[$,]/g, '')) * 100);
}
