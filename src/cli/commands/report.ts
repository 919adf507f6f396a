// `report daily`: the morning report (playbook Step 4). The same inputs as `build` (input flags or --config), the
// ledger built with a daily observer, every agent judged on each day asked, the report printed, written as JSON and
// optionally posted to a Slack or Microsoft Teams incoming webhook. The webhook URL is a secret: it comes from the
// flag, the config or an environment variable and is never printed, logged or written.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_DAILY_SETTINGS,
  DailyCollector,
  dailyReport,
  isDay,
  reportDays,
  webhookFormatOf,
  webhookPayload,
  type DailySettings,
  type WebhookFormat,
} from '../../core/daily';
import { loadMonthEndConfigFile } from '../../sources/config-node';
import { readParquetTable } from '../../engines/duckdb';
import { rejectedText } from './read-files';
import type { LoadedConfig } from '../../sources/config';
import type { FetchLike } from '../../sources/common/http';

/** What posting needs of fetch (the global one in Node 20, a fake in tests). */
export type PostFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'error' },
) => Promise<{ status: number; text(): Promise<string> }>;
import { XlsxHost } from '../../hosts/xlsx';
import { readBudgetDrivers } from '../../workbook';
import type { CliIO, Command } from './index';
import { UsageError, fmt, numberFlag, parseFlags } from './args';
import { buildFromConfig, buildFromFiles, partialNote, type BuildOutcome } from './build';

const INPUT_FLAGS = ['usage', 'work-items', 'reviews', 'agents', 'rates', 'tool-prices', 'overheads', 'invoices', 'prices', 'workbook'];
export const WEBHOOK_ENV = 'AILABOR_WEBHOOK_URL';

/** The optional "daily" section of a month-end config (the rest of the file is build's). */
export const dailyConfigSchema = z
  .object({
    /** a webhook URL, or env:NAME to read it from the environment variable NAME */
    post: z.string().min(1).optional(),
    post_format: z.enum(['slack', 'teams']).optional(),
    json: z.string().min(1).optional(),
    holidays: z.array(z.string().refine(isDay, { message: 'expected a day YYYY-MM-DD' })).optional(),
    window_days: z.number().int().min(1).max(14).optional(),
    baseline_days: z.number().int().min(14).max(120).optional(),
    min_change_pct: z.number().min(0).max(10).optional(),
    drift_pct: z.number().min(0).max(10).optional(),
  })
  .strict();
export type DailyConfig = z.output<typeof dailyConfigSchema>;

const usage = `Usage: ai-labor-ledger report daily --usage F... --work-items F... [--reviews F...] [--agents F] [--rates F]
         [--tool-prices F] [--overheads F] [--invoices F] [--prices F] [--workbook IN.xlsx]
         [--day YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--json OUT.json] [--post URL|env:NAME]
         [--post-format slack|teams] [--holidays D1,D2,...] [--window-days N] [--baseline-days N]
         [--min-change-pct P] [--drift-pct P]
       ai-labor-ledger report daily --config MONTH-END.json [--day ... | --from ... --to ...] [--json ...] [--post ...]

The morning report: every agent judged on the day (default yesterday, UTC) or on each day from --from to --to
(backfill): cost per outcome more than --drift-pct (default the Budget Drivers' 5%) above target over the last
--window-days days (3); spikes and level shifts against the agent's own weekday-aware normal of the --baseline-days
(35) before, in cost per outcome (at least --min-change-pct, 5%), review rate, accuracy and volume; accuracy under and
review rate over their SLOs — each with confidence from its counts. Each alert says what moved, by how much, against
what, since when and the likely driver. Per agent, the Agents columns alert_drift_pct, alert_min_change_pct and
alert_window_days override the defaults; --workbook also reads the Budget Drivers' daily_* values.

  --json OUT.json       {"days": [{"day", "alerts": [{"agent_id", "metric", "kind", "severity", "value", "baseline",
                        "target", "change_pct", "since", "message"}], "text"}]}, one entry per day even without alerts
  --post URL|env:NAME   post each day's report to a Slack or Microsoft Teams incoming webhook. Prefer env:NAME (the
                        URL is a secret; a flag shows in the shell history). Without --post, the config's daily.post
                        or the ${WEBHOOK_ENV} environment variable (when set) is used. The URL is never printed.
  --post-format F       slack or teams, when the URL's host does not say (hooks.slack.com, webhook.office.com,
                        *.logic.azure.com, api.powerautomate.com, api.powerplatform.com do)
  --holidays D1,D2      organisation days off, judged like weekend days

A --config file may hold a "daily" section: {"post": "env:NAME", "post_format", "json", "holidays", "window_days",
"baseline_days", "min_change_pct", "drift_pct"}; flags override it. The report needs the --baseline-days before the
first day reported on in its inputs, or it says "not enough history" and checks only targets and SLOs.
Exit codes: 0 the report was produced (whatever it found); 1 no usage event could be read; 2 bad flags or config;
4 the report was produced and written but posting it failed.`;

export interface ReportCommandDeps {
  /** API sources of a --config */
  fetch?: FetchLike;
  /** posting to the webhook */
  post?: PostFetch;
  env?: Record<string, string | undefined>;
  /** today's UTC day, for the default --day (yesterday) */
  today?: () => string;
  /** per-post timeout */
  timeoutMs?: number;
}

/** Text of an error with the secret URL (and its path, which holds the token) taken out. */
function redact(text: string, url: string): string {
  let out = text.split(url).join('[webhook URL]');
  try {
    const u = new URL(url);
    for (const part of [u.pathname + u.search, u.pathname, u.search].filter((p) => p.length > 1)) out = out.split(part).join('[…]');
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'the webhook';
  }
};

export function makeReportCommand(deps: ReportCommandDeps = {}): Command {
  return {
    name: 'report',
    summary: 'report daily: the morning report (daily alerts on cost per outcome, review rate, accuracy, volume) as text, JSON or a Slack/Teams post',
    usage,
    async run(argv: string[], io: CliIO) {
      const [sub, ...rest] = argv;
      if (sub !== 'daily') {
        io.err(sub ? `report: unknown report "${sub}"; expected "daily"` : 'report: which report? expected "report daily"');
        return 2;
      }
      let v: Record<string, string | string[] | boolean | undefined>;
      let daily: DailyConfig = {};
      const env = deps.env ?? process.env;
      try {
        v = parseFlags('report daily', rest, {
          usage: { type: 'string', multiple: true },
          'work-items': { type: 'string', multiple: true },
          reviews: { type: 'string', multiple: true },
          agents: { type: 'string' }, rates: { type: 'string' }, 'tool-prices': { type: 'string' }, overheads: { type: 'string' },
          invoices: { type: 'string' }, prices: { type: 'string' }, workbook: { type: 'string' }, config: { type: 'string' },
          day: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'string' }, post: { type: 'string' },
          'post-format': { type: 'string' }, holidays: { type: 'string' }, 'window-days': { type: 'string' }, 'baseline-days': { type: 'string' },
          'min-change-pct': { type: 'string' }, 'drift-pct': { type: 'string' },
        });
        if (v.config) {
          const mixed = INPUT_FLAGS.filter((f) => v[f] !== undefined);
          if (mixed.length) throw new UsageError(`report daily: --config names every input; remove ${mixed.map((f) => `--${f}`).join(', ')}`);
          daily = readDailySection(v.config as string);
        } else {
          if (!(v.usage as string[] | undefined)?.length) throw new UsageError('report daily: --usage FILE is required (usage events, CSV or JSONL), or --config MONTH-END.json');
          if (!(v['work-items'] as string[] | undefined)?.length) throw new UsageError('report daily: --work-items FILE is required');
        }
        for (const f of ['day', 'from', 'to'] as const) {
          const d = v[f] as string | undefined;
          if (d !== undefined && !isDay(d)) throw new UsageError(`report daily: --${f} "${d}" is not a day; expected YYYY-MM-DD such as 2026-10-06`);
        }
        if (v.day && (v.from || v.to)) throw new UsageError('report daily: give --day or --from/--to, not both');
        if (v.from && v.to && (v.from as string) > (v.to as string)) throw new UsageError(`report daily: --from ${v.from} is after --to ${v.to}`);
        if (v['post-format'] !== undefined && !['slack', 'teams'].includes(v['post-format'] as string)) throw new UsageError(`report daily: --post-format "${v['post-format']}": expected slack or teams`);
        if (v.holidays !== undefined) {
          const bad = (v.holidays as string).split(',').map((d) => d.trim()).filter((d) => d && !isDay(d));
          if (bad.length) throw new UsageError(`report daily: --holidays: "${bad[0]}" is not a day; expected YYYY-MM-DD,YYYY-MM-DD`);
        }
      } catch (e) {
        io.err((e as Error).message);
        return 2;
      }
      const days = reportDays({ day: v.day as string | undefined, from: v.from as string | undefined, to: v.to as string | undefined, today: deps.today?.() });
      if (days.length > 366) {
        io.err(`report daily: ${days.length} days asked; at most 366 at a time`);
        return 2;
      }

      // Where to post: the flag, else the config, else the environment variable when set. Resolved now, so a
      // missing variable is a usage error before any input is read.
      let post: { url: string; format: WebhookFormat } | null = null;
      try {
        const target = (v.post as string | undefined) ?? daily.post ?? (env[WEBHOOK_ENV] ? `env:${WEBHOOK_ENV}` : undefined);
        if (target) {
          let url = target;
          if (target.startsWith('env:')) {
            const name = target.slice(4);
            url = env[name] ?? '';
            if (!url) throw new UsageError(`report daily: --post env:${name}: the environment variable ${name} is not set`);
          }
          let parsed: URL;
          try {
            parsed = new URL(url);
          } catch {
            throw new UsageError(`report daily: --post: not a URL${target.startsWith('env:') ? ` (in ${target.slice(4)})` : ''}; expected an https:// incoming-webhook URL`);
          }
          if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname))) {
            throw new UsageError('report daily: --post: the webhook URL must be https:// (http:// only to this machine, for tests)');
          }
          const format = ((v['post-format'] as WebhookFormat | undefined) ?? daily.post_format ?? webhookFormatOf(url)) as WebhookFormat | null;
          if (!format) throw new UsageError(`report daily: --post: cannot tell Slack from Teams by the host ${parsed.host}; add --post-format slack or teams`);
          post = { url, format };
        }
      } catch (e) {
        io.err((e as Error).message);
        return 2;
      }

      let settings: DailySettings;
      try {
        settings = await resolveSettings(v, daily, io);
      } catch (e) {
        io.err((e as Error).message);
        return 2;
      }

      const t0 = Date.now();
      const collector = new DailyCollector();
      const period = days[days.length - 1].slice(0, 7);
      let outcome: BuildOutcome;
      if (v.config) {
        let loaded: LoadedConfig;
        try {
          loaded = await loadMonthEndConfigFile(v.config as string, { fetch: deps.fetch ?? (globalThis.fetch as unknown as FetchLike), env, log: (m) => io.err(`report daily: ${m}`), readTable: readParquetTable });
        } catch (e) {
          io.err(`report daily: ${(e as Error).message}`);
          return 2;
        }
        outcome = buildFromConfig(loaded, period, { observer: collector });
      } else {
        outcome = await buildFromFiles(
          {
            usage: v.usage as string[], workItems: v['work-items'] as string[], reviews: (v.reviews as string[] | undefined) ?? [],
            agents: v.agents as string | undefined, rates: v.rates as string | undefined, toolPrices: v['tool-prices'] as string | undefined,
            overheads: v.overheads as string | undefined, invoices: v.invoices as string | undefined, prices: v.prices as string | undefined,
            workbook: v.workbook as string | undefined,
          },
          period,
          io,
          { observer: collector },
        );
        for (const r of outcome.reports) {
          if (r.fatal) io.err(r.fatal);
          else if (r.rejectedCount || r.conflicts) io.err(`${r.file}: ${fmt(r.rejectedCount)} of ${fmt(r.read)} rows rejected${r.conflicts ? ` (${fmt(r.conflicts)} conflicting duplicates)` : ''}`);
        }
      }
      if (!outcome.usable) {
        io.err('report daily: no usage event could be read; no report.');
        for (const r of outcome.rejected.slice(0, 10)) io.err(`  ${rejectedText(r)}`);
        return 1;
      }
      const series = collector.series(outcome.result);
      // Agents as configured (their alert_* columns and SLOs), then the ledger's placeholders for unknown ids.
      const configured = new Map(outcome.ctx.agents.map((a) => [a.agent_id, a]));
      const agents = outcome.result.agents.map((a) => configured.get(a.agent_id) ?? a);
      const { report } = dailyReport(series, agents, days, { settings });
      // A source that failed or stopped early: every day's report says so (exit 0 still: the report was produced).
      const note = partialNote(outcome);
      if (note) {
        const line = `INCOMPLETE: ${note.replace(/^PARTIAL: /, '')}.`;
        for (const d of report.days) d.text = d.text.replace(/\n/, `\n${line}\n`);
        io.err(`report daily: ${note}`);
      }
      for (const d of report.days) io.out(`${d.text}\n`);
      if (series.last_data_day && days.some((d) => d > series.last_data_day!)) io.err(`report daily: the data ends on ${series.last_data_day}; later days are reported as "no data"`);
      const jsonPath = (v.json as string | undefined) ?? daily.json;
      if (jsonPath) {
        mkdirSync(dirname(jsonPath), { recursive: true });
        writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
        const n = report.days.reduce((a, d) => a + d.alerts.length, 0);
        io.err(`report daily: wrote ${jsonPath}: ${report.days.length} day${report.days.length === 1 ? '' : 's'}, ${n} alert${n === 1 ? '' : 's'}`);
      }
      let failed = 0;
      if (post) {
        const doFetch = deps.post ?? (globalThis.fetch as unknown as PostFetch);
        for (const d of report.days) {
          const where = `the ${post.format === 'slack' ? 'Slack' : 'Teams'} webhook at ${hostOf(post.url)}`;
          try {
            const ctl = new AbortController();
            const timer = setTimeout(() => ctl.abort(), deps.timeoutMs ?? 15_000);
            let res;
            try {
              // A webhook that redirects is refused (the report would follow it to another host).
              res = await doFetch(post.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(webhookPayload(post.format, d)), signal: ctl.signal, redirect: 'error' });
            } finally {
              clearTimeout(timer);
            }
            if (res.status < 200 || res.status > 299) {
              const body = (await res.text().catch(() => '')).slice(0, 200);
              throw new Error(`HTTP ${res.status}${body ? `: ${body}` : ''}`);
            }
            io.err(`report daily: posted ${d.day} to ${where}`);
          } catch (e) {
            failed++;
            const msg = (e as Error).name === 'AbortError' ? `no answer in ${((deps.timeoutMs ?? 15_000) / 1000).toFixed(0)} s` : (e as Error).message;
            io.err(`report daily: posting ${d.day} to ${where} failed: ${redact(msg, post.url)}`);
          }
        }
      }
      io.err(`report daily: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return failed ? 4 : 0;
    },
  };
}

/** The config file's "daily" section (the rest is read by the month-end loader). */
function readDailySection(path: string): DailyConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {}; // the loader reports unreadable or invalid files with their reason
  }
  const section = (json as { daily?: unknown } | null)?.daily;
  if (section === undefined) return {};
  const r = dailyConfigSchema.safeParse(section);
  if (!r.success) throw new UsageError(`report daily: ${path}: ${r.error.issues.map((i) => `daily.${i.path.join('.') || ''}: ${i.message}`).join('; ')}`);
  return r.data;
}

async function resolveSettings(v: Record<string, unknown>, daily: DailyConfig, io: CliIO): Promise<DailySettings> {
  const s: DailySettings = { ...DEFAULT_DAILY_SETTINGS };
  // An edited workbook's Budget Drivers: the monthly alert threshold doubles as the drift threshold.
  if (v.workbook) {
    try {
      const host = await XlsxHost.open(v.workbook as string);
      if ((await host.listSheets()).includes('Budget Drivers')) {
        const d = readBudgetDrivers(await host.readSheet('Budget Drivers'));
        s.drift_pct = d.drivers.slo_alert_pct;
        s.window_days = d.drivers.daily_window_days;
        s.baseline_days = d.drivers.daily_baseline_days;
        s.min_change_pct = d.drivers.daily_min_change_pct;
        for (const e of d.errors.slice(0, 5)) io.err(`report daily: ${v.workbook}: Budget Drivers: ${e.message}${e.cell ? ` (${e.cell})` : ''}; default used`);
      }
    } catch {
      // an unreadable workbook is reported by the build
    }
  }
  if (daily.window_days !== undefined) s.window_days = daily.window_days;
  if (daily.baseline_days !== undefined) s.baseline_days = daily.baseline_days;
  if (daily.min_change_pct !== undefined) s.min_change_pct = daily.min_change_pct;
  if (daily.drift_pct !== undefined) s.drift_pct = daily.drift_pct;
  if (daily.holidays) s.holidays = daily.holidays;
  const n = (flag: string, def: number, check: (x: number) => boolean, expected: string) => numberFlag('report daily', `--${flag}`, v[flag] as string | undefined, def, check, expected);
  s.window_days = n('window-days', s.window_days, (x) => Number.isInteger(x) && x >= 1 && x <= 14, 'a whole number of days from 1 to 14');
  s.baseline_days = n('baseline-days', s.baseline_days, (x) => Number.isInteger(x) && x >= 14 && x <= 120, 'a whole number of days from 14 to 120');
  s.min_change_pct = pctFlag(v['min-change-pct'] as string | undefined, s.min_change_pct, '--min-change-pct');
  s.drift_pct = pctFlag(v['drift-pct'] as string | undefined, s.drift_pct, '--drift-pct');
  if (v.holidays !== undefined) s.holidays = (v.holidays as string).split(',').map((d) => d.trim()).filter(Boolean);
  return s;
}

/** "5%", "5" (percent) or "0.05" (a fraction below 1). */
function pctFlag(raw: string | undefined, def: number, flag: string): number {
  if (raw === undefined) return def;
  const t = raw.trim();
  const pct = t.endsWith('%');
  const x = Number(pct ? t.slice(0, -1) : t);
  if (t === '' || !Number.isFinite(x) || x < 0) throw new UsageError(`report daily: ${flag} "${raw}": expected a percentage such as 5% (or 0.05)`);
  return pct || x >= 1 ? x / 100 : x;
}

export const reportCommand = makeReportCommand();
