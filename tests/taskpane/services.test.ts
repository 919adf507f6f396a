// The pane's service modules, without React: refresh computation and runners, the workbook writes, reports,
// alerts (each pointing at the row that explains it), trends, maturity, credentials and the Excel chart.
import { aggregate, buildLedger } from '../../src/core/ledger';
import { roundShown } from '../../src/core/ledger/rounding';
import { sampleData } from '../../src/core/sample';
import { PreviewHost } from '../../src/hosts/preview';
import { DEFAULT_LINK_RULES } from '../../src/sources/links';
import { AGENTS, INVOICES, ISSUES_SHEET, SLO_SHEET, inputSheet, type CellValue } from '../../src/workbook';
import { computeRefresh, RefreshCancelled, type RefreshRequest, type SourceInput } from '../../src/taskpane/services/refresh-core';
import { inProcessRunner } from '../../src/taskpane/services/runner';
import { workerRunner } from '../../src/taskpane/services/worker-runner';
import { incompleteText, refreshWorkbook, summarizeRefresh } from '../../src/taskpane/services/refresh';
import { generateReport } from '../../src/taskpane/services/reports';
import { alertMonths, deriveAlerts, groupAlerts } from '../../src/taskpane/services/alerts';
import { trendSeries } from '../../src/taskpane/services/trends';
import { assessMaturity, type MaturityFacts } from '../../src/taskpane/services/maturity';
import { createCredentialStore } from '../../src/taskpane/services/credentials';
import { chartBlock, excelChartService, CHART_DATA_COL } from '../../src/taskpane/services/excel-chart';
import { WORKBENCH_SAMPLE } from '../../src/taskpane/services/sample';
import { specRows } from '../../src/taskpane/services/workbook-io';
import type { WorkerReply } from '../../src/taskpane/services/worker-protocol';

const TINY = { seed: 7, scale: 0.001, months: 3, endPeriod: '2026-10' };
const sample: SourceInput = { id: 's', name: 'sample', type: 'sample', options: TINY };
const ctl = { onProgress: () => {}, cancelled: () => false };
const req = (sources: SourceInput[], workbook: RefreshRequest['workbook'] = {}): RefreshRequest => ({ sources, links: DEFAULT_LINK_RULES, workbook });

const USAGE_CSV = [
  'event_id,timestamp,agent_id,work_item_id,provider,model,kind,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,units,status,batch,cost_usd',
  'u1,2026-10-02T10:00:00Z,csr-tier1,T-1,openai,gpt-4o,llm,1000,0,0,200,0,ok,false,',
  'u2,2026-10-02T10:01:00Z,csr-tier1,,openai,gpt-4o,llm,1000,0,0,200,0,ok,false,',
  'u3,2026-10-02T10:02:00Z,csr-tier1,T-1,openai,gpt-4o,llm,lots,0,0,200,0,ok,false,',
  'u4,2026-10-02T10:03:00Z,csr-tier1,T-9,openai,gpt-4o,llm,1000,0,0,200,0,ok,false,',
].join('\n');
const ITEMS_CSV = ['work_item_id,agent_id,business_unit,type,opened_at,closed_at,outcome', 'T-1,csr-tier1,Customer Service,ticket,2026-10-02T09:00:00Z,2026-10-02T11:00:00Z,success'].join('\n');

describe('WORKBENCH_SAMPLE', () => {
  it('is a fixed, small configuration (≈1–3k work items a month, 3–6 months)', () => {
    expect(WORKBENCH_SAMPLE).toEqual({ seed: 42, scale: 0.01, months: 4, endPeriod: '2026-10' });
    expect(Object.isFrozen(WORKBENCH_SAMPLE)).toBe(true);
    const perMonth = 130_000 * WORKBENCH_SAMPLE.scale;
    expect(perMonth).toBeGreaterThanOrEqual(1000);
    expect(perMonth).toBeLessThanOrEqual(3000);
  });
});

describe('computeRefresh', () => {
  it('streams a canonical file handed over as a File/Blob (the page never reads it as text): the same figures as its text', async () => {
    const asText = await computeRefresh(req([
      { id: 'u', name: 'usage.csv', type: 'file', format: 'canonical', kind: 'usage', text: USAGE_CSV },
      { id: 'w', name: 'items.csv', type: 'file', format: 'canonical', kind: 'work_items', text: ITEMS_CSV },
    ]), ctl);
    const asBlob = await computeRefresh(req([
      { id: 'u', name: 'usage.csv', type: 'file', format: 'canonical', kind: 'usage', file: new Blob([USAGE_CSV]) },
      { id: 'w', name: 'items.csv', type: 'file', format: 'canonical', kind: 'work_items', file: new Blob([ITEMS_CSV]) },
    ]), ctl);
    expect(asBlob.sources).toEqual(asText.sources);
    expect(asBlob.result.rows).toEqual(asText.result.rows);
    expect(asBlob.result.unattributed).toEqual(asText.result.unattributed);
    expect(asBlob.sources[0]).toMatchObject({ read: 4, events: 3, rejected: 1 });
  });

  it('imports every source and reports read / linked / unattributed / rejected per source, with the rejected row’s line and column', async () => {
    const c = await computeRefresh(
      req([
        { id: 'u', name: 'usage.csv', type: 'file', format: 'canonical', kind: 'usage', text: USAGE_CSV },
        { id: 'w', name: 'items.csv', type: 'file', format: 'canonical', kind: 'work_items', text: ITEMS_CSV },
      ]),
      ctl,
    );
    const u = c.sources.find((s) => s.id === 'u')!;
    expect(u).toMatchObject({ read: 4, events: 3, linked: 1, unattributed: 2, rejected: 1 });
    expect(u.rejectedRows[0]).toMatchObject({ file: 'usage.csv', line: 4, column: 'input_tokens' });
    expect(u.rejectedRows[0].reason).toMatch(/expected/);
    expect(c.sources.find((s) => s.id === 'w')).toMatchObject({ read: 1, workItems: 1 });
    expect(c.rejected).toEqual(u.rejectedRows);
    expect(c.result.counts.events).toBe(3);
  });

  it('builds the same ledger as the core from the sample, and the summary’s total is the core’s to the cent', async () => {
    const c = await computeRefresh(req([sample]), ctl);
    const core = buildLedger(sampleData(TINY));
    expect(c.result.rows).toEqual(core.rows);
    const s = summarizeRefresh(c);
    const want = core.periods.reduce((n, p) => n + aggregate(core, 'agent', p).reduce((m, a) => m + Math.round(a.total * 100), 0), 0) / 100;
    expect(s.total).toBeCloseTo(want, 2);
    expect(s.periods).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(s.linkedShare).toBeGreaterThan(0.9);
    expect(s.linkedShare).toBeLessThan(1);
    expect(s.conservationOk).toBe(true);
    expect(c.writeInputs.sort()).toEqual(['agents', 'invoices', 'overheads', 'prices', 'rates', 'toolPrices']);
  });

  it('keeps configuration the workbook already has (the user’s edits) but takes data from this refresh’s sources', async () => {
    const d = sampleData(TINY);
    const edited = d.agents.map((a) => ({ ...a, target_cost_per_outcome: 9.99 }));
    const c = await computeRefresh(req([sample], { agents: edited, invoices: [] }), ctl);
    expect(c.ctx.agents.every((a) => a.target_cost_per_outcome === 9.99)).toBe(true);
    expect(c.writeInputs).not.toContain('agents');
    expect(c.ctx.invoices.length).toBeGreaterThan(0);
    expect(c.writeInputs).toContain('invoices');
  });

  it('reports a file it cannot read as a source error instead of failing the refresh', async () => {
    const c = await computeRefresh(req([{ id: 'x', name: 'bad.csv', type: 'file', format: 'canonical', kind: 'usage', text: 'a,b\n1,2' }, sample]), ctl);
    expect(c.sources[0].error).toMatch(/bad\.csv: missing required column/);
    expect(c.rejected[0]).toMatchObject({ file: 'bad.csv', line: 0 });
    expect(c.result.counts.events).toBeGreaterThan(0);
  });

  it('a failed or stopped API pull and an unreadable file make the refresh incomplete, naming each and what is missing (not rejected rows)', async () => {
    // LiteLLM answers the first page, then refuses the second: partial, what was read is kept
    const page1 = { data: [{ request_id: 'r1', startTime: '2026-10-14T03:00:00Z', model: 'gpt-4o', spend: 0.5, prompt_tokens: 10, completion_tokens: 5, status: 'success', metadata: { user_api_key_team_alias: 'csr-tier1' } }], total_pages: 2 };
    let calls = 0;
    const fetch = async () => {
      calls++;
      return calls === 1
        ? { status: 200, headers: { get: () => null }, text: async () => JSON.stringify(page1) }
        : { status: 403, headers: { get: () => null }, text: async () => 'forbidden' };
    };
    const api: SourceInput = { id: 'g', name: 'gateway', type: 'api', format: 'litellm', baseUrl: 'https://litellm.test', settings: { startDate: '2026-10-01', endDate: '2026-10-31' }, credentials: { apiKey: 'sk-1234' } };
    const bad: SourceInput = { id: 'x', name: 'bad.csv', type: 'file', format: 'canonical', kind: 'usage', text: 'a,b\n1,2' };
    const c = await computeRefresh(req([sample, api, bad]), { ...ctl, fetch });
    const s = summarizeRefresh(c);
    expect(s.rejected).toBe(c.sources.reduce((n, x) => n + x.rejected, 0)); // a failed source is not a rejected row
    expect(s.incomplete).toEqual([
      expect.objectContaining({ source: 'gateway', state: 'partial', missing: expect.stringMatching(/^(records after 2026-10-14T03:00:00Z up to 2026-10-31|everything it was asked for from 2026-10-01 to 2026-10-31)$/) }),
      expect.objectContaining({ source: 'bad.csv', state: 'failed', missing: 'the whole file', reason: expect.stringMatching(/missing required column/) }),
    ]);
    expect(JSON.stringify(s)).not.toContain('sk-1234');
    // a report generated meanwhile carries the line
    const host = new PreviewHost();
    await refreshWorkbook({ host, sources: [sample], links: DEFAULT_LINK_RULES, runner: inProcessRunner(), onProgress: () => {} });
    const text = incompleteText(s.incomplete)!;
    for (const kind of ['chargeback', 'reconciliation', 'budget', 'payback', 'slo', 'pnl'] as const) {
      const w = await generateReport(host, kind, '2026-10', { result: c.result, ctx: c.ctx, incomplete: text });
      const top = (await host.readSheet(w.sheet))![0].join(' ');
      expect(top).toMatch(/INCOMPLETE: source gateway stopped early \(missing .*\); source bad\.csv failed \(missing the whole file\)/);
    }
  });

  it('stops with RefreshCancelled when cancelled between steps', async () => {
    let n = 0;
    await expect(computeRefresh(req([sample, sample]), { onProgress: () => void n++, cancelled: () => n >= 2 })).rejects.toBeInstanceOf(RefreshCancelled);
  });

  it('the in-process runner cancels', async () => {
    const r = inProcessRunner();
    const p = r.run(req([sample]), () => r.cancel());
    await expect(p).rejects.toBeInstanceOf(RefreshCancelled);
  });
});

describe('workerRunner (message protocol, with a fake Worker)', () => {
  class FakeWorker {
    static last: FakeWorker;
    onmessage: ((ev: { data: WorkerReply }) => void) | null = null;
    onerror: ((ev: { message: string }) => void) | null = null;
    terminated = false;
    posted: unknown[] = [];
    constructor() {
      FakeWorker.last = this;
    }
    postMessage(m: unknown) {
      this.posted.push(m);
    }
    terminate() {
      this.terminated = true;
    }
    reply(m: WorkerReply) {
      this.onmessage?.({ data: m });
    }
  }
  const make = () => new FakeWorker() as unknown as Worker;

  it('forwards progress, resolves with the result and terminates the worker', async () => {
    const r = workerRunner(make);
    const seen: string[] = [];
    const p = r.run(req([sample]), (x) => seen.push(x.step));
    const w = FakeWorker.last;
    expect(w.posted[0]).toMatchObject({ type: 'run' });
    w.reply({ type: 'progress', progress: { step: 'Reading sample', done: 0, total: 3 } });
    const computed = await computeRefresh(req([sample]), ctl);
    w.reply({ type: 'done', computed });
    await expect(p).resolves.toBe(computed);
    expect(seen).toEqual(['Reading sample']);
    expect(w.terminated).toBe(true);
  });

  it('Cancel terminates the worker and rejects with RefreshCancelled; a worker error rejects with its message', async () => {
    const r = workerRunner(make);
    const p = r.run(req([sample]), () => {});
    const w = FakeWorker.last;
    r.cancel();
    await expect(p).rejects.toBeInstanceOf(RefreshCancelled);
    expect(w.terminated).toBe(true);
    const p2 = r.run(req([sample]), () => {});
    FakeWorker.last.reply({ type: 'error', message: 'usage.csv: boom' });
    await expect(p2).rejects.toThrow('usage.csv: boom');
  });
});

async function refreshed(host = new PreviewHost(), sources: SourceInput[] = [sample]) {
  const o = await refreshWorkbook({ host, sources, links: DEFAULT_LINK_RULES, runner: inProcessRunner(), onProgress: () => {} });
  return { host, o };
}

describe('refreshWorkbook', () => {
  it('writes the data and input sheets, fills the functions’ store, and reports progress to 100%', async () => {
    const host = new PreviewHost();
    const steps: number[] = [];
    const order: string[] = [];
    const end = jest.fn(() => void order.push('end'));
    const store = { set: jest.fn(() => void order.push('set')), invalidate: jest.fn(), notifyWorkbookRefreshed: jest.fn(() => void order.push('notify')), beginWrite: jest.fn(() => (order.push('begin'), end)) };
    const o = await refreshWorkbook({ host, sources: [sample], links: DEFAULT_LINK_RULES, runner: inProcessRunner(), onProgress: (p) => steps.push(p.done / p.total), functionStore: store });
    expect(await host.listSheets()).toEqual(expect.arrayContaining(['Ledger', 'Unattributed', 'Import Issues', 'Agents', 'Budget Drivers', 'Benchmarks']));
    const ledger = (await host.readSheet('Ledger'))!;
    expect(ledger.length - 1).toBe(o.computed.result.rows.length);
    expect(store.set).toHaveBeenCalledWith(expect.objectContaining({ rows: o.computed.result.rows, agents: o.computed.result.agents }));
    // the sheets are written inside the store's write window; the store gets what was written, then one recalculation
    expect(order).toEqual(['begin', 'set', 'end', 'notify']);
    expect(store.invalidate).not.toHaveBeenCalled();
    expect(steps[steps.length - 1]).toBe(1);
    expect(steps.every((x, i) => i === 0 || x >= steps[i - 1])).toBe(true);
  });

  it('a failed write ends the write window and drops the functions\' data (they re-read what is there); a failed recalculation is a warning', async () => {
    const host = new PreviewHost();
    const failing = Object.assign(Object.create(Object.getPrototypeOf(host)), host, { writeWorkbook: async () => { throw new Error('disk full'); } }) as PreviewHost;
    const order: string[] = [];
    const store = { set: jest.fn(), invalidate: jest.fn(() => void order.push('invalidate')), beginWrite: () => (order.push('begin'), () => void order.push('end')) };
    await expect(refreshWorkbook({ host: failing, sources: [sample], links: DEFAULT_LINK_RULES, runner: inProcessRunner(), onProgress: () => {}, functionStore: store })).rejects.toThrow(/disk full/);
    expect(order).toEqual(['begin', 'end', 'invalidate']);
    expect(store.set).not.toHaveBeenCalled();
    const o = await refreshWorkbook({ host, sources: [sample], links: DEFAULT_LINK_RULES, runner: inProcessRunner(), onProgress: () => {}, functionStore: { set: () => {}, invalidate: () => {}, notifyWorkbookRefreshed: async () => { throw new Error('GeneralException'); } } });
    expect(o.functionsWarning).toMatch(/did not recalculate the AILABOR cells \(GeneralException\): press Ctrl\+Alt\+F9/);
  });

  it('reads a bad input cell back by address, leaves its row out and lists it on Import Issues', async () => {
    const { host } = await refreshed();
    host.setCell('Agents', 'G3', 'lots');
    const { o } = await refreshed(host);
    expect(o.inputErrors.map((e) => `${e.sheet}!${e.cell}`)).toContain('Agents!G3');
    const issues = (await host.readSheet(ISSUES_SHEET))!;
    expect(issues.some((r) => String(r[1]).includes('Agents') && String(r[3]).startsWith('G3'))).toBe(true);
  });
});

describe('generateReport', () => {
  it('writes, activates and replaces (never duplicates) each report', async () => {
    const { host, o } = await refreshed();
    const r = { result: o.computed.result, ctx: o.computed.ctx };
    const before = (await host.listSheets()).length;
    for (const kind of ['chargeback', 'budget', 'payback', 'slo', 'pnl'] as const) {
      const w = await generateReport(host, kind, '2026-10', r);
      expect(host.active?.sheet).toBe(w.sheet);
      expect(w.rows).toBeGreaterThan(3);
      expect(w.rows).toBe((await host.readSheet(w.sheet))!.length);
    }
    const after = await host.listSheets();
    expect(after.length).toBe(before + 5);
    await generateReport(host, 'chargeback', '2026-10', r);
    expect((await host.listSheets()).length).toBe(after.length);
  });

  it('uses the Agents sheet as edited: a new target shows in the SLO Monitor', async () => {
    const { host, o } = await refreshed();
    const grid = (await host.readSheet('Agents'))!;
    const col = grid[0].indexOf('target_cost_per_outcome');
    host.setCell('Agents', `${String.fromCharCode(65 + col)}2`, 123.45);
    await generateReport(host, 'slo', '2026-10', { result: o.computed.result, ctx: o.computed.ctx });
    const slo = (await host.readSheet(SLO_SHEET))!;
    expect(slo.find((r) => r[0] === grid[1][0])?.[7]).toBe(123.45);
  });

  it('names bad input cells and refuses a month with no data or a workbook with no Ledger', async () => {
    const { host, o } = await refreshed();
    host.setCell('Agents', 'G2', 'n/a');
    const w = await generateReport(host, 'chargeback', '2026-10', { result: o.computed.result, ctx: o.computed.ctx });
    expect(w.errors[0]).toMatchObject({ sheet: 'Agents', cell: 'G2' });
    await expect(generateReport(host, 'chargeback', '2025-01', { result: o.computed.result, ctx: o.computed.ctx })).rejects.toThrow(/No data for 2025-01/);
    await expect(generateReport(new PreviewHost(), 'chargeback', '2026-10', { result: o.computed.result, ctx: o.computed.ctx })).rejects.toThrow(/run Refresh first/);
  });
});

describe('deriveAlerts', () => {
  it('points every SLO alert at its agent’s row for that month on the SLO Monitor', async () => {
    const { host, o } = await refreshed();
    await generateReport(host, 'slo', '2026-10', { result: o.computed.result, ctx: o.computed.ctx });
    const slo = (await host.readSheet(SLO_SHEET))!;
    const alerts = deriveAlerts(o.computed.result, { alertPct: 0.05, invoices: o.computed.ctx.invoices });
    const sloAlerts = alerts.filter((a) => a.sheet === SLO_SHEET);
    expect(sloAlerts.length).toBeGreaterThan(0);
    for (const a of sloAlerts) {
      const row = slo[Number(a.cell.slice(1)) - 1];
      expect(a.title).toContain(`${row[0]}, ${row[2]}`);
      if (a.kind === 'above') expect(row[17]).toBe('ALERT');
      if (a.kind === 'twoMonths') expect(row[16]).toBe('2 months above target');
      if (a.kind === 'slo') expect(row[14]).toBe('SLO breach');
    }
  });

  it('a higher threshold gives fewer alerts; true-up alerts point at the month’s invoice row', async () => {
    const { o, host } = await refreshed();
    const inv = o.computed.ctx.invoices;
    const low = deriveAlerts(o.computed.result, { alertPct: 0.0, trueupPct: 0, invoices: inv });
    const high = deriveAlerts(o.computed.result, { alertPct: 10, trueupPct: 1, invoices: inv });
    expect(high.filter((a) => a.kind === 'above' || a.kind === 'trueup')).toEqual([]);
    const trueups = low.filter((a) => a.kind === 'trueup');
    expect(trueups.length).toBe(3);
    const grid = (await host.readSheet(INVOICES.sheet))!;
    for (const t of trueups) expect(grid[Number(t.cell.slice(1)) - 1][0]).toBe(t.id.split('|')[1]);
  });

  it('lists unpriced models and points at their first line on Import Issues', async () => {
    const unknown = USAGE_CSV.split('\n').slice(0, 2).join('\n').replace('gpt-4o', 'mystery-model-9');
    const bad = USAGE_CSV.split('\n').slice(0, 1).concat(USAGE_CSV.split('\n')[3]).join('\n');
    const { o, host } = await refreshed(new PreviewHost(), [
      sample,
      { id: 'b', name: 'bad.csv', type: 'file', format: 'canonical', kind: 'usage', text: bad },
      { id: 'm', name: 'mystery.csv', type: 'file', format: 'canonical', kind: 'usage', text: unknown },
    ]);
    const alerts = deriveAlerts(o.computed.result, { issuesRejected: o.written.issuesRejected });
    const u = alerts.find((a) => a.kind === 'unpriced')!;
    expect(u.title).toMatch(/mystery-model-9 in 2026-10/);
    const issues = (await host.readSheet(ISSUES_SHEET))!;
    const row = issues[Number(u.cell.slice(1)) - 1];
    expect(row[0]).toBe('unpriced');
    expect(String(row[1])).toContain('mystery-model-9');
  });
});

describe('groupAlerts', () => {
  it('one entry per agent and month with all its findings (kinds in order), latest month first; counts per month', async () => {
    const { o } = await refreshed();
    const r = o.computed.result;
    const alerts = deriveAlerts(r, { alertPct: 0.05, invoices: o.computed.ctx.invoices });
    const all = groupAlerts(alerts, r.agents, null);
    const keys = all.agents.map((g) => `${g.agent_id}|${g.period}`);
    expect(new Set(keys).size).toBe(keys.length);
    // every agent finding is in its own agent-month's entry, none left out
    const agentFindings = alerts.filter((a) => a.agent_id !== undefined);
    expect(all.agents.reduce((t, g) => t + g.alerts.length, 0)).toBe(agentFindings.length);
    for (const g of all.agents) for (const a of g.alerts) expect([a.agent_id, a.period]).toEqual([g.agent_id, g.period]);
    // the sample has agent-months with several findings: listed by kind, they showed up in several lists
    expect(all.agents.some((g) => g.alerts.length > 1)).toBe(true);
    expect(agentFindings.length).toBeGreaterThan(all.agents.length);
    const order = ['noOutcomes', 'slo', 'above', 'twoMonths'];
    for (const g of all.agents) expect(g.alerts.map((a) => order.indexOf(a.kind))).toEqual(g.alerts.map((a) => order.indexOf(a.kind)).sort((x, y) => x - y));
    expect(all.agents.map((g) => g.period)).toEqual(all.agents.map((g) => g.period).sort().reverse());
    // per month: only that month, in the SLO Monitor's agent order; the months' counts add up to all
    const months = alertMonths(alerts, r.periods);
    expect(months.map((m) => m.period)).toEqual([...r.periods].reverse());
    expect(months.reduce((t, m) => t + m.count, 0)).toBe(all.count);
    for (const { period, count } of months) {
      const g = groupAlerts(alerts, r.agents, period);
      expect(g.count).toBe(count);
      expect(g.agents.every((x) => x.period === period)).toBe(true);
      const idx = g.agents.map((x) => r.agents.findIndex((a) => a.agent_id === x.agent_id));
      expect(idx).toEqual([...idx].sort((x, y) => x - y));
      expect(g.count).toBe(g.agents.reduce((t, x) => t + x.alerts.length, 0) + g.unpriced.length + g.trueup.length);
    }
  });
});

describe('trends', () => {
  it('gives each agent’s cost per outcome by month and its target', async () => {
    const { o } = await refreshed();
    const s = trendSeries(o.computed.result);
    const core = aggregate(o.computed.result, 'agent', '2026-10').find((a) => a.key === s[0].agent_id)!;
    expect(s[0].points.map((p) => p.period)).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(s[0].points[2].value).toBe(roundShown(core.total / core.outcomes, 2)); // at cents, as the SLO Monitor shows it
    expect(s[0].target).toBe(o.computed.result.agents.find((a) => a.agent_id === s[0].agent_id)!.target_cost_per_outcome);
  });
});

describe('assessMaturity', () => {
  const none: MaturityFacts = {
    events: 0, attributedShare: 0, agents: 0, agentsWithPnlLine: 0, agentsWithTarget: 0, chargebackGenerated: false, months: 0,
    sloMonitorPresent: false, agentsWithSlos: 0, alertsOn: false, migrationPlanPresent: false, budgetPresent: false,
  };
  it('starts Invisible and says what Tracked needs', () => {
    const m = assessMaturity(none);
    expect(m.stage).toBe('Invisible');
    expect(m.next.map((r) => r.text)).toEqual(['AI usage imported into the ledger', expect.stringMatching(/95% of cost linked/)]);
  });
  it('climbs one stage per set of requirements, never skipping one', () => {
    const tracked = { ...none, events: 10, attributedShare: 0.99, agents: 3 };
    expect(assessMaturity(tracked).stage).toBe('Tracked');
    expect(assessMaturity({ ...tracked, attributedShare: 0.9 }).stage).toBe('Invisible');
    const allocated = { ...tracked, agentsWithPnlLine: 3, chargebackGenerated: true };
    expect(assessMaturity(allocated).stage).toBe('Allocated');
    const optimized = { ...allocated, agentsWithTarget: 3, months: 2, sloMonitorPresent: true, migrationPlanPresent: true };
    expect(assessMaturity(optimized).stage).toBe('Optimized');
    expect(assessMaturity({ ...optimized, agentsWithTarget: 2 }).stage).toBe('Allocated');
    const governed = { ...optimized, agentsWithSlos: 3, alertsOn: true, budgetPresent: true };
    expect(assessMaturity(governed)).toMatchObject({ stage: 'Governed', level: 4, next: [] });
    // Governed's set-up without Optimized's does not count.
    expect(assessMaturity({ ...allocated, agentsWithSlos: 3, alertsOn: true, budgetPresent: true }).stage).toBe('Allocated');
  });
});

describe('credentials', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).OfficeRuntime;
    delete (globalThis as Record<string, unknown>).Office;
    delete (globalThis as Record<string, unknown>).localStorage;
  });
  it('uses localStorage keyed with Office.context.partitionKey', async () => {
    const m = new Map<string, string>();
    (globalThis as Record<string, unknown>).localStorage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => m.set(k, v), removeItem: (k: string) => m.delete(k) };
    (globalThis as Record<string, unknown>).Office = { context: { partitionKey: 'pk1' } };
    const c = createCredentialStore();
    await c.set('api-1.apiKey', 'sk-secret');
    expect([...m.keys()]).toEqual(['pk1ailabor.credential.api-1.apiKey']);
    expect(await c.get('api-1.apiKey')).toBe('sk-secret');
    await c.remove('api-1.apiKey');
    expect(m.size).toBe(0);
  });
  it('prefers OfficeRuntime.storage when the runtime has it', async () => {
    const m = new Map<string, string>();
    (globalThis as Record<string, unknown>).OfficeRuntime = { storage: { getItem: async (k: string) => m.get(k) ?? null, setItem: async (k: string, v: string) => void m.set(k, v), removeItem: async (k: string) => void m.delete(k) } };
    const c = createCredentialStore();
    await c.set('a.token', 't');
    expect(c.where).toMatch(/OfficeRuntime/);
    expect(m.get('ailabor.credential.a.token')).toBe('t');
  });
});

describe('excelChartService', () => {
  it('writes the period × agent block as text-safe values beside the SLO Monitor and adds one named line chart', async () => {
    const calls: string[] = [];
    (globalThis as Record<string, unknown>).Excel = { ChartType: { line: 'Line' }, ChartSeriesBy: { columns: 'Columns' } };
    const ranges: Record<string, { values?: unknown; numberFormat?: unknown }> = {};
    let added: unknown = null;
    const chart = { name: '', title: { text: '' }, setPosition: (a: string) => calls.push(`position ${a}`) };
    const ws = {
      getRange: (a: string) => (ranges[a] ??= {}),
      charts: {
        getItemOrNullObject: () => ({ isNullObject: false, load: () => {}, delete: () => calls.push('delete old') }),
        add: (t: string, r: unknown, by: string) => {
          added = r;
          calls.push(`add ${t} ${by}`);
          return chart;
        },
      },
    };
    const context = { workbook: { worksheets: { getItem: (n: string) => (calls.push(`sheet ${n}`), ws) } }, sync: async () => void calls.push('sync') };
    const svc = excelChartService(async (b) => b(context as unknown as Excel.RequestContext));
    const series = [{ agent_id: '=evil', target: 1, points: [{ period: '2026-09', value: 1.5 }, { period: '2026-10', value: null }] }];
    const r = await svc.addTrendChart(series, ['2026-09', '2026-10']);
    const c0 = String.fromCharCode(65 + CHART_DATA_COL);
    expect(r).toEqual({ sheet: SLO_SHEET, range: `${c0}1:${String.fromCharCode(66 + CHART_DATA_COL)}3` });
    expect(ranges[r.range].values).toEqual(chartBlock(series, ['2026-09', '2026-10']));
    expect(ranges[`${c0}1:${String.fromCharCode(66 + CHART_DATA_COL)}1`].numberFormat).toEqual([['@', '@']]);
    expect(added).toBe(ranges[r.range]);
    expect(chart.name).toBe('AILaborTrend');
    expect(calls).toEqual([`sheet ${SLO_SHEET}`, 'sync', 'delete old', 'add Line Columns', `position ${c0}5`, 'sync']);
    await expect(svc.addTrendChart([], [])).rejects.toThrow(/run Refresh first/);
    delete (globalThis as Record<string, unknown>).Excel;
  });
});

describe('specRows', () => {
  it('counts the rows an input sheet fills', () => {
    expect(specRows(inputSheet(AGENTS, sampleData(TINY).agents))).toBe(8);
  });
});

export type { CellValue };

describe('previewText (live link preview of large files)', () => {
  it('keeps small files whole, cuts large CSV/JSONL at a line, and refuses to cut a large JSON document', async () => {
    const { previewText, PREVIEW_MAX_CHARS } = await import('../../src/taskpane/panels/LinkRulesEditor');
    expect(previewText('a,b\n1,2')).toEqual({ text: 'a,b\n1,2', cut: false });
    const line = 'request_id,spend\n' + 'r1,0.1\n'.repeat(PREVIEW_MAX_CHARS / 7 + 10);
    const csv = previewText(line)!;
    expect(csv.cut).toBe(true);
    expect(csv.text.length).toBeLessThanOrEqual(PREVIEW_MAX_CHARS);
    expect(csv.text.endsWith('r1,0.1')).toBe(true);
    const jsonl = previewText('{"a":1}\n'.repeat(PREVIEW_MAX_CHARS / 8 + 10))!;
    expect(jsonl.cut).toBe(true);
    expect(jsonl.text.split('\n').every((l) => l === '{"a":1}')).toBe(true);
    expect(previewText(`[${'{"a":1},'.repeat(PREVIEW_MAX_CHARS / 8 + 10)}{"a":1}]`)).toBeNull();
  });
});
