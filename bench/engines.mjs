#!/usr/bin/env node
// `npm run bench:engines` — the ledger engines on the same files, in one run (bench/README.md): the 1M-event month with
// the js, duckdb and clickhouse engines against a bare DuckDB aggregation, the 10M-event month with duckdb, clickhouse
// and js; ratios against the bare aggregation measured in the same run; every engine's per-agent figures compared
// to the cent. Each engine runs in its own process (peak memory its own), alternating with the yardstick.
//   node bench/engines.mjs [--scales 1,10] [--rounds 2] [--skip-js] [--rows]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { scales: { type: 'string' }, rounds: { type: 'string' }, 'skip-js': { type: 'boolean' }, rows: { type: 'boolean' } } });
const scales = (flags.scales ?? '1,10').split(',').map(Number);
const rounds = Number(flags.rounds ?? 2);
const PERIOD = '2026-10';

function node(script, args, memoryMB = 8192) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `--max-old-space-size=${memoryMB}`, join(root, script), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function dataFor(scale) {
  const dir = join(root, 'bench', 'out', scale === 1 ? 'ledger' : `ledger-${scale}`);
  if (!existsSync(join(dir, 'usage.csv'))) {
    console.log(`Generating one month at scale ${scale} into ${dir} (once; cached)…`);
    const g = node('bench/ledger/generate.ts', [dir, String(scale)]);
    console.log(`  ${g.events.toLocaleString('en-US')} events, ${g.workItems.toLocaleString('en-US')} work items (${g.seconds.toFixed(0)} s)`);
  }
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let failed = false;
const summary = [];
for (const scale of scales) {
  const dir = dataFor(scale);
  // At 10M the reference is duckdb; js runs last (about 2.6 GB, measured since it reads usage on a worker thread)
  const engines = flags['skip-js'] ? ['duckdb', 'clickhouse'] : scale === 1 ? ['js', 'duckdb', 'clickhouse'] : ['duckdb', 'clickhouse', 'js'];
  console.log(`\nScale ${scale}: ${(readFileSync(join(dir, 'usage.csv')).length / 1e6).toFixed(0)} MB of usage`);
  const runs = { bare: [] };
  for (const e of engines) runs[e] = [];
  for (let k = 0; k < rounds; k++) {
    for (const e of engines) {
      runs.bare.push(node('bench/ledger/engine.ts', ['bare', dir, PERIOD]));
      runs[e].push(node('bench/ledger/engine.ts', [e, dir, PERIOD]));
      const last = runs[e].at(-1);
      console.log(`  round ${k + 1}: bare ${runs.bare.at(-1).seconds.toFixed(2)} s, ${e} ${last.seconds.toFixed(2)} s (peak ${last.maxRssMB.toFixed(0)} MB)${last.phases ? ` [${Object.entries(last.phases).filter(([, v]) => v > 100).map(([p, v]) => `${p} ${(v / 1000).toFixed(2)}`).join(', ')}]` : ''}`);
    }
  }
  const bare = median(runs.bare.map((r) => r.seconds));
  console.log(`  bare DuckDB aggregation: median ${bare.toFixed(2)} s (peak ${Math.max(...runs.bare.map((r) => r.maxRssMB)).toFixed(0)} MB)`);
  for (const e of engines) {
    const s = median(runs[e].map((r) => r.seconds));
    const peak = Math.max(...runs[e].map((r) => r.maxRssMB));
    console.log(`  ${e.padEnd(10)} median ${s.toFixed(2)} s  ratio ${(s / bare).toFixed(2)}  peak ${peak.toFixed(0)} MB  conservation ok=${runs[e][0].conservation.ok}`);
    summary.push({ scale, engine: e, seconds: s, bare, ratio: s / bare, peakMB: peak });
  }
  // every engine's per-agent figures, to the cent, against the first engine's
  const ref = runs[engines[0]][0].agents;
  for (const e of engines.slice(1)) {
    for (const r of runs[e]) {
      const a = JSON.stringify(r.agents);
      if (a !== JSON.stringify(ref)) {
        failed = true;
        console.log(`  PER-AGENT MISMATCH ${e} vs ${engines[0]}:`);
        for (const [agent, v] of Object.entries(r.agents)) if (JSON.stringify(v) !== JSON.stringify(ref[agent])) console.log(`    ${agent}: ${JSON.stringify(v)} vs ${JSON.stringify(ref[agent])}`);
      }
    }
  }
  console.log(`  per-agent figures (${Object.keys(ref).length} agents × 8 components, cents): ${failed ? 'DIFFER' : `equal in every run of ${engines.join(', ')}`}`);
  if (flags.rows && scale === 1) {
    // untimed: every ledger row of the month, JavaScript against DuckDB and ClickHouse
    const tmp = mkdtempSync(join(tmpdir(), 'bench-rows-'));
    const files = {};
    for (const e of engines) {
      node('bench/ledger/engine.ts', [e, dir, PERIOD, '--rows', join(tmp, `${e}.json`)]);
      files[e] = JSON.parse(readFileSync(join(tmp, `${e}.json`), 'utf8'));
    }
    for (const e of engines.slice(1)) {
      let differ = 0;
      const a = files[engines[0]];
      const b = files[e];
      for (let i = 0; i < Math.max(a.length, b.length); i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) differ++;
      if (differ || a.length !== b.length) failed = true;
      console.log(`  per item: ${a.length.toLocaleString('en-US')} ledger rows, ${e} vs ${engines[0]}: ${differ} differ`);
    }
  }
}
console.log('\nResult:');
for (const s of summary) console.log(`  scale ${s.scale} ${s.engine.padEnd(10)} ${s.seconds.toFixed(2)} s = ${s.ratio.toFixed(2)} × bare (${s.bare.toFixed(2)} s), peak ${s.peakMB.toFixed(0)} MB`);
process.exitCode = failed ? 1 : 0;
