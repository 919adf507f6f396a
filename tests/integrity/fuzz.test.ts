// Issue 14's fuzz test: mutated canonical and vendor files into every importer; no crash, no hang (the run is a child
// process with a time limit, and names the file it was on), and the row-accounting invariant on every file.
// The run itself is tests/integrity/fuzz-runner.ts; FUZZ_SEEDS=N runs more (each seed mutates every base file once).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SEEDS = Number(process.env.FUZZ_SEEDS ?? 60);
const LIMIT_S = 240;

test(`${SEEDS} mutations of every canonical and vendor file: no crash, no hang, every file's rows accounted for`, () => {
  const root = join(__dirname, '..', '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fuzz-runner.ts'), '--seeds', String(SEEDS)], {
    cwd: root, encoding: 'utf8', timeout: LIMIT_S * 1000, maxBuffer: 64 * 1024 * 1024,
  });
  const progress = (r.stderr ?? '').trim().split('\n');
  if (r.error || r.signal) throw new Error(`the fuzz run did not finish within ${LIMIT_S} s (a hang?): last file started: ${progress[progress.length - 1]}`);
  expect(r.status).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  console.log(`fuzz: ${summary.files} mutated files (${summary.base_files} base files × ${summary.seeds} seeds), ${summary.records} records read, ${summary.rejected} rejected, ${summary.failures.length} failures, ${summary.seconds} s; slowest ${JSON.stringify(summary.slowest[0])}`);
  expect(summary.failures).toEqual([]);
  expect(summary.files).toBe(summary.base_files * SEEDS);
  expect(summary.base_files).toBeGreaterThanOrEqual(40);
}, (LIMIT_S + 30) * 1000);
