// The same per-work-item aggregation in DuckDB (reading the CSV files itself) and in SQLite (rows inserted
// from the CSV, then aggregated): api, retry, tools from cost_usd, review = minutes / 60 × the role's rate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// UNION ALL + GROUP BY rather than a FULL OUTER JOIN of two aggregates: SQLite plans the latter as a nested loop
// (minutes on 130k items); both engines run this form in one pass.
const AGG = (usage, items, reviews, rates) => `
SELECT work_item_id, SUM(api) AS api, SUM(retry) AS retry, SUM(tools) AS tools, SUM(review) AS review FROM (
  SELECT u.work_item_id,
    CASE WHEN u.status = 'ok' AND u.kind IN ('llm', 'embedding') THEN u.cost_usd ELSE 0 END AS api,
    CASE WHEN u.status <> 'ok' THEN u.cost_usd ELSE 0 END AS retry,
    CASE WHEN u.status = 'ok' AND u.kind IN ('vector_search', 'tool') THEN u.cost_usd ELSE 0 END AS tools,
    0 AS review
  FROM ${usage} u JOIN ${items} w ON w.work_item_id = u.work_item_id
  UNION ALL
  SELECT r.work_item_id, 0, 0, 0, r.minutes / 60.0 * t.hourly_rate_usd
  FROM ${reviews} r JOIN ${rates} t ON t.reviewer_role = r.reviewer_role JOIN ${items} w ON w.work_item_id = r.work_item_id
) GROUP BY work_item_id`;

export async function duckdb(dir, threads) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  if (threads) await conn.run(`SET threads = ${Number(threads)}`);
  const f = (name) => `read_csv('${join(dir, name).replace(/'/g, "''")}', header = true, auto_detect = true)`;
  const reader = await conn.runAndReadAll(AGG(f('usage.csv'), f('work_items.csv'), f('reviews.csv'), f('rates.csv')));
  const rows = reader.getRows();
  const t1 = performance.now();
  const out = new Map();
  for (const [id, api, retry, tools, review] of rows) out.set(String(id), [Number(api), Number(retry), Number(tools), Number(review)]);
  conn.closeSync?.();
  return { seconds: (t1 - t0) / 1000, result: out };
}

/** The bench CSV has no quoted cells (checked), so a plain split is a fair, fast reader for SQLite's side. */
function* csvRows(path) {
  const text = readFileSync(path, 'utf8');
  let start = text.indexOf('\n') + 1;
  const header = text.slice(0, start - 1).split(',');
  yield header;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) yield text.slice(start, end).split(',');
    start = end + 1;
  }
}

export async function sqlite(dir) {
  const { default: Database } = await import('better-sqlite3');
  const t0 = performance.now();
  const db = new Database(':memory:');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const load = (table, file, types) => {
    const rows = csvRows(join(dir, file));
    const header = rows.next().value;
    if (readFileSync(join(dir, file), 'utf8').includes('"')) throw new Error(`${file} has quoted cells; the plain split reader does not apply`);
    const cols = Object.keys(types);
    const ix = cols.map((c) => header.indexOf(c));
    db.exec(`CREATE TABLE ${table} (${cols.map((c) => `${c} ${types[c]}`).join(', ')})`);
    const ins = db.prepare(`INSERT INTO ${table} VALUES (${cols.map(() => '?').join(', ')})`);
    const num = cols.map((c) => types[c] === 'REAL');
    db.transaction(() => {
      for (const r of rows) ins.run(ix.map((i, k) => (num[k] ? (r[i] === '' ? null : Number(r[i])) : r[i])));
    })();
  };
  // Every usage column is loaded, as an import would; only the ones the query reads would flatter SQLite.
  load('usage', 'usage.csv', {
    event_id: 'TEXT', timestamp: 'TEXT', agent_id: 'TEXT', work_item_id: 'TEXT', provider: 'TEXT', model: 'TEXT', kind: 'TEXT',
    input_tokens: 'REAL', cached_input_tokens: 'REAL', cache_write_tokens: 'REAL', output_tokens: 'REAL', units: 'REAL',
    status: 'TEXT', batch: 'TEXT', cost_usd: 'REAL',
  });
  load('work_items', 'work_items.csv', { work_item_id: 'TEXT PRIMARY KEY' });
  load('reviews', 'reviews.csv', { work_item_id: 'TEXT', reviewer_role: 'TEXT', minutes: 'REAL' });
  load('rates', 'rates.csv', { reviewer_role: 'TEXT PRIMARY KEY', hourly_rate_usd: 'REAL' });
  const rows = db.prepare(AGG('usage', 'work_items', 'reviews', 'rates')).raw().all();
  const t1 = performance.now();
  const out = new Map();
  for (const [id, api, retry, tools, review] of rows) out.set(id, [api, retry, tools, review]);
  db.close();
  return { seconds: (t1 - t0) / 1000, result: out };
}
