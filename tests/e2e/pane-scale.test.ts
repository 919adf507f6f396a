// A month above the Ledger's per-item threshold through the task pane on the real `npm start` (tests/README.md): the
// benchmark's generator writes one month at 45% of the playbook's volume (~58,000 work items, ~460,000 usage events)
// as the nine canonical CSV files into a temp folder; the files are added through the Sources tab's file input and
// refreshed. The workbook must hold the Ledger at agent × day × business unit × outcome grain with the per-item detail
// offered as a download, and every agent's total — on the sheets and in the download — must equal the CLI's
// `build --engine js` on the same files, to the cent. The tie-out is shown to fail against the CLI's figures for the
// same files with one review row left out. Timings are not asserted (bench/pane measures them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewHost } from '../../src/hosts/preview';
import { LEDGER_DETAIL_MAX_ROWS } from '../../src/workbook/grain';
import { NpmStart, ROOT, cents, freshArtifacts, workbenchOnNpmStart, workbenchUi } from './harness';

jest.setTimeout(400_000);

const PERIOD = '2026-10';
const KINDS = ['usage', 'work_items', 'reviews', 'agents', 'rates', 'tool_prices', 'overheads', 'invoices', 'prices'];
const FLAG: Record<string, string> = { work_items: '--work-items', tool_prices: '--tool-prices' };

let ARTIFACTS = '';
let DATA = '';
let server: NpmStart | undefined;
let browser: Browser | undefined;
let page: Page;
let pageErrors: string[] = [];
let failedRequests: string[] = [];
let ui: ReturnType<typeof workbenchUi>;

interface CliSummary {
  work_items: number;
  totals: { total: number };
  agents: { agent_id: string; total: number }[];
}

/** `ai-labor-ledger build --engine js` on the nine files of `dir` (one replaced when given), as documented. */
function cliBuild(dir: string, replace: Record<string, string> = {}): CliSummary {
  const out = join(dir, `summary-${Object.keys(replace).join('-') || 'all'}.json`);
  const args = [join(ROOT, 'bin', 'ai-labor-ledger.cjs'), 'build', '--engine', 'js', '--period', PERIOD, '--summary', out];
  for (const k of KINDS) args.push(FLAG[k] ?? `--${k}`, replace[k] ?? join(dir, `${k}.csv`));
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the CLI failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as CliSummary;
}

/** Cents per agent of one figure set, against the CLI's: every agent that differs, by how much. */
function tieOut(cli: CliSummary, byAgent: Map<string, number>, what: string): string[] {
  const bad: string[] = [];
  for (const a of cli.agents) {
    const got = byAgent.get(a.agent_id) ?? 0;
    if (got !== cents(a.total.toFixed(2))) bad.push(`${what}: ${a.agent_id} ${got / 100} vs the CLI's ${a.total}`);
  }
  for (const id of byAgent.keys()) if (!cli.agents.some((a) => a.agent_id === id)) bad.push(`${what}: ${id} is not among the CLI's agents`);
  return bad;
}

/** Sums a sheet's (or CSV's) `total` column per `agent_id` in cents, from its header row on. */
function centsByAgent(rows: unknown[][], into = new Map<string, number>()): Map<string, number> {
  const h = rows.findIndex((r) => r.includes('agent_id') && r.includes('total'));
  if (h < 0) throw new Error('no header row with agent_id and total');
  const a = rows[h].indexOf('agent_id');
  const t = rows[h].indexOf('total');
  for (const r of rows.slice(h + 1)) {
    if (typeof r[t] !== 'number') continue;
    const id = String(r[a]);
    into.set(id, (into.get(id) ?? 0) + Math.round((r[t] as number) * 100));
  }
  return into;
}

beforeAll(async () => {
  ARTIFACTS = freshArtifacts('pane-scale');
  DATA = mkdtempSync(join(tmpdir(), 'ailabor-pane-scale-'));
  // the benchmark's own generator (bench/ledger/generate.ts), scaled down so CI stays around a minute
  const g = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'ledger', 'generate.ts'), DATA, '0.45'], { cwd: ROOT, encoding: 'utf8' });
  if (g.status !== 0) throw new Error(`generate.ts failed:\n${g.stderr}`);
  ({ server, browser, page, pageErrors, failedRequests, ui } = await workbenchOnNpmStart());
}, 500_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop('SIGTERM');
  if (DATA) rmSync(DATA, { recursive: true, force: true });
});

describe('the task pane on a month above the per-item Ledger threshold (npm start)', () => {
  let cli: CliSummary;
  let ledgerByAgent: Map<string, number>;
  let unattributed: unknown[][];

  it('adds the nine canonical files, refreshes, and says the Ledger is aggregated with the detail to download', async () => {
    cli = cliBuild(DATA);
    expect(cli.work_items).toBeGreaterThan(LEDGER_DETAIL_MAX_ROWS); // the data is above the documented threshold
    await ui.paneTab('Sources').click();
    await page.getByTestId('file-input').setInputFiles(KINDS.map((k) => join(DATA, `${k}.csv`)));
    await page.getByText('Added 9 files: Refresh to import.').waitFor({ timeout: 60_000 });
    await ui.paneTab('Refresh').click();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Refreshed' }).first().waitFor({ timeout: 300_000 });
    await page.screenshot({ path: join(ARTIFACTS, '01-refreshed.png'), fullPage: true });
    expect(await page.getByText(/Refresh incomplete|Refresh failed/).count()).toBe(0);

    const total = page.getByRole('table', { name: 'Refresh summary' }).getByRole('row').filter({ hasText: 'Total cost (all months)' }).getByRole('cell').nth(1);
    expect(cents(await total.innerText())).toBe(cents(cli.totals.total.toFixed(2)));
    const notice = page.getByText(/^The Ledger sheet holds [\d,]+ rows by agent × day × business unit × outcome: [\d,]+ work-item rows/);
    expect(await notice.innerText()).toContain(`${cli.work_items.toLocaleString('en-US')} work-item rows are more than a workbook holds one by one (50,000)`);
    await page.getByRole('button', { name: new RegExp(`^Download the per-work-item detail \\(ledger-detail-${PERIOD}\\.csv, [\\d.]+ MB\\)$`) }).waitFor();
  });

  it('the Ledger sheet is at agent × day × business unit × outcome grain; with Unattributed, every agent ties to the CLI to the cent', async () => {
    const sheets = await page.evaluate(async () => {
      const { host } = (window as unknown as { __ailaborWorkbench: { host: PreviewHost } }).__ailaborWorkbench;
      return { ledger: await host.readSheet('Ledger'), unattributed: await host.readSheet('Unattributed') };
    });
    const ledger = sheets.ledger!;
    unattributed = sheets.unattributed!;
    expect(String(ledger[0][0])).toMatch(new RegExp(`^Ledger by agent × day × business unit × outcome: ${cli.work_items.toLocaleString('en-US')} work-item rows summed into [\\d,]+ rows`));
    expect(String(ledger[1][0])).toMatch(new RegExp(`^Per-work-item detail: ledger-detail-${PERIOD}\\.csv, offered as a download in the task pane's Refresh tab`));
    const header = ledger.findIndex((r) => r.includes('agent_id'));
    const dataRows = ledger.slice(header + 1).filter((r) => typeof r[ledger[header].indexOf('total')] === 'number');
    expect(dataRows.length).toBeLessThan(LEDGER_DETAIL_MAX_ROWS);
    // the work_items column counts the work-item rows each aggregated row sums
    expect(dataRows.reduce((n, r) => n + Number(r[ledger[header].indexOf('work_items')]), 0)).toBe(cli.work_items);
    ledgerByAgent = centsByAgent(ledger);
    expect(tieOut(cli, centsByAgent(unattributed, new Map(ledgerByAgent)), 'Ledger + Unattributed sheets')).toEqual([]);
  });

  it('the detail download holds every work item; with Unattributed, every agent ties to the CLI to the cent', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download the per-work-item detail/ }).click()]);
    expect(dl.suggestedFilename()).toBe(`ledger-detail-${PERIOD}.csv`);
    const file = join(ARTIFACTS, dl.suggestedFilename());
    await dl.saveAs(file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const rows: unknown[][] = lines.map((l, i) => (i === 0 ? l.split(',') : l.split(',').map((c) => (/^-?\d+(\.\d+)?(e-?\d+)?$/.test(c) ? Number(c) : c))));
    expect(rows.length - 1).toBe(cli.work_items);
    expect(new Set(rows.slice(1).map((r) => r[rows[0].indexOf('work_item_id')])).size).toBe(cli.work_items);
    expect(tieOut(cli, centsByAgent(unattributed, centsByAgent(rows)), 'detail download + Unattributed')).toEqual([]);
  });

  it('the tie-out can fail: against the CLI on the same files with one review row left out, the agent of that work item is reported', async () => {
    const reviews = readFileSync(join(DATA, 'reviews.csv'), 'utf8').trimEnd().split('\n');
    const shorter = join(DATA, 'reviews-one-less.csv');
    writeFileSync(shorter, reviews.slice(0, -1).join('\n') + '\n');
    expect(ledgerByAgent).toBeDefined(); // the figures the test before read from the Ledger
    const broken = cliBuild(DATA, { reviews: shorter });
    const bad = tieOut(broken, centsByAgent(unattributed, new Map(ledgerByAgent)), 'Ledger + Unattributed sheets');
    expect(bad.length).toBeGreaterThanOrEqual(1);
    expect(bad[0]).toMatch(/^Ledger \+ Unattributed sheets: \S+ [\d.]+ vs the CLI's [\d.]+$/);
  });

  it('no page errors or failed requests', () => {
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });
});
