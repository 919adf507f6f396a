// Seeded random months (random-month.ts: every rule at once) through every engine: records through the JavaScript loader,
// and canonical files read by the database (in one usage file, and split over two so repeats cross files). Seeds 61,
// 110 and 125 found differences in 150-seed runs of this generator (review minutes summed in another order, a
// duplicated unpriced event listed twice); the others did in runs of its first draft (also: the unpriced list in
// another order). `RANDOM_MONTHS=1-150` runs a range. With hard names (quotes, commas, a line break, space, characters
// past U+FFFF), each of 40 seeds found rows and rounding tie-breaks in another order (JavaScript's < against the
// databases' code point order); a few of them run here.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildLedger } from '../../src/core/ledger';
import { openDuckDb } from '../../src/engines/duckdb';
import { openChdb } from '../../src/engines/clickhouse';
import { expectAgree, viaFiles, viaFilesJs, viaLoader, writeCanonical } from './harness';
import { randomMonthCase } from './random-month';

const range = process.env.RANDOM_MONTHS?.split('-').map(Number);
const SEEDS = range ? Array.from({ length: range[1] - range[0] + 1 }, (_, k) => range[0] + k) : [1, 2, 6, 36, 61, 83, 110, 121, 125, 141, 150];
const HARD = range ? SEEDS : [1, 2, 3, 4];
const CASES = [...SEEDS.map((seed) => ({ seed, hard: false })), ...HARD.map((seed) => ({ seed, hard: true }))];
const label = (c: { seed: number; hard: boolean }) => `seed ${c.seed}${c.hard ? ', hard names' : ''}`;
const ENGINES = { duckdb: openDuckDb, clickhouse: openChdb } as const;

/** The usage file's records dealt over two files (seeded), each with the header. A record goes on while its quotes are
 * open (a quoted cell with a line break). */
function splitUsage(path: string, seed: number): string[] {
  const records: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const last = records.length - 1;
    if (last >= 0 && (records[last].split('"').length - 1) % 2 === 1) records[last] += '\n' + line;
    else if (line !== '') records.push(line);
  }
  const [header, ...lines] = records;
  const parts: string[][] = [[], []];
  let s = seed;
  for (const l of lines) parts[((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % 3 === 0 ? 1 : 0].push(l);
  const paths = [path, path.replace(/\.csv$/, '-2.csv')];
  parts.forEach((p, k) => writeFileSync(paths[k], [header, ...p].join('\n') + '\n'));
  return paths;
}

describe.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])('%s: random months', (engine) => {
  test.each(CASES.map((c) => [label(c), c] as const))('%s, records through the loader', async (name, c) => {
    const i = randomMonthCase(c.seed, c.hard);
    expectAgree(buildLedger(i, { keepExact: true }), await viaLoader(ENGINES[engine], i), `${engine} ${name}`);
  });

  test.each(CASES.map((c) => [label(c), c] as const))('%s, files (one usage file, then two)', async (name, c) => {
    const seed = c.seed;
    const files = writeCanonical(randomMonthCase(seed, c.hard));
    for (const usage of [files.usage, splitUsage(files.usage[0], seed)]) {
      const js = await viaFilesJs({ ...files, usage });
      const sql = await viaFiles({ ...files, usage }, engine);
      expectAgree(js.result, sql.sql, `${engine} files ×${usage.length} ${name} (native ${sql.sql.native})`);
      expect(sql.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates, r.rejectedCount])).toEqual(js.reports.map((r) => [r.file, r.read, r.accepted, r.duplicates, r.rejectedCount]));
    }
  });
});
