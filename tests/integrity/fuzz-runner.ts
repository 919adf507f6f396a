// The fuzz run of issue 14 (run by fuzz.test.ts in a child process, so a hang can be stopped by a timeout and named):
// canonical files of every record kind and every vendor fixture, mutated by a seeded generator (quotes, delimiters,
// line breaks, control bytes, brackets, huge/hex numbers, impossible dates, long runs, truncation, duplicated and
// swapped lines, UTF-16), fed to every importer — as text and as a byte stream in random chunk sizes — and checked:
// no exception, every file's row accounting balances, line numbers within the file, echoes capped.
//   node --import tsx tests/integrity/fuzz-runner.ts [--seeds N] [--from S] [--only BASE-ID]   (replay: --from S --seeds 1 --only ID)
// Prints progress ("file <id>") on stderr and one JSON summary on stdout.
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
// mulberry32, seeded, so every failure can be replayed from its seed
import { generateSample, rng } from '../../src/core/sample';
import { toCsv, importRecords, importAccounting, type RecordKind } from '../../src/sources/files';
import { importSourceFile, parseSourceFile, type VendorFormat } from '../../src/sources/formats';
import { parseLinkRules } from '../../src/sources/links';
import { checkAccount } from '../../src/sources/common/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'sources');
const { values: flags } = parseArgs({ options: { seeds: { type: 'string' }, from: { type: 'string' }, only: { type: 'string' } } });
const SEEDS = Number(flags.seeds ?? 40);
const FROM = Number(flags.from ?? 1);


interface Base {
  id: string;
  text: string;
  canonical?: { kind: RecordKind; name: string };
  vendor?: { format: VendorFormat; name: string; options?: Record<string, unknown>; links?: ReturnType<typeof parseLinkRules> };
}

function corpus(): Base[] {
  const out: Base[] = [];
  const events: unknown[] = [];
  const items: unknown[] = [];
  const reviews: unknown[] = [];
  const ctx = generateSample({ months: 1, scale: 0.001, seed: 7 }, { event: (e) => events.length < 40 && events.push(e), workItem: (w) => items.length < 30 && items.push(w), review: (r) => reviews.length < 20 && reviews.push(r) });
  const kinds: [RecordKind, unknown[]][] = [
    ['usage', events], ['work_items', items], ['reviews', reviews], ['agents', ctx.agents], ['rates', ctx.rates], ['tool_prices', ctx.toolPrices],
    ['overheads', ctx.overheads], ['invoices', ctx.invoices], ['prices', ctx.prices],
  ];
  for (const [kind, recs] of kinds) out.push({ id: `canonical/${kind}.csv`, text: toCsv(kind, recs as never[]), canonical: { kind, name: `${kind}.csv` } });
  out.push({ id: 'canonical/usage.jsonl', text: events.map((e) => JSON.stringify(e)).join('\n') + '\n', canonical: { kind: 'usage', name: 'usage.jsonl' } });
  out.push({ id: 'canonical/usage-semicolon.csv', text: toCsv('usage', events as never[]).replace(/,/g, ';'), canonical: { kind: 'usage', name: 'usage-semicolon.csv' } });

  const inline = (dir: string, v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? JSON.parse(readFileSync(join(dir, v), 'utf8')) : v);
  for (const source of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, source);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.expected.json')) continue;
      const exp = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      if (!exp.format || exp.format === 'canonical' || !exp.input) continue;
      out.push({
        id: `${source}/${f.replace('.expected.json', '')}:${exp.input}`, text: readFileSync(join(dir, exp.input), 'utf8'),
        vendor: { format: exp.format, name: exp.input, options: inline(dir, exp.options), links: exp.links ? parseLinkRules(inline(dir, exp.links)) : undefined },
      });
    }
    // Saved API pages read as files (a page is one JSON object holding the records).
    const api = join(dir, 'api');
    if (!existsSync(api)) continue;
    const options = existsSync(join(dir, 'options.json')) ? JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) : source === 'zendesk' || source === 'servicenow' ? { agent: { default: 'csr' } } : undefined;
    for (const f of readdirSync(api).sort()) {
      if (/^page-\d+\.json$/.test(f)) out.push({ id: `${source}/api/${f}`, text: readFileSync(join(api, f), 'utf8'), vendor: { format: source as VendorFormat, name: f, options } });
    }
  }
  return out;
}

const INSERTS = ['"', '""', ',', ';', '\t', '\n', '\r\n', '\r', '{', '}', '[', ']', '\\', '\\"', '\u0000', '\u0001', '\u001b', 'é', '\uFFFD', '\uFEFF', ' ', ':', '0x1F', '1.8e306', '-1e12', '2026-02-30', '0000-01-01', '9999-12-31T00:00:00Z', 'NaN', 'Infinity', 'null', '"a\nb"'];

function mutate(text: string, r: () => number): string {
  let t = text;
  const n = 1 + Math.floor(r() * 8);
  const at = () => Math.floor(r() * (t.length + 1));
  for (let i = 0; i < n; i++) {
    const op = Math.floor(r() * 10);
    const lines = () => t.split('\n');
    if (op <= 3) {
      const p = at();
      t = t.slice(0, p) + INSERTS[Math.floor(r() * INSERTS.length)] + t.slice(p);
    } else if (op === 4) {
      const p = at();
      t = t.slice(0, p) + t.slice(p + 1 + Math.floor(r() * 20));
    } else if (op === 5) {
      const ls = lines();
      const k = Math.floor(r() * ls.length);
      ls.splice(k, 0, ls[k]);
      t = ls.join('\n');
    } else if (op === 6) {
      const ls = lines();
      const a = Math.floor(r() * ls.length);
      const b = Math.floor(r() * ls.length);
      [ls[a], ls[b]] = [ls[b], ls[a]];
      t = ls.join('\n');
    } else if (op === 7) {
      t = t.slice(0, at());
    } else if (op === 8) {
      // a number made huge, hex or negative
      t = t.replace(/\d+(\.\d+)?/, () => ['1e308', '0x7FFFFFFF', '-5', '99999999999999999999', '1.8e306'][Math.floor(r() * 5)]);
    } else {
      const p = at();
      const run = ['x', '"', ',', '\n', '{'][Math.floor(r() * 5)].repeat(1 + Math.floor(r() * 20_000));
      t = t.slice(0, p) + run + t.slice(p);
    }
  }
  return t;
}

/** The text as bytes in random-size chunks: UTF-8, or UTF-16 LE/BE with a BOM. */
function stream(text: string, r: () => number): Readable {
  const enc = r();
  let bytes: Buffer;
  if (enc < 0.7) bytes = Buffer.from(text, 'utf8');
  else {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    if (enc < 0.85) bytes = le;
    else {
      bytes = Buffer.from(le);
      for (let i = 0; i + 1 < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1], bytes[i]];
    }
  }
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(r() * 4096);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

interface Failure {
  id: string;
  seed: number;
  problem: string;
}

async function main() {
  const base = corpus();
  const failures: Failure[] = [];
  let files = 0;
  let records = 0;
  let rejected = 0;
  const slow: [number, string][] = [];
  const t0 = Date.now();
  for (let seed = FROM; seed < FROM + SEEDS; seed++) {
    for (let bi = 0; bi < base.length; bi++) {
      const b = base[bi];
      if (flags.only && b.id !== flags.only) continue;
      const r = rng(seed * 7919 + bi);
      const text = mutate(b.text, r);
      const viaStream = r() < 0.5;
      if (process.env.FUZZ_DUMP && flags.only) writeFileSync(process.env.FUZZ_DUMP, text);
      const id = `${b.id} seed ${seed}${viaStream ? ' (stream)' : ''}`;
      process.stderr.write(`file ${id}\n`);
      const fail = (problem: string) => failures.push({ id: b.id, seed, problem: problem.slice(0, 300) });
      const start = Date.now();
      try {
        if (b.canonical) {
          const ids = new Map<string, string>();
          const rep = await importRecords({
            kind: b.canonical.kind, fileName: b.canonical.name, input: viaStream ? stream(text, r) : text,
            sink: (rec) => {
              const k = JSON.stringify(Object.values(rec as object)[0]);
              const v = JSON.stringify(rec);
              const prev = ids.get(k);
              if (prev === undefined) {
                ids.set(k, v);
                return 'added';
              }
              return prev === v ? 'duplicate' : 'conflict';
            },
          });
          const acc = importAccounting(rep);
          if (!acc.ok) fail(`row accounting: ${JSON.stringify({ ...acc, read: rep.read, accepted: rep.accepted, duplicates: rep.duplicates, rejected: rep.rejectedCount, lines: rep.lines, linesAccounted: rep.linesAccounted })}`);
          const nonBlank = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length;
          if (!rep.fatal && rep.read > nonBlank) fail(`${rep.read} records from ${nonBlank} non-blank lines`);
          for (const x of rep.rejected) {
            if (x.line < 1 || (rep.lines && x.line > rep.lines)) fail(`rejected line ${x.line} outside 1..${rep.lines}`);
            if (x.value.length > 400 || x.reason.length > 400) fail(`echo not capped: value ${x.value.length}, reason ${x.reason.length} characters`);
          }
          if (rep.fatal && rep.fatal.length > 500) fail(`fatal message of ${rep.fatal.length} characters`);
          records += rep.read;
          rejected += rep.rejectedCount;
        } else if (b.vendor) {
          const opts = { options: b.vendor.options, links: b.vendor.links };
          const res = viaStream ? await importSourceFile(b.vendor.format, stream(text, r), b.vendor.name, opts) : parseSourceFile(b.vendor.format, text, b.vendor.name, opts);
          const a = res.accounts?.[0];
          if (!a) fail('no row accounting');
          else {
            const c = checkAccount(a);
            if (!c.ok || !a.ok) fail(`row accounting: ${JSON.stringify(a)}`);
            records += a.records;
            rejected += a.rejected;
          }
          for (const x of res.rejected) if (x.value.length > 400 || x.reason.length > 400) fail(`echo not capped: value ${x.value.length}, reason ${x.reason.length} characters`);
        }
      } catch (e) {
        fail(`threw: ${(e as Error).stack ?? String(e)}`);
      }
      slow.push([Date.now() - start, id]);
      if (slow.length > 20) {
        slow.sort((x, y) => y[0] - x[0]);
        slow.length = 5;
      }
      files++;
    }
  }
  slow.sort((x, y) => y[0] - x[0]);
  process.stdout.write(JSON.stringify({ base_files: base.length, seeds: SEEDS, files, records, rejected, failures, slowest: slow.slice(0, 5), seconds: (Date.now() - t0) / 1000 }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`fuzz runner crashed: ${(e as Error).stack}\n`);
  process.exit(1);
});
