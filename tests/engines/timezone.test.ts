// The same files give the same figures on a machine in any time zone: a timestamp or a Prices effective_from without an
// offset is UTC (months are UTC), never the machine's local time. Each build is the CLI as users run it, in a process
// of its own with TZ set (the zone cannot be changed inside a Jest worker), through every engine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { priceOverrideSchema } from '../../src/core/model/records';
import { buildFlags, writeCanonical } from './harness';
import { sampleCase } from './fixtures';

const ROOT = join(__dirname, '..', '..');

function build(files: ReturnType<typeof writeCanonical>, engine: string, tz: string) {
  const summary = join(files.agents!, '..', `summary-${engine}-${tz.replace('/', '_')}.json`);
  const args = ['build', '--engine', engine, ...buildFlags(files, summary)];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'ai-labor-ledger.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: tz } });
  expect({ engine, tz, status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ engine, tz, status: 0, stderr: '' });
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  return { totals: s.totals, agents: s.agents, unpriced: s.unpriced };
}

test('a time-of-day price change and timestamps without an offset: the same figures in UTC and in New York, in every engine', () => {
  const c = sampleCase(false, 0.002, 1);
  const llm = c.events.find((e) => e.kind === 'llm' && e.cost_usd === null && e.timestamp.startsWith('2026-10'))!;
  // a price 500 times the list price from noon UTC on the 15th, written without an offset (as a spreadsheet export does)
  c.prices.push(priceOverrideSchema.parse({ provider: llm.provider, model: llm.model, effective_from: '2026-10-15T12:00:00', input_mtok: 1000, output_mtok: 1000 }));
  // noon in New York is 16:00 UTC: events between 12:00 and 16:00 UTC, with and without an offset, change price there
  for (const [i, ts] of ['2026-10-15T11:00:00', '2026-10-15T13:00:00Z', '2026-10-15T14:00:00', '2026-10-15T15:30:00.5', '2026-10-15T17:00:00'].entries()) {
    c.events.push({ ...llm, event_id: `tz-${i}`, timestamp: ts, input_tokens: 100_000, output_tokens: 10_000 });
  }
  // and every third event of the month without its Z
  c.events = c.events.map((e, i) => (i % 3 === 0 && e.timestamp.endsWith('Z') && !e.event_id.startsWith('tz-') ? { ...e, timestamp: e.timestamp.slice(0, -1) } : e));
  const files = writeCanonical(c);
  const utc = build(files, 'js', 'UTC');
  for (const engine of ['js', 'duckdb', 'clickhouse']) {
    for (const tz of engine === 'js' ? ['America/New_York', 'Pacific/Chatham'] : ['UTC', 'America/New_York']) {
      expect({ engine, tz, ...build(files, engine, tz) }).toEqual({ engine, tz, ...utc });
    }
  }
}, 240_000);
