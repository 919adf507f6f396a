/** @jest-environment jsdom */
// The Refresh tab and the Maturity tab show the same linked share (they once said 99.96% and 100.0%).
import { screen, waitFor, within } from '@testing-library/react';
import { loadAndRefresh, renderPane, tab } from './helpers';

it('Refresh and Maturity show one linked share, with the same words', async () => {
  renderPane();
  await loadAndRefresh();
  const summary = screen.getByRole('table', { name: 'Refresh summary' });
  const row = within(summary).getAllByRole('row').find((r) => r.textContent?.startsWith('Linked share of cost'))!;
  const share = within(row).getAllByRole('cell')[1].textContent!;
  expect(share).toMatch(/^\d+\.\d\d%$/);
  expect(share).not.toBe('100.00%'); // the sample has unattributed cost
  tab('Maturity');
  await waitFor(() => expect(screen.getByText(new RegExp(`linked share now ${share.replace('.', '\\.')}\\)`))).toBeTruthy(), { timeout: 20000 });
  expect(screen.getByText(/^Linked share: the part of all AI cost traced to a work item/)).toBeTruthy();
});
