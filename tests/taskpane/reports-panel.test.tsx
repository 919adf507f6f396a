/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { loadAndRefresh, renderPane, tab } from './helpers';

it('empty: asks for a refresh first', () => {
  renderPane({ tab: 'Reports' });
  expect(screen.getByRole('heading', { level: 2, name: 'Reports' })).toBeTruthy();
  expect(screen.getByText(/No ledger yet: load sources and run Refresh first/)).toBeTruthy();
  expect(screen.queryByRole('button', { name: 'Generate chargeback' })).toBeNull();
});

it('loading then success: buttons wait while a sheet is written; each report says what it wrote and regenerating replaces it', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Reports');
  const month = screen.getByLabelText('Month') as HTMLSelectElement;
  expect([...month.options].map((o) => o.value)).toEqual(['2026-08', '2026-09', '2026-10']);
  expect(month.value).toBe('2026-10');

  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const write = host.writeSheet.bind(host);
  const spy = jest.spyOn(host, 'writeSheet').mockImplementationOnce(async (...a) => {
    await gate;
    return write(...a);
  });
  fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
  await screen.findByText('Writing Chargeback 2026-10…');
  for (const b of ['Generate chargeback', 'Generate budget', 'Generate migration payback', 'Generate SLO monitor', 'Generate agent P&L']) {
    expect((screen.getByRole('button', { name: b }) as HTMLButtonElement).disabled).toBe(true);
  }
  release();
  await screen.findByText(/^Wrote Chargeback 2026-10: \d+ rows\.$/, undefined, { timeout: 20000 });
  spy.mockRestore();
  expect(host.active?.sheet).toBe('Chargeback 2026-10');

  const count = (await host.listSheets()).length;
  for (const [b, sheet] of [['Generate budget', 'Budget'], ['Generate migration payback', 'Migration Payback'], ['Generate SLO monitor', 'SLO Monitor'], ['Generate agent P&L', 'Agent P&L'], ['Generate chargeback', 'Chargeback 2026-10']] as const) {
    fireEvent.click(screen.getByRole('button', { name: b }));
    await screen.findByText(new RegExp(`^Wrote ${sheet}: \\d+ rows`), undefined, { timeout: 20000 });
    expect(host.active?.sheet).toBe(sheet);
  }
  expect((await host.listSheets()).length).toBe(count + 4);
  const written = within(screen.getByRole('list', { name: 'Reports written' })).getAllByRole('listitem');
  expect(written).toHaveLength(5);
});

it('errors: bad input cells are listed by address and link to the cell; a failed write is shown', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  host.setCell('Agents', 'G3', 'soon');
  tab('Reports');
  fireEvent.click(screen.getByRole('button', { name: 'Generate SLO monitor' }));
  const link = await screen.findByRole('button', { name: /^Agents!G3: expected a number/ }, { timeout: 20000 });
  expect(screen.getByText(/1 bad input cells skipped/)).toBeTruthy();
  fireEvent.click(link);
  await waitFor(() => expect(host.active).toEqual({ sheet: 'Agents', cell: 'G3' }));

  jest.spyOn(host, 'writeSheet').mockRejectedValueOnce(new Error('the workbook is read-only'));
  fireEvent.click(screen.getByRole('button', { name: 'Generate agent P&L' }));
  expect((await screen.findByRole('alert', undefined, { timeout: 20000 })).textContent).toBe('Agent P&L: the workbook is read-only');
});
