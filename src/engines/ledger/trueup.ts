// Phase 4 — true-up (core/ledger/trueup.ts): per provider and period, the invoice to the cent minus the computed
// cost of every event of that provider to the cent (the computed cost summed in SQL, the slots and cents in JavaScript
// with core's InvoiceSlots), spread in SQL over the lines pro rata to their cost of that provider.
import { Line } from '../../core/ledger/line';
import { normalizeProvider } from '../../core/pricing';
import { noUsageReason } from '../../core/ledger/trueup';
import { UNASSIGNED } from '../../core/ledger/types';
import type { SqlValue } from '../connection';
import { providerWeights } from './attribute';
import { T, num, q, str, type Run } from './run';

/** Spreads every invoiced provider's true-up; returns the lines of invoices with no usage events. */
export async function spreadTrueup(x: Run): Promise<Line[]> {
  const { d, slots } = x;
  const extra: Line[] = [];
  if (slots.size === 0) return extra;
  // raw provider × period → slot (providers are normalized as the price book does)
  const provs = await q(x, `SELECT DISTINCT provider, period FROM ${T.accp}`);
  const map: SqlValue[][] = [];
  for (const r of provs) {
    const s = slots.slotOfNormalized(normalizeProvider(str(r.provider)), str(r.period));
    if (s >= 0) map.push([str(r.provider), str(r.period), s]);
  }
  await x.conn.createAndInsert(T.prov, [{ name: 'provider', type: 'text' }, { name: 'period', type: 'text' }, { name: 'slot', type: 'int' }], map);
  for (const r of await q(x, `SELECT p.slot AS slot, sum(g.cost) AS cost, sum(g.n) AS n FROM ${T.accp} AS g JOIN ${T.prov} AS p ON p.provider = g.provider AND p.period = g.period GROUP BY p.slot`)) {
    slots.slotComputed[num(r.slot)] = num(r.cost);
    slots.slotEvents[num(r.slot)] = num(r.n);
  }
  const amounts: SqlValue[][] = [];
  for (let s = 0; s < slots.size; s++) {
    const period = slots.slotPeriod[s];
    const cents = slots.trueupCents(s);
    x.trueupCents.set(period, (x.trueupCents.get(period) ?? 0) + cents);
    x.trueupUsd.set(period, (x.trueupUsd.get(period) ?? 0) + cents / 100);
    if (slots.slotEvents[s] === 0) {
      const u = new Line('', period, UNASSIGNED);
      u.kind = 'trueup';
      u.bu = UNASSIGNED;
      u.reason = noUsageReason(slots.slotProvider[s], period);
      u.trueup = cents / 100;
      extra.push(u);
    } else amounts.push([s, cents / 100]);
  }
  await x.conn.createAndInsert(`${T.prov}_amt`, [{ name: 'slot', type: 'int' }, { name: 'amount', type: 'double' }], amounts);
  await x.conn.exec(
    d.createTable(
      T.tushare,
      `WITH w AS (
        SELECT pw.period AS period, pw.lkey AS lkey, p.slot AS slot, sum(pw.cost) AS c, sum(pw.n) AS n
        FROM (${providerWeights()}) AS pw JOIN ${T.prov} AS p ON p.provider = pw.provider AND p.period = pw.period
        GROUP BY pw.period, pw.lkey, p.slot),
      t AS (SELECT slot, sum(c) AS sc, sum(n) AS sn FROM w GROUP BY slot)
      SELECT w.period AS period, w.lkey AS lkey, w.slot AS slot, CASE WHEN t.sc > 0 THEN (a.amount * w.c) / t.sc ELSE (a.amount * w.n) / t.sn END AS share
      FROM w JOIN t ON t.slot = w.slot JOIN ${T.prov}_amt AS a ON a.slot = w.slot`,
    ),
  );
  return extra;
}
