// The ClickHouse engine reading Langfuse's and Helicone's own tables in place (src/sources/clickhouse): the tables are
// created with the vendors' schemas (Langfuse packages/shared/clickhouse/migrations/unclustered/0001_traces and
// 0002_observations; Helicone clickhouse/migrations/20200101000041 + schema_43, schema_44, schema_52 — indexes, codecs
// and body TTLs left out) on chDB and filled with the rows of our vendor fixtures (tests/fixtures/sources/*/SOURCE.md).
// The events the SQL mapping reads must be the file/API mapper's events, link rules included, and the ledgers equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLedger, type LedgerContext } from '../../src/core/ledger';
import { periodOf } from '../../src/core/ledger/period';
import { inputs } from '../../src/core/ledger/fixtures';
import type { UsageEvent } from '../../src/core/model/records';
import { openChdb } from '../../src/engines/clickhouse';
import type { SqlConnection } from '../../src/engines/connection';
import { buildLedgerSql } from '../../src/engines/ledger/engine';
import { clickhouseTableSchema, tableUsage, type TableConnection } from '../../src/sources/clickhouse';
import { langfuseDrafts } from '../../src/sources/langfuse';
import { heliconeDrafts } from '../../src/sources/helicone';
import { finalizeUsage } from '../../src/sources/common/usage';
import { parseLinkRules, type LinkRules } from '../../src/sources/links';
import { expectAgree } from './harness';
import { HELICONE_DDL, LANGFUSE_DDL } from './vendor-tables';

const fixture = (vendor: string, name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sources', vendor, name), 'utf8'));
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const map = (o: Record<string, unknown> | undefined, value: (v: unknown) => string) => `map(${Object.entries(o ?? {}).flatMap(([k, v]) => [q(k), value(v)]).join(', ')})`;

let conn: SqlConnection;
beforeAll(async () => {
  conn = await openChdb();
});
afterAll(async () => {
  await conn.close();
});

/** The canonical events the SQL mapping reads, as the fields the file/API mappers produce. */
async function mappedEvents(rel: string) {
  const rows = await conn.query(`SELECT * FROM ${rel} AS r WHERE ok = 1 ORDER BY event_id`);
  return rows.map((r) => ({
    event_id: r.event_id, period: r.period, agent_id: r.agent, work_item_id: r.wid, provider: r.provider, model: r.model, kind: r.kind, status: r.status,
    cost_usd: r.cost, input_tokens: r.it, cached_input_tokens: r.ci, cache_write_tokens: r.cw, output_tokens: r.ot, reasoning_tokens: r.rt,
    audio_input_tokens: r.ai, audio_output_tokens: r.ao,
  }));
}
const asMapped = (events: UsageEvent[]) =>
  [...events].sort((a, b) => (a.event_id < b.event_id ? -1 : 1)).map((e) => ({
    event_id: e.event_id, period: periodOf(e.timestamp), agent_id: e.agent_id || 'Unassigned', work_item_id: e.work_item_id, provider: e.provider, model: e.model,
    kind: e.kind, status: e.status, cost_usd: e.cost_usd, input_tokens: e.input_tokens, cached_input_tokens: e.cached_input_tokens, cache_write_tokens: e.cache_write_tokens,
    output_tokens: e.output_tokens, reasoning_tokens: e.reasoning_tokens, audio_input_tokens: e.audio_input_tokens, audio_output_tokens: e.audio_output_tokens,
  }));

async function agreeOnLedger(events: UsageEvent[], table: ReturnType<typeof clickhouseTableSchema.parse>, links: LinkRules, window: { from: string; to: string }) {
  const ctx: LedgerContext = { agents: [], rates: [], toolPrices: [], overheads: [], invoices: [{ period: window.from.slice(0, 7), provider: 'openai', billed_usd: 0.5 }], prices: [] };
  const js = buildLedger(inputs({ ...ctx, events }));
  const sql = await buildLedgerSql(conn, ctx, { typedUsage: (c) => tableUsage(c as unknown as TableConnection, table, links, window) }, { rows: true });
  expectAgree(js, sql, `${table.format} table`);
}

test('Langfuse observations (FINAL, deleted rows left out, spans skipped) with their traces: the API mapper\'s events and ledger', async () => {
  for (const ddl of LANGFUSE_DDL) await conn.exec(ddl);
  // (a record whose startTime is not a timestamp cannot be a row of the table: its DateTime64 column refuses it)
  const obs = (fixture('langfuse', 'observations.json').data as Record<string, unknown>[]).filter((o) => !Number.isNaN(Date.parse(String(o.startTime))));
  const links = parseLinkRules(fixture('langfuse', 'links.json'));
  const traces = new Map<string, Record<string, unknown>>();
  // the API gives each observation its trace's session, user and tags; a trace row holds them once
  for (const o of obs) if (o.traceId && !traces.has(String(o.traceId))) traces.set(String(o.traceId), { session: o.sessionId ?? null, user: o.userId ?? null, tags: o.tags ?? [] });
  for (const [id, t] of traces) {
    await conn.exec(`INSERT INTO traces (id, timestamp, name, user_id, metadata, project_id, public, bookmarked, tags, session_id, event_ts, is_deleted) VALUES
      (${q(id)}, '2026-10-03 00:00:00', 't', ${t.user === null ? 'NULL' : q(String(t.user))}, map(), 'p1', false, false, [${(t.tags as string[]).map(q).join(', ')}]::Array(String),
       ${t.session === null ? 'NULL' : q(String(t.session))}, '2026-10-05 00:00:00', 0)`);
  }
  const row = (o: Record<string, unknown>, eventTs: string, deleted = 0, usage = o.usageDetails as Record<string, unknown> | undefined) =>
    `(${q(String(o.id))}, ${q(String(o.traceId ?? ''))}, 'p1', ${q(String(o.type ?? ''))}, parseDateTime64BestEffort(${q(String(o.startTime))}, 3, 'UTC'), ${q(String(o.name ?? ''))},
      ${map(o.metadata as Record<string, unknown>, (v) => q(String(v)))}, ${q(String(o.level ?? 'DEFAULT'))}, ${o.model ? q(String(o.model)) : 'NULL'},
      ${map(usage, (v) => String(v))}, ${map(o.costDetails as Record<string, unknown>, (v) => `toDecimal64(${q(String(v))}, 12)`)},
      ${o.totalCost === undefined ? 'NULL' : `toDecimal64(${q(String(o.totalCost))}, 12)`}, ${q(eventTs)}, ${deleted})`;
  const cols = '(id, trace_id, project_id, type, start_time, name, metadata, level, provided_model_name, usage_details, cost_details, total_cost, event_ts, is_deleted)';
  await conn.exec(`INSERT INTO observations ${cols} VALUES ${obs.map((o) => row(o, '2026-10-05 00:00:00')).join(', ')}`);
  // an earlier version of obs-1 (FINAL keeps the latest) and a deleted observation
  await conn.exec(`INSERT INTO observations ${cols} VALUES ${row(obs[0], '2026-10-04 00:00:00', 0, { input: 1, output: 1 })}, ${row({ ...obs[0], id: 'obs-gone' }, '2026-10-05 00:00:00', 1)}`);

  const table = clickhouseTableSchema.parse({ format: 'langfuse', table: 'observations' });
  const window = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
  const rel = await tableUsage(conn as unknown as TableConnection, table, links, window);
  const js = finalizeUsage(langfuseDrafts(obs.map((value, i) => ({ value, line: i + 1 })), 'observations.json'), links, 'langfuse');
  expect(js.events.length).toBe(4);
  expect(await mappedEvents(rel)).toEqual(asMapped(js.events));
  await agreeOnLedger(js.events, table, links, window);

  // a count past the documented range (1e11 tokens): the mapper rejects it (usageEventSchema), so the table mapping does
  const gen = obs.find((o) => o.type === 'GENERATION' && o.usageDetails)!;
  const huge = { ...gen, id: 'obs-huge', usageDetails: { input: 200000000000, output: 1 } };
  await conn.exec(`INSERT INTO observations ${cols} VALUES ${row(huge, '2026-10-05 00:00:00')}`);
  const js2 = finalizeUsage(langfuseDrafts([...obs, huge].map((value, i) => ({ value, line: i + 1 })), 'observations.json'), links, 'langfuse');
  expect(js2.rejected.map((r) => r.column)).toEqual(['usageDetails.input']);
  const rel2 = await tableUsage(conn as unknown as TableConnection, table, links, window);
  expect(await conn.query(`SELECT event_id, why FROM ${rel2} AS r WHERE ok = 0`)).toEqual([{ event_id: 'obs-huge', why: 'range' }]);
  expect(await mappedEvents(rel2)).toEqual(asMapped(js2.events));
});

test('Helicone request_response_rmt (cost in nano-USD, properties as link fields, cache and audio tokens): the mapper\'s events and ledger', async () => {
  await conn.exec(HELICONE_DDL);
  const published = fixture('helicone', 'published-clickhouse-rows.json') as Record<string, unknown>[];
  const links = parseLinkRules(fixture('helicone', 'links.json'));
  // the published rows, with custom properties, cache and audio tokens on some (as Helicone's proxy records them)
  const uuid = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
  const rows: Record<string, unknown>[] = published.map((r, i) => ({
    ...r,
    // the table's ids are UUIDs; the published test rows use readable ids
    request_id: /^[0-9a-f-]{36}$/.test(String(r.request_id)) ? r.request_id : uuid(i),
    response_id: /^[0-9a-f-]{36}$/.test(String(r.response_id)) ? r.response_id : uuid(100 + i),
    status: r.response_status,
    user_id: r.request_user_id ?? '',
    properties: i % 2 ? { 'Helicone-Property-Ticket': `T-${100 + i}`, agent: 'csr-agent' } : {},
    prompt_cache_read_tokens: i === 1 ? 7 : 0,
    prompt_cache_write_tokens: i === 2 ? 3 : 0,
    prompt_audio_tokens: i === 3 ? 5 : 0,
    completion_audio_tokens: i === 3 ? 2 : 0,
  }));
  for (const r of rows) {
    await conn.exec(`INSERT INTO request_response_rmt (response_id, status, completion_tokens, completion_audio_tokens, prompt_tokens, prompt_cache_write_tokens,
        prompt_cache_read_tokens, prompt_audio_tokens, model, request_id, request_created_at, user_id, organization_id, provider, target_url, properties, cost, assets)
      VALUES (${q(String(r.response_id))}, ${r.status}, ${r.completion_tokens ?? 'NULL'}, ${r.completion_audio_tokens}, ${r.prompt_tokens ?? 'NULL'}, ${r.prompt_cache_write_tokens},
        ${r.prompt_cache_read_tokens}, ${r.prompt_audio_tokens}, ${q(String(r.model ?? ''))}, ${q(String(r.request_id))}, parseDateTime64BestEffort(${q(String(r.request_created_at))}, 3, 'UTC'),
        ${q(String(r.user_id))}, '00000000-0000-0000-0000-000000000001', ${q(String(r.provider ?? ''))}, ${r.target_url ? q(String(r.target_url)) : 'NULL'},
        ${map(r.properties as Record<string, unknown>, (v) => q(String(v)))}, ${r.cost ?? 'NULL'}, [])`);
  }
  const table = clickhouseTableSchema.parse({ format: 'helicone', table: 'request_response_rmt' });
  const window = { from: '2025-08-01T00:00:00Z', to: '2025-09-01T00:00:00Z' };
  const rel = await tableUsage(conn as unknown as TableConnection, table, links, window);
  const js = finalizeUsage(heliconeDrafts(rows.map((value, i) => ({ value, line: i + 1 })), 'rows', { costUnit: 'nano_usd' }), links, 'helicone');
  expect(js.events.length).toBe(rows.length);
  expect(js.events.some((e) => e.cost_usd === 0.00001995)).toBe(true); // 19950 nano-USD
  expect(await mappedEvents(rel)).toEqual(asMapped(js.events));
  await agreeOnLedger(js.events, table, links, window);
});
