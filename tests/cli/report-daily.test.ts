// `report daily`: the morning report from the same inputs as `build`, on the sample organisation and on generated data
// with injected events; JSON in exactly the shape; Slack and Teams payloads posted to a local fake webhook
// (127.0.0.1, a random port) whose secret URL never appears in any output.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/cli/main';
import { makeReportCommand } from '../../src/cli/commands/report';
import { writeDailyDataset } from '../../bench/daily/write';
import type { InjectedEvent } from '../../bench/daily/generate';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, all: () => [...out, ...err].join('\n') };
}
const dir = mkdtempSync(join(tmpdir(), 'cli-daily-'));
const demo = join(dir, 'demo');
const gen = join(dir, 'generated');
const f = (d: string, n: string) => join(d, n);
const demoFlags = () => ['--usage', f(demo, 'usage.csv'), '--work-items', f(demo, 'work_items.csv'), '--reviews', f(demo, 'reviews.csv'), '--agents', f(demo, 'agents.csv'), '--rates', f(demo, 'rates.csv'), '--tool-prices', f(demo, 'tool_prices.csv'), '--overheads', f(demo, 'overheads.csv'), '--invoices', f(demo, 'invoices.csv'), '--prices', f(demo, 'prices.csv')];
const genFlags = () => ['--usage', f(gen, 'usage.csv'), '--work-items', f(gen, 'work_items.csv'), '--reviews', f(gen, 'reviews.csv'), '--agents', f(gen, 'agents.csv'), '--rates', f(gen, 'rates.csv'), '--overheads', f(gen, 'overheads.csv')];
const ALERT_KEYS = ['agent_id', 'metric', 'kind', 'severity', 'value', 'baseline', 'target', 'change_pct', 'since', 'message'];

// A fake incoming webhook: records every request; the path plays the secret token's part.
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}
let server: Server;
let base = '';
const received: Received[] = [];
const SECRET = 'T0AAAAAAA/B0BBBBBBB/s3cr3tToKeNxyz';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '';
      if (path.startsWith('/slow/')) return; // never answers
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = body;
      }
      received.push({ path, headers: req.headers, body: parsed });
      if (path.startsWith('/fail/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
      } else if (path.startsWith('/redirect/')) {
        res.writeHead(302, { location: `/services/${SECRET}` }).end();
      } else if (path.startsWith('/teams/')) {
        res.writeHead(202).end();
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const c = io();
  expect(await main(['demo', '--out-dir', demo, '--scale', '0.02', '--months', '2', '--seed', '5'], c.io)).toBe(0);
  // injected-event data: one agent with events per volume class, one clean; lower volumes than the bench (fast)
  writeDailyDataset(gen, { seed: 3, perClass: 2, days: 75, volumes: { high: [200, 260], mid: [90, 120], low: [12, 20] } });
}, 120_000);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('report daily', () => {
  test('the sample organisation: --from/--to backfill, one JSON entry per day in exactly the issue\'s shape', async () => {
    const out = f(dir, 'sample.json');
    const c = io();
    expect(await main(['report', 'daily', ...demoFlags(), '--from', '2026-10-01', '--to', '2026-10-07', '--json', out], c.io)).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(j)).toEqual(['days']);
    expect(j.days.map((d: { day: string }) => d.day)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    for (const d of j.days) {
      expect(Object.keys(d)).toEqual(['day', 'alerts', 'text']);
      expect(d.text).toMatch(new RegExp(`^AI labor morning report for \\w+day ${d.day}\\n`));
      for (const a of d.alerts) {
        expect(Object.keys(a)).toEqual(ALERT_KEYS);
        expect(['cost_per_outcome', 'cost', 'accuracy', 'review_rate', 'volume']).toContain(a.metric);
        expect(['drift', 'spike', 'shift', 'slo']).toContain(a.kind);
        expect(a.since <= d.day).toBe(true);
        expect(d.text).toContain(a.message);
      }
    }
    // the printed report is the JSON's text
    expect(c.out.join('\n')).toContain(j.days[6].text);
    // a day after the data is reported, and said to be empty
    const c2 = io();
    const out2 = f(dir, 'after.json');
    expect(await main(['report', 'daily', ...demoFlags(), '--day', '2026-11-03', '--json', out2], c2.io)).toBe(0);
    expect(JSON.parse(readFileSync(out2, 'utf8')).days[0]).toEqual({ day: '2026-11-03', alerts: [], text: 'AI labor morning report for Tuesday 2026-11-03\nNo data for 2026-11-03: the data ends on 2026-10-31. Nothing was judged.' });
  }, 60_000);

  test('injected-event data: every spike of 40% or more on a high- or mid-volume agent is reported on its day; clean agents stay quiet', async () => {
    const injected = JSON.parse(readFileSync(f(gen, 'injected.json'), 'utf8')) as { holidays: string[]; first_day: string; last_day: string; events: InjectedEvent[]; agents: { agent_id: string; volume: string; clean: boolean }[] };
    const out = f(dir, 'generated.json');
    const from = '2026-04-16'; // after the 45-day warm-up of a 2026-03-02 start
    const c = io();
    expect(await main(['report', 'daily', ...genFlags(), '--from', from, '--to', injected.last_day, '--holidays', injected.holidays.join(','), '--json', out], c.io)).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8')) as { days: { day: string; alerts: { agent_id: string; metric: string }[] }[] };
    const volume = new Map(injected.agents.map((a) => [a.agent_id, a.volume]));
    const spikes = injected.events.filter((e) => e.type === 'spike' && e.size >= 0.4 && volume.get(e.agent_id) !== 'low' && e.start >= from);
    expect(spikes.length).toBeGreaterThan(0);
    for (const e of spikes) {
      const day = j.days.find((d) => d.day === e.start)!;
      expect(day.alerts.filter((a) => a.agent_id === e.agent_id && (a.metric === 'cost_per_outcome' || a.metric === 'cost')).length).toBeGreaterThan(0);
    }
    const clean = injected.agents.filter((a) => a.clean).map((a) => a.agent_id);
    const cleanAlerts = j.days.flatMap((d) => d.alerts.filter((a) => clean.includes(a.agent_id)));
    // at most one false alert per clean agent per 30 days
    expect(cleanAlerts.length).toBeLessThanOrEqual(Math.ceil((clean.length * j.days.length) / 30));
  }, 60_000);

  test('Slack: one post per day to the webhook, Block Kit payload, and the secret URL is never printed or written', async () => {
    received.length = 0;
    const url = `${base}/services/${SECRET}`;
    const cmd = makeReportCommand({ env: { DAILY_HOOK: url } });
    const out = f(dir, 'slack.json');
    const c = io();
    expect(await cmd.run(['daily', ...demoFlags(), '--from', '2026-10-20', '--to', '2026-10-21', '--json', out, '--post', 'env:DAILY_HOOK', '--post-format', 'slack'], c.io)).toBe(0);
    expect(received.map((r) => r.path)).toEqual([`/services/${SECRET}`, `/services/${SECRET}`]);
    expect(received[0].headers['content-type']).toBe('application/json');
    const p = received[0].body as { text: string; blocks: { type: string; text: { text: string } }[] };
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'AI labor morning report for Tuesday 2026-10-20', emoji: true } });
    expect(p.text).toMatch(/^AI labor morning report for Tuesday 2026-10-20: /);
    const json = readFileSync(out, 'utf8');
    for (const text of [c.all(), json]) {
      expect(text).not.toContain('s3cr3tToKeN');
      expect(text).not.toContain('/services/');
    }
    expect(c.err.join('\n')).toContain(`posted 2026-10-20 to the Slack webhook at 127.0.0.1:`);
  }, 60_000);

  test('Teams: an Adaptive Card message; the URL may come from AILABOR_WEBHOOK_URL without --post', async () => {
    received.length = 0;
    const cmd = makeReportCommand({ env: { AILABOR_WEBHOOK_URL: `${base}/teams/${SECRET}` } });
    const c = io();
    expect(await cmd.run(['daily', ...demoFlags(), '--day', '2026-10-20', '--post-format', 'teams'], c.io)).toBe(0);
    expect(received).toHaveLength(1);
    const m = received[0].body as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { text: string }[] } }[] };
    expect(m.type).toBe('message');
    expect(m.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(m.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(m.attachments[0].content.body[0].text).toBe('AI labor morning report for Tuesday 2026-10-20');
    expect(c.all()).not.toContain(SECRET);
  }, 60_000);

  test('a webhook that fails, redirects or stalls: the report is still produced (JSON written), exit 4, no secret in the message', async () => {
    for (const [path, expected] of [
      ['fail', /posting 2026-10-20 to the Slack webhook at 127\.0\.0\.1:\d+ failed: HTTP 404: no_service/],
      ['redirect', /posting 2026-10-20 to the Slack webhook at 127\.0\.0\.1:\d+ failed: /],
      ['slow', /posting 2026-10-20 to the Slack webhook at 127\.0\.0\.1:\d+ failed: no answer in 1 s/],
    ] as const) {
      received.length = 0;
      const cmd = makeReportCommand({ env: { HOOK: `${base}/${path}/${SECRET}` }, timeoutMs: 1000 });
      const out = f(dir, `${path}.json`);
      const c = io();
      expect(await cmd.run(['daily', ...demoFlags(), '--day', '2026-10-20', '--json', out, '--post', 'env:HOOK', '--post-format', 'slack'], c.io)).toBe(4);
      expect(JSON.parse(readFileSync(out, 'utf8')).days).toHaveLength(1);
      expect(c.err.join('\n')).toMatch(expected);
      expect(c.all()).not.toContain('s3cr3tToKeN');
      // a redirect is not followed to wherever it points
      if (path === 'redirect') expect(received.map((r) => r.path)).toEqual([`/redirect/${SECRET}`]);
    }
  }, 60_000);

  test('an input file that cannot be read: the report is still produced (exit 0) and every day says it is incomplete', async () => {
    writeFileSync(f(dir, 'broken.csv'), 'id,when\n1,2\n');
    const c = io();
    const out = f(dir, 'incomplete.json');
    expect(await main(['report', 'daily', ...demoFlags(), '--usage', f(dir, 'broken.csv'), '--from', '2026-10-20', '--to', '2026-10-21', '--json', out], c.io)).toBe(0);
    for (const d of JSON.parse(readFileSync(out, 'utf8')).days) expect(d.text.split('\n')[1]).toMatch(/^INCOMPLETE: .*broken\.csv could not be read \(missing the whole file\); the figures cover only what was read\.$/);
  }, 60_000);

  test('bad flags and settings are refused before anything is read, naming what was expected', async () => {
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const c = io();
      const code = await makeReportCommand({ env }).run(args, c.io);
      return { code, err: c.err.join('\n') };
    };
    expect(await run(['weekly'])).toEqual({ code: 2, err: 'report: unknown report "weekly"; expected "daily"' });
    expect(await run(['daily', ...demoFlags(), '--day', '2026-13-01'])).toEqual({ code: 2, err: 'report daily: --day "2026-13-01" is not a day; expected YYYY-MM-DD such as 2026-10-06' });
    expect(await run(['daily', ...demoFlags(), '--from', '2026-10-09', '--to', '2026-10-01'])).toEqual({ code: 2, err: 'report daily: --from 2026-10-09 is after --to 2026-10-01' });
    expect(await run(['daily', ...demoFlags(), '--post', 'env:NOPE'])).toEqual({ code: 2, err: 'report daily: --post env:NOPE: the environment variable NOPE is not set' });
    expect((await run(['daily', ...demoFlags(), '--post', 'env:H'], { H: 'http://hooks.example.com/x' })).err).toBe('report daily: --post: the webhook URL must be https:// (http:// only to this machine, for tests)');
    expect((await run(['daily', ...demoFlags(), '--post', 'env:H'], { H: 'https://hooks.example.com/x' })).err).toBe('report daily: --post: cannot tell Slack from Teams by the host hooks.example.com; add --post-format slack or teams');
    expect((await run(['daily', ...demoFlags(), '--window-days', '30'])).err).toBe('report daily: --window-days "30": expected a whole number of days from 1 to 14');
    expect((await run(['daily', ...demoFlags(), '--holidays', '2026-12-25,xmas'])).err).toBe('report daily: --holidays: "xmas" is not a day; expected YYYY-MM-DD,YYYY-MM-DD');
    expect((await run(['daily', '--work-items', 'x.csv'])).err).toBe('report daily: --usage FILE is required (usage events, CSV or JSONL), or --config MONTH-END.json');
  });

  test('--config: the month-end config\'s inputs, its "daily" section (JSON path, holidays, post), flags over it', async () => {
    received.length = 0;
    const cfg = f(dir, 'month-end.json');
    const config = {
      period: '2026-10',
      inputs: { usage: [f(demo, 'usage.csv')], work_items: [f(demo, 'work_items.csv')], reviews: [f(demo, 'reviews.csv')], agents: f(demo, 'agents.csv'), rates: f(demo, 'rates.csv'), tool_prices: f(demo, 'tool_prices.csv'), overheads: f(demo, 'overheads.csv'), invoices: f(demo, 'invoices.csv'), prices: f(demo, 'prices.csv') },
      daily: { json: f(dir, 'from-config.json'), post: 'env:CFG_HOOK', post_format: 'slack', holidays: ['2026-10-12'], window_days: 4 },
    };
    writeFileSync(cfg, JSON.stringify(config));
    const c = io();
    expect(await makeReportCommand({ env: { CFG_HOOK: `${base}/services/${SECRET}` } }).run(['daily', '--config', cfg, '--day', '2026-10-20'], c.io)).toBe(0);
    expect(JSON.parse(readFileSync(f(dir, 'from-config.json'), 'utf8')).days[0].day).toBe('2026-10-20');
    expect(received).toHaveLength(1);
    // a mistake in the section is named by its JSON path
    writeFileSync(cfg, JSON.stringify({ ...config, daily: { ...config.daily, window_days: 40, webhook: 'x' } }));
    const c2 = io();
    expect(await makeReportCommand({ env: {} }).run(['daily', '--config', cfg], c2.io)).toBe(2);
    expect(c2.err.join('\n')).toMatch(/^report daily: .*month-end\.json: daily\.window_days: .*; daily\.: Unrecognized key: "webhook"$/);
  }, 60_000);
});
