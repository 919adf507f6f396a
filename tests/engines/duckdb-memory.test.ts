// The DuckDB engine's memory limit (DUCKDB_MEMORY_LIMIT, default 2GB): DuckDB is opened with it and a spill directory
// of its own, removed on close; a tight limit does not change the figures; past it, the error names the setting.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { aggregate } from '../../src/core/ledger';
import { buildFromFilesSql, duckdbMemoryLimit, duckdbRequest, DUCKDB_MEMORY_LIMIT } from '../../src/cli/commands/build-sql';
import { sampleCase } from './fixtures';
import { quietIO, writeCanonical } from './harness';

jest.setTimeout(120_000);

test('DUCKDB_MEMORY_LIMIT: a size, else the default; anything else is refused by name', () => {
  expect(duckdbMemoryLimit({})).toBe(DUCKDB_MEMORY_LIMIT);
  expect(duckdbMemoryLimit({ DUCKDB_MEMORY_LIMIT: ' 8GB ' })).toBe('8GB');
  expect(duckdbMemoryLimit({ DUCKDB_MEMORY_LIMIT: '512 MiB' })).toBe('512 MiB');
  for (const bad of ['lots', '8', "2GB'; SET threads = 1; --", '-1GB']) expect(() => duckdbMemoryLimit({ DUCKDB_MEMORY_LIMIT: bad })).toThrow(/DUCKDB_MEMORY_LIMIT: expected a size/);
});

test('the connection has the limit and a spill directory in the temp folder, gone after close', async () => {
  const conn = await duckdbRequest(false, { DUCKDB_MEMORY_LIMIT: '300MB' }).open();
  const [r] = await conn.query<{ m: string; t: string }>(`SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t`);
  // DuckDB reports the limit in binary units: 300 MB = 286.1 MiB
  expect(r.m).toMatch(/^28\d(\.\d+)? MiB$/);
  expect(r.t.startsWith(tmpdir())).toBe(true);
  expect(existsSync(r.t)).toBe(true);
  await conn.close();
  expect(existsSync(r.t)).toBe(false);
});

// A tight limit changes how DuckDB runs (smaller hash tables, spilling to its directory: the 1M-event month at 300MB
// spilled 77 MB, bench/README.md) but not what it computes.
test('a build under a tight memory limit publishes the figures of one with room', async () => {
  const files = writeCanonical(sampleCase(true, 0.05, 2));
  const run = async (env: Record<string, string>) => {
    const { io } = quietIO();
    const o = await buildFromFilesSql(files, '2026-10', io, duckdbRequest(true, env));
    expect(o.sql.native).toBe(true);
    expect(o.result.conservation.ok).toBe(true);
    return { agents: aggregate(o.result, 'agent', '2026-10'), rows: o.result.rows };
  };
  const roomy = await run({ DUCKDB_MEMORY_LIMIT: '4GB' });
  const tight = await run({ DUCKDB_MEMORY_LIMIT: '80MB' });
  expect(roomy.rows.length).toBeGreaterThan(1000);
  expect(tight).toEqual(roomy);
});

test('a build past the memory limit says which setting to raise, without reading the files a second time', async () => {
  const files = writeCanonical(sampleCase(true, 0.05, 2));
  const { io, err } = quietIO();
  await expect(buildFromFilesSql(files, '2026-10', io, duckdbRequest(true, { DUCKDB_MEMORY_LIMIT: '20MB' }))).rejects.toThrow(
    /^duckdb ran out of memory \(Out of Memory Error.*\)\. DuckDB's memory limit is 20MB \(DUCKDB_MEMORY_LIMIT\): set DUCKDB_MEMORY_LIMIT higher/,
  );
  // the JavaScript import reports its progress as it reads: a second read would show here
  expect(err.join('\n')).not.toMatch(/rows read/);
});
