// The workbench as a controller uses it, on the real `npm start` (tests/README.md): Refresh of the sample with the
// page's long tasks measured (PerformanceObserver 'longtask') and focus kept where the keyboard left it; the grid's
// frozen panes, text overflow and hidden helper columns on the generated chargeback; the sheet-tab strip's arrows
// and sheet list; an AILABOR.* result in its format; the column-mapping step on an unrecognised CSV and the one line
// a binary file gets; the Trends charts; the Agent P&L's total row and its tie-out. Screenshots and the long-task measurement: test-artifacts/e2e/grid/.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { WORKBENCH_SAMPLE } from '../../src/taskpane/services/sample';
import { NpmStart, ROOT, cents, freshArtifacts, workbenchOnNpmStart, workbenchUi } from './harness';

jest.setTimeout(300_000);

let ARTIFACTS = '';
let server: NpmStart | undefined;
let browser: Browser | undefined;
let page: Page;
let pageErrors: string[] = [];
let failedRequests: string[] = [];
let ui: ReturnType<typeof workbenchUi>;
let step = 0;
const period = WORKBENCH_SAMPLE.endPeriod;
const chargeback = `Chargeback ${period}`;

async function shot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${String(++step).padStart(2, '0')}-${name}.png`) });
}

const box = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
};

beforeAll(async () => {
  ARTIFACTS = freshArtifacts('grid');
  ({ server, browser, page, pageErrors, failedRequests, ui } = await workbenchOnNpmStart());
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop('SIGTERM');
});

describe('the workbench on npm start: like Excel where users notice', () => {
  it('Refresh of the sample: the longest main-thread block is measured (long-task observer), focus stays on Refresh, progress shows each step', async () => {
    await ui.paneTab('Sources').click();
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByText(/Sample organisation: /).first().waitFor();
    await ui.paneTab('Refresh').click();
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { start: number; ms: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
      }).observe({ type: 'longtask' });
    });
    const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
    await refresh.focus();
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Refresh steps' }).waitFor();
    await shot('refresh-progress');
    await page.getByRole('status').filter({ hasText: 'Refreshed' }).first().waitFor({ timeout: 150_000 });
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForTimeout(500);
    const tasks = (await page.evaluate(() => (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks)).filter((t) => t.start >= t0 - 5);
    const longest = tasks.reduce((m, t) => Math.max(m, t.ms), 0);
    const measured = {
      what: 'longest main-thread task (PerformanceObserver longtask) from pressing Refresh to "Refreshed", sample data (WORKBENCH_SAMPLE)',
      build: 'npm start (webpack development mode: React and HyperFormula unminified)',
      refreshMs: Math.round(t1 - t0),
      longestMs: longest,
      longTasks: tasks.length,
      over100ms: tasks.filter((t) => t.ms > 100).length,
      tasks,
    };
    writeFileSync(join(ARTIFACTS, 'refresh-longtasks.json'), JSON.stringify(measured, null, 2));
    console.log(`Refresh of the sample: ${measured.refreshMs} ms; longest main-thread block ${longest} ms; ${tasks.length} long tasks, ${measured.over100ms} over 100 ms (${join(ARTIFACTS, 'refresh-longtasks.json').replace(`${ROOT}/`, '')})`);
    // A keyboard user's focus is still on the Refresh button, not dropped to the page.
    expect(await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`)).toBe('BUTTON Refresh');
    await shot('refreshed');
  });

  it('frozen panes: the chargeback header rows and the P&L-line column stay in view while the sheet scrolls', async () => {
    const g = await ui.generateChargeback(period);
    expect(await g.getAttribute('data-frozen')).toBe('5,1');
    const header = ui.cellIn(g, 'C5');
    const label = ui.cellIn(g, 'A15');
    const [h0, l0] = [await box(header), await box(label)];
    await shot('chargeback');
    await g.evaluate((el) => {
      el.scrollTop = 240;
      el.scrollLeft = 400;
    });
    await page.waitForTimeout(300);
    // the header row has not moved down the page; column A has not moved across
    expect(Math.round((await box(ui.cellIn(g, 'A5'))).y)).toBe(Math.round(h0.y));
    expect(Math.round((await box(ui.cellIn(g, 'A25'))).x)).toBe(Math.round(l0.x));
    expect(await ui.cellIn(g, 'A5').innerText()).toBe('P&L line');
    await shot('chargeback-scrolled');
    await g.evaluate((el) => {
      el.scrollTop = 0;
      el.scrollLeft = 0;
    });
    await page.waitForTimeout(300);
  });

  it('text runs on into empty cells (the note under the title is whole, a click under it selects the cell clicked), and the hidden helper columns are not shown', async () => {
    const g = ui.grid(chargeback);
    const note = ui.cellIn(g, 'A3').locator('span');
    const m = await note.evaluate((el) => ({ shown: el.getBoundingClientRect().width, needed: el.scrollWidth, visible: el.clientWidth, cell: (el.parentElement as HTMLElement).getBoundingClientRect().width }));
    expect(m.shown).toBeGreaterThan(m.cell * 2);
    expect(m.needed).toBeLessThanOrEqual(m.visible + 1); // nothing cut
    // as in Excel, a click on an empty cell under the spilled text selects that cell, not the one the text belongs to
    // (a raw mouse click at its centre: Playwright's own click would wait for the cell to be the one on top)
    const b3 = await box(ui.cellIn(g, 'B3'));
    await page.mouse.click(b3.x + b3.width / 2, b3.y + b3.height / 2);
    await ui.expectText(page.getByRole('textbox', { name: 'Cell address' }), 'B3', 'value');
    const letters = await g.getByRole('columnheader').allInnerTexts();
    expect(letters).toEqual(expect.arrayContaining(['Q', 'R', 'Z']));
    for (const hidden of ['S', 'T', 'U', 'V', 'W', 'X', 'Y']) expect(letters).not.toContain(hidden);
    expect(await g.locator('[data-ref="S16"]').count()).toBe(0);
  });

  it('an AILABOR.* result typed into a cell shows in its format ($0.00), not as a bare number', async () => {
    const g = ui.grid(chargeback);
    await ui.selectCell(g, 'C11');
    await ui.formulaBar().fill(`=AILABOR.COSTPEROUTCOME("csr-tier1","${period}")`);
    await ui.formulaBar().press('Enter');
    await ui.expectText(ui.cellIn(g, 'C11'), /^\$\d+\.\d\d$/);
    await shot('function-format');
  });

  it('the sheet-tab strip scrolls with its arrows, and the sheet list reaches every sheet', async () => {
    const strip = page.getByRole('tablist', { name: 'Sheets' }).locator('xpath=..');
    const m = await strip.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, left: el.scrollLeft }));
    expect(m.scrollWidth).toBeGreaterThan(m.clientWidth); // more sheets than fit
    const left = page.getByRole('button', { name: 'Scroll sheet tabs left' });
    const right = page.getByRole('button', { name: 'Scroll sheet tabs right' });
    expect(m.left).toBeGreaterThan(0); // the chargeback tab (last) was scrolled into view
    while (await left.isEnabled()) await left.click();
    expect(await strip.evaluate((el) => el.scrollLeft)).toBe(0);
    const first = await box(ui.sheetTab('Ledger'));
    const s = await box(strip);
    expect(first.x).toBeGreaterThanOrEqual(s.x - 1);
    await right.click();
    expect(await strip.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await shot('tabs-scrolled');
    await page.getByRole('button', { name: /^All sheets \(\d+\)$/ }).click();
    const menu = page.getByRole('menu');
    const items = await menu.getByRole('menuitemradio').allInnerTexts();
    expect(items.length).toBe(await page.getByRole('tablist', { name: 'Sheets' }).getByRole('tab').count());
    await shot('sheet-list');
    await menu.getByRole('menuitemradio', { name: 'Agents' }).click();
    await ui.grid('Agents').waitFor();
    expect(await ui.sheetTab('Agents').getAttribute('aria-selected')).toBe('true');
  });

  it('an unrecognised CSV opens the column-mapping step; with the mapping used it is imported, its bad row listed; a binary file gets one line', async () => {
    await ui.paneTab('Sources').click();
    await page.getByLabel('Choose source files').setInputFiles(join(ROOT, 'tests/fixtures/workbench/helpdesk-export.csv'));
    const mapper = page.getByRole('region', { name: 'Map the columns of helpdesk-export.csv' });
    await mapper.waitFor();
    expect(await mapper.getByLabel('work_item_id (required)').inputValue()).toBe('Ticket');
    await mapper.getByLabel('“Done” means').selectOption('success');
    await mapper.getByLabel('“Open” means').selectOption('pending');
    await mapper.getByLabel('“Won\'t fix” means').selectOption('failure');
    const problems = mapper.getByRole('list', { name: 'Problems in the first rows of helpdesk-export.csv' });
    expect(await problems.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(/^line 6, Opened: .*\(value: not a date\)$/)]);
    await mapper.getByRole('table', { name: 'Preview of helpdesk-export.csv' }).scrollIntoViewIfNeeded();
    await shot('mapping-step');
    await mapper.getByRole('button', { name: 'Use this mapping' }).click();
    await page.getByText(/Format: your own columns, mapped/).waitFor();
    const saved = await page.evaluate(() => (window as unknown as { __ailaborWorkbench: { host: { settingEntries(): [string, string][] } } }).__ailaborWorkbench.host.settingEntries());
    expect(saved.find(([k]) => k === 'ailabor.columnMappings')?.[1]).toContain('"Done":"success"');

    await page.getByLabel('Choose source files').setInputFiles({ name: 'budget.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0x62, 0xee, 0x9d, 0x68]) });
    const line = page.getByText(/^budget\.xlsx: not a text file/);
    await line.waitFor();
    expect(await line.innerText()).toBe('budget.xlsx: not a text file (a zip archive or an Excel workbook: save the sheet as CSV and add that). Add CSV, JSON or JSON Lines exports.');
    await shot('binary-file');

    await ui.paneTab('Refresh').click();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await ui.paneTab('Sources').click();
    const counts = page.getByRole('table', { name: 'Counts for helpdesk-export.csv' });
    await counts.waitFor({ timeout: 150_000 });
    expect(await counts.getByRole('row').allInnerTexts()).toEqual([expect.stringMatching(/^Read\s+6$/), expect.stringMatching(/^Linked\s+0$/), expect.stringMatching(/^Unattributed\s+0$/), expect.stringMatching(/^Rejected\s+1$/), expect.stringMatching(/^Warnings\s+0$/)]);
    await counts.scrollIntoViewIfNeeded();
    await shot('mapped-source-imported');
  });

  it('Trends: every agent on one labelled scale, named, with the target line and values on hover', async () => {
    await ui.paneTab('Trends').click();
    const chart = page.getByRole('img', { name: /^Cost per outcome of CSR Tier 1 \(csr-tier1\) by month / });
    await chart.waitFor();
    expect(await chart.locator('[data-testid="target-line"]').textContent()).toBe('target $1.50');
    await chart.locator('circle').last().hover();
    expect(await chart.locator('[data-testid="hover-value"]').textContent()).toMatch(/^Oct 2026: \$\d+\.\d\d \(target \$1\.50\)$/);
    await shot('trends');
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });

  it('Agent P&L: the total row is in view under the agents, sums them, ties to the Ledger, and says DOES NOT TIE when a figure is typed over', async () => {
    await ui.paneTab('Reports').click();
    await page.getByLabel('Month').selectOption(period);
    await page.getByRole('button', { name: 'Generate agent P&L' }).click();
    await page.getByRole('status').filter({ hasText: 'Wrote Agent P&L' }).first().waitFor({ timeout: 60_000 });
    await ui.sheetTab('Agent P&L').click();
    const g = ui.grid('Agent P&L');
    await g.waitFor();
    const t = await ui.rowWhere(g, 'A', 'Total');
    const first = 6; // PNL.firstRow + 1: the first agent
    expect(t).toBeGreaterThan(first);
    // on screen: the total row's cells are inside the grid's visible area, with its figures formatted
    const total = ui.cellIn(g, `O${t}`);
    const [cell, view] = [await box(total), await box(g)];
    expect(cell.y + cell.height).toBeLessThanOrEqual(view.y + view.height);
    expect(await ui.cellIn(g, `D${t}`).innerText()).toBe('mixed units');
    const agentTotals = await Promise.all(Array.from({ length: t - first }, (_, i) => ui.cellIn(g, `O${first + i}`).innerText()));
    expect(cents(await total.innerText())).toBe(agentTotals.reduce((sum, x) => sum + cents(x), 0));
    await ui.selectCell(g, `O${t}`);
    expect(await ui.formulaBar().inputValue()).toBe(`=ROUND(SUM(O${first}:O${t - 1}),2)`);
    expect(cents(await ui.cellIn(g, `O${t + 1}`).innerText())).toBe(cents(await total.innerText()));
    expect(await ui.cellIn(g, `P${t + 2}`).innerText()).toBe('ties');
    await total.scrollIntoViewIfNeeded();
    await shot('agent-pnl-total');
    // a controller types over an agent's API cost: the total moves, the Ledger's does not, the check says so
    await ui.selectCell(g, `H${first}`);
    const formula = await ui.formulaBar().inputValue();
    await ui.formulaBar().fill('99999');
    await ui.formulaBar().press('Enter');
    await ui.expectText(ui.cellIn(g, `P${t + 2}`), 'DOES NOT TIE');
    await ui.cellIn(g, `P${t + 2}`).scrollIntoViewIfNeeded();
    await shot('agent-pnl-does-not-tie');
    await ui.selectCell(g, `H${first}`);
    await ui.formulaBar().fill(formula);
    await ui.formulaBar().press('Enter');
    await ui.expectText(ui.cellIn(g, `P${t + 2}`), 'ties');
    expect(pageErrors).toEqual([]);
  });
});
