// One measured run in its own process, so its peak memory (process.resourceUsage().maxRSS) is its alone:
//   pull  FILE OUT   — `ai-labor-ledger pull litellm --file FILE --out OUT` through the CLI's own main()
//   whole FILE       — the baseline: the file read whole and mapped in memory (parseSourceFile), records kept
//   lines FILE       — the floor: each line read and JSON-parsed, nothing mapped or kept
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { main } from '../../src/cli/main';
import { parseSourceFile } from '../../src/sources/formats';

async function run() {
  const [mode, file, out] = process.argv.slice(2);
  const t0 = performance.now();
  let records = 0;
  if (mode === 'pull') {
    const err: string[] = [];
    const code = await main(['pull', 'litellm', '--file', file, '--out', out], { out: () => undefined, err: (t) => err.push(t) });
    if (code !== 0) throw new Error(`pull exited ${code}: ${err.join('\n')}`);
    const m = /(\d[\d,]*) records: ([\d,]+) accepted/.exec(err.join('\n'));
    records = m ? Number(m[2].replace(/,/g, '')) : -1;
  } else if (mode === 'whole') {
    const r = parseSourceFile('litellm', readFileSync(file, 'utf8'), file);
    records = r.events.length;
  } else {
    const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) if (line) {
      JSON.parse(line);
      records++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ mode, records, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}
run().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
