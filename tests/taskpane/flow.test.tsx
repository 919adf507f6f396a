/** @jest-environment jsdom */
// The workbench e2e's clicks, in jsdom against a real PreviewHost: the accessible names it relies on, and the
// chargeback total the workbook computes equals the core's figure.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { buildLedger, aggregate } from '../../src/core/ledger';
import { sampleData } from '../../src/core/sample';
import { TINY_SAMPLE, loadAndRefresh, renderPane, tab } from './helpers';

it('Sources → Load sample data → Refresh → Reports (Month, Generate chargeback) → Alerts lists alerts', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  const sheets = await host.listSheets();
  for (const s of ['Ledger', 'Unattributed', 'Import Issues', 'Agents', 'Rates', 'Tool Prices', 'Prices', 'Overheads', 'Invoices', 'Budget Drivers', 'Benchmarks']) expect(sheets).toContain(s);

  tab('Reports');
  fireEvent.change(screen.getByLabelText('Month'), { target: { value: '2026-09' } });
  fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
  await waitFor(() => expect(screen.getByText(/Wrote Chargeback 2026-09/)).toBeTruthy(), { timeout: 10000 });
  expect(host.active?.sheet).toBe('Chargeback 2026-09');

  // The same data in Node: the ledger's total for 2026-09 equals what the sheet's formulas compute.
  const d = sampleData(TINY_SAMPLE);
  const core = aggregate(buildLedger(d), 'agent', '2026-09').reduce((s, a) => s + Math.round(a.total * 100), 0) / 100;
  const grid = (await host.readSheet('Chargeback 2026-09'))!;
  const totalRow = grid.find((r) => r[0] === 'Total')!;
  expect(totalRow[12]).toBeCloseTo(core, 2);
  expect(core).toBeGreaterThan(0);

  tab('Alerts');
  const items = await screen.findAllByRole('listitem');
  expect(items.length).toBeGreaterThan(0);
  expect(within(items[0]).getByRole('button', { name: /^Show / })).toBeTruthy();
});
