// `build --engine clickhouse` against a ClickHouse server through @clickhouse/client, end to end: the CLI with
// CLICKHOUSE_URL/USER/PASSWORD from the environment, talking HTTP to a stand-in that runs ClickHouse (chDB) behind
// ClickHouse's HTTP interface (clickhouse-standin.ts). Files are uploaded into session-scoped temporary tables.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBuildCommand } from '../../src/cli/commands/build';
import { openClickHouse } from '../../src/engines/clickhouse';
import { buildFromFilesSql, clickhouseRequest, clickhouseRequestTimeout } from '../../src/cli/commands/build-sql';
import { startClickHouseStandIn, type StandIn } from './clickhouse-standin';
import { buildFlags as flags, expectAgree, quietIO, viaFilesJs, writeCanonical } from './harness';
import { randomMonthCase } from './random-month';
import { sampleCase } from './fixtures';
import { HELICONE_DDL } from './vendor-tables';

const PASSWORD = 's3cr3t-Passw0rd!';
let standin: StandIn;
beforeAll(async () => {
  standin = await startClickHouseStandIn({ user: 'ledger', password: PASSWORD });
});
afterAll(async () => {
  await standin.close();
});

async function run(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await makeBuildCommand({ env }).run(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('the summary through a ClickHouse server equals the JavaScript engine\'s; credentials from the environment, never printed', async () => {
  const files = writeCanonical(sampleCase(false, 0.002, 2));
  const dir = mkdtempSync(join(tmpdir(), 'ch-http-'));
  const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD };
  const js = await run([...flags(files, join(dir, 'js.json')), '--engine', 'js'], {});
  const ch = await run([...flags(files, join(dir, 'ch.json')), '--engine', 'clickhouse'], env);
  expect(js.code).toBe(0);
  expect(ch.code).toBe(0);
  expect(ch.err).toMatch(/clickhouse: read natively/);
  const a = JSON.parse(readFileSync(join(dir, 'js.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'ch.json'), 'utf8'));
  for (const k of ['events_and_reviews', 'ledger_plus_unattributed', 'overhead_allocated', 'trueup_spread']) {
    expect(Math.abs(a.conservation[k] - b.conservation[k])).toBeLessThan(1e-6);
    a.conservation[k] = b.conservation[k] = 0;
  }
  expect(b).toEqual(a);
  // every request authenticated, all in one session (temporary tables live in it), files uploaded as CSV
  expect(standin.requests.length).toBeGreaterThan(20);
  expect(standin.requests.every((r) => r.authorized)).toBe(true);
  expect(new Set(standin.requests.map((r) => r.session)).size).toBe(1);
  expect(standin.requests.some((r) => /^INSERT INTO llsrc_usage_0 FORMAT CSV/.test(r.statement))).toBe(true);
  expect(ch.out + ch.err + readFileSync(join(dir, 'ch.json'), 'utf8')).not.toContain(PASSWORD);
});

test('a wrong password is refused by the server, and the CLI says so without printing it', async () => {
  const files = writeCanonical(sampleCase(true, 0.001, 1));
  const dir = mkdtempSync(join(tmpdir(), 'ch-http-'));
  const failed = run([...flags(files, join(dir, 'x.json')), '--engine', 'clickhouse'], { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: 'wrong-one' });
  // the CLI's main prints the message and exits 1 (src/cli/main.ts)
  const e: Error = await failed.then(() => new Error('expected a failure'), (x: Error) => x);
  expect(e.message).toMatch(/Authentication failed/);
  expect(`${e.message}\n${e.stack}`).not.toContain('wrong-one');
  expect(standin.requests.at(-1)!.authorized).toBe(false);
});

test('build --config reads Helicone\'s request_response_rmt in place on the server: the same summary as the API mapper\'s events through the JavaScript engine', async () => {
  const { createClient } = await import('@clickhouse/client');
  const admin = createClient({ url: standin.url, username: 'ledger', password: PASSWORD, log: { level: 127 as never } });
  await admin.command({ query: HELICONE_DDL });
  const rows = Array.from({ length: 40 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    at: `2026-10-${String(1 + (i % 28)).padStart(2, '0')} 10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}`,
    model: i % 3 ? 'gpt-4o-mini' : 'claude-3-5-sonnet-20241022', provider: i % 3 ? 'OPENAI' : 'ANTHROPIC',
    prompt: 100 + i, read: i % 4 ? 0 : 20, completion: 30 + i, cost: i % 5 ? 19950 + i : null, status: i % 9 ? 200 : 500,
    props: i % 2 ? { 'Helicone-Property-Ticket': `T-${i % 7}`, agent: 'csr-agent' } : {},
  }));
  await admin.command({
    query: `INSERT INTO request_response_rmt (status, completion_tokens, prompt_tokens, prompt_cache_read_tokens, model, request_id, request_created_at, user_id,
      organization_id, provider, properties, cost, assets) VALUES ${rows.map((r) => `(${r.status}, ${r.completion}, ${r.prompt}, ${r.read}, '${r.model}', '${r.id}',
      parseDateTime64BestEffort('${r.at}', 3, 'UTC'), '', '00000000-0000-0000-0000-000000000001', '${r.provider}',
      map(${Object.entries(r.props).flatMap(([k, v]) => [`'${k}'`, `'${v}'`]).join(', ')}), ${r.cost ?? 'NULL'}, [])`).join(', ')}`,
  });
  await admin.close();
  const dir = mkdtempSync(join(tmpdir(), 'ch-config-'));
  const links = { work_item: [{ field: { from: 'property', name: 'Helicone-Property-Ticket' } }], agent: [{ field: { from: 'property', name: 'agent' } }], default_agent: 'shared-agent' };
  const workItems = Array.from({ length: 7 }, (_, k) => ({ work_item_id: `T-${k}`, agent_id: 'csr-agent', closed_at: '2026-10-20T00:00:00Z', outcome: 'success' }));
  writeFileSync(join(dir, 'items.jsonl'), workItems.map((w) => JSON.stringify(w)).join('\n'));
  writeFileSync(join(dir, 'agents.csv'), 'agent_id,business_unit\ncsr-agent,Service\nshared-agent,Platform\n');
  writeFileSync(join(dir, 'invoices.csv'), 'period,provider,billed_usd\n2026-10,openai,0.01\n');
  writeFileSync(join(dir, 'month-end.json'), JSON.stringify({
    period: '2026-10', links,
    inputs: { work_items: ['items.jsonl'], agents: 'agents.csv', invoices: 'invoices.csv' },
    clickhouse: { usage: [{ format: 'helicone', table: 'request_response_rmt' }] },
    outputs: { summary: 'ch.json' },
  }));
  const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD };
  const ch = await run(['--config', join(dir, 'month-end.json')], env);
  expect(ch.err).not.toContain(PASSWORD);
  expect(ch.code).toBe(0);
  // the same rows through the Helicone mapper (raw ClickHouse rows, cost in nano-USD) and the JavaScript engine
  const raw = rows.map((r) => ({ request_id: r.id, request_created_at: r.at, model: r.model, provider: r.provider, prompt_tokens: r.prompt, prompt_cache_read_tokens: r.read, completion_tokens: r.completion, cost: r.cost, status: r.status, properties: r.props }));
  writeFileSync(join(dir, 'rows.json'), JSON.stringify(raw));
  writeFileSync(join(dir, 'month-end-js.json'), JSON.stringify({
    period: '2026-10', links,
    sources: [{ format: 'helicone', files: ['rows.json'], options: { costUnit: 'nano_usd' } }],
    inputs: { work_items: ['items.jsonl'], agents: 'agents.csv', invoices: 'invoices.csv' },
    outputs: { summary: 'js.json' },
  }));
  const js = await run(['--config', join(dir, 'month-end-js.json'), '--engine', 'js'], {});
  expect(js.code).toBe(0);
  const a = JSON.parse(readFileSync(join(dir, 'js.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'ch.json'), 'utf8'));
  expect(b.totals.total).toBeGreaterThan(0);
  expect(b.work_items).toBe(7);
  for (const k of ['events_and_reviews', 'ledger_plus_unattributed', 'overhead_allocated', 'trueup_spread']) a.conservation[k] = b.conservation[k] = 0;
  delete a.sources;
  delete b.sources;
  delete a.partial;
  delete b.partial;
  // the JavaScript run reads the rows from a file (row accounting lists it); the server run reads the table in place
  a.row_accounting.files = a.row_accounting.files.filter((f: { file: string }) => f.file !== 'rows.json');
  expect(b).toEqual(a);
});

/** A server that is not (or not only) ClickHouse: it redirects, never answers, answers a login page, or answers /ping and then HTML. */
async function misbehaving(mode: 'redirect' | 'stall' | 'html' | 'ping-then-html' | 'ping-then-half-json'): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (mode === 'stall') return;
    if (mode === 'redirect') {
      res.statusCode = 302;
      res.setHeader('Location', 'https://sso.example.com/login?user=ledger&password=hunter2');
      res.end('moved');
      return;
    }
    if (mode.startsWith('ping-then') && req.url?.startsWith('/ping')) {
      res.end('Ok.\n');
      return;
    }
    res.setHeader('Content-Type', 'text/html');
    res.end(mode === 'ping-then-half-json' ? '{"meta": [], "data": [' : '<html><body>Sign in to continue</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test.each([
  ['redirect', /answered with a redirect \(HTTP 302 to https:\/\/sso\.example\.com\/login\); set CLICKHOUSE_URL/],
  ['stall', /did not answer within 0\.5 s/],
  ['html', /does not answer like ClickHouse: \/ping gave HTTP 200 "<html><body>Sign in to continue<\/body><\/html>"/],
  ['ping-then-html', /gave an answer that is not ClickHouse's JSON \(Unexpected token/],
  ['ping-then-half-json', /gave an answer that is not ClickHouse's JSON/],
] as const)('a server that is not ClickHouse (%s) is refused before the build, with what it did; before, a login page read as zero rows', async (mode, message) => {
  const s = await misbehaving(mode);
  try {
    const e: Error = await openClickHouse({ url: s.url, username: 'ledger', password: PASSWORD, connectTimeoutMs: 500 }).then(() => new Error('expected a refusal'), (x: Error) => x);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`the ClickHouse server at ${s.url} (CLICKHOUSE_URL)`);
    expect(e.message).not.toMatch(/hunter2|s3cr3t/);
  } finally {
    await s.close();
  }
});

test('nothing listening at CLICKHOUSE_URL: the CLI names the address and the refusal, and prints no password', async () => {
  const s = await misbehaving('html');
  await s.close(); // the port is free now: connections are refused
  const files = writeCanonical(sampleCase(true, 0.001, 1));
  const dir = mkdtempSync(join(tmpdir(), 'ch-http-'));
  const e: Error = await run([...flags(files, join(dir, 'x.json')), '--engine', 'clickhouse'], { CLICKHOUSE_URL: s.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD }).then(
    () => new Error('expected a failure'),
    (x: Error) => x,
  );
  expect(e.message).toMatch(new RegExp(`the ClickHouse server at ${s.url.replace(/\./g, '\\.')} \\(CLICKHOUSE_URL\\) cannot be reached: ECONNREFUSED`));
  expect(`${e.message}\n${e.stack}`).not.toContain(PASSWORD);
});

test('a server whose answer of ledger rows ends early at a row boundary: the build fails and says so (before: a ledger short of rows, nothing said)', async () => {
  standin.tamper = (statement, out) => {
    if (!/FROM ll_pub WHERE is_row = 1 ORDER BY period, li/.test(statement)) return out;
    const lines = out.split('\n');
    return lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n';
  };
  await standin.reset();
  try {
    const files = writeCanonical(sampleCase(false, 0.002, 2));
    const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD };
    const e = await buildFromFilesSql(files, '2026-10', { out: () => undefined, err: () => undefined }, clickhouseRequest(true, env)).then(() => new Error('expected a failure'), (x: Error) => x);
    expect(e.message).toMatch(/^clickhouse: the database sent [\d,]+ of the [\d,]+ ledger rows \(its answer was cut short\); build again$/);
    // the same server answering whole: the build goes through
    standin.tamper = null;
    await standin.reset();
    const ok = await buildFromFilesSql(files, '2026-10', { out: () => undefined, err: () => undefined }, clickhouseRequest(true, env));
    expect(ok.result.rows.length).toBeGreaterThan(0);
  } finally {
    standin.tamper = null;
  }
});

test.each([
  [1, false],
  [1, true],
  [2, true],
])('random month %d (hard names: %s) through the HTTP client: every published figure as the JavaScript engine\'s', async (seed, hard) => {
  // the client's JSON answers carry every double and text exactly as chDB's in-process answers (random-months.test.ts)
  await standin.reset();
  const files = writeCanonical(randomMonthCase(seed, hard));
  const js = await viaFilesJs(files);
  const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD };
  const o = await buildFromFilesSql(files, '2026-10', quietIO().io, clickhouseRequest(true, env));
  expectAgree(js.result, o.sql, `http random month ${seed}${hard ? ' hard' : ''}`);
});

test('a server that stalls in the middle of a build: it stops after CLICKHOUSE_REQUEST_TIMEOUT and says so (before: an hour, then "Timeout error.")', async () => {
  await standin.reset();
  standin.stall = (statement) => (/CREATE TEMPORARY TABLE ll_lines0/.test(statement) ? 3000 : 0);
  try {
    const files = writeCanonical(sampleCase(false, 0.002, 2));
    const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD, CLICKHOUSE_REQUEST_TIMEOUT: '1' };
    const e = await buildFromFilesSql(files, '2026-10', { out: () => undefined, err: () => undefined }, clickhouseRequest(false, env)).then(() => new Error('expected a failure'), (x: Error) => x);
    expect(e.message).toBe(`the ClickHouse server at ${standin.url} (CLICKHOUSE_URL) did not finish a request within 1 s (CLICKHOUSE_REQUEST_TIMEOUT); the build stopped`);
    expect(() => clickhouseRequestTimeout({ CLICKHOUSE_REQUEST_TIMEOUT: '10m' })).toThrow('CLICKHOUSE_REQUEST_TIMEOUT: expected seconds such as 600, got "10m"');
    expect(clickhouseRequestTimeout({})).toBe(3600);
  } finally {
    standin.stall = null;
    await new Promise((r) => setTimeout(r, 2500)); // the stand-in answers the stalled statement before the next test's
    await standin.reset();
  }
});

test('after a stalled build, the next build on the same server completes and agrees (the stand-in reads each request whole as it arrives)', async () => {
  await standin.reset();
  const files = writeCanonical(randomMonthCase(3, false));
  const js = await viaFilesJs(files);
  const env = { CLICKHOUSE_URL: standin.url, CLICKHOUSE_USER: 'ledger', CLICKHOUSE_PASSWORD: PASSWORD };
  const o = await buildFromFilesSql(files, '2026-10', quietIO().io, clickhouseRequest(true, env));
  expectAgree(js.result, o.sql, 'http random month 3 after the stall');
});
