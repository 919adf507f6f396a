/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { loadAndRefresh, renderPane, tab } from './helpers';

const count = (name: RegExp) => Number(/\((\d+)\)/.exec(screen.getByRole('heading', { level: 3, name }).textContent ?? '')![1]);

it('empty: asks for a refresh; thresholds are editable with labels', () => {
  renderPane({ tab: 'Alerts' });
  expect(screen.getByText(/No ledger yet: run Refresh to see alerts/)).toBeTruthy();
  expect(screen.getByLabelText('Alert when cost per outcome is above target by more than (%)')).toBeTruthy();
  expect(screen.getByLabelText('Invoice true-up threshold (% of the invoice)')).toBeTruthy();
  expect(screen.getByRole('switch', { name: 'Alerts on' })).toBeTruthy();
});

it('success: alerts under headings with counts; each links to the row that explains it (the SLO Monitor is generated if missing)', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/\d+ alerts? over 3 months/);
  const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
  expect(headings).toEqual([expect.stringMatching(/^Today: 2026-10-31 \(\d+\)$/), expect.stringMatching(/^Cost with no successful outcome \(\d+\)$/), expect.stringMatching(/^SLO breaches \(\d+\)$/), expect.stringMatching(/^More than the threshold above target \(\d+\)$/), expect.stringMatching(/^Above target two months in a row \(\d+\)$/), 'Unpriced models (0)', expect.stringMatching(/^Invoice true-up above threshold \(\d+\)$/)]);
  const items = screen.getAllByRole('listitem');
  expect(items.length).toBeGreaterThan(0);
  const above = within(screen.getByRole('list', { name: 'More than the threshold above target' })).getAllByRole('listitem')[0];
  const show = within(above).getByRole('button', { name: /^Show SLO Monitor!J\d+$/ });
  expect(await host.listSheets()).not.toContain('SLO Monitor');
  fireEvent.click(show);
  await waitFor(() => expect(host.active?.sheet).toBe('SLO Monitor'), { timeout: 20000 });
  const row = Number(host.active!.cell!.slice(1));
  const slo = (await host.readSheet('SLO Monitor'))!;
  expect(above.textContent).toContain(`${slo[row - 1][0]}, ${slo[row - 1][2]}`);
  expect(slo[row - 1][17]).toBe('ALERT');
});

it('thresholds change the alerts; switching alerts off clears them', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/\d+ alerts? over 3 months/);
  const before = count(/^More than the threshold above target/);
  expect(before).toBeGreaterThan(0);
  const input = screen.getByLabelText('Alert when cost per outcome is above target by more than (%)');
  fireEvent.change(input, { target: { value: '100' } });
  fireEvent.blur(input);
  await waitFor(() => expect(count(/^More than the threshold above target/)).toBeLessThan(before));
  fireEvent.click(screen.getByRole('switch', { name: 'Alerts on' }));
  expect(screen.getByText('Alerts are off.')).toBeTruthy();
});

it('error: a link whose sheet cannot be shown says which sheet and cell', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/\d+ alerts? over 3 months/);
  jest.spyOn(host, 'activate').mockRejectedValue(new Error('the sheet is protected'));
  const link = screen.getAllByRole('button', { name: /^Show Invoices!A\d+$/ })[0];
  fireEvent.click(link);
  expect((await screen.findByRole('alert')).textContent).toMatch(/^Cannot show Invoices!A\d+: the sheet is protected$/);
});
