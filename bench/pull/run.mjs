#!/usr/bin/env node
// `node bench/pull/run.mjs [--sizes 100000,300000,1000000] [--whole-up-to 300000]` — issue 14: a vendor file pulls in
// bounded memory. A LiteLLM spend-log JSONL of each size is converted by `pull litellm --file` (streaming, record by
// record, appended to the output as it goes), each run in its own process; printed as ratios against baselines
// measured in the same run: the same file read line by line and JSON-parsed (the floor), and — up to --whole-up-to —
// the file mapped whole in memory (what pull did before).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: flags } = parseArgs({ options: { sizes: { type: 'string' }, 'whole-up-to': { type: 'string' } } });
const sizes = (flags.sizes ?? '100000,300000,1000000').split(',').map(Number);
const wholeUpTo = Number(flags['whole-up-to'] ?? 300_000);
const dir = join(root, 'bench', 'out', 'pull');
mkdirSync(dir, { recursive: true });

function generate(n) {
  const p = join(dir, `litellm-${n}.jsonl`);
  if (existsSync(p)) return p;
  const fd = openSync(p, 'w');
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += JSON.stringify({
      request_id: `req-${i}`, call_type: 'acompletion', startTime: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z`,
      model: i % 3 ? 'gpt-4o' : 'gpt-4o-mini', custom_llm_provider: 'openai', spend: 0.001 + (i % 97) / 1e5, prompt_tokens: 800 + (i % 400), completion_tokens: 100 + (i % 50),
      status: i % 50 ? 'success' : 'failure', user: `u${i % 40}`, team_id: 'team-support', request_tags: [`ticket:ZD-${i % 130000}`],
      metadata: { user_api_key_alias: 'csr-bot', spend_logs_metadata: { work_item_id: `ZD-${i % 130000}` } },
    }) + '\n';
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return p;
}

function child(args) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', join(root, 'bench', 'pull', 'child.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`child ${args[0]} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const rows = [];
for (const n of sizes) {
  const file = generate(n);
  const mb = statSync(file).size / 1e6;
  const out = join(dir, `out-${n}.jsonl`);
  rmSync(out, { force: true });
  const floor = child(['lines', file]);
  const pull = child(['pull', file, out]);
  const whole = n <= wholeUpTo ? child(['whole', file]) : null;
  if (pull.records !== n) throw new Error(`pull wrote ${pull.records} of ${n} records`);
  rows.push({ n, mb, floor, pull, whole });
  console.log(`${n.toLocaleString('en-US')} records (${mb.toFixed(0)} MB): pull ${pull.seconds.toFixed(1)} s, ${pull.maxRssMB.toFixed(0)} MB peak; ` +
    `line floor ${floor.seconds.toFixed(1)} s, ${floor.maxRssMB.toFixed(0)} MB${whole ? `; whole-file ${whole.seconds.toFixed(1)} s, ${whole.maxRssMB.toFixed(0)} MB` : ''}`);
}
const first = rows[0];
console.log('\nratios (same run):');
for (const r of rows) {
  console.log(`  ${r.n.toLocaleString('en-US').padStart(9)}: pull peak ÷ ${first.n.toLocaleString('en-US')}-record pull peak = ${(r.pull.maxRssMB / first.pull.maxRssMB).toFixed(2)} ` +
    `(records ×${(r.n / first.n).toFixed(0)}); pull peak ÷ file size = ${(r.pull.maxRssMB / r.mb).toFixed(2)}; pull time ÷ line floor = ${(r.pull.seconds / r.floor.seconds).toFixed(1)}` +
    (r.whole ? `; whole-file peak ÷ pull peak = ${(r.whole.maxRssMB / r.pull.maxRssMB).toFixed(2)}` : ''));
}
writeFileSync(join(dir, 'last-run.json'), JSON.stringify(rows, null, 2));
