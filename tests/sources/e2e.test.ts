// End to end: LiteLLM spend logs + Zendesk tickets + Jira worklogs, named in one month-end config → canonical
// inputs → ledger → period summary, with the linked and unattributed shares of the usage cost.
import { join } from 'node:path';
import { buildLedger, summarize } from '../../src/core/ledger';
import { loadMonthEndConfigFile } from '../../src/sources/config-node';
import { loadMonthEndConfig, parseMonthEndConfig } from '../../src/sources/config';
import { buildFromConfig, buildSummary } from '../../src/cli/commands/build';
import { FIXTURES } from './fixtures';

const DIR = join(FIXTURES, 'e2e');

test('LiteLLM + Zendesk + Jira → ledger → summary with linked and unattributed shares', async () => {
  const loaded = await loadMonthEndConfigFile(join(DIR, 'month-end.json'));
  expect(loaded.period).toBe('2026-10');
  expect(loaded.partial).toBe(false);
  expect(loaded.sources.map((s) => [s.name, s.events, s.work_items, s.reviews, s.rejected])).toEqual([
    ['gateway', 6, 0, 0, 1],
    ['helpdesk', 0, 2, 1, 0],
    ['engineering', 0, 1, 1, 0],
  ]);
  // The one bad log row is listed with file, record and field, not dropped in silence.
  expect(loaded.rejected).toEqual([
    { file: 'litellm-spend-logs.json', line: 7, column: 'prompt_tokens', value: 'lots', reason: 'expected a whole number ≥ 0 of tokens' },
  ]);
  expect(loaded.outputs.summary).toBe(join(DIR, 'out', 'summary.json'));

  const result = buildLedger(loaded.inputs);
  const s = summarize(result, loaded.period, { rejected: loaded.rejected });

  // Provider-reported spend: 0.40 + 0.30 + 0.20 reach known work items; 0.10 has no link field, 0.05 names a
  // ticket that was never imported (ZD-9999), 0.05 has neither work item nor agent.
  expect(s.totals.api).toBeCloseTo(0.9, 10);
  expect(s.totals.unattributed).toBeCloseTo(0.2, 10);
  // Human time: Zendesk 1200 s at $60/h = $20, Jira worklog 1800 s at $90/h = $45.
  expect(s.totals.review).toBeCloseTo(65, 10);
  expect(s.totals.total).toBeCloseTo(66.1, 10);
  expect(s.outcomes).toBe(2);
  expect(s.conservation.difference).toBe(0);
  expect(s.rejected).toHaveLength(1);

  const usage = s.totals.api + s.totals.retry + s.totals.tools + s.totals.unattributed;
  const linkedShare = (s.totals.api + s.totals.retry + s.totals.tools) / usage;
  const unattributedShare = s.totals.unattributed / usage;
  expect(Math.round(linkedShare * 1e4) / 1e4).toBe(0.8182);
  expect(Math.round(unattributedShare * 1e4) / 1e4).toBe(0.1818);
  expect(linkedShare + unattributedShare).toBeCloseTo(1, 12);

  const byAgent = Object.fromEntries(s.agents.map((a) => [a.agent_id, a]));
  expect(byAgent['csr-agent'].api).toBeCloseTo(0.7, 10);
  expect(byAgent['csr-agent'].unattributed).toBeCloseTo(0.15, 10);
  expect(byAgent['csr-agent'].review).toBeCloseTo(20, 10);
  expect(byAgent['csr-agent'].outcomes).toBe(1);
  expect(byAgent['csr-agent'].cost_per_outcome).toBeCloseTo(20.85, 10);
  expect(byAgent['eng-agent'].total).toBeCloseTo(45.2, 10);
  expect(byAgent['Unassigned'].unattributed).toBeCloseTo(0.05, 10);

  // The summary the build command writes reports both shares itself, from the same cent totals.
  const written = buildSummary(buildFromConfig(loaded));
  expect(written.attribution).toEqual({ usage_usd: 1.1, linked_usd: 0.9, unattributed_usd: 0.2, linked_share: 0.8182, unattributed_share: 0.1818 });
  expect(written.partial).toBe(false);
  expect(written.totals).toEqual(s.totals);

  const reasons = result.unattributed.map((u) => [u.agent_id, u.reason, u.total]);
  expect(reasons).toEqual(expect.arrayContaining([
    ['csr-agent', 'no work item', 0.1],
    ['csr-agent', 'unknown work item ZD-9999', 0.05],
    ['Unassigned', 'no work item', 0.05],
  ]));
  console.log(`e2e: linked share ${(linkedShare * 100).toFixed(1)}%, unattributed share ${(unattributedShare * 100).toFixed(1)}% of $${usage.toFixed(2)} usage`);
});

test('config problems are reported with their path; credentials in the file are refused', () => {
  expect(() => parseMonthEndConfig({ period: '2026-13', sources: [] }, 'm.json')).toThrow(/m\.json: period: expected a period YYYY-MM/);
  expect(() => parseMonthEndConfig({ period: '2026-10', sources: [{ format: 'jira', api: { jql: 'x', apiToken: 'ATATT-SECRET' } }] }, 'm.json')).toThrow(
    /sources\[0\]\.api\.apiToken: credentials do not belong in the config file; set JIRA_API_TOKEN instead/,
  );
  expect(() => parseMonthEndConfig({ period: '2026-10', sources: [{ format: 'focus', api: {} }] }, 'm.json')).toThrow(/focus has no API pull/);
  expect(() => parseMonthEndConfig({ period: '2026-10', sources: [{ format: 'litellm' }] }, 'm.json')).toThrow(/either "files" or "api"/);
  expect(() => parseMonthEndConfig({ period: '2026-10', sources: [{ format: 'splunk', files: ['a'] }] }, 'm.json')).toThrow(/sources\[0\]\.format/);
  expect(() => parseMonthEndConfig({ period: '2026-10', links: { work_item: [{ field: { from: 'tag' }, pattern: '(' }] } }, 'm.json')).toThrow(
    /links\.work_item\[0\]\.pattern: expected a valid regular expression/,
  );
});

test('a missing file and a failed pull become rejected rows naming them; the rest still loads', async () => {
  const files: Record<string, string> = { 'agents.csv': 'agent_id,business_unit\ncsr-agent,Support\n' };
  const loaded = await loadMonthEndConfig(
    {
      period: '2026-10',
      sources: [
        { name: 'gateway', format: 'litellm', files: ['missing.json'] },
        { name: 'tickets', format: 'zendesk', api: { startTime: 0 }, options: { agent: { default: 'csr-agent' } } },
      ],
      inputs: { agents: 'agents.csv' },
    },
    'month-end.json',
    {
      readText: async (p) => {
        if (p in files) return files[p];
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
      fetch: async () => { throw new Error('must not be called without credentials'); },
      env: { ZENDESK_BASE_URL: 'https://acme.zendesk.com' },
    },
  );
  expect(loaded.inputs.agents).toHaveLength(1);
  expect(loaded.partial).toBe(true);
  expect(loaded.rejected.map((r) => [r.file, r.reason])).toEqual([
    ['missing.json', 'cannot read missing.json (no such file)'],
    ['tickets', expect.stringMatching(/^zendesk pull not started: .*ZENDESK_EMAIL \+ ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN/)],
  ]);
});
