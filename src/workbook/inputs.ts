// Input sheets (DESIGN.md §4): the user edits them, the add-in reads them back (readers.ts). One definition per
// sheet drives both directions, so a column can never be written one way and read another.
import { z } from 'zod';
import {
  agentSchema,
  EVENT_KINDS,
  invoiceSchema,
  OVERHEAD_DRIVERS,
  overheadSchema,
  priceOverrideSchema,
  rateSchema,
  toolPriceSchema,
  type Agent,
  type Invoice,
  type Overhead,
  type PriceOverride,
  type Rate,
  type ToolPrice,
} from '../core/model/records';
import { colLetter, sheetRef } from './address';
import { SheetBuilder, columnRange } from './sheet';
import type { CellInput, CellStyle, SheetSpec, ValidationSpec } from './spec';
import { FMT, S, withFmt } from './styles';

export type InputType = 'text' | 'number' | 'ratio' | 'date' | 'period' | 'integer';

export interface InputColumn {
  key: string;
  type: InputType;
  /** what a good value looks like, for messages: "a number ≥ 0" */
  expected: string;
  width?: number;
  numFmt?: string;
  list?: readonly string[];
  min?: number;
  max?: number;
  /** the sheet refuses a row without it */
  required?: boolean;
}

export interface InputSheetDef<T> {
  sheet: string;
  /** defined-name prefix for each column: `Agents_agent_id` */
  prefix: string;
  columns: InputColumn[];
  schema: z.ZodType<T>;
  note: string;
}

/** Names and validations cover this many rows beyond the data, so rows the user adds are still seen by formulas. */
export const INPUT_SLACK_ROWS = 200;

const text = (key: string, width = 16, required = false): InputColumn => ({ key, type: 'text', expected: required ? 'a non-empty text' : 'text', width, required });
const money = (key: string, width = 14, numFmt: string = FMT.rate): InputColumn => ({ key, type: 'number', expected: 'a number ≥ 0', width, numFmt, min: 0 });
const ratio = (key: string): InputColumn => ({ key, type: 'ratio', expected: 'a ratio between 0 and 1 (or a percentage)', width: 12, numFmt: FMT.pct, min: 0, max: 1 });

export const AGENTS: InputSheetDef<Agent> = {
  sheet: 'Agents',
  prefix: 'Agents',
  schema: agentSchema,
  note: 'One row per AI agent. Targets, human baseline and SLOs drive the SLO Monitor, Agent P&L and Chargeback.',
  columns: [
    text('agent_id', 18, true),
    text('name', 20),
    text('business_unit', 22, true),
    text('unit_name', 12),
    text('model', 26),
    money('target_cost_per_outcome'),
    money('human_cost_per_unit'),
    money('slo_max_cost_per_outcome'),
    ratio('slo_min_accuracy'),
    ratio('slo_max_review_rate'),
    text('cost_center', 16),
    // Daily alerts per agent (blank = the Budget Drivers defaults): src/core/daily/README.md.
    ratio('alert_drift_pct'),
    ratio('alert_min_change_pct'),
    { key: 'alert_window_days', type: 'integer', expected: 'a whole number of days from 1 to 14', width: 12, min: 1, max: 14, numFmt: FMT.int },
  ],
};

export const RATES: InputSheetDef<Rate> = {
  sheet: 'Rates',
  prefix: 'Rates',
  schema: rateSchema,
  note: 'Fully loaded hourly rate of each reviewer role (human review time is costed at this rate).',
  columns: [text('reviewer_role', 22, true), money('hourly_rate_usd', 16, FMT.money)],
};

export const TOOL_PRICES: InputSheetDef<ToolPrice> = {
  sheet: 'Tool Prices',
  prefix: 'ToolPrices',
  schema: toolPriceSchema,
  note: 'Price per unit of vector searches and tool calls that carry no provider-reported cost.',
  columns: [
    { key: 'kind', type: 'text', expected: 'vector_search or tool', width: 16, list: EVENT_KINDS.filter((k) => k === 'vector_search' || k === 'tool'), required: true },
    money('unit_price_usd', 16, '$#,##0.000000'),
  ],
};

export const PRICES: InputSheetDef<PriceOverride> = {
  sheet: 'Prices',
  prefix: 'Prices',
  schema: priceOverrideSchema,
  note: 'Negotiated prices (USD per million tokens) from a date, discounts, batch multipliers, service-tier prices and deployment-name mappings; they override the bundled catalog.',
  columns: [
    text('provider', 14),
    text('model', 28, true),
    { key: 'effective_from', type: 'date', expected: 'a date YYYY-MM-DD', width: 14 },
    money('input_mtok', 12, FMT.mtok),
    money('cached_input_mtok', 12, FMT.mtok),
    money('cache_write_mtok', 12, FMT.mtok),
    money('output_mtok', 12, FMT.mtok),
    { key: 'discount_pct', type: 'number', expected: 'a percentage between 0 and 100', width: 12, min: 0, max: 100, numFmt: '0.0' },
    { key: 'batch_multiplier', type: 'number', expected: 'a number ≥ 0', width: 12, min: 0, numFmt: '0.00' },
    text('maps_to_model', 24),
    text('note', 40),
    // Added with the vendor splits (issue #13); older Prices sheets without them still read (no column is required).
    text('service_tier', 14),
    { key: 'tier_multiplier', type: 'number', expected: 'a number ≥ 0', width: 12, min: 0, numFmt: '0.00' },
    money('cache_write_1h_mtok', 12, FMT.mtok),
    money('web_search_per_1k', 12, FMT.mtok),
  ],
};

export const OVERHEADS: InputSheetDef<Overhead> = {
  sheet: 'Overheads',
  prefix: 'Overheads',
  schema: overheadSchema,
  note: 'Monthly shared costs, allocated to work items in scope by the driver (work_items, api_cost or tokens).',
  columns: [
    { key: 'period', type: 'period', expected: 'a period YYYY-MM', width: 10, required: true },
    text('category', 20, true),
    { key: 'amount_usd', type: 'number', expected: 'a number', width: 14, numFmt: FMT.money },
    text('scope', 32),
    { key: 'driver', type: 'text', expected: `one of ${OVERHEAD_DRIVERS.join(', ')}`, width: 12, list: OVERHEAD_DRIVERS },
  ],
};

export const INVOICES: InputSheetDef<Invoice> = {
  sheet: 'Invoices',
  prefix: 'Invoices',
  schema: invoiceSchema,
  note: 'What each provider billed per month; the ledger trues computed cost up (or down) to it.',
  columns: [
    { key: 'period', type: 'period', expected: 'a period YYYY-MM', width: 10, required: true },
    text('provider', 16, true),
    { key: 'billed_usd', type: 'number', expected: 'a number', width: 16, numFmt: FMT.money },
  ],
};

/** One P&L line of the budget. */
export const budgetLineSchema = z.object({
  business_unit: z.string().trim().min(1, { message: 'expected a non-empty text' }),
  agents: z.number({ message: 'expected a whole number ≥ 0' }).int({ message: 'expected a whole number ≥ 0' }).min(0, { message: 'expected a whole number ≥ 0' }),
  cost_per_unit: z.number({ message: 'expected a number ≥ 0' }).min(0, { message: 'expected a number ≥ 0' }),
  monthly_volume: z.number({ message: 'expected a number ≥ 0' }).min(0, { message: 'expected a number ≥ 0' }),
  /** cost a month that no volume drives (last month's unallocated overhead, by default) */
  fixed_monthly_usd: z.number({ message: 'expected a number' }).default(0),
  unit_name: z.string().trim().default(''),
  source: z.string().trim().default(''),
});
export type BudgetLine = z.output<typeof budgetLineSchema>;

export const BUDGET_LINES: InputSheetDef<BudgetLine> = {
  sheet: 'Budget Drivers',
  prefix: 'Drivers',
  schema: budgetLineSchema,
  note: 'Per P&L line: agents, cost per outcome (as on the Chargeback), monthly volume in successful outcomes of its unit, and a fixed monthly cost. Defaults come from last month\'s actuals; type over them, add lines below (the Budget picks them up).',
  columns: [
    text('business_unit', 24, true),
    { key: 'agents', type: 'integer', expected: 'a whole number ≥ 0', width: 10, min: 0, numFmt: FMT.int },
    money('cost_per_unit', 14, FMT.rate),
    { key: 'monthly_volume', type: 'number', expected: 'a number ≥ 0', width: 16, min: 0, numFmt: FMT.int },
    { key: 'fixed_monthly_usd', type: 'number', expected: 'a number', width: 14, numFmt: FMT.money },
    text('unit_name', 14),
    text('source', 48),
  ],
};

/** The scalar drivers and assumptions below the P&L lines. Keys are stable: formulas use their names. */
export const DRIVER_KEYS = [
  { key: 'model_migrations_usd', name: 'Drv_migrations', label: 'Model migrations and testing (annual)', fmt: FMT.money0, min: 0, max: undefined, def: 120_000 },
  { key: 'infrastructure_usd', name: 'Drv_infrastructure', label: 'Infrastructure, observability and vector search (annual)', fmt: FMT.money0, min: 0, max: undefined, def: 96_000 },
  { key: 'prompt_engineering_usd', name: 'Drv_prompt', label: 'Prompt engineering and retraining (annual)', fmt: FMT.money0, min: 0, max: undefined, def: 84_000 },
  { key: 'margin_pct', name: 'Drv_margin', label: 'Margin for underestimates (the playbook: 20–30%)', fmt: FMT.pct, min: 0, max: 1, def: 0.2 },
  { key: 'slo_alert_pct', name: 'Drv_alert_pct', label: 'Alert when cost per outcome is more than this above target', fmt: FMT.pct, min: 0, max: 10, def: 0.05 },
  { key: 'retirement_months', name: 'Drv_retire_months', label: 'Retirement trigger: months in a row above the human baseline or below the accuracy SLO', fmt: FMT.int, min: 1, max: 120, def: 3 },
  // Daily alerts (src/core/daily): defaults for every agent; the Agents sheet's alert_* columns override per agent.
  { key: 'daily_window_days', name: 'Drv_daily_window_days', label: 'Daily alerts: trailing window in days for drift vs target and level shifts', fmt: FMT.int, min: 1, max: 14, def: 3 },
  { key: 'daily_baseline_days', name: 'Drv_daily_baseline_days', label: "Daily alerts: days of history an agent's normal is taken from (median, weekday-aware)", fmt: FMT.int, min: 14, max: 120, def: 35 },
  { key: 'daily_min_change_pct', name: 'Drv_daily_min_change_pct', label: "Daily alerts: smallest change in cost per outcome against the agent's normal that alerts", fmt: FMT.pct, min: 0, max: 10, def: 0.05 },
] as const;
export type DriverKey = (typeof DRIVER_KEYS)[number]['key'];
export type Drivers = Record<DriverKey, number>;
export const DEFAULT_DRIVERS: Drivers = Object.fromEntries(DRIVER_KEYS.map((d) => [d.key, d.def])) as Drivers;

export const benchmarkSchema = z.object({
  benchmark: z.string().trim().min(1, { message: 'expected a non-empty text' }),
  segment: z.string().trim().default(''),
  low_usd: z.number({ message: 'expected a number ≥ 0' }).min(0, { message: 'expected a number ≥ 0' }).nullable().default(null),
  high_usd: z.number({ message: 'expected a number ≥ 0' }).min(0, { message: 'expected a number ≥ 0' }).nullable().default(null),
  unit: z.string().trim().default(''),
  source: z.string().trim().default(''),
});
export type Benchmark = z.output<typeof benchmarkSchema>;

export const BENCHMARKS: InputSheetDef<Benchmark> = {
  sheet: 'Benchmarks',
  prefix: 'Bench',
  schema: benchmarkSchema,
  note: 'Peer figures for setting targets. Edit or add your own; keep the source.',
  columns: [
    text('benchmark', 34, true),
    text('segment', 30),
    money('low_usd', 12, FMT.money),
    money('high_usd', 12, FMT.money),
    text('unit', 14),
    text('source', 60),
  ],
};

const PLAYBOOK = 'CFO playbook for AI labor (shared/seed/cfo-playbook-for-ai-labor.txt), Step 2';
/** The playbook's peer figures (Step 2 and the API spend it quotes). */
export const PLAYBOOK_BENCHMARKS: Benchmark[] = [
  { benchmark: 'Klarna customer service agent', segment: 'Customer service', low_usd: 0.19, high_usd: 0.19, unit: 'ticket', source: PLAYBOOK },
  { benchmark: 'Intercom Fin', segment: 'Customer service', low_usd: 0.99, high_usd: 0.99, unit: 'ticket', source: PLAYBOOK },
  { benchmark: 'Sierra', segment: 'Customer service', low_usd: 1.5, high_usd: 1.5, unit: 'ticket', source: PLAYBOOK },
  { benchmark: 'Target: routine support', segment: 'SaaS, routine support', low_usd: 0.8, high_usd: 1.2, unit: 'ticket', source: PLAYBOOK },
  { benchmark: 'Target: complex insurance claims', segment: 'Insurance claims', low_usd: 1.5, high_usd: 2.2, unit: 'claim', source: PLAYBOOK },
  { benchmark: 'Target: regulated financial services', segment: 'Regulated financial services', low_usd: 2.5, high_usd: 4, unit: 'unit', source: PLAYBOOK },
  { benchmark: 'Human baseline, customer service', segment: 'Customer service', low_usd: 4.8, high_usd: 5.83, unit: 'ticket', source: PLAYBOOK },
  { benchmark: 'Average monthly API spend (up 36% YoY)', segment: 'All companies', low_usd: 85_521, high_usd: 85_521, unit: 'month', source: 'CloudZero, quoted in the CFO playbook for AI labor, Step 1' },
];

type Row = Record<string, unknown>;

function cellFor(c: InputColumn, v: unknown): CellInput {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/**
 * An input sheet: header row 1 (the canonical column names), data from row 2, an Excel table, one defined name
 * per column (`Agents_agent_id`) reaching INPUT_SLACK_ROWS below the data, and validation on every column.
 */
export function inputSheet<T>(def: InputSheetDef<T>, records: readonly T[], opts: { note?: boolean } = {}): SheetSpec {
  const b = new SheetBuilder(def.sheet, 'input');
  const header = def.columns.map((c) => ({ v: c.key, s: S.header }) as CellInput);
  const rows: CellInput[][] = [header];
  for (const r of records) rows.push(def.columns.map((c) => cellFor(c, (r as Row)[c.key])));
  const columnStyles: (CellStyle | undefined)[] = def.columns.map((c) => withFmt(S.input, c.numFmt ?? (c.type === 'text' || c.type === 'period' || c.type === 'date' ? FMT.text : undefined)));
  b.addGrid({ at: 'A1', rows, columnStyles });
  const n = records.length;
  const last = def.columns.length - 1;
  if (n > 0) b.table({ name: `${def.prefix}Table`, ref: `A1:${colLetter(last)}${n + 1}`, columns: def.columns.map((c) => c.key), style: 'TableStyleLight9' });
  b.widths(def.columns.map((c) => c.width ?? 14));
  b.freeze(1, 0);
  const lastRow = n + INPUT_SLACK_ROWS; // 0-based last row index covered by names
  const prefix = sheetRef(def.sheet);
  def.columns.forEach((c, i) => {
    b.name(`${def.prefix}_${c.key}`, columnRange(prefix, i, 1, lastRow));
    const v = validationFor(c, `${colLetter(i)}2:${colLetter(i)}${lastRow + 1}`);
    if (v) b.validate(v);
  });
  if (opts.note !== false) b.set(0, def.columns.length + 1, { v: def.note, s: S.note });
  return b.build();
}

export function validationFor(c: InputColumn, ref: string): ValidationSpec | null {
  const err = `${c.key}: expected ${c.expected}`;
  if (c.list) return { ref, type: 'list', list: [...c.list], allowBlank: !c.required, error: err };
  if (c.type === 'number' || c.type === 'integer' || c.type === 'ratio') {
    const type = c.type === 'integer' ? 'whole' : 'decimal';
    if (c.min !== undefined && c.max !== undefined) return { ref, type, operator: 'between', formulae: [c.min, c.max], allowBlank: true, error: err };
    if (c.min !== undefined) return { ref, type, operator: 'greaterThanOrEqual', formulae: [c.min], allowBlank: true, error: err };
  }
  return null;
}

export interface BudgetDriversInput {
  lines: BudgetLine[];
  drivers?: Partial<Drivers>;
  /** shown above the lines: where the defaults came from */
  basis?: string;
}

/**
 * Where the scalar drivers sit on the Budget Drivers sheet: a `driver | value | description` block to the right of
 * the P&L lines (header in row 1), so lines can be added below the last one without running into it.
 */
export const DRIVERS_BLOCK = { col: BUDGET_LINES.columns.length + 1, headerRow: 0 } as const;

/**
 * Budget Drivers: P&L lines (header row 1, as the other input sheets, names reaching INPUT_SLACK_ROWS below so added
 * lines count) and, beside them, the scalar drivers, each with a defined name the Budget and monitors use.
 */
export function budgetDriversSheet(input: BudgetDriversInput): SheetSpec {
  const base = inputSheet(BUDGET_LINES, input.lines, { note: false });
  const b = new SheetBuilder(BUDGET_LINES.sheet, 'input');
  Object.assign(b.spec, { ...base, grids: [...base.grids] });
  const drivers = { ...DEFAULT_DRIVERS, ...(input.drivers ?? {}) };
  const prefix = sheetRef(BUDGET_LINES.sheet);
  const c0 = DRIVERS_BLOCK.col;
  const h = DRIVERS_BLOCK.headerRow;
  b.row(h, c0, [{ v: 'driver', s: S.header }, { v: 'value', s: S.header }, { v: 'description', s: S.header }]);
  DRIVER_KEYS.forEach((d, i) => {
    const r = h + 1 + i;
    b.set(r, c0, d.key);
    b.set(r, c0 + 1, { v: drivers[d.key], s: { ...S.input, numFmt: d.fmt } });
    b.set(r, c0 + 2, d.label);
    const cell = `${colLetter(c0 + 1)}${r + 1}`;
    b.name(d.name, `${prefix}$${colLetter(c0 + 1)}$${r + 1}`);
    b.validate(
      d.max === undefined
        ? { ref: cell, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [d.min], error: `${d.key}: expected a number ≥ ${d.min}` }
        : { ref: cell, type: 'decimal', operator: 'between', formulae: [d.min, d.max], error: `${d.key}: expected a number between ${d.min} and ${d.max}` },
    );
  });
  const widths = b.spec.columns!;
  while (widths.length < c0 + 3) widths.push({});
  widths[c0 - 1] = { width: 2 };
  widths[c0] = { width: 24 };
  widths[c0 + 1] = { width: 14 };
  widths[c0 + 2] = { width: 60 };
  b.set(h + DRIVER_KEYS.length + 2, c0, { v: BUDGET_LINES.note, s: S.note });
  if (input.basis) b.set(h + DRIVER_KEYS.length + 3, c0, { v: input.basis, s: S.note });
  return b.build();
}
