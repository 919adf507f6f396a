// The pane at volume (src/workbook/README.md "Grain"): above the threshold the refresh worker sums the Ledger by agent ×
// day × business unit × outcome and hands the page those rows and the per-item CSV (a Blob) — the Ledger sheet says so,
// every report gives the per-item workbook's figures, the summary counts the same work items — and a Ledger written
// by an earlier version (no work_items column) is rewritten before the first report reads it.
import { sampleData } from '../../src/core/sample';
import { buildLedger } from '../../src/core/ledger';
import { PreviewHost } from '../../src/hosts/preview';
import { DEFAULT_LINK_RULES } from '../../src/sources/links';
import { LEDGER_SHEET, LEDGER_COLUMNS, ledgerSheet, SheetKeys, type CellValue, type SheetSpec } from '../../src/workbook';
import type { SourceInput } from '../../src/taskpane/services/refresh-core';
import { inProcessRunner } from '../../src/taskpane/services/runner';
import { refreshWorkbook } from '../../src/taskpane/services/refresh';
import { generateReport, REPORTS } from '../../src/taskpane/services/reports';
import { readLedgerFromHost } from '../../src/taskpane/services/ledger-read';

const TINY = { seed: 7, scale: 0.002, months: 3, endPeriod: '2026-10' };
const sample: SourceInput = { id: 's', name: 'sample', type: 'sample', options: TINY };

/** A refresh through a runner that passes the request's ledger option, then every report for the last month. */
async function refreshAndReport(maxRows?: number) {
  const host = new PreviewHost();
  const base = inProcessRunner();
  const runner = { ...base, run: (r: Parameters<typeof base.run>[0], p: Parameters<typeof base.run>[1]) => base.run({ ...r, ledger: maxRows === undefined ? undefined : { maxRows } }, p) };
  const o = await refreshWorkbook({ host, sources: [sample], links: DEFAULT_LINK_RULES, runner, onProgress: () => {} });
  const period = o.computed.result.periods[o.computed.result.periods.length - 1];
  const reports = new Map<string, CellValue[][]>();
  for (const r of REPORTS) {
    const w = await generateReport(host, r.kind, period, { result: o.computed.result, ctx: o.computed.ctx, daily: o.computed.daily });
    reports.set(w.sheet, (await host.readSheet(w.sheet))!);
  }
  return { host, o, reports };
}

describe('a refresh above the Ledger threshold', () => {
  let item: Awaited<ReturnType<typeof refreshAndReport>>;
  let agg: Awaited<ReturnType<typeof refreshAndReport>>;
  beforeAll(async () => {
    item = await refreshAndReport();
    agg = await refreshAndReport(100);
  }, 120_000);

  it('sums the rows in the worker and carries the per-item rows as a CSV Blob', async () => {
    const perItem = buildLedger(sampleData(TINY)).rows;
    expect(item.o.computed.detail).toBeUndefined();
    const d = agg.o.computed.detail!;
    expect(d.workItemRows).toBe(perItem.length);
    expect(d.fileName).toBe('ledger-detail-2026-08-to-2026-10.csv');
    expect(agg.o.computed.result.rows.length).toBeLessThan(perItem.length * 0.6);
    const csv = (await d.csv.text()).trimEnd().split('\n');
    expect(csv[0]).toBe(LEDGER_COLUMNS.map((c) => c.key).join(','));
    expect(csv.length - 1).toBe(perItem.length);
    expect(csv[1].split(',')[1]).toBe(perItem[0].work_item_id);
  });

  it('writes the aggregated Ledger with its note naming the download, and the summary counts the same work items', async () => {
    const g = (await agg.host.readSheet(LEDGER_SHEET))!;
    expect(String(g[0][0])).toMatch(/^Ledger by agent × day × business unit × outcome: [\d,]+ work-item rows summed into \d+ rows/);
    expect(g[1][0]).toBe("Per-work-item detail: ledger-detail-2026-08-to-2026-10.csv, offered as a download in the task pane's Refresh tab after each refresh (it is not stored in the workbook)");
    expect(g[2].slice(0, 3)).toEqual(['period', 'work_item_id', 'agent_id']);
    expect(agg.o.summary).toEqual(item.o.summary);
  });

  it('every report sheet has the per-item workbook\'s values, cell for cell', () => {
    expect([...agg.reports.keys()]).toEqual([...item.reports.keys()]);
    for (const [name, grid] of item.reports) expect({ name, grid: agg.reports.get(name) }).toEqual({ name, grid });
  });

  it('a workbook reopened with the aggregated Ledger reads the same figures back', async () => {
    const stored = (await readLedgerFromHost(agg.host))!;
    expect(stored.errors).toEqual([]);
    expect(stored.countsMissing).toBe(false);
    expect(stored.result.counts.work_items).toBe(agg.o.computed.detail!.workItemRows);
    const period = stored.result.periods[stored.result.periods.length - 1];
    const w = await generateReport(agg.host, 'chargeback', period, { result: stored.result, ctx: stored.ctx, daily: stored.daily });
    expect(await agg.host.readSheet(w.sheet)).toEqual(item.reports.get(w.sheet));
  });
});

describe('a Ledger written before the work_items column', () => {
  it('is rewritten (same rows) before the first report, which then counts the work items', async () => {
    const { host, o, reports } = await refreshAndReport();
    // the Ledger as an earlier version wrote it: no work_items column
    const result = o.computed.result;
    const old = ledgerSheet(result.rows, SheetKeys.of(result));
    const drop = LEDGER_COLUMNS.findIndex((c) => c.key === 'work_items');
    const legacy: SheetSpec = {
      ...old,
      grids: old.grids.map((g) => ({ ...g, rows: g.rows.map((r) => r.filter((_, c) => c !== drop)) })),
      names: old.names!.filter((n) => n.name !== 'Ledger_work_items'),
    };
    await host.writeSheet(legacy);
    const stored = (await readLedgerFromHost(host))!;
    expect(stored.countsMissing).toBe(true);
    const period = result.periods[result.periods.length - 1];
    const first = await generateReport(host, 'chargeback', period, { result: stored.result, ctx: stored.ctx, daily: stored.daily, countsMissing: true });
    expect(first.notes.join(' ')).toMatch(/Ledger sheet was written again with its work_items column/);
    expect(await host.readSheet(first.sheet)).toEqual(reports.get(first.sheet));
    // once per stored ledger
    const again = await generateReport(host, 'slo', period, { result: stored.result, ctx: stored.ctx, daily: stored.daily, countsMissing: true });
    expect(again.notes.join(' ')).not.toMatch(/written again/);
    expect(await host.readSheet(again.sheet)).toEqual(reports.get(again.sheet));
  }, 60_000);
});
