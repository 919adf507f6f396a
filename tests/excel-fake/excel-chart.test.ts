// The native trend chart (src/taskpane/services/excel-chart.ts) against the documented-behaviour Excel fake: its
// block lands beside the SLO Monitor as text-safe values, one named chart replaces the previous one, and the batch
// waits while the user edits a cell (delayForCellEdit) instead of failing.
import { chartBlock, excelChartService } from '../../src/taskpane/services/excel-chart';
import { SLO_SHEET } from '../../src/workbook';
import { createExcelFake } from './excel-fake';

const series = [
  { agent_id: '=evil', target: 1.5, points: [{ period: '2026-09', value: 1.4 }, { period: '2026-10', value: 1.6 }] },
  { agent_id: 'claims', target: 2.3, points: [{ period: '2026-09', value: 2.1 }, { period: '2026-10', value: null }] },
];

it('writes the block, keeps agent ids and periods as text, and replaces the named chart (twice = one chart)', async () => {
  const x = createExcelFake();
  const undo = x.install();
  try {
    x.seedSheet(SLO_SHEET, [['Agent', 'Period']]);
    const svc = excelChartService();
    const r = await svc.addTrendChart(series, ['2026-09', '2026-10']);
    expect(r).toEqual({ sheet: SLO_SHEET, range: 'Y1:AA3' });
    await svc.addTrendChart(series, ['2026-09', '2026-10']);
    const s = x.sheet(SLO_SHEET)!;
    expect(s.charts).toEqual([{ name: 'AILaborTrend', type: 'Line', source: 'Y1:AA3', seriesBy: 'Columns', title: 'Cost per outcome by agent', position: 'Y5' }]);
    const block = chartBlock(series, ['2026-09', '2026-10']);
    expect([x.value(SLO_SHEET, 'Z1'), x.formula(SLO_SHEET, 'Z1')]).toEqual(['=evil', undefined]); // text, not a formula
    expect(x.value(SLO_SHEET, 'Y2')).toBe('2026-09');
    expect(x.value(SLO_SHEET, 'AA3')).toBe(block[2][2] === '' ? '' : block[2][2]);
    expect(x.log.runs.every((run) => run.delayForCellEdit)).toBe(true);
    // cost per outcome in cents, as on the SLO Monitor (the agent and period cells stay text)
    const fmt = (row: number, col: number) => x.sheet(SLO_SHEET)!.formats.get(`${row},${col}`); // 0-based: Y = 24
    expect([fmt(1, 24), fmt(1, 25), fmt(2, 26)]).toEqual(['@', '$#,##0.00', '$#,##0.00']); // Y2, Z2, AA3
  } finally {
    undo();
  }
});

it('waits for a cell edit to end instead of failing', async () => {
  const x = createExcelFake();
  const undo = x.install();
  try {
    x.seedSheet(SLO_SHEET, [['Agent']]);
    x.user.beginCellEdit();
    const p = excelChartService().addTrendChart(series, ['2026-09', '2026-10']);
    await new Promise((r) => setTimeout(r, 20));
    expect(x.sheet(SLO_SHEET)!.charts).toEqual([]);
    x.user.endCellEdit();
    await p;
    expect(x.sheet(SLO_SHEET)!.charts).toHaveLength(1);
  } finally {
    undo();
  }
});
