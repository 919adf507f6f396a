#!/usr/bin/env node
// `npm run bench` — the ledger benchmark (bench/README.md): our streaming import + ledger build against the same
// per-work-item aggregation in DuckDB and SQLite, on the same CSV files, in one run.
//   node bench/run.mjs [--regen] [--scale X] [--skip-sql]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { duckdb, sqlite } from './ledger/sql.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { regen: { type: 'boolean' }, scale: { type: 'string' }, 'skip-sql': { type: 'boolean' }, out: { type: 'string' } } });
const scale = flags.scale ?? '1';
const dir = flags.out ?? join(root, 'bench', 'out', scale === '1' ? 'ledger' : `ledger-${scale}`);

function tsx(script, args) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', join(root, script), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (flags.regen || !existsSync(join(dir, 'usage.csv'))) {
  console.log(`Generating one month at scale ${scale} into ${dir}…`);
  const g = tsx('bench/ledger/generate.ts', [dir, scale]);
  console.log(`  ${g.events.toLocaleString('en-US')} usage events, ${g.workItems.toLocaleString('en-US')} work items, ${g.reviews.toLocaleString('en-US')} reviews (${g.seconds.toFixed(1)} s)`);
}
const mb = (statSync(join(dir, 'usage.csv')).size / 1e6).toFixed(0);
const oursFile = join(dir, 'ours-per-item.tsv');

console.log(`\nOurs: import + ledger build (child process, usage.csv ${mb} MB)…`);
const ours = tsx('bench/ledger/ours.ts', [dir]);
console.log(`  ${ours.seconds.toFixed(2)} s  (work items ${ours.phases.context_and_work_items.toFixed(2)} s, usage ${ours.phases.usage.toFixed(2)} s, reviews ${ours.phases.reviews.toFixed(2)} s, finish ${ours.phases.finish.toFixed(2)} s); peak RSS ${ours.maxRssMB.toFixed(0)} MB`);
console.log(`  ${ours.events.toLocaleString('en-US')} events, ${ours.workItems.toLocaleString('en-US')} work items, ${ours.reviews.toLocaleString('en-US')} reviews → ${ours.rows.toLocaleString('en-US')} ledger rows; conservation ok=${ours.conservation.ok} difference=${ours.conservation.difference}`);
if (flags['skip-sql']) process.exit(0);

console.log('\nDuckDB: read_csv + aggregate…');
const duck = await duckdb(dir);
console.log(`  ${duck.seconds.toFixed(2)} s, ${duck.result.size.toLocaleString('en-US')} work items`);
// For context only (the ratio uses DuckDB's default): how much of its lead is its parallel CSV reader.
const duck1 = await duckdb(dir, 1);
console.log(`  (with SET threads = 1: ${duck1.seconds.toFixed(2)} s)`);
console.log('SQLite: insert the CSV rows + aggregate…');
const lite = await sqlite(dir);
console.log(`  ${lite.seconds.toFixed(2)} s, ${lite.result.size.toLocaleString('en-US')} work items`);

// A second, untimed run of ours dumps the exact per-item values, so the timed run's memory and time hold nothing extra.
console.log('\nOurs again (untimed) for the per-item values…');
tsx('bench/ledger/ours.ts', [dir, oursFile]);

// Agreement: every work item's api/retry/tools/review to the micro-dollar (ours exact), and our published
// cent-rounded rows within one cent of the exact value (largest remainder rounds each row down or up).
const mine = new Map();
const rowOf = new Map(); // work item → [agent, business unit] of its published row
for (const line of readFileSync(oursFile, 'utf8').split('\n')) {
  if (!line) continue;
  const [id, agent, bu, ...v] = line.split('\t');
  mine.set(id, [0, 0, 0, 0, ...v.map(Number)]);
  rowOf.set(id, [agent, bu]);
}
for (const line of readFileSync(`${oursFile}.exact`, 'utf8').split('\n')) {
  if (!line) continue;
  const [id, ...v] = line.split('\t');
  const m = mine.get(id);
  if (m) for (let k = 0; k < 4; k++) m[k] = Number(v[k]); // ids not in the rows are unknown items: unattributed
}
const names = ['api', 'retry', 'tools', 'review'];
let mismatches = 0;
let checked = 0;
const show = [];
for (const [engine, res] of [['DuckDB', duck.result], ['SQLite', lite.result]]) {
  const ids = new Set([...res.keys(), ...[...mine.keys()].filter((k) => mine.get(k).slice(0, 4).some((x) => x !== 0))]);
  for (const id of ids) {
    const a = mine.get(id) ?? [0, 0, 0, 0, 0, 0, 0, 0];
    const b = res.get(id) ?? [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      checked++;
      const exactOk = Math.abs(a[k] - b[k]) < 1e-6;
      const centOk = Math.abs(a[4 + k] - b[k]) < 0.01 + 1e-9;
      if (!exactOk || !centOk) {
        mismatches++;
        if (show.length < 10) show.push(`${engine} ${id} ${names[k]}: ours ${a[k]} (row ${a[4 + k]}) vs ${b[k]}`);
      }
    }
  }
}
console.log(`\nAgreement: ${checked.toLocaleString('en-US')} item×component values checked against DuckDB and SQLite, ${mismatches} differ by ≥ $0.000001`);
for (const s of show) console.log(`  ${s}`);

// Every agent's, business unit's and business unit × agent cell's published api/retry/tools/review within one cent of
// DuckDB's exact sum of its items (independent of our engine), and all seven components within one cent of our
// engine's exact values (overhead and true-up have no SQL counterpart here).
const groups = new Map();
for (const [id, [agent, bu]] of rowOf) {
  const exact = duck.result.get(id) ?? [0, 0, 0, 0];
  const pub = mine.get(id);
  for (const key of [`agent ${agent}`, `business unit ${bu}`, `cell ${bu} × ${agent}`]) {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = [0, 0, 0, 0, 0, 0, 0, 0]));
    for (let k = 0; k < 4; k++) {
      g[k] += exact[k] * 100;
      g[4 + k] += Math.round(pub[4 + k] * 100);
    }
  }
}
let worstDuck = { off: 0, where: '' };
for (const [key, g] of groups) for (let k = 0; k < 4; k++) {
  const off = Math.abs(g[4 + k] - g[k]);
  if (off > worstDuck.off) worstDuck = { off, where: `${key} ${names[k]}: published ${(g[4 + k] / 100).toFixed(2)}, DuckDB exact ${(g[k] / 100).toFixed(6)}` };
}
const cents = JSON.parse(readFileSync(`${oursFile}.cents.json`, 'utf8'));
const centsOk = worstDuck.off < 1 + 1e-6 && cents.within;
console.log(`Within a cent: ${groups.size.toLocaleString('en-US')} agents, business units and cells; api/retry/tools/review against DuckDB: worst ${worstDuck.off.toFixed(4)} cent (${worstDuck.where || 'none'})`);
console.log(`  all seven components against our exact values (${cents.groups.agents} agents, ${cents.groups.business_units} business units, ${cents.groups.cells} cells): worst ${cents.worstCents.toFixed(4)} cent (${cents.worst || 'none'}) — ${centsOk ? 'every one within a cent' : 'FAILED: a line is off by a cent or more'}`);

const r = (x) => x.toFixed(2);
console.log(`\nResult (scale ${scale}):`);
console.log(`  ours ÷ DuckDB = ${r(ours.seconds / duck.seconds)}  (target ≤ 2; ÷ DuckDB on one thread = ${r(ours.seconds / duck1.seconds)})`);
console.log(`  ours ÷ SQLite = ${r(ours.seconds / lite.seconds)}  (target < 1)`);
console.log(`  our peak memory = ${ours.maxRssMB.toFixed(0)} MB  (target < 500 MB)`);
process.exitCode = mismatches || !centsOk ? 1 : 0;
