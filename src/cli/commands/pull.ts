// `pull SOURCE`: pulls an API (credentials from environment variables) or converts vendor files, and writes
// canonical JSONL the build command imports. A partial pull writes what it got and prints the cursor to resume.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FORMATS, USAGE_FORMATS, parseSourceFile, previewFileLinks, type SourceFormat, type UsageFormat } from '../../sources/formats';
import type { LinkPreview } from '../../sources/links';
import { PULL_SOURCES, runPull } from '../../sources/pulls';
import { parseLinkRules, type LinkRules } from '../../sources/links';
import { emptyResult, mergeResults, type MapResult } from '../../sources/common/types';
import type { FetchLike, PullResult } from '../../sources/common/http';
import type { CliIO, Command } from './index';
import { UsageError, fmt, parseFlags } from './args';

/** --from/--to → each API's own names for its time window. */
const WINDOW_KEYS: Record<string, [string, string | null]> = {
  litellm: ['startDate', 'endDate'],
  langfuse: ['fromStartTime', 'toStartTime'],
  helicone: ['from', 'to'],
  openai: ['startTime', 'endTime'],
  anthropic: ['startingAt', 'endingAt'],
  zendesk: ['startTime', null],
};

const ENV_LINES = Object.entries(PULL_SOURCES)
  .map(([k, s]) => `  ${k.padEnd(11)} ${[s.baseUrlEnv + (s.defaultBaseUrl ? ` (default ${s.defaultBaseUrl})` : ''), ...Object.values(s.credentials)].join(', ')}`)
  .join('\n');

const usage = `Usage: ai-labor-ledger pull SOURCE --out FILE.jsonl [--from DATE] [--to DATE] [--set key=value ...]
         [--settings FILE.json] [--links RULES.json] [--cursor CURSOR] [--reviews FILE.jsonl] [--rejected FILE.json]
         [--warnings FILE.json]
       ai-labor-ledger pull FORMAT --file VENDOR_FILE... --out FILE.jsonl [--settings FILE.json] [--links RULES.json]
       ai-labor-ledger pull FORMAT --file VENDOR_FILE... --preview [--links RULES.json]   (usage formats: what each rule links)

Pulls an API (SOURCE: ${Object.keys(PULL_SOURCES).join(', ')}) or converts vendor files (FORMAT: ${FORMATS.filter((f) => f !== 'canonical').join(', ')})
into canonical JSONL for "build". Usage sources write usage events; Zendesk/Jira/ServiceNow write work items to
--out and reviews to --reviews (default FILE.reviews.jsonl); other record kinds go next to --out as FILE.<kind>.jsonl.

  --set key=value   a source setting (JSON values allowed): --set jql='project = SUP' --set agent='{"default":"csr"}'
  --settings F      settings as a JSON object (same keys as the config file's "api" and "options")
  --links F         link rules JSON (which field carries the work item and the agent)
  --cursor C        resume a partial pull; records are appended to --out
  --max-pages N     stop after N pages (the result is partial and prints its cursor)
  --preview         with --file: print how many events each link rule links and which stay unlinked; writes nothing
  --rejected F      write every rejected row (file, line, column, value, reason) as JSON
  --warnings F      write every consistency warning (a vendor total that is not the sum of its parts, a reported
                    cost far from the catalog price of its tokens) as JSON; they are also counted on stderr

Credentials come only from environment variables, never from flags or files:
${ENV_LINES}

Output folders are created. Exit codes: 0 complete, 1 partial or failed (what was read is written; the resume cursor
is printed) or a --file that cannot be read or yields no record at all, 2 bad flags.`;

function parseSetting(v: string): [string, unknown] {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new UsageError(`pull: --set ${v}: expected key=value`);
  const key = v.slice(0, eq).trim();
  const raw = v.slice(eq + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

function writeJsonl(path: string, records: unknown[], append: boolean) {
  // --out (and the files next to it) may name a folder that does not exist yet: create it.
  mkdirSync(dirname(path), { recursive: true });
  const text = records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
  if (append) appendFileSync(path, text);
  else writeFileSync(path, text);
}

const pct = (n: number, of: number) => (of ? `${((n / of) * 100).toFixed(1)}%` : '0%');

/** A link-rule preview as lines a person can read: per rule how many events it links, then what stays unlinked. */
export function previewLines(file: string, p: LinkPreview & { rejected: number }): string[] {
  const lines = [`${file}: ${fmt(p.total)} events${p.rejected ? ` (${fmt(p.rejected)} rejected rows not counted)` : ''}`];
  lines.push(`  work item: ${fmt(p.work_item.linked)} linked (${pct(p.work_item.linked, p.total)}), ${fmt(p.work_item.unlinked)} unlinked`);
  for (const r of p.work_item.rules) lines.push(`    rule ${r.index + 1} ${r.rule}: ${fmt(r.linked)}`);
  if (p.work_item.unlinked_examples.length) lines.push(`    unlinked, e.g. ${p.work_item.unlinked_examples.join(', ')}`);
  lines.push(`  agent: ${fmt(p.agent.linked)} by rule, ${fmt(p.agent.by_default)} by default, ${fmt(p.agent.unlinked)} unassigned`);
  for (const r of p.agent.rules) lines.push(`    rule ${r.index + 1} ${r.rule}: ${fmt(r.linked)}`);
  if (p.agent.unlinked_examples.length) lines.push(`    unassigned, e.g. ${p.agent.unlinked_examples.join(', ')}`);
  return lines;
}

export interface PullCommandDeps {
  fetch?: FetchLike;
  env?: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

/** The file's text, or null after saying on stderr why it could not be read. */
function readVendorFile(f: string, io: CliIO): string | null {
  try {
    return readFileSync(f, 'utf8');
  } catch (e) {
    io.err(`pull: cannot read ${f} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
    return null;
  }
}

export function makePullCommand(deps: PullCommandDeps = {}): Command {
  return {
    name: 'pull',
    summary: 'pull a vendor API (or convert vendor files) into canonical JSONL',
    usage,
    async run(argv: string[], io: CliIO) {
      const [source, ...rest] = argv;
      let v: Record<string, string | string[] | boolean | undefined>;
      let settings: Record<string, unknown> = {};
      let links: LinkRules | undefined;
      try {
        if (!source || source.startsWith('-')) throw new UsageError(`pull: name the source first: pull SOURCE --out FILE.jsonl (sources: ${Object.keys(PULL_SOURCES).join(', ')})`);
        v = parseFlags('pull', rest, {
          out: { type: 'string' }, reviews: { type: 'string' }, rejected: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
          set: { type: 'string', multiple: true }, settings: { type: 'string' }, links: { type: 'string' }, cursor: { type: 'string' },
          'max-pages': { type: 'string' }, file: { type: 'string', multiple: true }, preview: { type: 'boolean' }, warnings: { type: 'string' },
        });
        const files = (v.file as string[] | undefined) ?? [];
        if (v.preview && (!files.length || !(USAGE_FORMATS as readonly string[]).includes(source))) {
          throw new UsageError(`pull: --preview reads vendor usage files: pull FORMAT --file F... --preview (formats: ${USAGE_FORMATS.join(', ')})`);
        }
        if (!v.out && !v.preview) throw new UsageError('pull: --out FILE.jsonl is required');
        if (files.length) {
          if (!(FORMATS as readonly string[]).includes(source) || source === 'canonical') throw new UsageError(`pull: unknown format "${source}" for --file; formats: ${FORMATS.filter((f) => f !== 'canonical').join(', ')}`);
        } else if (!PULL_SOURCES[source]) {
          throw new UsageError(`pull: unknown API source "${source}"; API sources: ${Object.keys(PULL_SOURCES).join(', ')} (for vendor files add --file)`);
        }
        if (v.settings) {
          try {
            settings = JSON.parse(readFileSync(v.settings as string, 'utf8'));
          } catch (e) {
            throw new UsageError(`pull: --settings ${v.settings}: ${(e as Error).message}`);
          }
        }
        for (const s of (v.set as string[] | undefined) ?? []) {
          const [k, val] = parseSetting(s);
          settings[k] = val;
        }
        const win = WINDOW_KEYS[source];
        if (v.from) {
          if (!win) throw new UsageError(`pull: --from does not apply to ${source}; set its query instead (--set jql=… / --set query=…)`);
          settings[win[0]] = v.from;
        }
        if (v.to) {
          if (!win || !win[1]) throw new UsageError(`pull: --to does not apply to ${source}`);
          settings[win[1]] = v.to;
        }
        if (v.links) {
          try {
            links = parseLinkRules(JSON.parse(readFileSync(v.links as string, 'utf8')));
          } catch (e) {
            throw new UsageError(`pull: --links ${v.links}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        io.err((e as Error).message);
        return 2;
      }

      if (v.preview) {
        for (const f of (v.file as string[] | undefined) ?? []) {
          const text = readVendorFile(f, io);
          if (text === null) return 1;
          for (const line of previewLines(f, previewFileLinks(source as UsageFormat, text, f, links, settings))) io.out(line);
        }
        return 0;
      }

      const out = v.out as string;
      const append = !!v.cursor;
      let result: MapResult;
      let pull: PullResult | null = null;
      const files = (v.file as string[] | undefined) ?? [];
      /** files that gave nothing to write: a pull of them fails (exit 1) after writing what the others gave */
      const empty: string[] = [];
      if (files.length) {
        result = emptyResult();
        for (const f of files) {
          const text = readVendorFile(f, io);
          if (text === null) return 1;
          const one = parseSourceFile(source as Exclude<SourceFormat, 'canonical'>, text, f, { links, options: settings });
          const records = one.events.length + one.workItems.length + one.reviews.length + one.invoices.length + one.overheads.length;
          if (records === 0) {
            const why = one.rejected.length ? `all ${fmt(one.rejected.length)} rows rejected` : one.skipped ? `${fmt(one.skipped)} records, none of them ${source} records to import` : 'nothing in it';
            empty.push(`${f} yielded no record (${why})`);
          }
          mergeResults(result, one);
        }
      } else {
        const fetchFn = deps.fetch ?? (globalThis.fetch as unknown as FetchLike);
        const maxPages = v['max-pages'] !== undefined ? Number(v['max-pages']) : undefined;
        try {
          pull = await runPull(source, settings, deps.env ?? process.env, {
            fetch: fetchFn,
            cursor: (v.cursor as string | undefined) ?? null,
            sleep: deps.sleep,
            maxPages,
            links,
            onPage: (p) => io.err(`pull ${source}: page ${p.page}: ${fmt(p.records)} records${p.rejected ? `, ${fmt(p.rejected)} rejected` : ''}`),
          });
        } catch (e) {
          const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
          io.err(`pull ${source}: ${issues ? issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ') : (e as Error).message}`);
          return 2;
        }
        result = pull;
      }

      const kinds: [string, unknown[]][] = [
        ['events', result.events], ['work_items', result.workItems], ['invoices', result.invoices], ['overheads', result.overheads],
      ];
      const base = out.replace(/\.jsonl$/i, '');
      let primaryDone = false;
      for (const [kind, recs] of kinds) {
        if (!recs.length) continue;
        const path = primaryDone ? `${base}.${kind}.jsonl` : out;
        try {
          writeJsonl(path, recs, append);
        } catch (e) {
          io.err(`pull: cannot write ${path} (${(e as Error).message})`);
          return 1;
        }
        io.out(`Wrote ${fmt(recs.length)} ${kind.replace('_', ' ')} to ${path}`);
        primaryDone = true;
      }
      if (!primaryDone) {
        try {
          writeJsonl(out, [], append);
        } catch (e) {
          io.err(`pull: cannot write ${out} (${(e as Error).message})`);
          return 1;
        }
      }
      if (result.reviews.length) {
        const path = (v.reviews as string | undefined) ?? `${base}.reviews.jsonl`;
        writeJsonl(path, result.reviews, append);
        io.out(`Wrote ${fmt(result.reviews.length)} reviews to ${path}`);
      }
      if (result.rejected.length) {
        io.err(`pull ${source}: ${fmt(result.rejected.length)} records rejected${v.rejected ? ` (all in ${v.rejected})` : ''}; first:`);
        for (const r of result.rejected.slice(0, 10)) io.err(`  ${r.file}${r.line ? ` line ${r.line}` : ''}${r.column ? `, ${r.column}` : ''}: ${r.reason}${r.value ? ` (got ${r.value})` : ''}`);
        if (v.rejected) {
          mkdirSync(dirname(v.rejected as string), { recursive: true });
          writeFileSync(v.rejected as string, JSON.stringify(result.rejected, null, 2) + '\n');
        }
      }
      if (result.warnings.length) {
        io.err(`pull ${source}: ${fmt(result.warnings.length)} consistency warnings (records kept as reported)${v.warnings ? ` (all in ${v.warnings})` : ''}; first:`);
        for (const w of result.warnings.slice(0, 10)) io.err(`  ${w.file}${w.line ? ` line ${w.line}` : ''}${w.column ? `, ${w.column}` : ''}: ${w.reason}`);
      }
      if (v.warnings) {
        mkdirSync(dirname(v.warnings as string), { recursive: true });
        writeFileSync(v.warnings as string, JSON.stringify(result.warnings, null, 2) + '\n');
      }
      if (empty.length) {
        for (const m of empty) io.err(`pull ${source}: ${m}`);
        return 1;
      }
      if (pull?.partial) {
        io.err(`pull ${source}: PARTIAL — ${pull.error}`);
        io.err(`pull ${source}: resume with: --cursor '${pull.cursor ?? ''}' (records are appended to ${out})`);
        return 1;
      }
      if (pull) io.err(`pull ${source}: complete, ${fmt(pull.pages)} pages${pull.cursor ? `; next incremental run: --cursor '${pull.cursor}'` : ''}`);
      return 0;
    },
  };
}

export const pullCommand = makePullCommand();
