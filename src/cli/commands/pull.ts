// `pull SOURCE`: pulls an API (credentials from environment variables) or converts vendor files, and writes
// canonical JSONL the build command imports. A partial pull writes what it got and prints the cursor to resume.
import { appendFileSync, closeSync, copyFileSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { FORMATS, USAGE_FORMATS, importSourceFile, previewFileLinks, type UsageFormat, type VendorFormat } from '../../sources/formats';
import type { LinkPreview } from '../../sources/links';
import { PULL_SOURCES, runPull } from '../../sources/pulls';
import { parseLinkRules, type LinkRules } from '../../sources/links';
import type { MapResult, RecordAccount } from '../../sources/common/types';
import { PULL_LIMITS, type FetchLike, type PullResult } from '../../sources/common/http';
import { clip, decodeText } from '../../sources/common/text';
import type { RejectedRow } from '../../core/model/records';
import type { CliIO, Command } from './index';
import { UsageError, fmt, numberFlag, parseFlags } from './args';
import { writeFileAtomic } from './safe-write';

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
  --max-pages N     stop after N pages (the result is partial and prints its cursor); default ${fmt(PULL_LIMITS.maxPages)}
  --preview         with --file: print how many events each link rule links and which stay unlinked; writes nothing
  --rejected F      write every rejected row (file, line, column, value, reason) as JSON
  --warnings F      write every consistency warning (a vendor total that is not the sum of its parts, a reported
                    cost far from the catalog price of its tokens) as JSON; they are also counted on stderr

Credentials come only from environment variables, never from flags or files:
${ENV_LINES}

Records are written as they arrive, page by page (files: record by record), to FILE.jsonl.partial beside the
output, which replaces the output when the pull ends; every page line prints the cursor that resumes after it,
so a pull that is killed can go on from there with --cursor (the .partial file is then continued).

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

/** An output could not be written (a full disk, a folder that cannot be created). */
class WriteError extends Error {}

/**
 * The JSONL outputs of one pull. Each output is built in OUTPUT.partial (appended page by page, flushed to disk) and
 * renamed over OUTPUT at the end, so the output is never half-written and a killed pull leaves its pages in the
 * .partial file, where `--cursor` continues. Resuming an output that is complete starts from a copy of it.
 */
class JsonlOutputs {
  private open = new Map<string, { partial: string; count: number }>();
  constructor(private readonly resume: boolean) {}

  partialOf(path: string) {
    return `${path}.partial`;
  }

  write(path: string, records: readonly unknown[]): void {
    try {
      this.append(path, records);
    } catch (e) {
      throw new WriteError(`cannot write ${this.partialOf(path)} (${(e as Error).message})`);
    }
  }

  private append(path: string, records: readonly unknown[]): void {
    let o = this.open.get(path);
    if (!o) {
      const partial = this.partialOf(path);
      // --out (and the files next to it) may name a folder that does not exist yet: create it.
      mkdirSync(dirname(partial), { recursive: true });
      if (this.resume) {
        // A killed run left its pages in .partial: continue it. Else continue from the finished output.
        if (!existsSync(partial)) {
          if (existsSync(path)) copyFileSync(path, partial);
          else writeFileSync(partial, '');
        }
      } else writeFileSync(partial, '');
      o = { partial, count: 0 };
      this.open.set(path, o);
    }
    if (!records.length) return;
    let text = '';
    for (const r of records) text += JSON.stringify(r) + '\n';
    const fd = openSync(o.partial, 'a');
    try {
      appendFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    o.count += records.length;
  }

  count(path: string) {
    return this.open.get(path)?.count ?? 0;
  }

  paths() {
    return [...this.open.keys()];
  }

  /** Nothing was pulled: the .partial files go, the outputs stay as they were. */
  abandon(): void {
    for (const o of this.open.values()) rmSync(o.partial, { force: true });
    this.open.clear();
  }

  /** Every .partial over its output. */
  finish(): void {
    for (const [path, o] of this.open) renameSync(o.partial, path);
    this.open.clear();
  }
}

/**
 * Incremental exports (Zendesk, ServiceNow, Jira) return an item again each time it changes: once the pull is done,
 * a work-item output keeps only the last version of each item (and of its review), read back line by line.
 */
async function keepLastVersions(path: string, key: (r: Record<string, unknown>) => string): Promise<number> {
  if (!existsSync(path)) return 0;
  const last = new Map<string, string>();
  let lines = 0;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    lines++;
    let k: string;
    try {
      k = key(JSON.parse(line) as Record<string, unknown>);
    } catch {
      k = `\u0000line ${lines}`;
    }
    last.delete(k);
    last.set(k, line);
  }
  const dropped = lines - last.size;
  if (dropped > 0) {
    let text = '';
    for (const l of last.values()) text += l + '\n';
    writeFileAtomic(path, text);
  }
  return dropped;
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

/** The file's text (UTF-8 or UTF-16), or null after saying on stderr why it could not be read. */
function readVendorFile(f: string, io: CliIO): string | null {
  try {
    return decodeText(readFileSync(f));
  } catch (e) {
    io.err(`pull: cannot read ${f} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
    return null;
  }
}

/** Null when the file can be opened for reading, else why not (said on stderr). */
function cannotOpen(f: string, io: CliIO): boolean {
  try {
    if (!statSync(f).isFile()) throw Object.assign(new Error('a folder, not a file'), { code: 'EISDIR' });
    closeSync(openSync(f, 'r'));
    return false;
  } catch (e) {
    io.err(`pull: cannot read ${f} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
    return true;
  }
}

type Kind = 'events' | 'work_items' | 'reviews' | 'invoices' | 'overheads';

/** Which record kind a source writes to --out (the others go beside it as OUT.<kind>.jsonl). */
function primaryKind(source: string, fromFiles: boolean, settings: Record<string, unknown>): Kind {
  if ((USAGE_FORMATS as readonly string[]).includes(source)) return 'events';
  if (['zendesk', 'jira', 'servicenow'].includes(source)) return 'work_items';
  if (source === 'openai' || source === 'anthropic') return settings.costsAs === 'invoices' ? 'invoices' : 'events';
  if (source === 'focus') return settings.as === 'overheads' ? 'overheads' : 'invoices';
  if (source === 'generic') return settings.kind === 'work_items' ? 'work_items' : 'events';
  return fromFiles ? 'events' : PULL_SOURCES[source]?.produces === 'work_items' ? 'work_items' : 'events';
}

const KIND_FIELDS: [Kind, keyof MapResult][] = [['events', 'events'], ['work_items', 'workItems'], ['invoices', 'invoices'], ['overheads', 'overheads']];

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
      let maxPages: number | undefined;
      try {
        if (!source || source.startsWith('-')) throw new UsageError(`pull: name the source first: pull SOURCE --out FILE.jsonl (sources: ${Object.keys(PULL_SOURCES).join(', ')})`);
        v = parseFlags('pull', rest, {
          out: { type: 'string' }, reviews: { type: 'string' }, rejected: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
          set: { type: 'string', multiple: true }, settings: { type: 'string' }, links: { type: 'string' }, cursor: { type: 'string' },
          'max-pages': { type: 'string' }, file: { type: 'string', multiple: true }, preview: { type: 'boolean' }, warnings: { type: 'string' },
        });
        if (v['max-pages'] !== undefined) {
          maxPages = numberFlag('pull', '--max-pages', v['max-pages'] as string, 0, (n) => Number.isInteger(n) && n >= 1 && n <= 1e9, 'a whole number of pages, at least 1');
        }
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
      const resume = !!v.cursor;
      const files = (v.file as string[] | undefined) ?? [];
      for (const f of files) if (cannotOpen(f, io)) return 1;
      const primary = primaryKind(source, files.length > 0, settings);
      const base = out.replace(/\.jsonl$/i, '');
      const pathOf = (kind: Kind) => (kind === 'reviews' ? ((v.reviews as string | undefined) ?? `${base}.reviews.jsonl`) : kind === primary ? out : `${base}.${kind}.jsonl`);
      const outputs = new JsonlOutputs(resume);
      try {
        outputs.write(out, []);
      } catch (e) {
        io.err(`pull: ${(e as Error).message}`);
        return 1;
      }
      const rejected: RejectedRow[] = [];
      let rejectedCount = 0;
      const warnings: RejectedRow[] = [];
      let warningCount = 0;
      const written: Record<Kind, number> = { events: 0, work_items: 0, reviews: 0, invoices: 0, overheads: 0 };
      /** Writes a batch of records to their outputs as they come (nothing is held until the end). */
      const take = (r: MapResult) => {
        for (const [kind, field] of KIND_FIELDS) {
          const recs = r[field] as unknown[];
          if (recs.length) {
            outputs.write(pathOf(kind), recs);
            written[kind] += recs.length;
          }
        }
        if (r.reviews.length) {
          outputs.write(pathOf('reviews'), r.reviews);
          written.reviews += r.reviews.length;
        }
        for (const x of r.rejected) {
          // Files add one "N more not listed" row (line 0) to a capped list; count it as what it says.
          if (x.line === 0 && / more rejected records not listed$/.test(x.reason)) continue;
          rejectedCount++;
          if (rejected.length < 10_000) rejected.push(x);
        }
        for (const w of r.warnings ?? []) {
          warningCount++;
          if (warnings.length < 10_000) warnings.push(w);
        }
      };

      let pull: PullResult | null = null;
      const accounts: RecordAccount[] = [];
      /** files that gave nothing to write: a pull of them fails (exit 1) after writing what the others gave */
      const empty: string[] = [];
      if (files.length) {
        for (const f of files) {
          const before = Object.values(written).reduce((a, b) => a + b, 0);
          let res: MapResult;
          try {
            res = await importSourceFile(source as VendorFormat, createReadStream(f), f, { links, options: settings, maxRejectedListed: 10_000, onBatch: take });
            take(res);
          } catch (e) {
            if (!(e instanceof WriteError)) throw e;
            io.err(`pull ${source}: ${e.message}`);
            return 1;
          }
          const a = res.accounts?.[0];
          if (a) accounts.push(a);
          if (Object.values(written).reduce((x, y) => x + y, 0) === before) {
            const why = a?.error ? a.error : a?.rejected ? `all ${fmt(a.rejected)} rows rejected` : res.skipped || a?.skipped ? `${fmt(res.skipped || a!.skipped)} records, none of them ${source} records to import` : 'nothing in it';
            empty.push(`${f} yielded no record (${why})`);
          }
        }
      } else {
        const fetchFn = deps.fetch ?? (globalThis.fetch as unknown as FetchLike);
        let total = 0;
        try {
          pull = await runPull(source, settings, deps.env ?? process.env, {
            fetch: fetchFn,
            cursor: (v.cursor as string | undefined) ?? null,
            sleep: deps.sleep,
            maxPages,
            links,
            log: (m) => io.err(`pull ${source}: ${m}`),
            onRecords: (r) => take(r),
            onPage: (p) => {
              total += p.records;
              io.err(
                `pull ${source}: page ${fmt(p.page)}: ${fmt(p.records)} records${p.rejected ? `, ${fmt(p.rejected)} rejected` : ''} (${fmt(total)} so far, in ${outputs.partialOf(out)})` +
                  (p.next !== null ? `; if stopped, resume with --cursor '${p.next}'` : ''),
              );
            },
          });
        } catch (e) {
          if (e instanceof WriteError) {
            io.err(`pull ${source}: ${e.message}; the pages written so far are in ${outputs.partialOf(out)}`);
            return 1;
          }
          const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
          io.err(`pull ${source}: ${issues ? issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ') : (e as Error).message}`);
          outputs.abandon();
          return 2;
        }
        // Invoice and overhead lines are summed over the whole pull, so they come at the end.
        take({ events: [], workItems: [], reviews: [], invoices: pull.invoices, overheads: pull.overheads, rejected: [], warnings: [], skipped: 0 });
      }
      const paths = outputs.paths();
      outputs.finish();
      // Work items repeated across pages or files: the last version wins.
      if (['zendesk', 'servicenow', 'jira'].includes(source) && written.work_items) {
        const dropped = await keepLastVersions(pathOf('work_items'), (r) => String(r.work_item_id));
        await keepLastVersions(pathOf('reviews'), (r) => (source === 'jira' ? JSON.stringify([r.work_item_id, r.reviewer_role, r.minutes, r.result, r.reviewed_at]) : String(r.work_item_id)));
        if (dropped) io.err(`pull ${source}: ${fmt(dropped)} earlier versions of work items replaced by their latest`);
      }
      for (const path of paths) {
        const kind = (Object.keys(written) as Kind[]).find((k) => pathOf(k) === path) ?? primary;
        if (path !== out && !written[kind]) continue;
        io.out(`Wrote ${fmt(written[kind])} ${kind.replace('_', ' ')} to ${path}`);
      }
      for (const a of accounts) {
        io.err(`pull ${source}: ${a.file}: ${fmt(a.records)} records: ${fmt(a.accepted)} accepted, ${fmt(a.skipped)} skipped, ${fmt(a.duplicates)} duplicates, ${fmt(a.rejected)} rejected${a.ok ? '' : ' — ROW ACCOUNTING DOES NOT BALANCE'}`);
        if (a.duplicate_columns?.length) io.err(`pull ${source}: ${a.file}: the header names ${a.duplicate_columns.join(', ')} more than once; rows whose values differ are rejected`);
      }
      const totalRejected = accounts.length ? accounts.reduce((n, a) => n + a.rejected, 0) : rejectedCount;
      if (totalRejected) {
        io.err(`pull ${source}: ${fmt(totalRejected)} records rejected${v.rejected ? ` (${rejected.length < totalRejected ? `the first ${fmt(rejected.length)}` : 'all'} in ${v.rejected})` : ''}; first:`);
        for (const r of rejected.slice(0, 10)) io.err(`  ${r.file}${r.line ? ` line ${r.line}` : ''}${r.column ? `, ${r.column}` : ''}: ${r.reason}${r.value ? ` (got ${clip(r.value, 120)})` : ''}`);
        if (v.rejected) writeFileAtomic(v.rejected as string, JSON.stringify(rejected, null, 2) + '\n');
      }
      if (warningCount) {
        io.err(`pull ${source}: ${fmt(warningCount)} consistency warnings (records kept as reported)${v.warnings ? ` (${warnings.length < warningCount ? `the first ${fmt(warnings.length)}` : 'all'} in ${v.warnings})` : ''}; first:`);
        for (const w of warnings.slice(0, 10)) io.err(`  ${w.file}${w.line ? ` line ${w.line}` : ''}${w.column ? `, ${w.column}` : ''}: ${w.reason}`);
      }
      if (v.warnings) writeFileAtomic(v.warnings as string, JSON.stringify(warnings, null, 2) + '\n');
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
