// The native chart service against Microsoft's office-addin-mock: properties must be loaded and synced before they
// are read (isNullObject), values and number formats land on the range, and the chart is named and positioned.
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock imports office-addin-manifest only for its OfficeApp enum; that package pulls an ESM-only
// dependency jest's CommonJS runtime cannot load (as in src/hosts/excel/excel.test.ts).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));
import { excelChartService, chartBlock } from '../../src/taskpane/services/excel-chart';

it('writes the block and adds the chart through Excel.run (office-addin-mock)', async () => {
  const log: string[] = [];
  const data = {
    context: {
      workbook: {
        worksheets: {
          sheet: {
            range: { values: [] as unknown[], numberFormat: [] as unknown[] },
            charts: {
              old: { isNullObject: false, delete: () => log.push('delete') },
              chart: { name: '', title: { text: '' }, setPosition: (a: string) => log.push(`position ${a}`) },
              getItemOrNullObject(this: { old: unknown }, n: string) {
                log.push(`get ${n}`);
                return this.old;
              },
              add(this: { chart: unknown }, type: string, _r: unknown, by: string) {
                log.push(`add ${type} ${by}`);
                return this.chart;
              },
            },
            getRange(this: { range: unknown }, a: string) {
              log.push(`range ${a}`);
              return this.range;
            },
          },
          getItem(this: { sheet: unknown }, n: string) {
            log.push(`sheet ${n}`);
            return this.sheet;
          },
        },
      },
    },
    run: async function (this: { context: unknown }, cb: (c: unknown) => Promise<unknown>) {
      return cb(this.context);
    },
  };
  const mock = new OfficeMockObject(data) as unknown as { run: <T>(b: (c: Excel.RequestContext) => Promise<T>) => Promise<T>; context: { workbook: { worksheets: { sheet: { range: { values: unknown }; charts: { chart: { name: string; title: { text: string } } } } } } } };
  (globalThis as Record<string, unknown>).Excel = { ChartType: { line: 'Line' }, ChartSeriesBy: { columns: 'Columns' } };
  const series = [
    { agent_id: 'csr', target: 1.5, points: [{ period: '2026-09', value: 1.4 }, { period: '2026-10', value: 1.6 }] },
    { agent_id: 'claims', target: 2.3, points: [{ period: '2026-09', value: 2.1 }, { period: '2026-10', value: null }] },
  ];
  const r = await excelChartService((b) => mock.run(b)).addTrendChart(series, ['2026-09', '2026-10']);
  expect(r.range).toBe('Y1:AA3'); // two columns right of the SLO Monitor's last (hidden key) column
  const sheet = mock.context.workbook.worksheets.sheet;
  expect(sheet.range.values).toEqual(chartBlock(series, ['2026-09', '2026-10']));
  expect(sheet.charts.chart.name).toBe('AILaborTrend');
  expect(sheet.charts.chart.title.text).toBe('Cost per outcome by agent');
  expect(log).toEqual(['sheet SLO Monitor', 'range Y1:AA3', 'range Y1:AA1', 'range Y2:Y3', 'get AILaborTrend', 'delete', 'add Line Columns', 'position Y5']);
  delete (globalThis as Record<string, unknown>).Excel;
});
