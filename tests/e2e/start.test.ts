// `npm start` as the README says: the real dev server from the real webpack.config.js (through scripts/start.mjs),
// then the workbench URL it prints, in Debian's chromium: sample → Refresh → chargeback, with zero page errors and
// zero failed requests. Then what users do next: start it a second time, start it while another program holds the
// port, stop it with Ctrl+C, and start it again. Screenshots in test-artifacts/e2e/start/.
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { buildLedger, summarize } from '../../src/core/ledger';
import { sampleData } from '../../src/core/sample';
import { WORKBENCH_SAMPLE } from '../../src/taskpane/services/sample';
import { NpmStart, cents, freePort, freshArtifacts, openBrowser, workbenchUi } from './harness';

jest.setTimeout(300_000);

let ARTIFACTS = '';
const started: NpmStart[] = [];

async function portFree(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((ok) => {
    s.once('error', () => ok(false));
    s.listen(port, 'localhost', () => s.close(() => ok(true)));
  });
}

beforeAll(() => {
  ARTIFACTS = freshArtifacts('start');
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop('SIGTERM')));
});

describe('npm start (the README’s main job)', () => {
  const ports = { devServer: 0, http: 0 };
  let first: NpmStart;
  let url = '';

  it('serves the workbench; the printed URL opens and runs sample → Refresh → chargeback with no page error or failed request', async () => {
    ports.devServer = await freePort();
    ports.http = await freePort();
    first = new NpmStart(ports);
    started.push(first);
    const t0 = Date.now();
    url = await first.ready();
    console.log(`npm start ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${url}`);
    expect(url).toBe(`http://localhost:${ports.http}/workbench.html`);

    const { browser, page, pageErrors, failedRequests } = await openBrowser();
    try {
      const ui = workbenchUi(page);
      await page.goto(url);
      // A blank page (a script error at load) would only time out here: say why.
      await page.getByText('The preview workbook is empty.').waitFor({ timeout: 30_000 }).catch((e: Error) => {
        throw new Error(`${e.message}\npage errors: ${pageErrors.join('\n') || 'none'}`);
      });
      await ui.loadSampleAndRefresh();
      const period = WORKBENCH_SAMPLE.endPeriod;
      const g = await ui.generateChargeback(period);
      const total = cents(await ui.cellIn(g, `M${await ui.rowWhere(g, 'A', 'Total')}`).innerText());
      const summary = summarize(buildLedger(sampleData(WORKBENCH_SAMPLE)), period, { rejected: [] });
      expect(total).toBe(Math.round(summary.totals.total * 100));
      await page.screenshot({ path: join(ARTIFACTS, 'chargeback.png') });
      expect(pageErrors).toEqual([]);
      expect(failedRequests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a second npm start on the same ports says the workbench is already running, where, and exits 0', async () => {
    const second = new NpmStart(ports);
    started.push(second);
    const done = await second.exited;
    expect(done.code).toBe(0);
    expect(done.output).toContain(`The workbench is already running: ${url}`);
  });

  it('a port held by another program: exits 1 naming the port and how to choose others', async () => {
    const other = { devServer: await freePort(), http: await freePort() };
    const squatter: Server = createServer((s) => s.end());
    await new Promise<void>((ok) => squatter.listen(other.devServer, 'localhost', ok));
    try {
      const blocked = new NpmStart(other);
      started.push(blocked);
      const done = await blocked.exited;
      expect(done.code).toBe(1);
      expect(done.output).toContain(`Port ${other.devServer} is already in use by another program`);
      expect(done.output).toContain('DEV_SERVER_PORT=');
    } finally {
      await new Promise<void>((ok) => squatter.close(() => ok()));
    }
  });

  it('Ctrl+C stops it (ports free again, and it says so); npm start then starts again and the URL opens', async () => {
    const stopped = await first.stop('SIGINT');
    expect(stopped.output).toMatch(/Stopped: ports \d+ and \d+ are free again/);
    expect(await portFree(ports.devServer)).toBe(true);
    expect(await portFree(ports.http)).toBe(true);

    const again = new NpmStart(ports);
    started.push(again);
    expect(await again.ready()).toBe(url);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('AI Labor Ledger');
    const { browser, page, pageErrors } = await openBrowser();
    try {
      await page.goto(url);
      await page.getByText('The preview workbook is empty.').waitFor({ timeout: 30_000 });
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
    await again.stop('SIGINT');
  });
});
