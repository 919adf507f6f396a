// Issue 12's bar for the benchmark: every agent's (and business unit's, and business unit × agent cell's) published
// components within one cent of their exact sums. Exact per-line values come from the engine before rounding
// (BuildOptions.keepExact); the published ones are the cent-rounded rows a sheet sums.
import type { LedgerResult } from '../../src/core/ledger';

const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed'] as const;
type Sums = Record<(typeof COMPONENTS)[number], { exact: number; published: number }>;

export interface CentReport {
  /** agents, business units and cells checked, each on seven components */
  groups: { agents: number; business_units: number; cells: number };
  /** the largest |published − exact| in cents, and where */
  worstCents: number;
  worst: string;
  within: boolean;
}

export function withinCent(result: LedgerResult): CentReport {
  if (!result.exact) throw new Error('build with keepExact: true');
  const maps = { agent: new Map<string, Sums>(), business_unit: new Map<string, Sums>(), cell: new Map<string, Sums>() };
  const get = (m: Map<string, Sums>, k: string) => {
    let s = m.get(k);
    if (!s) m.set(k, (s = Object.fromEntries(COMPONENTS.map((c) => [c, { exact: 0, published: 0 }])) as Sums));
    return s;
  };
  const c = (x: number) => Math.round(x * 100);
  const add = (bu: string, agent: string, comp: (typeof COMPONENTS)[number], exactUsd: number, publishedCents: number) => {
    for (const s of [get(maps.agent, agent), get(maps.business_unit, bu), get(maps.cell, `${bu} × ${agent}`)]) {
      s[comp].exact += exactUsd * 100;
      s[comp].published += publishedCents;
    }
  };
  result.rows.forEach((r, i) => {
    const e = result.exact!.rows[i];
    for (const k of ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const) add(r.business_unit, r.agent_id, k, e[k], c(r[k]));
  });
  result.unattributed.forEach((u, i) => {
    const e = result.exact!.unattributed[i];
    add(u.business_unit, u.agent_id, 'trueup', e.trueup, c(u.trueup));
    add(u.business_unit, u.agent_id, 'unattributed', e.api + e.retry + e.tools + e.review + e.overhead, c(u.total) - c(u.trueup));
  });
  let worstCents = 0;
  let worst = '';
  for (const [kind, m] of Object.entries(maps)) {
    for (const [key, s] of m) {
      for (const comp of COMPONENTS) {
        const off = Math.abs(s[comp].published - s[comp].exact);
        if (off > worstCents) {
          worstCents = off;
          worst = `${kind} ${key} ${comp}: published ${(s[comp].published / 100).toFixed(2)}, exact ${(s[comp].exact / 100).toFixed(6)}`;
        }
      }
    }
  }
  return { groups: { agents: maps.agent.size, business_units: maps.business_unit.size, cells: maps.cell.size }, worstCents, worst, within: worstCents < 1 + 1e-6 };
}
