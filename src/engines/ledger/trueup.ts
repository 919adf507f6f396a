// Phase 4 — true-up (core/ledger/trueup.ts): per provider and period, the invoice to the cent minus the computed cost
// of every event of that provider to the cent (the computed cost summed in SQL, the slots and cents in JavaScript with
// core's InvoiceSlots), spread in SQL over the lines pro rata to their cost of that provider (by events when all of it
// is unpriced). An invoice whose provider had no events becomes an unattributed line, as core makes it.
import { normalizeProvider } from '../../core/pricing';
import { noUsageReason } from '../../core/ledger/trueup';
import type { SqlValue } from '../connection';
import type { Cte } from './attribute';
import { costedGroups } from './price';
import { T, num, q, str, type Run } from './run';

/** Invoice slots: raw provider × period → slot (T.prov), each slot's computed cost and events, and its amount (T.slot). */
export async function prepareTrueup(x: Run): Promise<void> {
  const { slots } = x;
  const map: SqlValue[][] = [];
  if (slots.size > 0) {
    for (const r of await q(x, `SELECT DISTINCT provider, period FROM ${T.g}`)) {
      const s = slots.slotOfNormalized(normalizeProvider(str(r.provider)), str(r.period));
      if (s >= 0) map.push([str(r.provider), str(r.period), s]);
    }
  }
  await x.conn.createAndInsert(T.prov, [{ name: 'provider', type: 'text' }, { name: 'period', type: 'text' }, { name: 'slot', type: 'int' }], map);
  if (map.length) {
    for (const r of await q(x, `SELECT p.slot AS slot, sum(g.cost) AS cost, sum(g.n) AS n FROM (${costedGroups()}) AS g JOIN ${T.prov} AS p ON p.provider = g.provider AND p.period = g.period GROUP BY p.slot`)) {
      slots.slotComputed[num(r.slot)] = num(r.cost);
      slots.slotEvents[num(r.slot)] = num(r.n);
    }
  }
  const rows: SqlValue[][] = [];
  for (let s = 0; s < slots.size; s++) {
    const period = slots.slotPeriod[s];
    const cents = slots.trueupCents(s);
    x.trueupCents.set(period, (x.trueupCents.get(period) ?? 0) + cents);
    x.trueupUsd.set(period, (x.trueupUsd.get(period) ?? 0) + cents / 100);
    rows.push([s, period, cents / 100, slots.slotEvents[s], noUsageReason(slots.slotProvider[s], period)]);
  }
  await x.conn.createAndInsert(T.slot, [{ name: 'slot', type: 'int' }, { name: 'period', type: 'text' }, { name: 'amount', type: 'double' }, { name: 'events', type: 'int' }, { name: 'reason', type: 'text' }], rows);
}

/** CTEs `tus` (true-up per line key) and `tuu` (lines of invoices with no usage events, LINE_COLUMNS). */
export function trueupCtes(x: Run): Cte[] {
  const { d } = x;
  return [
    ['tuw', `SELECT a.period AS period, a.lkey AS lkey, p.slot AS slot, sum(a.cost) AS c, sum(a.n) AS n
      FROM accp AS a JOIN ${T.prov} AS p ON p.provider = a.provider AND p.period = a.period GROUP BY a.period, a.lkey, p.slot`, true],
    ['tut', `SELECT slot, sum(c) AS sc, sum(n) AS sn FROM tuw GROUP BY slot`, false],
    ['tus', `SELECT w.period AS period, w.lkey AS lkey, sum(CASE WHEN t.sc > 0 THEN (a.amount * w.c) / t.sc ELSE (a.amount * w.n) / t.sn END) AS share
      FROM tuw AS w JOIN tut AS t ON t.slot = w.slot JOIN ${T.slot} AS a ON a.slot = w.slot GROUP BY w.period, w.lkey`, false],
    ['tuu', `SELECT 0 AS is_row, s.period AS period, '' AS wid, 'Unassigned' AS agent, 'Unassigned' AS bu, 'trueup' AS kind, s.reason AS reason,
        't' || ${d.text('s.slot')} AS lkey, ${d.double('0')} AS api, ${d.double('0')} AS retry, ${d.double('0')} AS tools, ${d.double('0')} AS review,
        ${d.double('0')} AS ov0, s.amount AS tu0, ${d.int('0')} AS n, ${d.int('0')} AS retries, ${d.double('0')} AS it, ${d.double('0')} AS ot,
        ${d.double('0')} AS rmin, ${d.int('0')} AS reviews, ${d.int('0')} AS approved, '' AS type, 'pending' AS outcome, '' AS closed_at, 0 AS closed, 0 AS success
      FROM ${T.slot} AS s WHERE s.events = 0`, false],
  ];
}
