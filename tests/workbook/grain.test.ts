// The Ledger at either grain (src/workbook/README.md "Grain"): a workbook whose Ledger holds a row per work item and
// the same workbook whose Ledger is aggregated by agent × day × business unit × outcome give the same value in every
// cell of every report sheet — recalculated by HyperFormula (the preview host) and by LibreOffice (the .xlsx host) —
// and every AILABOR function gives the same answer over either Ledger read back from the sheet.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from '../../src/core/ledger/aggregate';
import { buildLedger } from '../../src/core/ledger';
import { randomMonthCase } from '../engines/random-month';
import { aggregateRows, closingDay } from '../../src/core/ledger/grain';
import type { LedgerRow } from '../../src/core/model/ledger';
import * as logic from '../../src/functions/logic';
import { ledgerStore } from '../../src/functions/store';
import { PreviewHost } from '../../src/hosts/preview';
import { XlsxHost } from '../../src/hosts/xlsx';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';
import {
  CB, DEFAULT_DRIVERS, LEDGER_COLUMNS, LEDGER_DETAIL_MAX_ROWS, LEDGER_SHEET, PLAYBOOK_BENCHMARKS, buildWorkbook, chooseGrain, defaultBudget, defaultPaybackInputs,
  ledgerSheetAtGrain, readLedgerSheet, readUnattributedSheet, SheetKeys,
  type CellError, type CellValue, type WorkbookSpec,
} from '../../src/workbook';
import { adversarialWorkbook } from './adversarial';
import { demoWorkbook } from './demo';
import { checkFigures, errorCells } from './figures-check';

const reportNames = (spec: WorkbookSpec) => spec.sheets.filter((s) => s.kind === 'report').map((s) => s.name);

async function preview(spec: WorkbookSpec) {
  const host = new PreviewHost();
  await host.writeWorkbook(spec);
  const grids = new Map<string, CellValue[][]>();
  for (const s of spec.sheets) grids.set(s.name, (await host.readSheet(s.name)) ?? []);
  return grids;
}

/** Cells that differ between two recalculated workbooks' sheets, as "Sheet!A1: x vs y". */
function differences(names: string[], a: Map<string, CellValue[][]>, b: Map<string, CellValue[][]>): string[] {
  const out: string[] = [];
  for (const n of names) {
    const x = a.get(n) ?? [];
    const y = b.get(n) ?? [];
    for (let r = 0; r < Math.max(x.length, y.length); r++) {
      for (let c = 0; c < Math.max(x[r]?.length ?? 0, y[r]?.length ?? 0); c++) {
        const u = x[r]?.[c] ?? null;
        const v = y[r]?.[c] ?? null;
        if (u !== v && !(u === '' && v === null) && !(u === null && v === '')) out.push(`${n}!R${r + 1}C${c + 1}: ${JSON.stringify(u)} vs ${JSON.stringify(v)}`);
      }
    }
  }
  return out;
}

describe('aggregateRows', () => {
  const demo = demoWorkbook();
  const rows = demo.result.rows;
  const lines = aggregateRows(rows);

  it('sums rows by period, agent, business unit, closing day, outcome and type, keeping every sum and count', () => {
    expect(lines.length).toBeLessThan(rows.length * 0.6);
    expect(lines.reduce((n, l) => n + l.work_items!, 0)).toBe(rows.length);
    const cents = (rs: readonly LedgerRow[], k: keyof LedgerRow) => rs.reduce((n, r) => n + Math.round((r[k] as number) * 100), 0);
    for (const k of ['api', 'retry', 'tools', 'review', 'overhead', 'trueup', 'total'] as const) expect(cents(lines, k)).toBe(cents(rows, k));
    for (const k of ['input_tokens', 'output_tokens', 'events', 'retries', 'reviews', 'approved', 'reviewed', 'closed', 'success'] as const) {
      expect(lines.reduce((n, l) => n + l[k], 0)).toBe(rows.reduce((n, r) => n + r[k], 0));
    }
    // one line per key, its day the day its items closed in the period
    const keys = new Set(lines.map((l) => [l.period, l.agent_id, l.business_unit, l.closed_at, l.outcome, l.type].join('|')));
    expect(keys.size).toBe(lines.length);
    for (const l of lines) {
      expect(l.work_item_id).toBe('');
      if (l.closed_at) expect(l.closed).toBe(l.work_items);
      else expect(l.closed).toBe(0);
    }
    expect(lines.some((l) => /^\d{4}-\d{2}-\d{2}$/.test(l.closed_at))).toBe(true);
    expect(closingDay({ closed: 0, closed_at: '2026-11-02T10:00:00Z' })).toBe('');
    // the UTC day, in the row's period: closed at 22:00 in New York on 31 October is 1 November (November's row)
    expect(closingDay({ closed: 1, closed_at: '2026-10-31T22:00:00-05:00' })).toBe('2026-11-01');
    expect(closingDay({ closed: 1, closed_at: '2026-11-01T01:00:00+05:00' })).toBe('2026-10-31');
  });

  it('does not depend on the rows\' order, and aggregating again changes nothing', () => {
    expect(aggregateRows([...rows].reverse())).toEqual(lines);
    expect(aggregateRows(lines)).toEqual(lines);
  });

  it('orders lines by code point, as the per-item rows (an emoji sorts after U+FF01; UTF-16 order has it before)', () => {
    const row = (agent: string) => ({ ...rows[0], agent_id: agent, work_item_id: `w-${agent}` });
    const out = aggregateRows([row('a\u{1F600}'), row('a\uFF01'), row('a')]).map((l) => l.agent_id);
    expect(out).toEqual(['a', 'a\uFF01', 'a\u{1F600}']);
  });

  it('gives the same aggregates as the per-item rows (agent, business unit, all; every period)', () => {
    for (const by of ['agent', 'business_unit', 'all'] as const) expect(aggregate({ ...demo.result, rows: lines }, by)).toEqual(aggregate(demo.result, by));
  });

  it('random months (every rule at once, hard names): the same aggregates at either grain, in any row order', () => {
    for (const [seed, hard] of [[1, false], [2, true], [3, true], [4, false]] as const) {
      const result = buildLedger(randomMonthCase(seed, hard), {});
      const agg = aggregateRows(result.rows);
      expect(aggregateRows([...result.rows].reverse())).toEqual(agg);
      for (const by of ['agent', 'business_unit', 'all'] as const) expect({ seed, by, a: aggregate({ ...result, rows: agg }, by) }).toEqual({ seed, by, a: aggregate(result, by) });
    }
  });

  it('chooses the grain by the threshold', () => {
    expect(chooseGrain(LEDGER_DETAIL_MAX_ROWS)).toBe('work_item');
    expect(chooseGrain(LEDGER_DETAIL_MAX_ROWS + 1)).toBe('aggregated');
    expect(chooseGrain(10, { maxRows: 5 })).toBe('aggregated');
    expect(chooseGrain(10 ** 7, { grain: 'work_item' })).toBe('work_item');
  });

  it('the aggregated Ledger sheet says its grain and where the detail is, above the same columns', () => {
    const s = ledgerSheetAtGrain(rows, SheetKeys.of(demo.result), { grain: 'aggregated', detail: 'ledger-detail.csv, beside this workbook' });
    expect(s.grain).toBe('aggregated');
    expect(s.rows).toBe(lines.length);
    const grid = s.spec.grids.flatMap((g) => g.rows);
    const text = (c: unknown) => (c && typeof c === 'object' ? (c as { v: unknown }).v : c);
    expect(String(text(grid[0][0]))).toMatch(new RegExp(`^Ledger by agent × day × business unit × outcome: ${rows.length.toLocaleString('en-US')} work-item rows summed into ${lines.length} rows`));
    expect(text(grid[1][0])).toBe('Per-work-item detail: ledger-detail.csv, beside this workbook');
    const header = s.spec.grids.find((g) => g.at === 'A3')!.rows[0].map(text);
    expect(header).toEqual([...LEDGER_COLUMNS.map((c) => c.key), 'period_key', 'agent_key', 'bu_key']);
    expect(s.spec.names!.find((n) => n.name === 'Ledger_work_items')!.ref).toBe(`Ledger!$Y$4:$Y$${3 + lines.length}`);
  });
});

describe.each([
  ['the demo workbook', (g: 'work_item' | 'aggregated') => demoWorkbook(0.002, 3, { grain: g })],
  ['the adversarial workbook (pattern-like names, items outside their agent\'s unit, no outcomes)', (g: 'work_item' | 'aggregated') => adversarialWorkbook({ grain: g })],
])('%s at either grain, in HyperFormula', (_name, make) => {
  const item = make('work_item');
  const agg = make('aggregated');
  let a: Map<string, CellValue[][]>;
  let b: Map<string, CellValue[][]>;
  beforeAll(async () => {
    a = await preview(item.spec);
    b = await preview(agg.spec);
  });

  it('has fewer Ledger rows aggregated', () => {
    const ledgerRows = (g: Map<string, CellValue[][]>) => g.get(LEDGER_SHEET)!.length;
    expect(ledgerRows(b)).toBeLessThan(ledgerRows(a));
  });

  it('gives every report cell the same value, and every figure the core\'s', () => {
    const names = reportNames(item.spec);
    expect(names.length).toBeGreaterThanOrEqual(6);
    expect(differences(names, a, b)).toEqual([]);
    expect(errorCells(names, (s) => b.get(s) ?? null)).toEqual([]);
    const { problems, checked } = checkFigures((s) => b.get(s) ?? null, agg.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('the comparison can fail: a Ledger that counts aggregated rows instead of their work items is caught', async () => {
    // the aggregated rows with work_items 1 each: what COUNTIFS over the rows would count
    const wrong = { ...agg.spec, sheets: agg.spec.sheets.map((s) => (s.name !== LEDGER_SHEET ? s : { ...s, grids: s.grids.map((g) => ({ ...g, rows: g.rows.map((r, i) => (i === 0 || g.at === 'A1' ? r : r.map((v, c) => (c === 24 ? 1 : v)))) })) })) };
    const c = await preview(wrong);
    const diff = differences(reportNames(item.spec), a, c);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.some((d) => d.startsWith(`Chargeback ${item.period}!R${CB.firstLine + 1}C4:`))).toBe(true);
  });
});

const soffice = findSoffice();
const maybe = soffice ? describe : describe.skip;
if (!soffice && process.env.SKIP_LIBREOFFICE !== '1') {
  test('LibreOffice is installed (the recalculation oracle)', () => {
    throw new Error('soffice not found: install Debian libreoffice-calc-nogui (or set SKIP_LIBREOFFICE=1 to skip these tests)');
  });
}

maybe('either grain recalculated by LibreOffice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-grain-'));
  const save = async (spec: WorkbookSpec, name: string) => {
    const host = new XlsxHost();
    await host.writeWorkbook(spec);
    const path = join(dir, name);
    await host.save(path);
    return recalcWithLibreOffice(path, spec.sheets.map((s) => s.name));
  };

  it('the demo workbook: every report cell the same at both grains, every figure the core\'s, no error value', async () => {
    const item = demoWorkbook(0.002, 3, { grain: 'work_item' });
    const agg = demoWorkbook(0.002, 3, { grain: 'aggregated' });
    const [a, b] = await Promise.all([save(item.spec, 'item.xlsx'), save(agg.spec, 'agg.xlsx')]);
    const names = reportNames(item.spec);
    expect(differences(names, a, b)).toEqual([]);
    expect(errorCells(agg.spec.sheets.map((s) => s.name), (s) => b.get(s) ?? null)).toEqual([]);
    const { problems, checked } = checkFigures((s) => b.get(s) ?? null, agg.figures);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
    expect(b.get(LEDGER_SHEET)!.length).toBeLessThan(a.get(LEDGER_SHEET)!.length);
  });

  it.each([
    [5, 'work_item'],
    [2, 'aggregated'],
  ] as const)('random month %d with hard names (a line break, surrounding space, emoji and U+FF01 in ids), %s grain: every figure the core\'s', async (seed, grain) => {
    const i = randomMonthCase(seed, true);
    const { events: _e, workItems: _w, reviews: _r, ...ctx } = i;
    const result = buildLedger(i, {});
    const period = '2026-10';
    const budget = defaultBudget(result, ctx, period);
    const payback = defaultPaybackInputs(result, period, ctx.agents, ctx.prices);
    const spec = buildWorkbook({ result, ctx, period, budget, payback, rejected: [], ledger: { grain } });
    const b = await save(spec, `random-${seed}-${grain}.xlsx`);
    expect(errorCells(spec.sheets.map((s) => s.name), (s) => b.get(s) ?? null)).toEqual([]);
    const { problems, checked } = checkFigures((s) => b.get(s) ?? null, { result, ctx, period, budget: { lines: budget.lines, drivers: { ...DEFAULT_DRIVERS } }, payback });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('the adversarial workbook aggregated: every figure the core\'s', async () => {
    const agg = adversarialWorkbook({ grain: 'aggregated' });
    const b = await save(agg.spec, 'adv-agg.xlsx');
    expect(errorCells(agg.spec.sheets.map((s) => s.name), (s) => b.get(s) ?? null)).toEqual([]);
    const { problems } = checkFigures((s) => b.get(s) ?? null, agg.figures);
    expect(problems).toEqual([]);
  });
});

describe('AILABOR functions over either Ledger, read back from the sheet', () => {
  const demo = demoWorkbook();
  /** The functions' snapshot from a workbook's Ledger and Unattributed sheets, as the Excel loader reads them. */
  async function snapshotOf(grain: 'work_item' | 'aggregated') {
    const d = demoWorkbook(0.002, 3, { grain });
    const host = new PreviewHost();
    await host.writeWorkbook(d.spec);
    const errors: CellError[] = [];
    const rows = readLedgerSheet((await host.readSheet(LEDGER_SHEET))!, errors);
    const unattributed = readUnattributedSheet((await host.readSheet('Unattributed'))!, errors);
    expect(errors).toEqual([]);
    return { rows, unattributed, agents: d.ctx.agents, prices: d.ctx.prices, benchmarks: PLAYBOOK_BENCHMARKS };
  }

  /** Every ledger-backed function for every scope, period and component: values, or the error's code and message. */
  function answers(): unknown[] {
    const l = ledgerStore.current()!;
    const call = (f: () => unknown) => {
      try {
        return f();
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    const scopes = ['*', ...demo.result.agents.map((a) => a.agent_id), ...new Set(demo.result.agents.map((a) => a.business_unit))];
    const out: unknown[] = [];
    for (const s of scopes) {
      for (const p of demo.result.periods) {
        for (const c of logic.COMPONENT_NAMES) out.push(call(() => logic.totalCost(l, s, p, c)), call(() => logic.costPerOutcome(l, s, p, c)), call(() => logic.costPerWorkItem(l, s, p, c)));
        out.push(call(() => logic.outcomes(l, s, p)), call(() => logic.workItems(l, s, p)), call(() => logic.accuracy(l, s, p)), call(() => logic.reviewRate(l, s, p)));
        out.push(call(() => logic.targetVariance(l, s, p)), call(() => logic.targetVariance(l, s, p, true)), call(() => logic.sloStatus(l, s, p)), call(() => logic.humanSavings(l, s, p)));
        // LEDGER lists the rows of the grain; their money columns sum to the same cents and work_items to the same count
        const rows = call(() => logic.ledger(l, s, p, 'api,total,work_items,success')) as (string | number)[][];
        out.push([1, 2, 3].map((k) => rows.slice(1).reduce((n, r) => n + Math.round((r[k - 1] as number) * 100), 0)), rows.slice(1).reduce((n, r) => n + (r[3] as number), 0));
      }
      for (const m of logic.TREND_METRICS) out.push(call(() => logic.trend(l, s, demo.result.periods[0], demo.result.periods[2], m)));
    }
    return out;
  }

  it('gives the same answer to every call at either grain', async () => {
    ledgerStore.reset();
    ledgerStore.set(await snapshotOf('work_item'));
    const a = answers();
    ledgerStore.reset();
    ledgerStore.set(await snapshotOf('aggregated'));
    expect(ledgerStore.current()!.snapshot.rows.length).toBeLessThan(demo.result.rows.length * 0.6);
    const b = answers();
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    // and the check can fail: an aggregated Ledger read as if each row were one work item
    ledgerStore.reset();
    ledgerStore.set({ ...(await snapshotOf('aggregated')), rows: (await snapshotOf('aggregated')).rows.map((r) => ({ ...r, work_items: undefined })) });
    expect(answers()).not.toEqual(a);
    ledgerStore.reset();
  });
});
