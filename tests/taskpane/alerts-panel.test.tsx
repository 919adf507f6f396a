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

/** The agent-month entries shown: their accessible names ("CSR Tier 1 (csr-tier1), 2026-10"). */
const entries = () => {
  const list = screen.queryByRole('list', { name: 'Alerts by agent and month' });
  return list ? within(list).getAllByRole('listitem').filter((li) => li.parentElement === list) : [];
};
const findings = (entry: HTMLElement) => within(entry).getAllByRole('listitem');
const month = () => screen.getByRole('combobox', { name: 'Month' }) as HTMLSelectElement;

it('success: Today on top, then the month-end alerts of the latest month, one entry per agent and month with all its findings, each linked to the row that explains it', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Alerts');
  const status = await screen.findByText(/^\d+ alerts? in 2026-10( on \d+ agents?)?\.$/);
  const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
  expect(headings).toEqual([expect.stringMatching(/^Today: 2026-10-31 \(\d+\)$/), 'Month-end alerts', expect.stringMatching(/^By agent and month \(\d+\)$/), 'Unpriced models (0)', expect.stringMatching(/^Invoice true-up above threshold \(\d+\)$/)]);
  // the filter: every month, latest first and chosen, then all months
  expect(month().value).toBe('2026-10');
  expect([...month().options].map((o) => o.value)).toEqual(['2026-10', '2026-09', '2026-08', 'all']);
  const shown = entries();
  expect(shown.length).toBeGreaterThan(0);
  const names = shown.map((li) => li.getAttribute('aria-label'));
  expect(new Set(names).size).toBe(names.length); // an agent-month once, never in several lists
  for (const n of names) expect(n).toMatch(/, 2026-10$/);
  // the headline counts this month's findings
  const total = shown.reduce((t, li) => t + findings(li).length, 0) + count(/^Unpriced models/) + count(/^Invoice true-up above threshold/);
  expect(status.textContent).toBe(`${total} alert${total === 1 ? '' : 's'} in 2026-10 on ${shown.length} agent${shown.length === 1 ? '' : 's'}.`);
  expect(month().selectedOptions[0].textContent).toBe(`2026-10 (latest) — ${total} alert${total === 1 ? '' : 's'}`);
  // an entry with an "above target" finding: its link opens that agent-month's SLO Monitor row (generated if missing)
  const entry = shown.find((li) => findings(li).some((f) => /\d% above target/.test(f.textContent ?? '')))!;
  expect(findings(entry).length).toBeGreaterThan(1); // in the sample it has other findings too, listed with it
  const above = findings(entry).find((f) => /\d% above target/.test(f.textContent ?? ''))!;
  expect(await host.listSheets()).not.toContain('SLO Monitor');
  fireEvent.click(within(above).getByRole('button', { name: /^Show SLO Monitor!J\d+$/ }));
  await waitFor(() => expect(host.active?.sheet).toBe('SLO Monitor'), { timeout: 20000 });
  const row = Number(host.active!.cell!.slice(1));
  const slo = (await host.readSheet('SLO Monitor'))!;
  expect(entry.getAttribute('aria-label')).toContain(`(${slo[row - 1][0]}), ${slo[row - 1][2]}`);
  expect(slo[row - 1][17]).toBe('ALERT');
  // each finding of the entry links to its own cell on the same row
  for (const f of findings(entry)) expect(within(f).getByRole('button', { name: /^Show / }).textContent).toMatch(new RegExp(`^Show SLO Monitor![JOQ]${row}$`));
  // figures in cents, as on the sheets
  expect(document.body.textContent).not.toMatch(/\$[\d,]*\.\d{3}/);
});

it('the month filter: another month shows only its agent-months and counts; "All months" shows every month', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/^\d+ alerts? in 2026-10/);
  const perMonth = new Map([...month().options].map((o) => [o.value, Number(/— (\d+) alerts?$/.exec(o.textContent ?? '')![1])]));
  fireEvent.change(month(), { target: { value: '2026-09' } });
  const status = await screen.findByText(/^\d+ alerts? in 2026-09/);
  expect(Number(/^\d+/.exec(status.textContent!)![0])).toBe(perMonth.get('2026-09'));
  for (const li of entries()) expect(li.getAttribute('aria-label')).toMatch(/, 2026-09$/);
  fireEvent.change(month(), { target: { value: 'all' } });
  const all = await screen.findByText(/^\d+ alerts? over 3 months/);
  expect(Number(/^\d+/.exec(all.textContent!)![0])).toBe(perMonth.get('2026-10')! + perMonth.get('2026-09')! + perMonth.get('2026-08')!);
  expect(perMonth.get('all')).toBe(Number(/^\d+/.exec(all.textContent!)![0]));
  const names = entries().map((li) => li.getAttribute('aria-label')!);
  expect(new Set(names).size).toBe(names.length);
  // latest month first
  const periods = names.map((n) => n.slice(-7));
  expect(periods).toEqual([...periods].sort().reverse());
});

it('thresholds change the alerts; switching alerts off clears them', async () => {
  renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/^\d+ alerts? in 2026-10/);
  fireEvent.change(month(), { target: { value: 'all' } });
  const aboveCount = () => entries().flatMap(findings).filter((f) => /\d% above target/.test(f.textContent ?? '')).length;
  const before = aboveCount();
  expect(before).toBeGreaterThan(0);
  const input = screen.getByLabelText('Alert when cost per outcome is above target by more than (%)');
  fireEvent.change(input, { target: { value: '100' } });
  fireEvent.blur(input);
  await waitFor(() => expect(aboveCount()).toBeLessThan(before));
  fireEvent.click(screen.getByRole('switch', { name: 'Alerts on' }));
  expect(screen.getByText('Alerts are off.')).toBeTruthy();
});

it('error: a link whose sheet cannot be shown says which sheet and cell', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Alerts');
  await screen.findByText(/^\d+ alerts? in 2026-10/);
  fireEvent.change(month(), { target: { value: 'all' } });
  jest.spyOn(host, 'activate').mockRejectedValue(new Error('the sheet is protected'));
  const link = screen.getAllByRole('button', { name: /^Show Invoices!A\d+$/ })[0];
  fireEvent.click(link);
  expect((await screen.findByRole('alert')).textContent).toMatch(/^Cannot show Invoices!A\d+: the sheet is protected$/);
});
