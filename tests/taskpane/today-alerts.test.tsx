/** @jest-environment jsdom */
// Alerts → Today: the latest day's daily alerts, each with a link to the Daily Monitor cell that explains it (the
// monitor is generated when missing); after a Refresh the Daily sheet is written and Today is computed from it.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { PreviewHost } from '../../src/hosts/preview';
import { AGENTS, DAILY_MONITOR_SHEET, DAILY_SHEET, SheetKeys, dailyRows, dailySheet, inputSheet, ledgerSheet } from '../../src/workbook';
import { dayRange, DEFAULT_DAILY_SETTINGS, monitorSeries } from '../../src/core/daily';
import { CSR, series, steady } from '../../src/core/daily/fixtures';
import { loadAndRefresh, renderPane, tab } from './helpers';

it('a reopened workbook with a Daily sheet: today\'s retry storm is listed, and its link opens the Daily Monitor on its row', async () => {
  const days = dayRange('2026-03-02', '2026-06-24');
  const last = days.length - 1;
  const s = series(days, (d, i) => ({ ...steady()(d), use: i === last ? 1.25 : 0.6, retryShare: i === last ? 0.55 : 0.03 }));
  const host = new PreviewHost();
  const rows = dailyRows(s, monitorSeries(s, [CSR], DEFAULT_DAILY_SETTINGS));
  await host.writeWorkbook({ sheets: [ledgerSheet([], SheetKeys.of({ rows: [], unattributed: [], agents: [CSR] })), inputSheet(AGENTS, [CSR]), dailySheet(rows)] });
  renderPane({ host, tab: 'Alerts' });
  const heading = await screen.findByRole('heading', { level: 3, name: /^Today: 2026-06-24 \(\d+\)$/ }, { timeout: 10_000 });
  expect(heading).toBeTruthy();
  const list = screen.getByRole('list', { name: "Today's alerts" });
  const item = within(list).getAllByRole('listitem').find((li) => /cost per ticket jumped \d+% above its normal on 2026-06-24/.test(li.textContent ?? ''))!;
  expect(item.textContent).toMatch(/Likely driver: retries/);
  expect(await host.listSheets()).not.toContain(DAILY_MONITOR_SHEET);
  fireEvent.click(within(item).getByRole('button', { name: /^Show Daily Monitor!J6$/ }));
  await waitFor(() => expect(host.active).toEqual({ sheet: DAILY_MONITOR_SHEET, cell: 'J6' }));
  const monitor = (await host.readSheet(DAILY_MONITOR_SHEET))!;
  expect(monitor[5][0]).toBe('csr');
  expect(monitor[5][9]).toMatch(/^spike since 2026-06-24 \(\+\d+(\.\d)?%\)$/);
}, 30_000);

it('after a Refresh: the Daily sheet is written and Today shows the last day of the sample', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  expect(await host.listSheets()).toContain(DAILY_SHEET);
  tab('Alerts');
  expect(await screen.findByRole('heading', { level: 3, name: /^Today: 2026-10-31 \(\d+\)$/ })).toBeTruthy();
}, 30_000);
