/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { PreviewHost } from '../../src/hosts/preview';
import { computeRefresh, RefreshCancelled, type Progress, type RefreshComputed } from '../../src/taskpane/services/refresh-core';
import { DEFAULT_LINK_RULES } from '../../src/sources/links';
import { inProcessRunner, type RefreshRunner } from '../../src/taskpane/services/runner';
import { loadAndRefresh, renderPane, tab, TINY_SAMPLE } from './helpers';

/** A runner the test drives: it reports progress when told and settles when told. */
function manualRunner() {
  const ctl: { progress?: (p: Progress) => void; resolve?: (c: RefreshComputed) => void; reject?: (e: Error) => void; cancelled: boolean } = { cancelled: false };
  const runner: RefreshRunner = {
    run: (_req, onProgress) => new Promise((resolve, reject) => Object.assign(ctl, { progress: onProgress, resolve, reject })),
    cancel: () => {
      ctl.cancelled = true;
      ctl.reject?.(new RefreshCancelled());
    },
  };
  return { ctl, runner };
}

it('empty: the Refresh button is disabled and says to add a source first', () => {
  renderPane({ tab: 'Refresh' });
  const b = screen.getByRole('button', { name: 'Refresh' });
  expect((b as HTMLButtonElement).disabled).toBe(true);
  expect(b.getAttribute('aria-describedby')).toBe('refresh-hint');
  expect(screen.getByText(/Add a source \(or load the sample data\) in the Sources tab first/)).toBeTruthy();
  expect(screen.getByText(/Not refreshed yet/)).toBeTruthy();
});

it('loading: a progress bar, the current step in a live region, and Cancel that stops the run', async () => {
  const { ctl, runner } = manualRunner();
  renderPane({ services: { createRunner: () => runner } });
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await waitFor(() => expect(ctl.progress).toBeDefined());
  act(() => ctl.progress!({ step: 'Reading sample (1 of 1)', done: 1, total: 3, phase: 'import' }));
  const bar = screen.getByRole('progressbar', { name: 'Refresh progress' });
  expect(Number(bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0.05);
  expect(Number(bar.getAttribute('aria-valuenow'))).toBeLessThan(0.7);
  expect(screen.getByText('Step: Reading sample (1 of 1)')).toBeTruthy();
  // Refresh stays focusable while running (a keyboard user keeps focus on it), but does nothing
  expect(screen.getByRole('button', { name: 'Refresh' }).getAttribute('aria-disabled')).toBe('true');
  expect((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(false);
  // the steps, with the current one marked
  const steps = within(screen.getByRole('list', { name: 'Refresh steps' })).getAllByRole('listitem');
  expect(steps.map((li) => li.getAttribute('aria-current'))).toEqual([null, 'step', null, null]);
  expect(steps[0].textContent).toMatch(/done$/);
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(ctl.cancelled).toBe(true);
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toMatch(/Refresh cancelled: nothing was written/);
  expect(screen.queryByRole('progressbar')).toBeNull();
  expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
});

it('error: a failing build shows its message', async () => {
  const { ctl, runner } = manualRunner();
  renderPane({ services: { createRunner: () => runner } });
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await waitFor(() => expect(ctl.reject).toBeDefined());
  act(() => ctl.reject!(new Error('usage.csv line 7: out of memory')));
  expect((await screen.findByRole('alert')).textContent).toBe('Refresh failed: usage.csv line 7: out of memory');
});

it('success: "Refreshed" with months, totals, linked share, unattributed, rejected and unpriced; bad input cells link to their cell', async () => {
  const { host } = renderPane();
  await loadAndRefresh();
  const summary = screen.getByRole('table', { name: 'Refresh summary' });
  const rows = Object.fromEntries(within(summary).getAllByRole('row').map((r) => within(r).getAllByRole('cell').map((c) => c.textContent)));
  expect(rows['Months']).toBe('2026-08, 2026-09, 2026-10');
  expect(rows['Total cost (all months)']).toMatch(/^\$[\d,]+\.\d\d$/);
  expect(rows['Linked share of cost']).toMatch(/^9\d\.\d\d%$/); // floored: never shows 100% while any cost is unattributed
  expect(rows['Unattributed']).toMatch(/\(\d+ events\)/);
  expect(rows['Rejected rows']).toBe('0');
  expect(rows['Unpriced events']).toBe('0');
  expect(rows['Every cost accounted for']).toMatch(/^yes: .* reconcile to the cent$/);
  expect(screen.getByText(/^Linked share: the part of all AI cost traced to a work item/)).toBeTruthy();
  expect(screen.getByText(/Wrote: Ledger, Unattributed, Import Issues, Agents/)).toBeTruthy();

  // The user types a bad target into Agents; the next refresh names the cell and the link shows it.
  (host as PreviewHost).setCell('Agents', 'G2', 'lots');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  const link = await screen.findByRole('button', { name: /^Agents!G2: expected/ }, { timeout: 20000 });
  fireEvent.click(link);
  await waitFor(() => expect((host as PreviewHost).active).toEqual({ sheet: 'Agents', cell: 'G2' }));
});

it('while the sheets are written Cancel is disabled and says why', async () => {
  const host = new PreviewHost();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const write = host.writeWorkbook.bind(host);
  jest.spyOn(host, 'writeWorkbook').mockImplementationOnce(async (...a) => {
    await gate;
    return write(...a);
  });
  renderPane({ host });
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await screen.findByText(/^Step: Writing the Ledger \(\d[\d,]* rows\)/, undefined, { timeout: 20000 });
  expect((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(true);
  expect(screen.getByText(/never left half-written/)).toBeTruthy();
  release();
  await screen.findByText(/Refreshed/, undefined, { timeout: 20000 });
});

it('incomplete: a failed source makes the headline a warning naming it and what is missing, and reports say so', async () => {
  const { ctl, runner } = manualRunner();
  const { host } = renderPane({ services: { createRunner: () => runner } });
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await waitFor(() => expect(ctl.resolve).toBeDefined());
  const computed = await computeRefresh(
    {
      sources: [{ id: 's', name: 'sample', type: 'sample', options: TINY_SAMPLE }, { id: 'x', name: 'usage-week2.csv', type: 'file', format: 'canonical', kind: 'usage', text: 'a,b\n1,2' }],
      links: DEFAULT_LINK_RULES,
      workbook: {},
    },
    { onProgress: () => {}, cancelled: () => false },
  );
  act(() => ctl.resolve!(computed));
  const alert = await screen.findByRole('alert', undefined, { timeout: 20000 });
  expect(alert.textContent).toMatch(/^Refresh incomplete .*usage-week2\.csv failed — missing the whole file \(usage-week2\.csv: missing required column/);
  expect(screen.queryByText(/^Refreshed /)).toBeNull();
  const summary = screen.getByRole('table', { name: 'Refresh summary' });
  const rows = Object.fromEntries(within(summary).getAllByRole('row').map((r) => within(r).getAllByRole('cell').map((c) => c.textContent)));
  expect(rows['Rejected rows']).toBe('0');
  tab('Reports');
  expect((await screen.findAllByText(/The last refresh was incomplete: source usage-week2\.csv failed/)).length).toBeGreaterThan(0);
  fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
  await waitFor(async () => expect(((await (host as PreviewHost).readSheet('Chargeback 2026-10')) ?? [[]])[0].join(' ')).toMatch(/INCOMPLETE: source usage-week2\.csv failed \(missing the whole file\)/), { timeout: 20000 });
});

it('above the Ledger threshold: says the Ledger sheet is aggregated and offers the per-work-item rows as a download', async () => {
  const base = inProcessRunner();
  const runner: RefreshRunner = { ...base, run: (r, p) => base.run({ ...r, ledger: { maxRows: 100 } }, p) };
  renderPane({ services: { createRunner: () => runner } });
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await screen.findByText(/Refreshed/, undefined, { timeout: 30000 });
  expect(screen.getByText(/^The Ledger sheet holds [\d,]+ rows by agent × day × business unit × outcome: [\d,]+ work-item rows are more than a workbook holds one by one \(50,000\)\. Every report and AILABOR function gives the same figures\./)).toBeTruthy();
  const button = screen.getByRole('button', { name: /^Download the per-work-item detail \(ledger-detail-2026-08-to-2026-10\.csv, [\d.]+ MB\)$/ });
  const made: Blob[] = [];
  const clicked: string[] = [];
  Object.assign(URL, { createObjectURL: (b: Blob) => (made.push(b), 'blob:detail'), revokeObjectURL: () => {} });
  const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push(`${this.download} ${this.href}`);
  });
  fireEvent.click(button);
  click.mockRestore();
  expect(clicked).toEqual(['ledger-detail-2026-08-to-2026-10.csv blob:detail']);
  // (its content: tests/taskpane/grain.test.ts; jsdom's Blob cannot be read back)
  expect([made.length, made[0].type, made[0].size > 10_000]).toEqual([1, 'text/csv', true]);
}, 60_000);
