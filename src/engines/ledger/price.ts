// Phase 1 — price (core/ledger/price.ts): the prices table, generated in JavaScript from the price book (the bundled
// catalog under the Prices sheet rows, effective-dated by UTC day and, when a Prices row starts at a time of day, by
// the segment of the day it falls in) for every price key the usage has; then each group's cost in SQL with the price
// book's own formula (costAtUnitPrices) on the group's token sums.
import { CATALOG_VERSION, type UnitPrices } from '../../core/pricing';
import { utcMs } from '../../core/model/ranges';
import type { SqlColumn, SqlValue } from '../connection';
import { TOKENS } from './canonical';
import { TIER_FLOOR } from './load';
import { T, num, q, str, type Run } from './run';

const UNIT_FIELDS = [
  ['u_in', 'input'], ['u_out', 'output'], ['u_ci', 'cached_input'], ['u_cw', 'cache_write'], ['u_w1h', 'cache_write_1h'], ['u_ai', 'audio_input'],
  ['u_cai', 'cached_audio_input'], ['u_ii', 'image_input'], ['u_cii', 'cached_image_input'], ['u_ao', 'audio_output'], ['u_io', 'image_output'],
  ['u_rt', 'reasoning_output'],
] as const;

const KEY_COLUMNS: SqlColumn[] = [
  { name: 'provider', type: 'text' }, { name: 'model_k', type: 'text' }, { name: 'batch_k', type: 'int' }, { name: 'st_k', type: 'text' },
  { name: 'cx_k', type: 'text' }, { name: 'day_k', type: 'text' }, { name: 'fast', type: 'int' }, { name: 'seg', type: 'int' },
  { name: 'size', type: 'double' }, { name: 'wsf', type: 'int' },
];

interface PriceKey {
  provider: string;
  model: string;
  batch: boolean;
  st: string;
  cx: '' | 'standard' | 'long';
  day: string;
  fast: boolean;
  seg: number;
  size: number;
  wsf: boolean;
}

/** Unit prices (or why there are none) for one key, exactly as EventPricer.price would price an event with it. */
function priceKey(x: Run, k: PriceKey, bounds: number[]): { u?: UnitPrices; reason?: string } {
  const book = x.pricer.book;
  const input = k.size < 0 ? 0 : k.size;
  const q = { model: k.model, provider: k.provider, batch: k.batch, service_tier: k.st, context_tier: k.cx };
  const webReason = (date: string) =>
    book.priceTokens({ ...q, date }, { input_tokens: input, output_tokens: 0, web_search_requests: 1 }).reason ?? `no web-search price for model "${k.model}"`;
  const judge = (u: UnitPrices, date: string) => {
    if (u.source === 'unpriced') return { reason: u.reason ?? `model "${k.model}" could not be priced` };
    if (k.wsf && !Number.isFinite(u.web_search_per_1k)) return { reason: webReason(date) };
    return { u };
  };
  if (k.fast) {
    const d = x.pricer.dayPrices({ provider: k.provider, model: k.model, day: k.day, batch: k.batch, service_tier: k.st, context_tier: k.cx });
    if (d !== null) {
      // Events with more input than TIER_FLOOR carry their size; below it the day's prices are exact.
      if (d.limit < TIER_FLOOR && d.u.tiered) throw new Error(`SQL engine: ${k.model} (${k.provider}) changes price at ${d.limit} input tokens, below ${TIER_FLOOR}; use --engine js`);
      if (input <= d.limit) return judge(d.u, k.day);
    }
  }
  // As PriceBook.priceEvent: at the event's instant (the start of its segment of the day), by its input size.
  const midnight = Date.parse(`${k.day}T00:00:00Z`);
  const date = k.seg > 0 ? new Date(Math.max(midnight, bounds[k.seg - 1])).toISOString() : k.day;
  try {
    const starts = book.tierStarts({ model: k.model, provider: k.provider, date });
    if (k.size < 0 && starts.length && starts[0] < TIER_FLOOR) throw new Error(`SQL engine: ${k.model} (${k.provider}) changes price at ${starts[0]} input tokens, below ${TIER_FLOOR}; use --engine js`);
    return judge(book.requestUnitPrices({ ...q, date }, input), date);
  } catch (e) {
    if ((e as Error).message.startsWith('SQL engine:')) throw e;
    return { reason: (e as Error).message };
  }
}

/** Builds the prices table (T.prices) from the distinct price keys of the usage groups. */
export async function buildPrices(x: Run): Promise<number> {
  const bounds = [...new Set(x.ctx.prices.filter((p) => p.effective_from.length > 10).map((p) => utcMs(p.effective_from)).filter(Number.isFinite))].sort((a, b) => a - b);
  const keys = await q(x, `SELECT DISTINCT provider, model_k, batch_k, st_k, cx_k, day_k, fast, seg, size, wsf FROM ${T.g} WHERE part = 1`);
  const rows: SqlValue[][] = [];
  for (const r of keys) {
    const k: PriceKey = {
      provider: str(r.provider), model: str(r.model_k), batch: num(r.batch_k) === 1, st: str(r.st_k), cx: str(r.cx_k) as PriceKey['cx'],
      day: str(r.day_k), fast: num(r.fast) === 1, seg: num(r.seg), size: num(r.size), wsf: num(r.wsf) === 1,
    };
    const p = priceKey(x, k, bounds);
    const u = p.u;
    rows.push([
      k.provider, k.model, k.batch ? 1 : 0, k.st, k.cx, k.day, k.fast ? 1 : 0, k.seg, k.size, k.wsf ? 1 : 0,
      ...UNIT_FIELDS.map(([, f]) => (u ? u[f] : null)),
      u && Number.isFinite(u.web_search_per_1k) ? u.web_search_per_1k : null,
      p.reason ?? null,
    ]);
  }
  await x.conn.createAndInsert(T.prices, [...KEY_COLUMNS, ...UNIT_FIELDS.map(([n]) => ({ name: n, type: 'double' as const })), { name: 'u_web', type: 'double' }, { name: 'reason', type: 'text' }], rows);
  return rows.length;
}

/** costAtUnitPrices (core/pricing/pricebook.ts) on a group's token sums. */
function costFormula(): string {
  const t = Object.fromEntries(TOKENS.map(([k]) => [k, `g.${k}`])) as Record<string, string>;
  const audio = `(${t.ai} - ${t.cai})`;
  const image = `(${t.ii} - ${t.cii})`;
  const c = [
    `(${t.it} - ${t.ci} - ${t.cw} - ${audio} - ${image}) * p.u_in`,
    `(${t.ci} - ${t.cai} - ${t.cii}) * p.u_ci`,
    `(${t.cw} - ${t.w1h}) * p.u_cw`,
    `${t.w1h} * p.u_w1h`,
    `${audio} * p.u_ai`,
    `${t.cai} * p.u_cai`,
    `${image} * p.u_ii`,
    `${t.cii} * p.u_cii`,
    `(${t.ot} - ${t.ao} - ${t.io} - ${t.rt}) * p.u_out`,
    `${t.ao} * p.u_ao`,
    `${t.io} * p.u_io`,
    `${t.rt} * p.u_rt`,
  ].join(' + ');
  return `(${c}) / 1000000.0 + CASE WHEN ${t.ws} > 0 THEN (${t.ws} * p.u_web) / 1000.0 ELSE 0 END`;
}

/**
 * The costed groups: part 0 as it is (cost known per event), part 1 priced with the prices table — cost 0 and a reason
 * for what could not be priced (RULES.md "Pricing") — both per line key and provider, with the unpriced groups' keys.
 */
export function costedGroups(): string {
  const on = KEY_COLUMNS.map((c) => `p.${c.name} = g.${c.name}`).join(' AND ');
  const c = `CASE WHEN p.reason IS NULL THEN ${costFormula()} ELSE 0 END`;
  return `SELECT wid, period, agent, provider, api, retry, tools, cost, n, retries, it, ot, model_k, kind_k, 0 AS priced,
      CASE WHEN untool = 1 THEN 'no tool price for kind ' || kind_k || ' on the Tool Prices sheet, and the event has no cost_usd' END AS reason
    FROM ${T.g} WHERE part = 0
    UNION ALL
    SELECT g.wid AS wid, g.period AS period, g.agent AS agent, g.provider AS provider, CASE WHEN g.cls = 'api' THEN ${c} ELSE 0 END AS api,
      CASE WHEN g.cls = 'retry' THEN ${c} ELSE 0 END AS retry, 0 AS tools, ${c} AS cost, g.n AS n, g.retries AS retries, g.it AS it, g.ot AS ot,
      g.model_k AS model_k, '' AS kind_k, 1 AS priced, p.reason AS reason
    FROM ${T.g} AS g LEFT JOIN ${T.prices} AS p ON ${on} WHERE g.part = 1`;
}

/** Reviews' hourly rates: the distinct roles, matched as EventPricer.rate does (trimmed, case-insensitive, last row wins). */
export async function buildRates(x: Run): Promise<void> {
  const roles = await q(x, `SELECT DISTINCT role FROM ${T.reviews}`);
  const rows = roles.map((r) => {
    const role = str(r.role);
    const rate = x.pricer.rate(role);
    return [role, rate ?? null, rate === undefined ? `no hourly rate for reviewer role "${role}" on the Rates sheet` : null];
  });
  await x.conn.createAndInsert(`${T.reviews}_rates`, [{ name: 'role', type: 'text' }, { name: 'rate', type: 'double' }, { name: 'reason', type: 'text' }], rows);
  await x.conn.exec(
    x.d.createTable(
      `${T.reviews}_c`,
      `SELECT ${['wid', 'role', 'minutes', 'result', 'reviewed_at', 'period'].map((c) => `r.${c} AS ${c}`).join(', ')}, CASE WHEN t.rate IS NULL THEN 0 ELSE (r.minutes / 60.0) * t.rate END AS cost, t.reason AS reason,
         CASE WHEN r.result = 'approved' THEN 1 ELSE 0 END AS approved
       FROM ${T.reviews} AS r JOIN ${T.reviews}_rates AS t ON t.role = r.role`,
    ),
  );
}

export { CATALOG_VERSION };
