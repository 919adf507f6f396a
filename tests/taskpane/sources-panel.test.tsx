/** @jest-environment jsdom */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { file, loadAndRefresh, memoryCredentials, renderPane, tab, upload } from './helpers';
import { inProcessRunner } from '../../src/taskpane/services/runner';
import { sourceFromFile } from '../../src/taskpane/panels/SourcesPanel';

const LITELLM = readFileSync(join(__dirname, '../fixtures/sources/litellm/spend-logs.json'), 'utf8');
const USAGE_CSV = [
  'event_id,timestamp,agent_id,work_item_id,provider,model,kind,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,units,status,batch,cost_usd',
  'u1,2026-10-02T10:00:00Z,csr-tier1,,openai,gpt-4o,llm,1000,0,0,200,0,ok,false,',
  'u2,2026-10-02T10:02:00Z,csr-tier1,T-1,openai,gpt-4o,llm,lots,0,0,200,0,ok,false,',
].join('\n');

it('empty: says there is nothing yet and how to add sources', () => {
  renderPane();
  expect(screen.getByRole('heading', { level: 2, name: 'Sources' })).toBeTruthy();
  expect(screen.getByText(/No sources yet/)).toBeTruthy();
  expect(screen.getByRole('button', { name: 'Add files…' })).toBeTruthy();
  expect(screen.getByRole('group', { name: 'Add source files' })).toBeTruthy();
  expect(screen.getByText(/Add a usage log .* to preview/)).toBeTruthy();
});

it('loading then success: a picked file is read, its format detected and shown; a dropped unknown file is named with the reason', async () => {
  renderPane();
  upload([file('spend-logs.json', LITELLM)]);
  expect(screen.getByText('Reading 1 file…')).toBeTruthy();
  await screen.findByText(/Added 1 file/);
  const list = screen.getByRole('list', { name: 'Sources' });
  expect(within(list).getByText('Format: LiteLLM spend logs', { exact: false })).toBeTruthy();
  expect(within(list).getByText(/Not imported yet/)).toBeTruthy();

  fireEvent.drop(screen.getByRole('group', { name: 'Add source files' }), { dataTransfer: { files: [file('notes.csv', 'colour,size\nred,3')] } });
  await screen.findByText(/1 file needs its columns mapped \(below\)/);
  expect(screen.getByText(/notes\.csv: not a format we recognize\. Map its columns below to import it\./)).toBeTruthy();
  expect(screen.getByRole('region', { name: 'Map the columns of notes.csv' })).toBeTruthy();
  // a file with no columns to map is named with the reason
  fireEvent.drop(screen.getByRole('group', { name: 'Add source files' }), { dataTransfer: { files: [file('memo.txt', 'just a note')] } });
  await screen.findByText(/1 could not be read/);
  expect(screen.getByText(/memo\.txt: not a known format — its header \(just a note\) matches none of them/)).toBeTruthy();
});

const HELPDESK = readFileSync(join(__dirname, '../fixtures/workbench/helpdesk-export.csv'), 'utf8');

it('an unrecognised CSV: map its columns (kind, columns, values), preview the first rows with their problems, use and save the mapping; the same file later maps itself', async () => {
  const { host } = renderPane();
  upload([file('helpdesk-export.csv', HELPDESK)]);
  const mapper = await screen.findByRole('region', { name: 'Map the columns of helpdesk-export.csv' });
  const m = within(mapper);
  // guessed from the column names: work items, Ticket → work_item_id, Bot → agent_id, Status → outcome
  expect((m.getByLabelText('Each row holds') as HTMLSelectElement).value).toBe('work_items');
  expect((m.getByLabelText('work_item_id (required)') as HTMLSelectElement).value).toBe('Ticket');
  expect((m.getByLabelText('agent_id (required)') as HTMLSelectElement).value).toBe('Bot');
  expect((m.getByLabelText('outcome') as HTMLSelectElement).value).toBe('Status');
  // the preview reads the first rows as the refresh would: "Done" is not an outcome yet, line 6 has a bad date
  const problems = () => within(m.getByRole('list', { name: 'Problems in the first rows of helpdesk-export.csv' })).getAllByRole('listitem').map((li) => li.textContent);
  expect(problems()).toEqual(expect.arrayContaining([expect.stringMatching(/^line 2, Status: expected one of success, failure, pending/)]));
  fireEvent.change(m.getByLabelText('“Done” means'), { target: { value: 'success' } });
  fireEvent.change(m.getByLabelText('“Open” means'), { target: { value: 'pending' } });
  fireEvent.change(m.getByLabelText('“Won\'t fix” means'), { target: { value: 'failure' } });
  expect(problems()).toEqual([expect.stringMatching(/^line 6, Opened: .*\(value: not a date\)$/)]);
  const preview = m.getByRole('table', { name: 'Preview of helpdesk-export.csv' });
  expect(within(preview).getAllByRole('row')[1].textContent).toContain('HD-1001');
  // an unmapped required field holds the button back
  fireEvent.change(m.getByLabelText('agent_id (required)'), { target: { value: '' } });
  expect(m.getByText(/Still to map: agent_id/)).toBeTruthy();
  expect((m.getByRole('button', { name: 'Use this mapping' }) as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(m.getByLabelText('agent_id (required)'), { target: { value: 'Bot' } });
  fireEvent.click(m.getByRole('button', { name: 'Use this mapping' }));
  await waitFor(() => expect(screen.queryByRole('region', { name: /Map the columns/ })).toBeNull());
  expect(screen.getByText(/Format: your own columns, mapped/)).toBeTruthy();
  // saved with the workbook: column names and values only
  await waitFor(async () => expect(await host.settings.get('ailabor.columnMappings')).toBeTruthy());
  const saved = JSON.parse((await host.settings.get('ailabor.columnMappings'))!);
  expect(Object.values(saved)).toEqual([{ kind: 'work_items', columns: expect.objectContaining({ work_item_id: 'Ticket', agent_id: 'Bot', outcome: 'Status' }), values: { outcome: { Done: 'success', Open: 'pending', "Won't fix": 'failure' } } }]);

  // the refresh imports it through the mapping: 6 rows read, the bad date rejected with its line and column
  await loadAndRefresh();
  tab('Sources');
  const counts = within(screen.getByRole('table', { name: 'Counts for helpdesk-export.csv' })).getAllByRole('row').map((r) => r.textContent);
  expect(counts).toEqual(['Read6', 'Linked0', 'Unattributed0', 'Rejected1', 'Warnings0']);

  // the same export added again maps itself from the saved mapping
  upload([file('helpdesk-november.csv', HELPDESK)]);
  await screen.findByText(/Format: your own columns, mapped with the mapping saved in this workbook/);
  expect(screen.queryByRole('region', { name: 'Map the columns of helpdesk-november.csv' })).toBeNull();
});

it('a canonical file is kept as the File (the refresh worker streams it): the page holds no text of it', async () => {
  const usage = new File(['event_id,timestamp,agent_id,work_item_id,provider,model,kind\nu1,2026-10-02T10:00:00Z,a,T-1,openai,gpt-4o,llm\n'], 'usage.csv');
  const rates = new File(['reviewer_role,hourly_rate_usd\nqa,40\n'], 'rates.csv');
  const [u, r] = await Promise.all([sourceFromFile(usage), sourceFromFile(rates)]);
  expect(u).toMatchObject({ format: 'canonical', kind: 'usage', file: usage, bytes: usage.size });
  expect(r).toMatchObject({ format: 'canonical', kind: 'rates', file: rates });
  expect(u.text).toBeUndefined();
  expect(r.text).toBeUndefined();
});

it('a binary file gets one line, "not a text file", and none of its bytes', async () => {
  renderPane();
  const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0x62, 0xee, 0x9d, 0x68, 0x5e, 0x01, 0x00, 0x00, 0x90, 0x04]);
  const bin = new File([bytes], 'budget.xlsx');
  // as a browser decodes it (UTF-8: invalid bytes become U+FFFD); jsdom has no TextDecoder
  Object.defineProperty(bin, 'text', { value: async () => [...bytes].map((b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('') });
  upload([bin]);
  await screen.findByText(/1 could not be read/);
  const msg = screen.getByText(/^budget\.xlsx: not a text file/);
  expect(msg.textContent).toBe('budget.xlsx: not a text file (a zip archive or an Excel workbook: save the sheet as CSV and add that). Add CSV, JSON or JSON Lines exports.');
  expect(document.body.textContent).not.toMatch(/[\u0000-\u0008\ufffd]/);
  expect(screen.queryByRole('region', { name: /Map the columns/ })).toBeNull();
});

it('after Refresh: counts per source and the rejected rows with file, line, column and reason', async () => {
  renderPane();
  upload([file('usage.csv', USAGE_CSV)]);
  await screen.findByText(/Added 1 file/);
  await loadAndRefresh();
  tab('Sources');
  const table = screen.getByRole('table', { name: 'Counts for usage.csv' });
  const rows = within(table).getAllByRole('row').map((r) => r.textContent);
  expect(rows).toEqual(['Read2', 'Linked0', 'Unattributed1', 'Rejected1', 'Warnings0']);
  fireEvent.click(screen.getByRole('button', { name: /Show 1 rejected rows of usage\.csv/ }));
  const rej = screen.getByRole('table', { name: 'Rejected rows of usage.csv' });
  const row = within(rej).getAllByRole('row')[1];
  expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['usage.csv', '3', 'input_tokens', expect.stringMatching(/expected .*\(value: lots\)/)]);
});

it('link rules: editing a rule updates the live preview; an invalid pattern is refused with its path', async () => {
  renderPane();
  upload([file('spend-logs.json', LITELLM)]);
  await screen.findByText(/Added 1 file/);
  const preview = screen.getByRole('status', { name: 'Link preview' });
  expect(within(preview).getByText(/1 of 5 records linked to a work item \(20\.0%\)/)).toBeTruthy();
  fireEvent.change(screen.getAllByLabelText('Tag prefix')[0], { target: { value: 'ticket:' } });
  await waitFor(() => expect(within(preview).getByText(/4 of 5 records linked to a work item \(80\.0%\)/)).toBeTruthy());
  fireEvent.change(screen.getAllByLabelText('Pattern (regular expression, optional)')[0], { target: { value: '([' } });
  expect(screen.getByText(/Not applied: work_item\[0\]\.pattern: expected a valid regular expression/)).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Add agent rule' }));
  expect(screen.getByRole('group', { name: 'Agent rule 3' })).toBeTruthy();
});

it('API sources: the credential goes to per-user storage, never to the workbook settings', async () => {
  const creds = memoryCredentials();
  const { host } = renderPane({ services: { credentials: creds } });
  const set = jest.spyOn(host.settings, 'set');
  fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'not a url' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add API source' }));
  expect(await screen.findByText(/Base URL: expected an http\(s\) URL/)).toBeTruthy();
  fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'https://litellm.example.com' } });
  fireEvent.change(screen.getByLabelText('Credential: apiKey'), { target: { value: 'sk-live-123' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add API source' }));
  await screen.findByText(/Credentials kept in test memory, never in the workbook/);
  expect([...creds.data.values()]).toEqual(['sk-live-123']);
  expect(within(screen.getByRole('list', { name: 'API sources' })).getByText(/litellm\.example\.com/)).toBeTruthy();
  await waitFor(() => expect(set).toHaveBeenCalledWith('ailabor.apiSources', expect.stringContaining('litellm.example.com')));
  for (const [, v] of set.mock.calls) expect(v).not.toContain('sk-live-123');
});

it('API sources: pull settings are validated (no credential in them); a refresh pulls with the stored credential and counts the records', async () => {
  const page1 = readFileSync(join(__dirname, '../fixtures/sources/litellm/api/page-1.json'), 'utf8');
  const page2 = readFileSync(join(__dirname, '../fixtures/sources/litellm/api/page-2.json'), 'utf8');
  const seen: { url: string; auth?: string }[] = [];
  const fetch = async (url: string, init?: { headers?: Record<string, string> }) => {
    seen.push({ url, auth: init?.headers?.Authorization });
    const page = new URL(url).searchParams.get('page');
    return { status: 200, headers: { get: () => null }, text: async () => (page === '1' ? page1 : page2) };
  };
  const creds = memoryCredentials();
  const { host } = renderPane({ services: { credentials: creds, createRunner: () => inProcessRunner({ fetch }) } });
  const settingsSet = jest.spyOn(host.settings, 'set');
  fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'https://litellm.example.com' } });
  fireEvent.change(screen.getByLabelText('Pull settings (JSON)'), { target: { value: '{"startDate": "2026-10-01", "apiKey": "sk-oops"}' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add API source' }));
  expect(await screen.findByText(/Pull settings: apiKey is a credential; enter it in its own field/)).toBeTruthy();
  fireEvent.change(screen.getByLabelText('Pull settings (JSON)'), { target: { value: '{"startDate": "2026-10-01", "endDate": "2026-10-31", "pageSize": 2}' } });
  fireEvent.change(screen.getByLabelText('Credential: apiKey'), { target: { value: 'sk-litellm-live' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add API source' }));
  await screen.findByText(/Credentials kept in test memory/);

  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await screen.findByText(/Refreshed/, undefined, { timeout: 20000 });
  expect(seen.map((s) => new URL(s.url).searchParams.get('page'))).toEqual(['1', '2']);
  expect(seen.every((s) => s.auth === 'Bearer sk-litellm-live')).toBe(true);
  expect(new URL(seen[0].url).searchParams.get('start_date')).toBe('2026-10-01');
  tab('Sources');
  const counts = screen.getByRole('table', { name: /^Counts for LiteLLM/ });
  const read = Number(within(counts).getAllByRole('row')[0].textContent!.replace(/\D/g, ''));
  expect(read).toBe(JSON.parse(page1).data.length + JSON.parse(page2).data.length);
  for (const [, v] of settingsSet.mock.calls) expect(v).not.toContain('sk-litellm-live');
  for (const name of await host.listSheets()) expect(JSON.stringify(await host.readSheet(name))).not.toContain('sk-litellm-live');
});

it('the detected format can be overridden, and a canonical file’s record kind chosen', async () => {
  renderPane();
  upload([file('usage.csv', USAGE_CSV)]);
  await screen.findByText(/Added 1 file/);
  const format = screen.getByLabelText('Format of usage.csv') as HTMLSelectElement;
  expect(format.value).toBe('canonical');
  expect((screen.getByLabelText('Record kind of usage.csv') as HTMLSelectElement).value).toBe('usage');
  fireEvent.change(format, { target: { value: 'helicone' } });
  expect(screen.getByText(/Format: Helicone requests/)).toBeTruthy();
  expect(screen.queryByLabelText('Record kind of usage.csv')).toBeNull();
  fireEvent.change(format, { target: { value: 'canonical' } });
  fireEvent.change(screen.getByLabelText('Record kind of usage.csv'), { target: { value: 'reviews' } });
  await loadAndRefresh();
  tab('Sources');
  // read as reviews, the usage header lacks their required columns: a source error naming them
  expect(screen.getByText(/^usage\.csv: missing required columns? .*reviewer_role/)).toBeTruthy();
});

it('link rules: an agent rule maps a team to an agent; a malformed map line is named and not applied', async () => {
  renderPane();
  upload([file('spend-logs.json', LITELLM)]);
  await screen.findByText(/Added 1 file/);
  const preview = screen.getByRole('status', { name: 'Link preview' });
  expect(within(preview).getByText(/; 1 to an agent/)).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Add agent rule' }));
  fireEvent.change(screen.getByLabelText('Agent rule 3: field'), { target: { value: 'team' } });
  // unmapped, the team name itself becomes the agent id
  await waitFor(() => expect(within(preview).getByText(/agent · team: 3/)).toBeTruthy());
  const map = screen.getByLabelText(/^Agent rule 3: map values to ids/);
  fireEvent.change(map, { target: { value: 'team-support = csr-agent\nclaims' } });
  expect(screen.getByText(/line 2: expected "value = id"/)).toBeTruthy();
  expect(within(preview).getByText(/agent · team: 3/)).toBeTruthy();
  // mapped, only the teams in the map link (a team absent from the map does not)
  // (the one team-claims record is already linked by its agent: tag, so mapping only team-claims links none)
  fireEvent.change(map, { target: { value: 'team-claims = claims-agent' } });
  await waitFor(() => expect(within(preview).getByText(/agent · team \(mapped\): 0$/)).toBeTruthy());
  fireEvent.change(map, { target: { value: 'team-support = csr-agent\nteam-claims = claims-agent' } });
  await waitFor(() => expect(within(preview).getByText(/agent · team \(mapped\): 3$/)).toBeTruthy());
});
