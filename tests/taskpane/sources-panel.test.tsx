/** @jest-environment jsdom */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { file, loadAndRefresh, memoryCredentials, renderPane, tab, upload } from './helpers';
import { inProcessRunner } from '../../src/taskpane/services/runner';

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
  await screen.findByText(/1 not recognized/);
  expect(screen.getByText(/notes\.csv: not a known format — its header \(colour, size\) matches none of them/)).toBeTruthy();
});

it('after Refresh: counts per source and the rejected rows with file, line, column and reason', async () => {
  renderPane();
  upload([file('usage.csv', USAGE_CSV)]);
  await screen.findByText(/Added 1 file/);
  await loadAndRefresh();
  tab('Sources');
  const table = screen.getByRole('table', { name: 'Counts for usage.csv' });
  const rows = within(table).getAllByRole('row').map((r) => r.textContent);
  expect(rows).toEqual(['Read2', 'Linked0', 'Unattributed1', 'Rejected1']);
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
