// The ledger-backed AILABOR.* functions over a ledger built from the sample data: called directly (as Excel calls
// them, async over the store), and as formulas in HyperFormula next to the demo workbook's own report sheets.
import { HyperFormula } from 'hyperformula';
import { aggregate } from '../../src/core/ledger/aggregate';
import * as fns from '../../src/functions/functions';
import { AilaborPlugin, AILABOR_TRANSLATIONS } from '../../src/functions/hyperformula';
import { ledgerStore, notifyWorkbookRefreshed, type LedgerSnapshot } from '../../src/functions/store';
import { PreviewHost } from '../../src/hosts/preview';
import { roundShown } from '../../src/core/ledger/rounding';
import { CB, PAYBACK, PNL, SLO, chargebackSheetName, PLAYBOOK_BENCHMARKS, type CellValue } from '../../src/workbook';
import { demoWorkbook } from '../workbook/demo';

const demo = demoWorkbook();
const { result, period } = demo;
const snapshot: LedgerSnapshot = { rows: result.rows, unattributed: result.unattributed, agents: demo.ctx.agents, prices: demo.ctx.prices, benchmarks: PLAYBOOK_BENCHMARKS };
const COMPONENTS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'unattributed', 'total'] as const;
const scopes = () => [
  ...aggregate(result, 'agent').map((a) => ({ kind: 'agent' as const, key: a.key, period: a.period, a })),
  ...aggregate(result, 'business_unit').map((a) => ({ kind: 'business_unit' as const, key: a.key, period: a.period, a })),
  ...aggregate(result, 'all').map((a) => ({ kind: 'all' as const, key: a.key, period: a.period, a })),
];
// an agent id that is also a business unit name would resolve to the agent: the demo has none (checked below)
const scopeArg = (s: { kind: string; key: string }) => (s.kind === 'business_unit' ? s.key : s.key);

/** The error a call rejects with: { code, message }. */
async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

beforeEach(() => {
  ledgerStore.reset();
  ledgerStore.set(snapshot);
});

describe('ledger-backed functions called directly, equal to the core aggregates', () => {
  it('has distinct agent ids and business units in the demo (so every scope is unambiguous)', () => {
    const bus = new Set(result.agents.map((a) => a.business_unit));
    expect(result.agents.some((a) => bus.has(a.agent_id))).toBe(false);
    expect(result.periods.length).toBe(3);
  });

  it('COSTPEROUTCOME, COSTPERWORKITEM, TOTALCOST for every agent, business unit and "*", every period and component', async () => {
    let checked = 0;
    for (const s of scopes()) {
      for (const c of COMPONENTS) {
        expect(await fns.totalCost(scopeArg(s), s.period, c)).toBe(s.a[c]);
        if (s.a.outcomes > 0) expect(await fns.costPerOutcome(scopeArg(s), s.period, c)).toBe(s.a[c] / s.a.outcomes);
        else expect((await errorOf(fns.costPerOutcome(scopeArg(s), s.period, c))).code).toBe('divisionByZero');
        if (s.a.work_items > 0) expect(await fns.costPerWorkItem(scopeArg(s), s.period, c)).toBe(s.a[c] / s.a.work_items);
        checked++;
      }
      expect(await fns.costPerOutcome(scopeArg(s), s.period)).toBe(s.a.cost_per_outcome ?? expect.anything());
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('OUTCOMES, WORKITEMS, ACCURACY, REVIEWRATE for every scope and period', async () => {
    for (const s of scopes()) {
      expect(await fns.outcomes(scopeArg(s), s.period)).toBe(s.a.outcomes);
      expect(await fns.workItems(scopeArg(s), s.period)).toBe(s.a.work_items);
      if (s.a.accuracy === null) expect((await errorOf(fns.accuracy(scopeArg(s), s.period))).code).toBe('divisionByZero');
      else expect(await fns.accuracy(scopeArg(s), s.period)).toBe(s.a.accuracy);
      if (s.a.review_rate === null) expect((await errorOf(fns.reviewRate(scopeArg(s), s.period))).code).toBe('divisionByZero');
      else expect(await fns.reviewRate(scopeArg(s), s.period)).toBe(s.a.review_rate);
    }
  });

  it('reads a period as YYYY-MM, an ISO date or timestamp, or an Excel serial; default = the latest month', async () => {
    const ag = demo.ctx.agents[0].agent_id;
    const latest = aggregate(result, 'agent', period).find((a) => a.key === ag)!;
    expect(period).toBe('2026-10');
    expect(await fns.totalCost(ag)).toBe(latest.total);
    expect(await fns.totalCost(ag, '2026-10')).toBe(latest.total);
    expect(await fns.totalCost(ag, '2026-10-31')).toBe(latest.total);
    expect(await fns.totalCost(ag, 46310)).toBe(latest.total); // 46310 = 2026-10-15
    expect(await fns.totalCost(ag, '2026-11-01T01:00:00+02:00')).toBe(latest.total); // 23:00 UTC on 31 October
    expect(await fns.totalCost(ag, '')).toBe(latest.total);
  });

  it('errors: unknown agent → #N/A, bad period/component → #VALUE! naming the accepted values, no outcomes → #DIV/0!', async () => {
    expect(await errorOf(fns.costPerOutcome('nobody', period))).toEqual({ code: 'notAvailable', message: expect.stringMatching(/^Unknown agent 'nobody'/) });
    expect(await errorOf(fns.outcomes(''))).toEqual({ code: 'invalidValue', message: expect.stringMatching(/scope: expected an agent id, a business unit or "\*"/) });
    expect(await errorOf(fns.totalCost('*', 'Oct 2026'))).toEqual({ code: 'invalidValue', message: expect.stringMatching(/period: expected a month YYYY-MM.*ISO date.*Excel date, got "Oct 2026"/) });
    expect(await errorOf(fns.totalCost('*', '2026-13'))).toMatchObject({ code: 'invalidValue' });
    expect(await errorOf(fns.totalCost('*', period, 'tokens'))).toEqual({ code: 'invalidValue', message: 'component: expected one of api, retry, tools, review, overhead, trueup, unattributed, total, got "tokens"' });
    expect(await errorOf(fns.costPerOutcome('*', '2031-01'))).toEqual({ code: 'divisionByZero', message: expect.stringMatching(/No outcomes for all agents \("\*"\) in 2031-01/) });
    expect(await fns.totalCost('*', '2031-01')).toBe(0);
  });

  it('TARGETVARIANCE = cost per outcome − target (and ÷ target with as_percent); no target → #N/A', async () => {
    for (const a of aggregate(result, 'agent', period)) {
      if (a.target_cost_per_outcome === null) {
        expect((await errorOf(fns.targetVariance(a.key, period))).code).toBe(a.outcomes === 0 || a.target_cost_per_outcome === null ? 'notAvailable' : 'divisionByZero');
        continue;
      }
      if (a.outcomes === 0) continue;
      // at the precision the sheet shows and compares: cents, and tenths of a percent
      const variance = roundShown(roundShown(a.cost_per_outcome!, 2) - roundShown(a.target_cost_per_outcome, 2), 2);
      expect(await fns.targetVariance(a.key, period)).toBe(variance);
      expect(await fns.targetVariance(a.key, period, true)).toBe(roundShown(variance / roundShown(a.target_cost_per_outcome, 2), 3));
    }
    expect((await errorOf(fns.targetVariance('*', period))).code).toBe('notAvailable');
  });

  it('HUMANSAVINGS: outcomes × human cost − total per agent; summed over a unit\'s agents with a baseline', async () => {
    const per = new Map<string, number>();
    for (const a of aggregate(result, 'agent', period)) {
      const ag = result.agents.find((x) => x.agent_id === a.key)!;
      if (ag.human_cost_per_unit === null) {
        expect((await errorOf(fns.humanSavings(a.key, period))).code).toBe('notAvailable');
        continue;
      }
      const v = Math.round((Math.round(a.outcomes * ag.human_cost_per_unit * 100) / 100 - a.total) * 100) / 100;
      per.set(a.key, v);
      expect(await fns.humanSavings(a.key, period)).toBe(v);
    }
    const cs = result.agents.find((a) => a.human_cost_per_unit !== null)!.business_unit;
    const expected = result.agents.filter((a) => a.business_unit === cs && per.has(a.agent_id)).reduce((s, a) => s + Math.round(per.get(a.agent_id)! * 100), 0) / 100;
    expect(await fns.humanSavings(cs, period)).toBe(expected);
    expect(await fns.humanSavings('*', period)).toBe([...per.values()].reduce((s, v) => s + Math.round(v * 100), 0) / 100);
  });

  it('COSTTREND spills one value per month; a month with no outcomes is #DIV/0!, not 0', async () => {
    const ag = demo.ctx.agents[0].agent_id;
    const series = aggregate(result, 'agent').filter((a) => a.key === ag);
    expect(await fns.costTrend(ag, result.periods[0], period)).toEqual(series.map((a) => [a.cost_per_outcome]));
    expect(await fns.costTrend(ag, result.periods[0], period, 'total')).toEqual(series.map((a) => [a.total]));
    expect(await fns.costTrend('*', result.periods[0], '', 'outcomes')).toEqual(aggregate(result, 'all').map((a) => [a.outcomes]));
    // to_period is optional: left out, the latest month
    expect(await fns.costTrend(ag, result.periods[0])).toEqual(series.map((a) => [a.cost_per_outcome]));
    const withGap = await fns.costTrend(ag, period, '2026-12');
    expect(withGap[0][0]).toBe(series[2].cost_per_outcome);
    expect(withGap[1][0]).toMatchObject({ code: 'divisionByZero' });
    expect(withGap).toHaveLength(3);
    expect(await errorOf(fns.costTrend(ag, period, result.periods[0]))).toMatchObject({ code: 'invalidValue', message: expect.stringMatching(/must not be after/) });
    expect(await errorOf(fns.costTrend(ag, result.periods[0], period, 'speed'))).toMatchObject({ code: 'invalidValue', message: expect.stringMatching(/^metric: expected one of cost_per_outcome/) });
  });

  it('LEDGER spills the scope\'s rows with a header; columns can be chosen', async () => {
    const ag = demo.ctx.agents[1].agent_id;
    const rows = result.rows.filter((r) => r.period === period && r.agent_id === ag);
    const t = await fns.ledger(ag, period, 'work_item_id, outcome,total');
    expect(t[0]).toEqual(['work_item_id', 'outcome', 'total']);
    expect(t.slice(1)).toEqual(rows.map((r) => [r.work_item_id, r.outcome, r.total]));
    const all = await fns.ledger('*');
    expect(all.length).toBe(result.rows.filter((r) => r.period === period).length + 1);
    expect(all[0]).toContain('trueup');
    expect(await errorOf(fns.ledger(ag, period, 'total,colour'))).toMatchObject({ code: 'invalidValue', message: expect.stringMatching(/unknown: "colour"/) });
  });
});

describe('against the report sheets of the demo workbook (recalculated by HyperFormula)', () => {
  const host = new PreviewHost();
  const grids = new Map<string, CellValue[][]>();
  beforeAll(async () => {
    await host.writeWorkbook(demo.spec);
    for (const s of demo.spec.sheets) grids.set(s.name, (await host.readSheet(s.name)) ?? []);
  });

  it(`equals every Chargeback ${period} figure, per P&L line, per agent and in total`, async () => {
    const cb = grids.get(chargebackSheetName(period))!;
    const bus = aggregate(result, 'business_unit', period).map((a) => a.key);
    let checked = 0;
    const check = async (row: CellValue[], scope: string) => {
      expect(await fns.workItems(scope, period)).toBe(row[CB.cols.workItems]);
      expect(await fns.outcomes(scope, period)).toBe(row[CB.cols.outcomes]);
      for (const [k, c] of COMPONENTS.slice(0, 6).entries()) expect(await fns.totalCost(scope, period, c)).toBeCloseTo(row[CB.cols.api + k] as number, 10);
      expect(await fns.totalCost(scope, period, 'unattributed')).toBeCloseTo(row[CB.cols.unattributed] as number, 10);
      expect(await fns.totalCost(scope, period)).toBeCloseTo(row[CB.cols.total] as number, 10);
      // the sheet shows cost per outcome in cents (and compares it so); the function gives the unrounded ratio
      if (typeof row[CB.cols.cpo] === 'number') expect(roundShown(await fns.costPerOutcome(scope, period), 2)).toBe(row[CB.cols.cpo]);
      else expect((await errorOf(fns.costPerOutcome(scope, period))).code).toBe('divisionByZero');
      if (typeof row[CB.cols.variance] === 'number') {
        expect(await fns.targetVariance(scope, period)).toBeCloseTo(row[CB.cols.variance] as number, 10);
        expect(await fns.targetVariance(scope, period, true)).toBeCloseTo(row[CB.cols.variancePct] as number, 10);
      }
      checked++;
    };
    for (let i = 0; i < bus.length; i++) {
      expect(cb[CB.firstLine + i][0]).toBe(bus[i]);
      await check(cb[CB.firstLine + i], bus[i]);
    }
    const totalRow = CB.firstLine + bus.length;
    expect(await fns.totalCost('*', period)).toBeCloseTo(cb[totalRow][CB.cols.total] as number, 10);
    expect(await fns.outcomes('*', period)).toBe(cb[totalRow][CB.cols.outcomes]);
    const agentFirst = totalRow + 6;
    result.agents.forEach((ag, i) => expect(cb[agentFirst + i][0]).toBe(ag.agent_id));
    for (let i = 0; i < result.agents.length; i++) await check(cb[agentFirst + i], result.agents[i].agent_id);
    expect(checked).toBe(bus.length + result.agents.length);
    expect(cb.slice(CB.firstLine, totalRow).some((r) => typeof r[CB.cols.variance] === 'number')).toBe(true);
  });

  it('SLOSTATUS says BREACH exactly where the SLO Monitor says "SLO breach", NO ACTIVITY / NO OUTCOMES where it says so', async () => {
    const slo = grids.get('SLO Monitor')!;
    const seen = new Set<string>();
    for (let r = SLO.firstRow; r < slo.length; r++) {
      const [agent, , p] = slo[r] as string[];
      if (!agent) continue;
      const sheet = slo[r][14] as string;
      const fn = await fns.sloStatus(agent, p);
      seen.add(fn.split(' ')[0]);
      if (sheet === 'SLO breach') expect(fn).toMatch(/^BREACH (cost [+-]\d+\.\d%|accuracy [+-]\d+\.\d pts|review rate [+-]\d+\.\d pts)(, .*)?$/);
      else if (sheet === 'no activity') expect(fn).toBe('NO ACTIVITY');
      else if (sheet === 'no outcomes') expect(fn).toBe('NO OUTCOMES');
      else expect(['OK', 'NO SLO']).toContain(fn);
      // the cost breach percentage is cost per outcome over the SLO maximum
      const m = /cost \+(\d+\.\d)%/.exec(fn);
      if (m) expect(Number(m[1])).toBeCloseTo(roundShown((slo[r][6] as number) / roundShown(slo[r][8] as number, 2) - 1, 3) * 100, 9);
    }
    expect(seen.has('BREACH')).toBe(true);
    expect(seen.has('OK')).toBe(true);
    expect((await errorOf(fns.sloStatus(result.agents[0].business_unit, period))).code).toBe('invalidValue');
  });

  it('HUMANSAVINGS equals Agent P&L\'s "Saving vs human" for each agent', async () => {
    const pnl = grids.get('Agent P&L')!;
    let n = 0;
    for (let r = PNL.firstRow; r < PNL.firstRow + result.agents.length; r++) {
      const agent = pnl[r][0] as string;
      if (typeof pnl[r][18] === 'number') {
        expect(await fns.humanSavings(agent, period)).toBeCloseTo(pnl[r][18] as number, 10);
        n++;
      } else expect((await errorOf(fns.humanSavings(agent, period))).code).toBe('notAvailable');
    }
    expect(n).toBeGreaterThan(3);
  });

  it('PAYBACK equals the Migration Payback sheet\'s months for every agent with a saving', () => {
    const pb = grids.get('Migration Payback')!;
    let n = 0;
    for (let r = PAYBACK.firstRow; r < pb.length && pb[r][0]; r++) {
      const C = PAYBACK.cols;
      const [spend, savingPct, oneOff, months, sheet] = [pb[r][C.spend], pb[r][C.savingPct], pb[r][C.oneOff], pb[r][C.parallelMonths], pb[r][C.payback]] as number[];
      const candidate = spend * (1 - savingPct);
      if (typeof sheet === 'number') {
        expect(Math.abs(fns.payback(oneOff, spend, candidate, months) / sheet - 1)).toBeLessThan(1e-9);
        expect(typeof savingPct).toBe('number');
        n++;
      } else expect(() => fns.payback(oneOff, spend, candidate, months)).toThrow(expect.objectContaining({ code: 'notAvailable', message: expect.stringMatching(/never pays back/) }));
    }
    expect(n).toBeGreaterThan(2);
  });
});

describe('calculators', () => {
  it('PAYBACK: (one-off + parallel run at the candidate\'s cost) ÷ monthly saving; bad input → #VALUE!', () => {
    expect(fns.payback(40000, 10000, 6000)).toBe(10);
    expect(fns.payback(40000, 10000, 6000, 1)).toBe(11.5);
    expect(() => fns.payback(-1, 10, 5)).toThrow(expect.objectContaining({ code: 'invalidValue', message: expect.stringMatching(/^migration_cost: expected a number ≥ 0/) }));
    expect(() => fns.payback(1, 5, 10)).toThrow(expect.objectContaining({ code: 'notAvailable' }));
  });

  it('MIGRATIONSAVINGS = volume × (cost per unit on the current model − on the candidate), through the price book', async () => {
    ledgerStore.reset(); // no workbook: the built-in price book
    const unit = async (m: string) => (1000 * (await fns.modelPrice(m, 'input', '2026-10-01')) + 500 * (await fns.modelPrice(m, 'output', '2026-10-01'))) / 1e6;
    expect(await fns.migrationSavings('gpt-4o', 'gpt-4.1-mini', 1000, 500, 10000, 0, '2026-10-01')).toBeCloseTo(10000 * ((await unit('gpt-4o')) - (await unit('gpt-4.1-mini'))), 9);
    expect(await fns.migrationSavings('gpt-4o', 'gpt-4.1-mini', 1000, 500, 10000, 0, '2026-10-01')).toBeCloseTo(63, 9); // (2.5·1000+10·500 − 0.4·1000−1.6·500)/1e6 × 10,000
    expect(await fns.migrationSavings('gpt-4o', 'gpt-4o-mini', 1000, 500, 1, 400, '2026-10-01')).toBeCloseTo((await fns.tokenCost('gpt-4o', 1000, 500, 400, 0, '2026-10-01')) - (await fns.tokenCost('gpt-4o-mini', 1000, 500, 400, 0, '2026-10-01')), 12);
    expect(await errorOf(fns.migrationSavings('gpt-4o', 'no-such-model', 1, 1, 1))).toMatchObject({ code: 'notAvailable', message: expect.stringMatching(/Prices sheet/) });
    expect(await errorOf(fns.migrationSavings('gpt-4o', 'gpt-4o-mini', 10, 1, 1, 20))).toMatchObject({ code: 'invalidValue' });
  });

  it('MIGRATIONSAVINGS uses the workbook\'s Prices rows once the store holds them', async () => {
    ledgerStore.set({ ...snapshot, prices: [{ provider: '*', model: 'house-model', effective_from: '', input_mtok: 1, output_mtok: 1, cached_input_mtok: null, cache_write_mtok: null, discount_pct: null, batch_multiplier: null, maps_to_model: '', note: '' }] });
    expect(await fns.migrationSavings('house-model', 'house-model', 1000, 0, 10)).toBe(0);
    expect(await fns.tokenCost('house-model', 1_000_000, 0)).toBeCloseTo(1, 12); // the workbook's Prices row, not the catalog
  });

  it('PEERBENCHMARK reads the Benchmarks rows: a benchmark by name, or a segment\'s low/high/mid', async () => {
    expect(await fns.peerBenchmark('Intercom Fin')).toBe(0.99);
    expect(await fns.peerBenchmark('insurance claims', 'low')).toBe(1.5);
    expect(await fns.peerBenchmark('Insurance claims', 'high')).toBe(2.2);
    expect(await fns.peerBenchmark('Insurance claims')).toBeCloseTo(1.85, 12);
    expect(await errorOf(fns.peerBenchmark('Mining'))).toMatchObject({ code: 'notAvailable', message: expect.stringMatching(/segments: Customer service/) });
    expect(await errorOf(fns.peerBenchmark('Insurance claims', 'median'))).toMatchObject({ code: 'invalidValue', message: 'bound: expected one of mid, low, high, got "median"' });
    ledgerStore.set({ ...snapshot, benchmarks: [{ benchmark: 'Ours', segment: 'Insurance claims', low_usd: 3, high_usd: 5, unit: 'claim', source: 'us' }] });
    expect(await fns.peerBenchmark('Insurance claims')).toBe(4);
    ledgerStore.reset();
    expect(await fns.peerBenchmark('Sierra')).toBe(1.5); // no workbook: the playbook's figures
  });
});

describe('the ledger store', () => {
  it('makes functions wait while nothing is loaded (Excel shows #BUSY!), then answer from the data set', async () => {
    ledgerStore.reset();
    let settled = false;
    const p = fns.totalCost('*', period).then((v) => ((settled = true), v));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    expect(ledgerStore.status()).toBe('empty');
    ledgerStore.set(snapshot);
    expect(await p).toBe(aggregate(result, 'all', period)[0].total);
  });

  it('loads through the loader once for many concurrent cells, reloads after invalidate, and a set() during a load wins', async () => {
    ledgerStore.reset();
    let loads = 0;
    let release!: () => void;
    const half = { ...snapshot, rows: snapshot.rows.filter((r) => r.agent_id !== demo.ctx.agents[0].agent_id) };
    ledgerStore.setLoader(async () => {
      loads++;
      await new Promise<void>((r) => (release = r));
      return half;
    });
    const events: string[] = [];
    ledgerStore.subscribe((e) => events.push(String(e)));
    const cells = Promise.all([fns.outcomes('*', period), fns.workItems('*', period), fns.totalCost('*', period)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(ledgerStore.status()).toBe('loading');
    release();
    const [o] = await cells;
    expect(loads).toBe(1);
    expect(o).toBe(half.rows.filter((r) => r.period === period).reduce((s, r) => s + r.success, 0));
    ledgerStore.invalidate();
    expect(ledgerStore.status()).toBe('empty');
    const again = fns.outcomes('*', period);
    await new Promise((r) => setTimeout(r, 0));
    expect(loads).toBe(2);
    ledgerStore.set(snapshot); // newer than the pending load
    release();
    expect(await again).toBe(aggregate(result, 'all', period)[0].outcomes);
    await new Promise((r) => setTimeout(r, 0));
    expect(ledgerStore.status()).toBe('ready');
    expect(await fns.outcomes('*', period)).toBe(aggregate(result, 'all', period)[0].outcomes);
    expect(events).toEqual(['loading', 'loaded', 'invalidated', 'loading', 'set']);
  });

  it('a failed load gives #N/A with the reason; a new loader retries', async () => {
    ledgerStore.reset();
    ledgerStore.setLoader(async () => {
      throw new Error('Ledger!C7: expected a number');
    });
    expect(await errorOf(fns.totalCost('*'))).toEqual({ code: 'notAvailable', message: 'The ledger could not be read: Ledger!C7: expected a number' });
    expect(ledgerStore.status()).toBe('error');
    ledgerStore.setLoader(async () => snapshot);
    expect(await fns.totalCost('*', period)).toBe(aggregate(result, 'all', period)[0].total);
  });

  it('a workbook without a Ledger sheet says so instead of giving 0', async () => {
    ledgerStore.set({ rows: [], unattributed: [], agents: [], missing: ['Ledger'] });
    expect(await errorOf(fns.totalCost('*'))).toEqual({ code: 'notAvailable', message: expect.stringMatching(/No Ledger sheet/) });
  });

  it('notifyWorkbookRefreshed keeps a snapshot the pane set, otherwise re-reads the workbook; then recalculates', async () => {
    ledgerStore.reset();
    const recalcs: string[] = [];
    ledgerStore.setRecalculator(() => recalcs.push(ledgerStore.status()));
    ledgerStore.setLoader(async () => snapshot);
    ledgerStore.set(snapshot);
    await notifyWorkbookRefreshed();
    expect(recalcs).toEqual(['ready']);
    await notifyWorkbookRefreshed(); // nothing set since: the sheets are the truth
    expect(recalcs).toEqual(['ready', 'empty']);
    // the store's methods work unbound (the task pane hook passes them around)
    const { set, invalidate } = ledgerStore;
    invalidate();
    set(snapshot);
    expect(ledgerStore.status()).toBe('ready');
  });

  it('is one store across bundles (a second copy of the module finds the same instance)', () => {
    jest.isolateModules(() => {
      const other = require('../../src/functions/store') as typeof import('../../src/functions/store');
      expect(other.ledgerStore).toBe(ledgerStore);
    });
  });
});

describe('as formulas in HyperFormula, next to the demo workbook', () => {
  HyperFormula.registerFunctionPlugin(AilaborPlugin, AILABOR_TRANSLATIONS);
  const host = new PreviewHost(); // built after registration: the plugin is part of this instance
  const cbName = chargebackSheetName(period);
  const bus = aggregate(result, 'business_unit', period).map((a) => a.key);
  const ag = demo.ctx.agents[0].agent_id;
  beforeAll(async () => {
    ledgerStore.reset();
    ledgerStore.set(snapshot);
    await host.writeWorkbook(demo.spec);
    const q = (s: string) => `'${s}'`;
    const rows: string[][] = bus.map((_, i) => [
      `=AILABOR.TOTALCOST(${q(cbName)}!A${CB.firstLine + 1 + i},${q(cbName)}!$B$2)`,
      `=AILABOR.OUTCOMES(${q(cbName)}!A${CB.firstLine + 1 + i},${q(cbName)}!$B$2)`,
      `=IFERROR(AILABOR.COSTPEROUTCOME(${q(cbName)}!A${CB.firstLine + 1 + i},${q(cbName)}!$B$2),"")`,
      `=AILABOR.TOTALCOST(${q(cbName)}!A${CB.firstLine + 1 + i},"${period}","review")`,
    ]);
    const f = (x: string) => ({ f: x.slice(1) }); // a formula cell (a plain string is written as literal text)
    const formulas = (g: string[][]) => g.map((r) => r.map(f));
    await host.writeSheet({
      name: 'Model',
      kind: 'report',
      grids: [
        { at: 'A1', rows: formulas(rows) },
        {
          at: 'F1',
          rows: formulas([
            [`=AILABOR.COSTPEROUTCOME("nobody")`],
            [`=AILABOR.TOTALCOST("*","October")`],
            [`=AILABOR.COSTPEROUTCOME("*","2031-01")`],
            [`=AILABOR.SLOSTATUS("${ag}")`],
            [`=AILABOR.PAYBACK(40000,10000,6000,1)`],
            [`=AILABOR.PEERBENCHMARK("Intercom Fin")`],
            [`=AILABOR.WORKITEMS("*")+AILABOR.ACCURACY("*")*0+AILABOR.REVIEWRATE("*")*0`],
            [`=AILABOR.HUMANSAVINGS("${ag}")`],
            [`=AILABOR.TARGETVARIANCE("${ag}",,TRUE())`],
            [`=AILABOR.COSTPERWORKITEM("*")`],
            [`=AILABOR.MIGRATIONSAVINGS("gpt-4o","gpt-4.1-mini",1000,500,10000,0,"2026-10-01")`],
            [`=AILABOR.ACCURACY("*","${period}")`],
            [`=AILABOR.REVIEWRATE("Customer Service")`],
            [`=AILABOR.TOKENCOST("gpt-4o",1000000,1000000)`],
            [`=AILABOR.MODELPRICE("gpt-4o","output")`],
          ]),
        },
        { at: 'H1', rows: formulas([[`=AILABOR.COSTTREND("${ag}","${result.periods[0]}","${period}","total")`]]) },
        { at: 'J1', rows: formulas([[`=AILABOR.LEDGER("${ag}","${period}","work_item_id,total")`]]) },
      ],
    });
  });

  it('equals the Chargeback sheet\'s cells in the same workbook', () => {
    for (let i = 0; i < bus.length; i++) {
      const line = `${CB.firstLine + 1 + i}`;
      expect(host.value('Model', `A${i + 1}`)).toBeCloseTo(host.value(cbName, `M${line}`) as number, 10);
      expect(host.value('Model', `B${i + 1}`)).toBe(host.value(cbName, `E${line}`));
      const cpo = host.value(cbName, `N${line}`);
      if (typeof cpo === 'number') expect(roundShown(host.value('Model', `C${i + 1}`) as number, 2)).toBe(cpo);
      else expect(host.value('Model', `C${i + 1}`)).toBe('');
      expect(host.value('Model', `D${i + 1}`)).toBeCloseTo(host.value(cbName, `I${line}`) as number, 10);
    }
  });

  it('gives #N/A, #VALUE! and #DIV/0! (with messages), never a number', () => {
    const err = (ref: string) => host.hf.getCellValue({ sheet: host.hf.getSheetId('Model')!, ...{ row: Number(ref.slice(1)) - 1, col: ref.charCodeAt(0) - 65 } }) as { type: string; message: string };
    expect(err('F1')).toMatchObject({ type: 'NA', message: expect.stringMatching(/^Unknown agent 'nobody'/) });
    expect(err('F2')).toMatchObject({ type: 'VALUE', message: expect.stringMatching(/^period: expected a month YYYY-MM/) });
    expect(err('F3')).toMatchObject({ type: 'DIV_BY_ZERO', message: expect.stringMatching(/No outcomes/) });
  });

  it('evaluates every other function as called directly', async () => {
    expect(host.value('Model', 'F4')).toBe(await fns.sloStatus(ag));
    expect(host.value('Model', 'F5')).toBe(11.5);
    expect(host.value('Model', 'F6')).toBe(0.99);
    expect(host.value('Model', 'F7')).toBe(await fns.workItems('*'));
    expect(host.value('Model', 'F8')).toBe(await fns.humanSavings(ag));
    expect(host.value('Model', 'F9')).toBeCloseTo(await fns.targetVariance(ag, undefined, true), 12);
    expect(host.value('Model', 'F10')).toBeCloseTo(await fns.costPerWorkItem('*'), 9); // HyperFormula rounds to 10 significant digits
    expect(host.value('Model', 'F11')).toBeCloseTo(63, 9);
    expect(host.value('Model', 'F12')).toBeCloseTo(await fns.accuracy('*', period), 9);
    expect(host.value('Model', 'F13')).toBeCloseTo(await fns.reviewRate('Customer Service'), 9);
    expect(host.value('Model', 'F14')).toBeCloseTo(12.5, 9);
    expect(host.value('Model', 'F15')).toBe(10);
  });

  it('spills COSTTREND and LEDGER', async () => {
    const trend = await fns.costTrend(ag, result.periods[0], period, 'total');
    trend.forEach(([v], i) => expect(host.value('Model', `H${i + 1}`)).toBe(v));
    const t = await fns.ledger(ag, period, 'work_item_id,total');
    expect(t.length).toBeGreaterThan(2);
    t.forEach((row, i) => {
      expect(host.value('Model', `J${i + 1}`)).toBe(row[0]);
      expect(host.value('Model', `K${i + 1}`)).toBe(row[1]);
    });
    expect(host.value('Model', `J${t.length + 1}`)).toBeNull();
  });

  it('follows a new snapshot after a recalculation', () => {
    const before = host.value('Model', 'F7') as number;
    ledgerStore.set({ ...snapshot, rows: snapshot.rows.filter((r) => !(r.period === period && r.agent_id === ag)) });
    host.hf.rebuildAndRecalculate();
    const removed = result.rows.filter((r) => r.period === period && r.agent_id === ag).length;
    expect(host.value('Model', 'F7')).toBe(before - removed);
    ledgerStore.set(snapshot);
    host.hf.rebuildAndRecalculate();
    expect(host.value('Model', 'F7')).toBe(before);
  });
});
