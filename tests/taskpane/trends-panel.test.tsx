/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { loadAndRefresh, renderPane, tab } from './helpers';
import type { ChartService } from '../../src/taskpane/services/excel-chart';

it('empty: asks for a refresh; no Excel chart button outside Excel', () => {
  renderPane({ tab: 'Trends' });
  expect(screen.getByText(/No ledger yet: run Refresh to see cost per outcome by agent/)).toBeTruthy();
});

it('success: one accessible SVG chart per agent (title, description with every month and the target), and a table view', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Trends');
  const charts = screen.getAllByRole('img');
  expect(charts.length).toBe(7);
  const csr = screen.getByRole('img', { name: /Cost per outcome of csr-tier1 by month/ });
  const desc = csr.querySelector('desc')!.textContent!;
  expect(desc).toMatch(/^2026-08: \$\d+\.\d\d; 2026-09: \$\d+\.\d\d; 2026-10: \$\d+\.\d\d; target \$1\.50\.$/);
  expect(csr.querySelector('[data-testid="target-line"]')).toBeTruthy();
  expect(csr.querySelectorAll('circle').length).toBe(3);
  expect(screen.getByText(/In Excel, a native chart can be added/)).toBeTruthy();

  fireEvent.click(screen.getByRole('switch', { name: 'Show as tables' }));
  const t = screen.getByRole('table', { name: 'Cost per outcome of csr-tier1' });
  const cells = within(t).getAllByRole('row')[3].textContent;
  expect(cells).toMatch(/^2026-10\$\d+\.\d\d\$1\.50$/);
  // The table and the chart show the same figure.
  expect(desc).toContain(`2026-10: ${/\$\d+\.\d\d/.exec(cells!.slice(7))![0]}`);
});

it('in Excel: the chart button adds the native chart, and a failure is reported', async () => {
  const chart: ChartService = { addTrendChart: jest.fn().mockResolvedValueOnce({ sheet: 'SLO Monitor', range: 'V1:AC4' }).mockRejectedValueOnce(new Error("SLO Monitor doesn't exist")) };
  renderPane({ services: { chart } });
  await loadAndRefresh();
  tab('Trends');
  fireEvent.click(screen.getByRole('button', { name: 'Add Excel chart beside the SLO Monitor' }));
  expect(await screen.findByText('Added the chart on SLO Monitor (data in V1:AC4).')).toBeTruthy();
  expect((chart.addTrendChart as jest.Mock).mock.calls[0][1]).toEqual(['2026-08', '2026-09', '2026-10']);
  fireEvent.click(screen.getByRole('button', { name: 'Add Excel chart beside the SLO Monitor' }));
  expect((await screen.findByRole('alert')).textContent).toBe("Could not add the Excel chart: SLO Monitor doesn't exist");
});
