// Writes the benchmark data: one month of the sample organisation at the playbook's volume (~130,000 work items,
// ~1M usage events) as canonical CSV with cost_usd filled, so SQL engines can sum it.
import { writeDemo } from '../../src/cli/commands/demo';

const outDir = process.argv[2] ?? 'bench/out';
const scale = Number(process.argv[3] ?? 1);
const t0 = Date.now();
const ctx = writeDemo({ outDir, months: 1, scale, seed: 2026, endPeriod: '2026-10', withCost: true, onProgress: (n) => process.stderr.write(`  generated ${n} events\r`) });
process.stderr.write('\n');
console.log(JSON.stringify({ ...ctx.stats, seconds: (Date.now() - t0) / 1000 }));
