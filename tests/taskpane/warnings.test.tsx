/** @jest-environment jsdom */
// Consistency warnings in the task pane (issue #13): a vendor file whose figures disagree (Helicone's own test rows:
// reported cost below tokens × catalog price) is imported, and each disagreement is listed on Import Issues after the
// rejected rows and unpriced events — reported, never silently resolved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreviewHost } from '../../src/hosts/preview';
import { DEFAULT_LINK_RULES } from '../../src/sources/links';
import { ISSUES_SHEET } from '../../src/workbook';
import { computeRefresh } from '../../src/taskpane/services/refresh-core';
import { readWorkbookInputs, writeRefresh } from '../../src/taskpane/services/workbook-io';
import { FIXTURES } from '../sources/fixtures';
import * as React from 'react';
import { render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { SourceCounts } from '../../src/taskpane/panels/SourcesPanel';

test('Refresh lists the consistency warnings of a vendor file on Import Issues', async () => {
  const text = readFileSync(join(FIXTURES, 'helicone', 'published-clickhouse-rows.json'), 'utf8');
  const host = new PreviewHost();
  const read = await readWorkbookInputs(host);
  const c = await computeRefresh(
    { sources: [{ id: 'h', name: 'helicone.json', type: 'file', format: 'helicone', text }], links: DEFAULT_LINK_RULES, workbook: {} },
    { onProgress: () => {}, cancelled: () => false },
  );
  expect(c.result.counts.events).toBe(4);
  expect(c.warnings.map((w) => [w.line, w.column])).toEqual([[3, 'cost'], [4, 'cost']]);
  // the Sources panel's per-source counts (SourceCounts) show them
  expect(c.sources[0].warnings).toBe(2);
  await writeRefresh(host, c, read);
  const grid = (await host.readSheet(ISSUES_SHEET))!;
  const rows = grid.filter((r) => r[0] === 'consistency warning');
  expect(rows).toEqual([
    ['consistency warning', 'helicone.json', 3, 'cost', '0.00001', expect.stringMatching(/reported cost \$0\.00001 differs .* \(\$0\.000035\); the reported cost is kept/)],
    ['consistency warning', 'helicone.json', 4, 'cost', '0.000012', expect.stringMatching(/reported cost \$0\.000012 differs/)],
  ]);
});

test('the Sources panel counts each source\'s warnings beside its rejected rows', () => {
  const report = { id: 'h', name: 'helicone.json', format: 'helicone', read: 4, events: 4, workItems: 0, reviews: 0, linked: 0, unattributed: 4, rejected: 0, rejectedRows: [], warnings: 2 };
  render(<FluentProvider theme={webLightTheme}><SourceCounts report={report} /></FluentProvider>);
  const row = screen.getByRole('rowheader', { name: 'Warnings' }).closest('tr')!;
  expect(row.textContent).toBe('Warnings2');
  expect(screen.getByText(/Warnings are rows kept whose vendor figures disagree/)).toBeTruthy();
});
