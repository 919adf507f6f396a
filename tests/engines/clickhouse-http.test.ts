// `build --engine clickhouse` against a ClickHouse server through @clickhouse/client, end to end: the CLI with
// CLICKHOUSE_URL/USER/PASSWORD from the environment, talking HTTP to a stand-in that runs ClickHouse (chDB) behind
// ClickHouse's HTTP interface (clickhouse-standin.ts). Files are uploaded into session-scoped temporary tables.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBuildCommand } from '../../src/cli/commands/build';
import { startClickHouseStandIn, type StandIn } from './clickhouse-standin';
import { writeCanonical } from './harness';
import { sampleCase } from './fixtures';

const PASSWORD = 's3cr3t-Passw0rd!';
let standin: StandIn;
beforeAll(async () => {
  standin = await startClickHouseStandIn({ user: 'ledger', password: PASSWORD });
});
afterAll(async () => {
  await standin.close();
});

function flags(files: ReturnType<typeof writeCanonical>, summary: string) {
  return [
    '--usage', ...files.usage, '--work-items', ...files.workItems, '--reviews', ...files.reviews, '--agents', files.agents!, '--rates', files.rates!,
    '--tool-prices', files.toolPrices!, '--overheads', files.overheads!, '--invoices', files.invoices!, '--prices', files.prices!, '--period', '2026-10', '--summary', summary,
  ];
}

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
  expect(standin.requests.some((r) => /^INSERT INTO ll_raw_usage_0 FORMAT CSV/.test(r.statement))).toBe(true);
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
