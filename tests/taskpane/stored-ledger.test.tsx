/** @jest-environment jsdom */
// Issue #7: a workbook reopened in a new session (its Ledger sheet written by an earlier Refresh) generates reports,
// alerts and trends from that sheet, without re-adding the sources.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { buildLedger } from '../../src/core/ledger';
import { sampleData } from '../../src/core/sample';
import { PreviewHost } from '../../src/hosts/preview';
import { readLedgerFromHost } from '../../src/taskpane/services/ledger-read';
import { TINY_SAMPLE, loadAndRefresh, renderPane, tab } from './helpers';

/** A fresh PreviewHost holding what `from` holds, minus the given sheets: the workbook saved and reopened. */
async function reopen(from: PreviewHost, without: string[] = []): Promise<PreviewHost> {
  const spec = from.toWorkbookSpec();
  const host = new PreviewHost();
  await host.writeWorkbook({ ...spec, sheets: spec.sheets.filter((s) => !without.includes(s.name)) });
  return host;
}

let refreshedHost: PreviewHost;
let refreshedGrid: unknown[][];

beforeAll(async () => {
  // One refresh in a first session; its chargeback for 2026-09 is the reference.
  const { host } = renderPane();
  await loadAndRefresh();
  tab('Reports');
  fireEvent.change(screen.getByLabelText('Month'), { target: { value: '2026-09' } });
  fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
  await screen.findByText(/^Wrote Chargeback 2026-09/, undefined, { timeout: 10000 });
  refreshedGrid = (await host.readSheet('Chargeback 2026-09'))!;
  refreshedHost = host;
  cleanup();
}, 30000);

const total = (grid: unknown[][]) => grid.find((r) => r[0] === 'Total')![12] as number;

describe('readLedgerFromHost', () => {
  it('is null for a workbook with no Ledger sheet', async () => {
    expect(await readLedgerFromHost(new PreviewHost())).toBeNull();
    expect(await readLedgerFromHost(await reopen(refreshedHost, ['Ledger']))).toBeNull();
  });

  it('reads back the rows, unattributed rows, months and agents the refresh built', async () => {
    const built = buildLedger(sampleData(TINY_SAMPLE));
    const got = (await readLedgerFromHost(await reopen(refreshedHost)))!;
    expect(got.errors).toEqual([]);
    expect(got.result.rows).toEqual(built.rows);
    expect(got.result.unattributed).toEqual(built.unattributed);
    expect(got.result.periods).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(got.result.agents.map((a) => a.agent_id)).toEqual(built.agents.map((a) => a.agent_id));
    // Not stored in the workbook: never presented as a passed check.
    expect(got.result.conservation.ok).toBe(false);
    expect(got.result.unpriced).toEqual([]);
  });

  it('adds placeholders for agent ids in the rows that the Agents sheet does not list, and names bad cells', async () => {
    const host = await reopen(refreshedHost);
    const grid = (await host.readSheet('Ledger'))!;
    const col = grid[0].indexOf('agent_id');
    expect(col).toBeGreaterThanOrEqual(0);
    host.setCell('Ledger', `${String.fromCharCode(65 + col)}2`, 'ghost-agent');
    host.setCell('Ledger', 'F3', 'oops');
    const got = (await readLedgerFromHost(host))!;
    const ghost = got.result.agents.find((a) => a.agent_id === 'ghost-agent')!;
    expect(ghost).toMatchObject({ business_unit: 'Unassigned', name: 'ghost-agent (not on the Agents sheet)', target_cost_per_outcome: null });
    expect(got.errors).toEqual([expect.objectContaining({ sheet: 'Ledger', cell: 'F3', column: 'api', value: 'oops' })]);
  });
});

describe('a new session on a workbook that already has a Ledger', () => {
  it('generates the chargeback without a refresh, with the same Total to the cent', async () => {
    const host = await reopen(refreshedHost, ['Chargeback 2026-09']);
    renderPane({ host, tab: 'Reports' });
    expect(await screen.findByText(/Using the Ledger already in this workbook \(\d[\d,]* rows, months 2026-08 to 2026-10\)/)).toBeTruthy();
    const month = screen.getByLabelText('Month') as HTMLSelectElement;
    expect([...month.options].map((o) => o.value)).toEqual(['2026-08', '2026-09', '2026-10']);
    fireEvent.change(month, { target: { value: '2026-09' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate chargeback' }));
    await screen.findByText(/^Wrote Chargeback 2026-09: \d+ rows\.$/, undefined, { timeout: 10000 });
    const grid = (await host.readSheet('Chargeback 2026-09'))!;
    expect(Math.round(total(grid) * 100)).toBe(Math.round(total(refreshedGrid) * 100));
    expect(total(grid)).toBeGreaterThan(0);
    expect(grid).toEqual(refreshedGrid);
  });

  it('lists a bad Ledger cell by address, linked to the cell', async () => {
    const host = await reopen(refreshedHost);
    host.setCell('Ledger', 'F3', 'oops');
    renderPane({ host, tab: 'Reports' });
    const link = await screen.findByRole('button', { name: /^Ledger!F3: expected a number, got "oops"/ });
    expect(within(screen.getByRole('list', { name: 'Bad Ledger cells' })).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.click(link);
    await waitFor(() => expect(host.active).toEqual({ sheet: 'Ledger', cell: 'F3' }));
  });

  it('shows alerts and trends from the stored Ledger, and reads it again when the tab opens', async () => {
    const host = await reopen(refreshedHost);
    const spy = jest.spyOn(host, 'readSheet');
    renderPane({ host, tab: 'Sources' });
    await waitFor(() => expect(spy.mock.calls.some((c) => c[0] === 'Ledger')).toBe(true));
    const before = spy.mock.calls.filter((c) => c[0] === 'Ledger').length;
    tab('Alerts');
    expect(await screen.findByText(/^\d+ alerts? in 2026-10( on \d+ agents?)?\.$/)).toBeTruthy(); // the latest month
    expect(screen.getByText(/unpriced-model and invoice true-up alerts need a Refresh/)).toBeTruthy();
    expect(spy.mock.calls.filter((c) => c[0] === 'Ledger').length).toBeGreaterThan(before);
    tab('Trends');
    expect(await screen.findByRole('list', { name: 'Cost per outcome by agent' })).toBeTruthy();
    expect(screen.queryByText(/No ledger yet/)).toBeNull();
  });

  it('an empty workbook still asks for a refresh', async () => {
    renderPane({ tab: 'Reports' });
    expect(await screen.findByText(/No ledger yet: load sources and run Refresh first/)).toBeTruthy();
  });
});
