// Phase 6 — conserve (core/ledger/conserve.ts): the checks, each comparing two figures computed apart — the exact cost
// of every accepted event and review (summed from the groups) against the exact lines; the published cents (summed
// from the per-line cents) against the tables' targets and against the exact cells, business units and agents.
import type { Conservation } from '../../core/model/ledger';
import { conservationOverPeriods, makeConservation } from '../../core/ledger/conserve';
import { TABLES } from '../../core/ledger/round';
import type { RoundingTargets } from './round';
import { T, num, q, str, type Run } from './run';

export async function conserve(x: Run, targets: RoundingTargets): Promise<{ byPeriod: Record<string, Conservation>; all: Conservation }> {
  const { d } = x;
  const ear = new Map<string, number>();
  for (const r of await q(x, `SELECT period, sum(c) AS c FROM (SELECT period, ${d.fsum('cost')} AS c FROM ${T.accp} GROUP BY period UNION ALL SELECT period, ${d.fsum('cost')} AS c FROM ${T.reviews}_c GROUP BY period) AS u GROUP BY period`)) {
    ear.set(str(r.period), num(r.c));
  }
  const ex = new Map<string, { lpu: number; spread: number }>();
  for (const r of await q(x, `SELECT period, ${['api', 'retry', 'tools', 'review', 'trueup'].map((c) => `${d.fsum(c)} AS ${c}`).join(', ')} FROM ${T.lines} GROUP BY period`)) {
    ex.set(str(r.period), { lpu: num(r.api) + num(r.retry) + num(r.tools) + num(r.review), spread: num(r.trueup) });
  }
  // published cents per table against the targets
  const K = [...Array(TABLES).keys()];
  const tie = new Map<string, boolean>();
  for (const r of await q(x, `SELECT period, ${K.map((k) => `sum(c${k}) AS c${k}`).join(', ')} FROM ${T.pub} GROUP BY period`)) {
    const tg = targets.target.get(str(r.period)) ?? new Array<number>(TABLES).fill(0);
    tie.set(str(r.period), K.every((k) => num(r[`c${k}`]) === tg[k]));
  }
  // every cell, business unit and agent of every table within a cent of its exact value (published cents read back
  // from the lines, against the exact cents the rounding started from)
  const off = K.map((k) => `CASE WHEN abs(p${k} - e${k}) >= 1 + 1e-6 THEN 1 ELSE 0 END`).join(' + ');
  const by = (key: string) => `SELECT period, ${off} AS bad FROM (SELECT period, ${key}, ${K.map((k) => `sum(c${k}) AS p${k}, sum(e${k}) AS e${k}`).join(', ')} FROM ${T.pub} GROUP BY period, ${key}) AS g`;
  const within = new Map<string, boolean>();
  for (const r of await q(x, `SELECT period, ${d.int('sum(bad)')} AS bad FROM (${by('cid')} UNION ALL ${by('bid')} UNION ALL ${by('aid')}) AS t GROUP BY period`)) {
    within.set(str(r.period), num(r.bad) === 0);
  }
  const byPeriod: Record<string, Conservation> = {};
  for (const p of x.periods) {
    const ov = x.overheads.get(p) ?? { imported: 0, allocated: 0, unallocated: 0 };
    const e = ex.get(p) ?? { lpu: 0, spread: 0 };
    byPeriod[p] = makeConservation(ear.get(p) ?? 0, e.lpu, ov.imported, ov.allocated, ov.unallocated, x.trueupUsd.get(p) ?? 0, e.spread, tie.get(p) ?? true, within.get(p) ?? true);
  }
  return { byPeriod, all: conservationOverPeriods(x.periods.map((p) => byPeriod[p])) };
}
