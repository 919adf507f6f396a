// The Daily Monitor and Daily sheets: recalculated by LibreOffice (the .xlsx the CLI writes) and by HyperFormula (the
// workbench), every figure equals the core's daily series, no cell holds an error, an agent id full of wildcard and
// operator characters still finds its own targets, and typing another day into B2 moves the monitor.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerBuilder, type LedgerContext } from '../../src/core/ledger';
import { DailyCollector, DEFAULT_DAILY_SETTINGS } from '../../src/core/daily';
import { sampleData } from '../../src/core/sample';
import { XlsxHost } from '../../src/hosts/xlsx';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';
import { PreviewHost } from '../../src/hosts/preview';
import { buildWorkbook, DAILY_MONITOR_SHEET, DAILY_SHEET, DM, daySerial, serialDay, dailyMonitorCell, dailySheets, a1, type CellValue } from '../../src/workbook';
import { errorCells } from './figures-check';

// The sample organisation with one agent renamed to an id that is a wildcard and an operator in a criterion.
const WEIRD = '=csr*bill?~<x';
function build() {
  const d = sampleData({ scale: 0.01, months: 2, seed: 9 });
  const rename = (id: string) => (id === 'csr-billing' ? WEIRD : id);
  for (const e of d.events) e.agent_id = rename(e.agent_id);
  for (const w of d.workItems) w.agent_id = rename(w.agent_id);
  d.agents = d.agents.map((a) => ({ ...a, agent_id: rename(a.agent_id), ...(a.agent_id === 'csr-billing' ? { target_cost_per_outcome: 1.77 } : {}) }));
  const ctx: LedgerContext = { agents: d.agents, rates: d.rates, toolPrices: d.toolPrices, overheads: d.overheads, invoices: d.invoices, prices: d.prices };
  const daily = new DailyCollector();
  const b = new LedgerBuilder(ctx, { observer: daily });
  for (const w of d.workItems) b.addWorkItem(w);
  for (const e of d.events) b.addEvent(e);
  for (const r of d.reviews) b.addReview(r);
  const result = b.finish();
  const series = daily.series(result);
  const spec = buildWorkbook({ result, ctx, daily: { series } });
  const sheets = dailySheets({ series }, result, ctx);
  return { result, ctx, series, spec, ...sheets };
}

const cents = (x: unknown) => (typeof x === 'number' ? Math.round(x * 100) : x);
const close = (a: unknown, b: number | null, tol = 1e-9) => (b === null ? a === null || a === '' : typeof a === 'number' && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));

/** Every monitor figure against the core: day and window values, normals, alerts text, targets by agent id. */
/** every cost-per-outcome flag the checks below saw, to show that both findings together were among them */
const flags = new Set<string>();

function monitorProblems(grid: CellValue[][], w: ReturnType<typeof build>, day: string): string[] {
  const out: string[] = [];
  const t = w.series.days.indexOf(day);
  const W = DEFAULT_DAILY_SETTINGS.window_days;
  w.monitors.forEach((m, ai) => {
    const p = w.series.agents.find((s) => s.id === m.agent.agent_id)!.points;
    const win = p.slice(t - W + 1, t + 1);
    const sum = (f: (q: (typeof p)[number]) => number) => win.reduce((a, q) => a + f(q), 0);
    const base = DM.firstRow + ai * DM.metrics;
    const row = (k: number) => grid[base + k] ?? [];
    const expect = (k: number, col: number, v: number | null, label: string, tol = 1e-9) => {
      if (!close(row(k)[col], v, tol)) out.push(`${a1(base + k, col)} ${m.agent.agent_id} ${label}: expected ${v}, got ${JSON.stringify(row(k)[col])}`);
    };
    const q = p[t];
    expect(0, DM.cols.day, q.outcomes > 0 ? q.total / q.outcomes : null, 'cost per outcome');
    expect(0, DM.cols.window, sum((x) => x.outcomes) > 0 ? sum((x) => x.total) / sum((x) => x.outcomes) : null, 'window cost per outcome');
    expect(1, DM.cols.day, q.total, 'spend');
    expect(2, DM.cols.day, q.closed, 'volume');
    expect(3, DM.cols.day, q.closed > 0 ? q.reviewed / q.closed : null, 'review rate');
    expect(4, DM.cols.day, q.reviews > 0 ? q.approved / q.reviews : null, 'accuracy');
    expect(0, DM.cols.target, m.agent.target_cost_per_outcome, 'target');
    expect(4, DM.cols.slo, m.agent.slo_min_accuracy, 'accuracy SLO');
    const d = m.days[t]!;
    expect(0, DM.cols.normal, d.metrics.cost_per_outcome.normal, 'normal cost per outcome', 1e-6);
    expect(2, DM.cols.normal, d.metrics.volume.normal, 'normal volume', 1e-6);
    // the 30 days: the first (B2 − 29) and the last (B2)
    const first = p[t - DM.days + 1];
    expect(2, DM.cols.first, first.closed, 'volume 29 days before');
    expect(2, DM.cols.first + DM.days - 1, q.closed, 'volume on the day');
    // the flag: each finding on the window's cost per outcome, joined by "; " (they once ran together)
    const g = sum((x) => x.outcomes) > 0 ? sum((x) => x.total) / sum((x) => x.outcomes) : null;
    const drift = grid[1]?.[7] as number;
    const slo = m.agent.slo_max_cost_per_outcome;
    const tgt = m.agent.target_cost_per_outcome;
    const flag = [g !== null && typeof slo === 'number' && g > slo ? 'SLO breach' : '', g !== null && typeof tgt === 'number' && g > tgt * (1 + drift) ? 'above target' : ''].filter(Boolean).join('; ');
    if ((row(0)[DM.cols.flag] ?? '') !== flag) out.push(`${a1(base, DM.cols.flag)} ${m.agent.agent_id} flag: expected ${JSON.stringify(flag)}, got ${JSON.stringify(row(0)[DM.cols.flag])}`);
    flags.add(flag);
    const alerts = d.alerts.filter((a) => a.metric === 'cost_per_outcome');
    const cell = row(0)[DM.cols.alerts];
    if ((alerts.length > 0) !== (typeof cell === 'string' && cell.length > 0)) out.push(`${m.agent.agent_id} alerts: core ${alerts.map((a) => a.kind).join(',') || 'none'}, sheet ${JSON.stringify(cell)}`);
    const spark = row(2)[DM.cols.trend];
    if (typeof spark !== 'string' || [...spark].length !== DM.days || !/^[▁▂▃▄▅▆▇█ ]+$/.test(spark)) out.push(`${m.agent.agent_id} trend: ${JSON.stringify(spark)}`);
  });
  return out;
}

const soffice = findSoffice();
const skip = !soffice && process.env.SKIP_LIBREOFFICE === '1';
if (!soffice && !skip) {
  test('LibreOffice is installed (the recalculation oracle)', () => {
    throw new Error('soffice not found: install Debian libreoffice-calc-nogui (or set SKIP_LIBREOFFICE=1 to skip these tests)');
  });
}
const maybe = soffice ? describe : describe.skip;

describe('Daily Monitor', () => {
  const w = build();
  const last = w.series.last_data_day!;

  it('is in the workbook after the SLO Monitor, with its Daily sheet after Unattributed; every agent has five rows', () => {
    const names = w.spec.sheets.map((s) => s.name);
    expect(names.indexOf(DAILY_MONITOR_SHEET)).toBe(names.indexOf('SLO Monitor') + 1);
    expect(names.indexOf(DAILY_SHEET)).toBe(names.indexOf('Unattributed') + 1);
    expect(w.monitors.map((m) => m.agent.agent_id)).toContain(WEIRD);
    expect(dailyMonitorCell(0, 'cost_per_outcome')).toBe(`J${DM.firstRow + 1}`);
    expect(dailyMonitorCell(1, 'accuracy')).toBe(`J${DM.firstRow + 1 + DM.metrics + 4}`);
  });

  it('HyperFormula (the workbench): no error cell, every figure equals the core, and B2 moves the 30 days', async () => {
    const h = new PreviewHost();
    await h.writeWorkbook(w.spec);
    const names = w.spec.sheets.map((s) => s.name);
    const grids = new Map<string, CellValue[][]>();
    for (const n of names) grids.set(n, (await h.readSheet(n))!);
    expect(errorCells(names, (s) => grids.get(s) ?? null)).toEqual([]);
    expect(monitorProblems(grids.get(DAILY_MONITOR_SHEET)!, w, last)).toEqual([]);
    const other = w.series.days[w.series.days.indexOf(last) - 10];
    h.setCell(DAILY_MONITOR_SHEET, 'B2', daySerial(other));
    expect(monitorProblems((await h.readSheet(DAILY_MONITOR_SHEET))!, w, other)).toEqual([]);
    expect(flags).toContain('SLO breach; above target');
  });

  maybe('recalculated by LibreOffice', () => {
    it('no error cell in any sheet; the monitor equals the core (weird agent id included)', async () => {
      const host = new XlsxHost();
      await host.writeWorkbook(w.spec);
      const path = join(mkdtempSync(join(tmpdir(), 'daily-lo-')), 'daily.xlsx');
      await host.save(path);
      const names = w.spec.sheets.map((s) => s.name);
      const sheets = await recalcWithLibreOffice(path, names);
      expect(errorCells(names, (s) => sheets.get(s) ?? null)).toEqual([]);
      const grid = sheets.get(DAILY_MONITOR_SHEET)!;
      expect(monitorProblems(grid, w, last)).toEqual([]);
      // the weird id found its own target (not csr-tier1's, not none)
      const ai = w.monitors.findIndex((m) => m.agent.agent_id === WEIRD);
      expect(grid[DM.firstRow + ai * DM.metrics][0]).toBe(WEIRD);
      expect(grid[DM.firstRow + ai * DM.metrics][DM.cols.target]).toBe(1.77);
      // the Daily sheet's money ties to the Ledger, month by month, to the cent
      const daily = sheets.get(DAILY_SHEET)!;
      const h = daily[0] as string[];
      const col = (k: string) => h.indexOf(k);
      for (const period of w.result.periods) {
        let sheetCents = 0;
        for (const r of daily.slice(1)) {
          const v = r[col('day')];
          const day = typeof v === 'number' ? serialDay(v) : String(v);
          if (r[col('scope')] === 'agent' && day.startsWith(period)) sheetCents += cents(r[col('total')]) as number;
        }
        const ledgerCents = w.result.rows.filter((x) => x.period === period).reduce((a, x) => a + Math.round(x.total * 100), 0) + w.result.unattributed.filter((x) => x.period === period).reduce((a, x) => a + Math.round(x.total * 100), 0);
        expect(sheetCents).toBe(ledgerCents);
      }

      // The user sorts the Agents sheet: the weird id is found by the escaped exact MATCH (an unescaped one would
      // read "*" and "?" as wildcards and "~<" as an escaped "<": #N/A, or another agent's target).
      const edited = await XlsxHost.open(path);
      const ws = edited.wb.getWorksheet('Agents')!;
      const rowOf = (id: string) => { let n = 0; ws.eachRow((row, r) => { if (row.getCell(1).value === id) n = r; }); return n; };
      const [ra, rb] = [rowOf('csr-tier1'), rowOf(WEIRD)];
      const va = (ws.getRow(ra).values as unknown[]).slice(1), vb = (ws.getRow(rb).values as unknown[]).slice(1);
      vb.forEach((v, c) => (ws.getRow(ra).getCell(c + 1).value = v as never));
      va.forEach((v, c) => (ws.getRow(rb).getCell(c + 1).value = v as never));
      const path2 = path.replace('.xlsx', '-sorted.xlsx');
      await edited.save(path2);
      const after = (await recalcWithLibreOffice(path2, [DAILY_MONITOR_SHEET])).get(DAILY_MONITOR_SHEET)!;
      expect(after[DM.firstRow + ai * DM.metrics][DM.cols.target]).toBe(1.77);
      const tier1 = w.monitors.findIndex((m) => m.agent.agent_id === 'csr-tier1');
      expect(after[DM.firstRow + tier1 * DM.metrics][DM.cols.target]).toBe(1.5);
    }, 240_000);
  });
});
