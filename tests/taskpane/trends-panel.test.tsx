/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { loadAndRefresh, renderPane, tab } from './helpers';
import type { ChartService } from '../../src/taskpane/services/excel-chart';

it('empty: asks for a refresh; no Excel chart button outside Excel', () => {
  renderPane({ tab: 'Trends' });
  expect(screen.getByText(/No ledger yet: run Refresh to see cost per outcome by agent/)).toBeTruthy();
});

it('success: one accessible SVG chart per agent, named by the agent, all on one labelled scale, values on hover, the target line; a table view', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Trends');
  const charts = screen.getAllByRole('img');
  expect(charts.length).toBe(7);
  const csr = screen.getByRole('img', { name: /^Cost per outcome of CSR Tier 1 \(csr-tier1\) by month / });
  expect(screen.getByRole('heading', { level: 3, name: 'CSR Tier 1 (csr-tier1)' })).toBeTruthy();
  // one scale for every agent: the same tick labels on each chart, and the axis says what it measures
  const ticks = (svg: Element) => [...svg.querySelectorAll('g > text')].map((t) => t.textContent).filter((t) => /^\$/.test(t ?? ''));
  const first = ticks(charts[0]);
  expect(first.length).toBeGreaterThanOrEqual(3);
  for (const c of charts) expect(ticks(c)).toEqual(first);
  expect(csr.querySelector('[data-testid="y-axis-label"]')!.textContent).toBe('USD per successful outcome');
  expect(csr.querySelector('[data-testid="target-line"]')!.textContent).toBe('target $1.50');
  // hovering a point shows its value
  const point = csr.querySelector('circle[data-period="2026-10"]')!;
  expect(point.querySelector('title')!.textContent).toMatch(/^Oct 2026: \$\d+\.\d\d$/);
  fireEvent.mouseEnter(point);
  expect(csr.querySelector('[data-testid="hover-value"]')!.textContent).toMatch(/^Oct 2026: \$\d+\.\d\d \(target \$1\.50\)$/);
  const desc = csr.querySelector('desc')!.textContent!;
  expect(desc).toMatch(/^2026-08: \$\d+\.\d\d; 2026-09: \$\d+\.\d\d; 2026-10: \$\d+\.\d\d; target \$1\.50\.$/);
  expect(csr.querySelector('[data-testid="target-line"]')).toBeTruthy();
  expect(csr.querySelectorAll('circle').length).toBe(3);
  expect(screen.getByText(/In Excel, a native chart can be added/)).toBeTruthy();

  fireEvent.click(screen.getByRole('switch', { name: 'Show as tables' }));
  const t = screen.getByRole('table', { name: 'Cost per outcome of CSR Tier 1 (csr-tier1)' });
  const cells = within(t).getAllByRole('row')[3].textContent;
  expect(cells).toMatch(/^2026-10\$\d+\.\d\d\$1\.50$/);
  // The table and the chart show the same figure.
  expect(desc).toContain(`2026-10: ${/\$\d+\.\d\d/.exec(cells!.slice(7))![0]}`);

  // Accuracy against the SLO minimum, as percentages, on its own shared scale
  fireEvent.click(screen.getByRole('switch', { name: 'Show as tables' }));
  fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'accuracy' } });
  const acc = screen.getByRole('img', { name: /^Accuracy of CSR Tier 1 \(csr-tier1\) by month / });
  expect(acc.querySelector('[data-testid="target-line"]')!.textContent).toMatch(/^SLO minimum \d+\.\d%$/);
  expect(acc.querySelector('[data-testid="y-axis-label"]')!.textContent).toBe('approved reviews ÷ reviews');
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
