/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { PreviewHost } from '../../src/hosts/preview';
import { loadAndRefresh, renderPane, tab } from './helpers';

const stage = async (name: string) => screen.findByText((_, el) => el?.tagName === 'SPAN' && new RegExp(`^This workbook is at stage \\d of 5: ${name}\\.$`).test(el.textContent ?? ''));

it('loading then empty: reads the workbook, then says Invisible and what Tracked needs', async () => {
  renderPane({ tab: 'Maturity' });
  expect(screen.getByText('Reading the workbook…')).toBeTruthy();
  await stage('Invisible');
  const next = within(screen.getByRole('list', { name: 'What Tracked needs' })).getAllByRole('listitem').map((l) => l.textContent);
  expect(next).toEqual(['AI usage imported into the ledger', 'at least 95% of cost linked to work items (linked share now 0.00%)']);
  const curve = screen.getByRole('list', { name: 'AI cost maturity curve' });
  expect(within(curve).getAllByRole('listitem')[0].getAttribute('aria-current')).toBe('step');
});

it('success: climbs the curve as the workbook is set up (refresh → chargeback → SLO monitor + payback → budget)', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Maturity');
  await stage('Tracked');
  tab('Reports');
  fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
  await screen.findByText(/^Wrote Chargeback/, undefined, { timeout: 20000 });
  tab('Maturity');
  await stage('Allocated');
  tab('Reports');
  fireEvent.click(screen.getByRole('button', { name: 'Generate SLO monitor' }));
  await screen.findByText(/^Wrote SLO Monitor/, undefined, { timeout: 20000 });
  fireEvent.click(screen.getByRole('button', { name: 'Generate migration payback' }));
  await screen.findByText(/^Wrote Migration Payback/, undefined, { timeout: 20000 });
  tab('Maturity');
  await stage('Optimized');
  expect(within(screen.getByRole('list', { name: 'What Governed needs' })).getAllByRole('listitem').map((l) => l.textContent)).toEqual(['an AI labor budget (Budget sheet)']);
  tab('Alerts');
  fireEvent.click(screen.getByRole('switch', { name: 'Alerts on' }));
  tab('Maturity');
  await screen.findByText('alerts on (threshold set in the Alerts tab)');
  tab('Reports');
  fireEvent.click(screen.getByRole('button', { name: 'Generate budget' }));
  await screen.findByText(/^Wrote Budget/, undefined, { timeout: 20000 });
  tab('Maturity');
  await stage('Optimized');
  tab('Alerts');
  fireEvent.click(screen.getByRole('switch', { name: 'Alerts on' }));
  tab('Maturity');
  await stage('Governed');
  expect(screen.getByText('Governed: every stage is set up.')).toBeTruthy();
});

it('error: a workbook that cannot be read is reported', async () => {
  const host = new PreviewHost();
  jest.spyOn(host, 'listSheets').mockRejectedValue(new Error('connection to Excel lost'));
  renderPane({ host, tab: 'Maturity' });
  expect(await screen.findByText('Cannot read the workbook: connection to Excel lost')).toBeTruthy();
});
