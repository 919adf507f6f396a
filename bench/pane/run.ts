// `npm run bench:pane` — the task pane's Refresh of the 1M-event month (bench/README.md "bench/pane"), on the artifact
// users run: `npm run build`'s dist/ served as files (or `--dev`: `npm start`), in Debian's headless Chromium.
//   node --import tsx bench/pane/run.ts [--dir bench/out/ledger] [--period 2026-10] [--dev] [--no-build] [--profile] [--out DIR] [--timeout MS]
// Adds the month's nine canonical files through the Sources tab's file input, presses Refresh, and records: the
// refresh's time, every long task (PerformanceObserver 'longtask'), the event loop's lateness (a 50 ms timer) and
// clicks on the pane's tabs answered while the refresh runs, each against an idle baseline taken in the same run;
// the page's JS heap and the renderer's resident memory (page + worker, /proc); what the workbook shows (the
// aggregated Ledger, the detail download) and its totals per agent against the CLI's `build --engine js` on the same
// files, to the cent. Exits 1 when a figure disagrees with the CLI or the grain is not the aggregated one.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { CHROMIUM, NpmStart, ROOT, assertChromium, freePort, npmRun, serveStatic, workbenchUi } from '../../tests/e2e/harness';

const { values: flags } = parseArgs({
  options: { dir: { type: 'string' }, period: { type: 'string' }, dev: { type: 'boolean' }, 'no-build': { type: 'boolean' }, out: { type: 'string' }, timeout: { type: 'string' }, profile: { type: 'boolean' } },
});
const DIR = resolve(flags.dir ?? join(ROOT, 'bench', 'out', 'ledger'));
const PERIOD = flags.period ?? '2026-10';
const OUT = resolve(flags.out ?? join(ROOT, 'bench', 'out', 'pane'));
const TIMEOUT = Number(flags.timeout ?? 1_800_000);
const FILES = ['usage', 'work_items', 'reviews', 'agents', 'rates', 'tool_prices', 'overheads', 'invoices', 'prices'].map((f) => join(DIR, `${f}.csv`));
for (const f of FILES) if (!existsSync(f)) throw new Error(`${f} is missing: generate the month with \`node bench/run.mjs --skip-sql\` (bench/README.md)`);
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const cents = (x: number) => Math.round(x * 100);
const log = (s: string) => console.log(s);

/** Resident memory (MB) of this run's Chromium renderers: the page and its worker live in one. */
function rendererRssMB(): number {
  let kb = 0;
  const mine = new Set([String(process.pid)]);
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const parent = new Map<string, string>();
  for (const p of procs) {
    try {
      parent.set(p, /^\S+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${p}/stat`, 'utf8'))![1]);
    } catch {
      // gone
    }
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parent) {
      if (mine.has(p) || !mine.has(pp)) continue;
      mine.add(p);
      grew = true;
    }
  }
  for (const p of mine) {
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  // 1. The CLI's figures on the same files (the documented command; its own process).
  log(`CLI: build --engine js on ${DIR} …`);
  const summaryFile = join(OUT, 'cli-summary.json');
  const flagOf: Record<string, string> = { usage: '--usage', work_items: '--work-items', reviews: '--reviews', agents: '--agents', rates: '--rates', tool_prices: '--tool-prices', overheads: '--overheads', invoices: '--invoices', prices: '--prices' };
  const cliArgs = ['bin/ai-labor-ledger.cjs', 'build', '--engine', 'js', '--period', PERIOD, '--summary', summaryFile];
  for (const f of FILES) cliArgs.push(flagOf[f.replace(/^.*\//, '').replace(/\.csv$/, '')], f);
  const cliT0 = Date.now();
  const cli = spawnSync(process.execPath, cliArgs, { cwd: ROOT, encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`the CLI failed (exit ${cli.status}):\n${cli.stderr}`);
  const cliSeconds = (Date.now() - cliT0) / 1000;
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { totals: { total: number }; agents: { agent_id: string; total: number }[] };
  log(`  ${cliSeconds.toFixed(1)} s; ${PERIOD} total $${summary.totals.total.toFixed(2)} over ${summary.agents.length} agents`);

  // 2. The artifact: dist/ from `npm run build`, or `npm start` with --dev.
  let url: string;
  let stop: () => Promise<unknown>;
  if (flags.dev) {
    const s = new NpmStart({ devServer: await freePort(), http: await freePort() });
    url = await s.ready();
    stop = () => s.stop('SIGTERM');
  } else {
    if (!flags['no-build'] || !existsSync(join(ROOT, 'dist', 'workbench.html'))) {
      log('npm run build …');
      const b = await npmRun('build');
      if (b.code !== 0) throw new Error(`npm run build failed:\n${b.output.slice(-3000)}`);
    }
    const s = await serveStatic(join(ROOT, 'dist'));
    url = `${s.url}/workbench.html`;
    stop = s.close;
  }

  assertChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-precise-memory-info'] });
  const exit = async (code: number) => {
    await browser.close().catch(() => {});
    await stop().catch(() => {});
    process.exit(code);
  };
  const failures: string[] = [];
  try {
    const page: Page = await (await browser.newContext({ viewport: { width: 1500, height: 900 }, acceptDownloads: true })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const ui = workbenchUi(page);
    await page.goto(url);
    await page.getByText('The preview workbook is empty.').waitFor({ timeout: 120_000 });

    // In-page probes: long tasks; a 50 ms timer's lateness; each click's input delay and the time to the next frame.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const longTasks: { start: number; ms: number }[] = [];
      const lags: { at: number; ms: number }[] = [];
      const clicks: { at: number; delay: number; toFrame: number }[] = [];
      Object.assign(w, { __longTasks: longTasks, __lags: lags, __clicks: clicks });
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) longTasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
      }).observe({ type: 'longtask' });
      let last = performance.now();
      setInterval(() => {
        const t = performance.now();
        lags.push({ at: Math.round(t), ms: Math.max(0, t - last - 50) });
        last = t;
      }, 50);
      document.addEventListener('click', (ev) => {
        const t = performance.now();
        requestAnimationFrame(() => setTimeout(() => clicks.push({ at: Math.round(ev.timeStamp), delay: t - ev.timeStamp, toFrame: performance.now() - ev.timeStamp }), 0));
      }, true);
    });
    const memory: { at: number; heapMB: number; rssMB: number }[] = [];
    const t00 = Date.now();
    const sampleMemory = async () => {
      const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0).catch(() => 0);
      memory.push({ at: Date.now() - t00, heapMB: heap / 1048576, rssMB: rendererRssMB() });
    };
    type Window = { longTasks: { start: number; ms: number; step?: string }[]; lags: number[]; clicks: { at: number; delay: number; toFrame: number }[]; marks: { name: string; at: number }[] };
    // A string, not a function: tsx's __name helper would be called in the page, where it does not exist.
    const window_ = async (from: number, to: number): Promise<Window> =>
      page.evaluate(`(() => {
        const a = ${from}, b = ${to};
        return {
          longTasks: window.__longTasks.filter((x) => x.start >= a && x.start <= b),
          lags: window.__lags.filter((x) => x.at >= a && x.at <= b).map((x) => x.ms),
          clicks: window.__clicks.filter((x) => x.at >= a && x.at <= b),
          marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('ailabor:') && m.startTime >= a && m.startTime <= b).map((m) => ({ name: m.name.slice(16), at: Math.round(m.startTime) })),
        };
      })()`);
    /** Names each long task by the refresh's User Timing marks (services/marks.ts): the steps it ran through, else the step it ran in. */
    const attribute = (w: Window) => {
      for (const t of w.longTasks) {
        const inside = w.marks.filter((m) => m.at >= t.start && m.at <= t.start + t.ms).map((m) => m.name);
        const before = w.marks.filter((m) => m.at < t.start).pop();
        t.step = inside.length ? `ends ${inside.join(', ')}` : before ? `after ${before.name}` : 'before the refresh';
        // a tab click of the probe handled in this task (its render is the task's, not the refresh's)
        if (w.clicks.some((c) => c.at >= t.start - 60 && c.at <= t.start + 5)) t.step += '; a probe click';
      }
      return w;
    };
    const now = () => page.evaluate(() => performance.now());
    const clickTabs = async (n: number, gapMs: number, until?: () => Promise<boolean>) => {
      const tabs = ['Sources', 'Refresh'];
      for (let i = 0; i < n || (until && !(await until())); i++) {
        await ui.paneTab(tabs[i % 2]).click({ timeout: 120_000 });
        await page.waitForTimeout(gapMs);
        await sampleMemory();
      }
      await ui.paneTab('Refresh').click();
    };

    // 3. Add the nine files (Sources → file input), as a user picks them.
    await ui.paneTab('Sources').click();
    const a0 = await now();
    await page.getByTestId('file-input').setInputFiles(FILES);
    await page.getByText(/Added 9 files/).waitFor({ timeout: 300_000 });
    const a1 = await now();
    const add = await window_(a0, a1);
    await sampleMemory();
    log(`Add 9 files: ${((a1 - a0) / 1000).toFixed(1)} s; longest main-thread block ${Math.max(0, ...add.longTasks.map((t) => t.ms))} ms`);

    // 4. Idle baseline, same page, same probes.
    const i0 = await now();
    await clickTabs(8, 600);
    const i1 = await now();
    const idle = await window_(i0, i1);

    // 5. Refresh, with the probes running.
    await ui.paneTab('Refresh').click();
    // --profile: the page's main thread sampled by V8 during the refresh (best with --dev: names unminified).
    const cdp = flags.profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const profiledFrom = await now();
    const r0 = await now();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: /Refreshed|Refresh incomplete/ }).first();
    const deadline = Date.now() + TIMEOUT;
    await clickTabs(0, 1500, async () => {
      if (Date.now() > deadline) throw new Error('the refresh did not finish in time');
      const err = await page.getByRole('alert').filter({ hasText: /failed|error/i }).count();
      if (err) throw new Error(`the refresh failed: ${await page.getByRole('alert').first().innerText()}`);
      return (await ui.paneTab('Refresh').getAttribute('aria-selected')) === 'true' && (await done.count()) > 0;
    });
    await done.waitFor({ timeout: 60_000 });
    const r1 = await now();
    await page.waitForTimeout(1000);
    await sampleMemory();
    const run = attribute(await window_(r0, r1 + 1000));
    if (cdp) {
      type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
      writeFileSync(join(OUT, 'refresh.cpuprofile'), JSON.stringify(profile));
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map<number, number>();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const self = new Map<string, number>();
      const total = new Map<string, number>();
      // the samples inside the refresh's longest long task (the profile's clock starts at profiledFrom, within a few ms)
      const worst = [...run.longTasks].sort((x, y) => y.ms - x.ms)[0];
      let at = profiledFrom;
      profile.samples.forEach((id, i) => {
        const us = profile.timeDeltas[i + 1] ?? 0;
        at += (profile.timeDeltas[i] ?? 0) / 1000;
        if (!worst || at < worst.start || at > worst.start + worst.ms) return;
        const name = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\//, '')}:${n.callFrame.lineNumber + 1}`;
        const n = byId.get(id)!;
        if (/^\((idle|program|garbage collector)\)$/.test(n.callFrame.functionName) && n.callFrame.functionName !== '(garbage collector)') return;
        self.set(name(n), (self.get(name(n)) ?? 0) + us);
        const seen = new Set<string>();
        for (let k: number | undefined = id; k !== undefined; k = parent.get(k)) {
          const nm = name(byId.get(k)!);
          if (!seen.has(nm)) total.set(nm, (total.get(nm) ?? 0) + us);
          seen.add(nm);
        }
      });
      const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
      writeFileSync(join(OUT, 'refresh-profile.txt'), `the longest long task: ${JSON.stringify(worst)}\n\nself time\n${top(self).join('\n')}\n\ntotal time\n${top(total).join('\n')}\n`);
      log(`  main-thread profile: ${join(OUT, 'refresh-profile.txt')}`);
    }
    await page.screenshot({ path: join(OUT, 'refreshed.png') });

    // 6. What the workbook shows: the grain, the detail download, totals per agent against the CLI.
    const detailButton = page.getByRole('button', { name: /^Download the per-work-item detail/ });
    const grainAggregated = (await detailButton.count()) > 0;
    if (!grainAggregated) failures.push('no detail download: the Ledger is not at the aggregated grain');
    const paneTotal = await page.getByRole('table', { name: 'Refresh summary' }).getByRole('row').filter({ hasText: 'Total cost (all months)' }).getByRole('cell').nth(1).innerText();
    const byAgent = new Map<string, number>();
    let detailRows = 0;
    const detailByAgent = new Map<string, number>();
    let detailMB = 0;
    if (grainAggregated) {
      const [dl] = await Promise.all([page.waitForEvent('download'), detailButton.click()]);
      const file = join(OUT, dl.suggestedFilename());
      await dl.saveAs(file);
      let head: string[] | null = null;
      for await (const line of createInterface({ input: createReadStream(file) })) {
        if (!line) continue;
        const cells = line.split(',');
        if (!head) {
          head = cells;
          continue;
        }
        detailRows++;
        const a = cells[head.indexOf('agent_id')];
        detailByAgent.set(a, (detailByAgent.get(a) ?? 0) + cents(Number(cells[head.indexOf('total')])));
      }
      detailMB = readFileSync(file).length / 1e6;
    }
    const [xl] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.getByRole('button', { name: 'Export .xlsx' }).click()]);
    const xlsx = join(OUT, 'workbench.xlsx');
    await xl.saveAs(xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    let ledgerRows = 0;
    const unattrByAgent = new Map<string, number>();
    const sumSheet = (name: string, into: Map<string, number>, count: boolean) => {
      const ws = wb.getWorksheet(name);
      if (!ws) throw new Error(`the exported workbook has no ${name} sheet`);
      let cols: Record<string, number> | null = null;
      ws.eachRow((row) => {
        const v = (row.values as unknown[]).map((x) => (x && typeof x === 'object' && 'result' in x ? (x as { result: unknown }).result : x));
        if (!cols) {
          if (v.includes('agent_id') && v.includes('total')) cols = { agent: v.indexOf('agent_id'), total: v.indexOf('total') };
          return;
        }
        if (typeof v[cols.total] !== 'number') return;
        if (count) ledgerRows++;
        const a = String(v[cols.agent]);
        into.set(a, (into.get(a) ?? 0) + cents(v[cols.total] as number));
      });
    };
    sumSheet('Ledger', byAgent, true);
    sumSheet('Unattributed', unattrByAgent, false);
    let worst = 0;
    for (const ag of summary.agents) {
      const sheet = (byAgent.get(ag.agent_id) ?? 0) + (unattrByAgent.get(ag.agent_id) ?? 0);
      const det = (detailByAgent.get(ag.agent_id) ?? 0) + (unattrByAgent.get(ag.agent_id) ?? 0);
      const want = cents(ag.total);
      worst = Math.max(worst, Math.abs(sheet - want), grainAggregated ? Math.abs(det - want) : 0);
      if (sheet !== want) failures.push(`${ag.agent_id}: Ledger + Unattributed sheets ${sheet / 100} vs CLI ${ag.total}`);
      if (grainAggregated && det !== want) failures.push(`${ag.agent_id}: detail download + Unattributed ${det / 100} vs CLI ${ag.total}`);
    }
    const paneCents = Math.round(Number(paneTotal.replace(/[$,]/g, '')) * 100);
    if (paneCents !== cents(summary.totals.total)) failures.push(`the pane's total ${paneTotal} vs the CLI's ${summary.totals.total}`);
    if (pageErrors.length) failures.push(`page errors: ${pageErrors.join('; ')}`);

    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0);
      return { n: s.length, p50: Math.round(q(0.5)), p95: Math.round(q(0.95)), max: Math.round(s[s.length - 1] ?? 0) };
    };
    const longest = (w: { longTasks: { ms: number }[] }) => Math.max(0, ...w.longTasks.map((t) => t.ms));
    const result = {
      when: new Date().toISOString(),
      artifact: flags.dev ? 'npm start (development build)' : "npm run build's dist/ (production build)",
      data: DIR,
      cli: { seconds: cliSeconds, total: summary.totals.total },
      add: { seconds: (a1 - a0) / 1000, longestMs: longest(add), longTasks: add.longTasks.length },
      idle: { seconds: (i1 - i0) / 1000, longestMs: longest(idle), timerLateMs: stats(idle.lags), clickDelayMs: stats(idle.clicks.map((c) => c.delay)), clickToFrameMs: stats(idle.clicks.map((c) => c.toFrame)) },
      refresh: {
        seconds: (r1 - r0) / 1000, longestMs: longest(run),
        // the refresh's own: tasks that handled no probe click (a click's tab render is measured by the click figures)
        longestOwnMs: Math.max(0, ...run.longTasks.filter((t) => !t.step?.includes('probe click')).map((t) => t.ms)), longTasks: run.longTasks.length, over100ms: run.longTasks.filter((t) => t.ms > 100).length,
        timerLateMs: stats(run.lags), clickDelayMs: stats(run.clicks.map((c) => c.delay)), clickToFrameMs: stats(run.clicks.map((c) => c.toFrame)), tasks: run.longTasks, marks: run.marks, clicks: run.clicks,
      },
      memory: { peakPageHeapMB: Math.round(Math.max(...memory.map((m) => m.heapMB))), peakRendererRssMB: Math.round(Math.max(...memory.map((m) => m.rssMB))), afterRefresh: memory[memory.length - 1], samples: memory },
      workbook: { grainAggregated, ledgerRows, detailRows, detailMB, paneTotal, worstAgentCents: worst, agents: summary.agents.length },
      failures,
    };
    writeFileSync(join(OUT, 'pane.json'), JSON.stringify(result, null, 2));
    const r = result.refresh;
    log(`\nRefresh of the month: ${r.seconds.toFixed(1)} s (CLI build --engine js: ${cliSeconds.toFixed(1)} s; ratio ${(r.seconds / cliSeconds).toFixed(1)})`);
    log(`  long tasks: ${r.longTasks} (${r.over100ms} over 100 ms), longest main-thread block ${r.longestMs} ms, ${r.longestOwnMs} ms without a probe click in it (idle baseline, its clicks included: ${result.idle.longestMs} ms)`);
    for (const t of [...r.tasks].sort((x, y) => y.ms - x.ms).slice(0, 6)) log(`    ${t.ms} ms at ${((t.start - r0) / 1000).toFixed(1)} s (${t.step})`);
    log(`  50 ms timer late by p95 ${r.timerLateMs.p95} / max ${r.timerLateMs.max} ms (idle p95 ${result.idle.timerLateMs.p95} / max ${result.idle.timerLateMs.max} ms; ratio of maxima ${(r.timerLateMs.max / Math.max(1, result.idle.timerLateMs.max)).toFixed(1)})`);
    log(`  ${r.clickDelayMs.n} tab clicks during the refresh: input delay p95 ${r.clickDelayMs.p95} / max ${r.clickDelayMs.max} ms, to the next frame max ${r.clickToFrameMs.max} ms (idle: ${result.idle.clickDelayMs.n} clicks, max ${result.idle.clickDelayMs.max} / ${result.idle.clickToFrameMs.max} ms)`);
    log(`  memory: page JS heap peak ${result.memory.peakPageHeapMB} MB; renderer (page + worker) RSS peak ${result.memory.peakRendererRssMB} MB, ${Math.round(result.memory.afterRefresh.rssMB)} MB after`);
    log(`  workbook: Ledger ${ledgerRows.toLocaleString('en-US')} rows (${grainAggregated ? 'aggregated' : 'per work item'}), detail download ${detailRows.toLocaleString('en-US')} rows (${detailMB.toFixed(1)} MB); pane total ${paneTotal}, CLI $${summary.totals.total.toFixed(2)}; worst agent ${worst} cents off over ${summary.agents.length} agents`);
    log(`  written to ${OUT}/pane.json`);
    if (failures.length) {
      log(`\nFAILED:\n  ${failures.join('\n  ')}`);
      await exit(1);
    }
    await exit(0);
  } catch (e) {
    console.error(e);
    await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(OUT, 'failed.png') }).catch(() => {});
    await exit(1);
  }
}

void main();
