// A native Excel line chart of cost per outcome by agent beside the SLO Monitor. WorkbookHost has no chart capability
// (HyperFormula and ExcelJS hosts draw none), so this talks to Office.js directly and is offered only inside Excel.
import { excelRun, type Run } from '../../hosts/excel/run';
import { SLO_COLS, SLO_SHEET } from '../../workbook';
import { FMT } from '../../workbook/styles';
/** What the chart reads of a trend series (services/trends.ts): cost per outcome per month, named by the agent. */
export interface ChartSeries {
  agent_id: string;
  name?: string;
  points: { period: string; value: number | null }[];
}

export interface ChartService {
  addTrendChart(series: ChartSeries[], periods: string[]): Promise<{ sheet: string; range: string }>;
}

/** The chart's data block starts two columns right of the SLO Monitor's last column. */
export const CHART_DATA_COL = SLO_COLS.length + 1;

const col = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Period rows × agent columns of cost per outcome (empty cell where no outcome closed). */
export function chartBlock(series: ChartSeries[], periods: string[]): (string | number)[][] {
  return [['Period', ...series.map((s) => s.name || s.agent_id)], ...periods.map((p) => [p, ...series.map((s) => s.points.find((x) => x.period === p)?.value ?? '')])];
}

/** `run`: Excel.run with delayForCellEdit by default (hosts/excel/run.ts). */
export function excelChartService(run: Run = excelRun): ChartService {
  return {
    async addTrendChart(series, periods) {
      if (!series.length || !periods.length) throw new Error('No cost per outcome to chart: run Refresh first.');
      const block = chartBlock(series, periods);
      const c0 = col(CHART_DATA_COL);
      const c1 = col(CHART_DATA_COL + series.length);
      const address = `${c0}1:${c1}${block.length}`;
      await run(async (context) => {
        const ws = context.workbook.worksheets.getItem(SLO_SHEET);
        const range = ws.getRange(address);
        // Agent ids and periods are text: format first so nothing is read as a formula or a date.
        ws.getRange(`${c0}1:${c1}1`).numberFormat = [block[0].map(() => '@')];
        ws.getRange(`${c0}2:${c0}${block.length}`).numberFormat = block.slice(1).map(() => ['@']);
        // cost per outcome in cents, as on the SLO Monitor beside it
        ws.getRange(`${col(CHART_DATA_COL + 1)}2:${c1}${block.length}`).numberFormat = block.slice(1).map(() => series.map(() => FMT.money));
        range.values = block;
        const old = ws.charts.getItemOrNullObject('AILaborTrend');
        old.load('isNullObject');
        await context.sync();
        if (!old.isNullObject) old.delete();
        const chart = ws.charts.add(Excel.ChartType.line, range, Excel.ChartSeriesBy.columns);
        chart.name = 'AILaborTrend';
        chart.title.text = 'Cost per outcome by agent';
        chart.setPosition(`${c0}${block.length + 2}`);
        await context.sync();
      });
      return { sheet: SLO_SHEET, range: address };
    },
  };
}
