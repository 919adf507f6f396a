// `node --import tsx bench/functions/run.ts [--scale 0.5] [--months 1] [--cells 10000]` — the AILABOR function
// benchmark (bench/functions/README.md): 10,000 ledger-backed cells evaluated through the functions Excel calls
// (async, over the ledger store's index) after the store is loaded, against a naive scan of the ledger rows per cell,
// in the same run, on the same ledger. Every cell's value is checked equal between the two; exits 1 on a mismatch.
import { parseArgs } from 'node:util';
import { buildLedger } from '../../src/core/ledger';
import type { LedgerRow, UnattributedRow } from '../../src/core/model/ledger';
import type { Agent } from '../../src/core/model/records';
import { sampleData } from '../../src/core/sample';
import * as fns from '../../src/functions/functions';
import { ledgerStore } from '../../src/functions/store';

const { values: flags } = parseArgs({ options: { scale: { type: 'string' }, months: { type: 'string' }, cells: { type: 'string' } } });
const scale = Number(flags.scale ?? '0.5');
const months = Number(flags.months ?? '1');
const nCells = Number(flags.cells ?? '10000');

type Fn = 'COSTPEROUTCOME' | 'COSTPERWORKITEM' | 'TOTALCOST' | 'OUTCOMES' | 'WORKITEMS' | 'ACCURACY' | 'REVIEWRATE' | 'TARGETVARIANCE' | 'SLOSTATUS' | 'HUMANSAVINGS';
interface Cell {
  fn: Fn;
  scope: string;
  kind: 'agent' | 'business_unit' | 'all';
  period: string | undefined;
  component: string | undefined;
}
const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total'];

/** The same figure by scanning every ledger and unattributed row: what a function without an index would do per call. */
function naive(c: Cell, rows: readonly LedgerRow[], unattr: readonly UnattributedRow[], agents: Map<string, Agent>, latest: string): number | string | null {
  const p = c.period ?? latest;
  const match = (r: { agent_id: string; business_unit: string }) => c.kind === 'all' || (c.kind === 'agent' ? r.agent_id === c.scope : r.business_unit === c.scope);
  const cents: Record<string, number> = { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0 };
  let items = 0, outcomes = 0, reviews = 0, approved = 0, reviewed = 0;
  for (const r of rows) {
    if (r.period !== p || !match(r)) continue;
    items++;
    outcomes += r.success;
    reviews += r.reviews;
    approved += r.approved;
    reviewed += r.reviewed;
    cents.api += Math.round(r.api * 100);
    cents.retry += Math.round(r.retry * 100);
    cents.tools += Math.round(r.tools * 100);
    cents.review += Math.round(r.review * 100);
    cents.overhead += Math.round(r.overhead * 100);
    cents.trueup += Math.round(r.trueup * 100);
  }
  for (const u of unattr) if (u.period === p && match(u)) cents.unattributed += Math.round(u.total * 100);
  const totalCents = Object.values(cents).reduce((s, x) => s + x, 0);
  const value = (comp = 'total') => (comp === 'total' ? totalCents : cents[comp]) / 100;
  const ag = agents.get(c.scope);
  switch (c.fn) {
    case 'TOTALCOST': return value(c.component);
    case 'COSTPEROUTCOME': return outcomes ? value(c.component) / outcomes : null;
    case 'COSTPERWORKITEM': return items ? value(c.component) / items : null;
    case 'OUTCOMES': return outcomes;
    case 'WORKITEMS': return items;
    case 'ACCURACY': return reviews ? approved / reviews : null;
    case 'REVIEWRATE': return items ? reviewed / items : null;
    case 'TARGETVARIANCE': return outcomes && ag?.target_cost_per_outcome != null ? totalCents / 100 / outcomes - ag.target_cost_per_outcome : null;
    case 'HUMANSAVINGS': return ag?.human_cost_per_unit != null ? Math.round((Math.round(outcomes * ag.human_cost_per_unit * 100) / 100 - totalCents / 100) * 100) / 100 : null;
    case 'SLOSTATUS': {
      if (!ag) return null;
      if (items === 0 && totalCents === 0) return 'NO ACTIVITY';
      const cpo = outcomes ? totalCents / 100 / outcomes : null;
      const acc = reviews ? approved / reviews : null;
      const rr = items ? reviewed / items : null;
      const f = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)}`;
      const b: string[] = [];
      if (cpo !== null && ag.slo_max_cost_per_outcome !== null && cpo > ag.slo_max_cost_per_outcome) b.push(ag.slo_max_cost_per_outcome > 0 ? `cost ${f(cpo / ag.slo_max_cost_per_outcome - 1)}%` : `cost ${cpo.toFixed(2)} > 0`);
      if (acc !== null && ag.slo_min_accuracy !== null && acc < ag.slo_min_accuracy) b.push(`accuracy ${f(acc - ag.slo_min_accuracy)} pts`);
      if (rr !== null && ag.slo_max_review_rate !== null && rr > ag.slo_max_review_rate) b.push(`review rate ${f(rr - ag.slo_max_review_rate)} pts`);
      if (b.length) return `BREACH ${b.join(', ')}`;
      return ag.slo_max_cost_per_outcome === null && ag.slo_min_accuracy === null && ag.slo_max_review_rate === null ? 'NO SLO' : 'OK';
    }
  }
}

async function viaFunctions(c: Cell): Promise<number | string | null> {
  try {
    switch (c.fn) {
      case 'TOTALCOST': return await fns.totalCost(c.scope, c.period, c.component);
      case 'COSTPEROUTCOME': return await fns.costPerOutcome(c.scope, c.period, c.component);
      case 'COSTPERWORKITEM': return await fns.costPerWorkItem(c.scope, c.period, c.component);
      case 'OUTCOMES': return await fns.outcomes(c.scope, c.period);
      case 'WORKITEMS': return await fns.workItems(c.scope, c.period);
      case 'ACCURACY': return await fns.accuracy(c.scope, c.period);
      case 'REVIEWRATE': return await fns.reviewRate(c.scope, c.period);
      case 'TARGETVARIANCE': return await fns.targetVariance(c.scope, c.period);
      case 'HUMANSAVINGS': return await fns.humanSavings(c.scope, c.period);
      case 'SLOSTATUS': return await fns.sloStatus(c.scope, c.period);
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'divisionByZero' || (e as { code?: string }).code === 'notAvailable') return null;
    throw e;
  }
}

async function main() {
  const t0 = performance.now();
  const d = sampleData({ scale, months });
  const result = buildLedger(d);
  const built = performance.now();
  const agentsById = new Map(result.agents.map((a) => [a.agent_id, a]));
  const bus = [...new Set(result.agents.map((a) => a.business_unit))];
  const latest = result.periods[result.periods.length - 1];

  // A deterministic mix: every function, agents (60%), business units (30%) and "*" (10%), every period and the default.
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const AGENT_ONLY: Fn[] = ['TARGETVARIANCE', 'SLOSTATUS', 'HUMANSAVINGS'];
  const ALL: Fn[] = ['COSTPEROUTCOME', 'COSTPERWORKITEM', 'TOTALCOST', 'OUTCOMES', 'WORKITEMS', 'ACCURACY', 'REVIEWRATE', ...AGENT_ONLY];
  const configured = d.agents.map((a) => a.agent_id);
  const cells: Cell[] = [];
  for (let i = 0; i < nCells; i++) {
    const fn = ALL[rnd(ALL.length)];
    const k = AGENT_ONLY.includes(fn) ? 0 : rnd(10);
    const kind = k < 6 ? 'agent' : k < 9 ? 'business_unit' : 'all';
    const scope = kind === 'agent' ? configured[rnd(configured.length)] : kind === 'business_unit' ? bus[rnd(bus.length)] : '*';
    const pi = rnd(result.periods.length + 1);
    const component = fn === 'TOTALCOST' || fn === 'COSTPEROUTCOME' || fn === 'COSTPERWORKITEM' ? COMPONENTS[rnd(COMPONENTS.length)] : undefined;
    cells.push({ fn, scope, kind, period: pi === result.periods.length ? undefined : result.periods[pi], component });
  }

  // Load: what ledgerStore.set costs (the index build), once.
  const l0 = performance.now();
  ledgerStore.set({ rows: result.rows, unattributed: result.unattributed, agents: d.agents });
  await ledgerStore.ready();
  const l1 = performance.now();

  // Warm-up (JIT) on a copy of the mix, then the timed runs: best of 3 for the indexed path.
  for (const c of cells.slice(0, 500)) await viaFunctions(c);
  const runs: number[] = [];
  let ours: (number | string | null)[] = [];
  for (let k = 0; k < 3; k++) {
    const s = performance.now();
    ours = await Promise.all(cells.map(viaFunctions)); // as Excel evaluates a sheet: all cells in flight together
    runs.push(performance.now() - s);
  }
  const oursMs = Math.min(...runs);

  const n0 = performance.now();
  const base = cells.map((c) => naive(c, result.rows, result.unattributed, agentsById, latest));
  const naiveMs = performance.now() - n0;

  let mismatches = 0;
  cells.forEach((c, i) => {
    const a = ours[i];
    const b = base[i];
    const same = a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
    if (!same && mismatches++ < 5) console.error(`mismatch: ${c.fn}(${c.scope}, ${c.period ?? 'latest'}, ${c.component ?? ''}) = ${a}, naive ${b}`);
  });

  const out = {
    scale, months, rows: result.rows.length, unattributed: result.unattributed.length, cells: nCells,
    buildLedgerMs: Math.round(built - t0), loadIndexMs: +(l1 - l0).toFixed(1),
    oursMs: +oursMs.toFixed(1), oursRunsMs: runs.map((r) => +r.toFixed(1)), naiveMs: +naiveMs.toFixed(1), ratio: +(naiveMs / oursMs).toFixed(1), mismatches,
  };
  console.log(`ledger: ${out.rows.toLocaleString('en-US')} rows + ${out.unattributed} unattributed rows over ${months} months (sample scale ${scale}; built in ${out.buildLedgerMs} ms, not timed)`);
  console.log(`load (ledgerStore.set → index): ${out.loadIndexMs} ms`);
  console.log(`${nCells.toLocaleString('en-US')} cells through the functions (index): ${out.oursMs} ms (best of ${runs.map((r) => r.toFixed(1)).join(' / ')}), target ≤ 100 ms`);
  console.log(`${nCells.toLocaleString('en-US')} cells by a naive scan per cell:      ${out.naiveMs} ms`);
  console.log(`ratio naive ÷ index: ${out.ratio}×; values equal in ${nCells - mismatches} of ${nCells} cells`);
  console.log(JSON.stringify(out));
  if (mismatches) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
