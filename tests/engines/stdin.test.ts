// The CLI as users run it, with data waiting on its standard input (a pipe, a heredoc, a CI step that feeds it): every
// engine builds and ignores it. Before, the embedded ClickHouse (chDB, clickhouse-local) took the pipe for data of its
// own inserts and refused them ("both inlined and external data"), so `--engine clickhouse` exited 1.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFlags, writeCanonical } from './harness';
import { sampleCase } from './fixtures';

const ROOT = join(__dirname, '..', '..');

test.each(['js', 'duckdb', 'clickhouse'])('--engine %s with data on standard input: the same summary as without', (engine) => {
  const files = writeCanonical(sampleCase(false, 0.002, 1));
  const run = (input: string | undefined, name: string) => {
    const summary = join(files.agents!, '..', `${name}.json`);
    const args = ['build', '--engine', engine, ...buildFlags(files, summary)];
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'ai-labor-ledger.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    return { totals: s.totals, agents: s.agents };
  };
  expect(run('event_id,timestamp\nnot,for,the,ledger\n', 'piped')).toEqual(run(undefined, 'closed'));
}, 120_000);
