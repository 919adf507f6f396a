// The daily series in the workbook (issue 16): a Daily data sheet (one row per agent or business unit and day, from
// core/daily: the ledger's cents by day, counts, the agent's normal and the day's alerts per metric) and the Daily
// Monitor report (per agent: the last 30 days of each metric, normal, target/SLO, flags and a text sparkline) whose
// figures are native formulas over the Daily sheet.
//
// Keys: the monitor never matches agent or business-unit names against the Daily sheet. Each scope has a number
// (1, 2, …) and each Daily row a numeric key = scope number × 100,000 + the day's Excel serial, so a lookup is an
// exact numeric MATCH and a window a numeric range (">="&from, "<="&to): no name can act as a wildcard or an operator.
// The only text match is the agent id against the Agents sheet (targets, SLOs), with ~ * ? escaped (exactMatch).
import type { AgentMonitor, DailyAlert, DailyMetric, DailySeries, DailySettings } from '../core/daily';
import { DAILY_METRICS } from '../core/daily';
import { colLetter } from './address';
import { SheetBuilder, columnRange } from './sheet';
import type { CellInput, CellStyle, CellValue, SheetSpec } from './spec';
import { COLORS, FMT, S } from './styles';
import type { CellError } from './readers';

export const DAILY_SHEET = 'Daily';
export const DAILY_MONITOR_SHEET = 'Daily Monitor';
/** Daily key = scope number × KEY_SCALE + Excel serial day. */
export const KEY_SCALE = 100_000;
const DATE_FMT = 'yyyy-mm-dd';

/** ISO day → Excel serial (1900 date system, day 0 = 1899-12-30). */
export const daySerial = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000) + 25_569;
export const serialDay = (serial: number) => new Date((serial - 25_569) * 86_400_000).toISOString().slice(0, 10);

export interface DailyRow {
  key: number;
  scope: 'agent' | 'business_unit';
  index: number;
  id: string;
  business_unit: string;
  day: number;
  api: number;
  retry: number;
  tools: number;
  review: number;
  overhead: number;
  trueup: number;
  unattributed: number;
  total: number;
  events: number;
  retries: number;
  closed: number;
  outcomes: number;
  reviews: number;
  approved: number;
  reviewed: number;
  review_minutes: number;
  normal_cost_per_outcome: number | null;
  normal_cost: number | null;
  normal_volume: number | null;
  normal_review_rate: number | null;
  normal_accuracy: number | null;
  alert_cost_per_outcome: string;
  alert_cost: string;
  alert_volume: string;
  alert_review_rate: string;
  alert_accuracy: string;
  usage_items: number;
  usage_sq: number;
  review_sq: number;
}

type Col = { key: keyof DailyRow & string; fmt?: string; width?: number };
const money = (key: keyof DailyRow & string): Col => ({ key, fmt: FMT.money, width: 10 });
const int = (key: keyof DailyRow & string): Col => ({ key, fmt: FMT.int, width: 8 });
export const DAILY_COLUMNS: Col[] = [
  { key: 'key', fmt: '0', width: 11 }, { key: 'scope', fmt: FMT.text, width: 12 }, { key: 'index', fmt: '0', width: 6 }, { key: 'id', fmt: FMT.text, width: 18 },
  { key: 'business_unit', fmt: FMT.text, width: 20 }, { key: 'day', fmt: DATE_FMT, width: 11 },
  money('api'), money('retry'), money('tools'), money('review'), money('overhead'), money('trueup'), money('unattributed'), money('total'),
  int('events'), int('retries'), int('closed'), int('outcomes'), int('reviews'), int('approved'), int('reviewed'), { key: 'review_minutes', fmt: '#,##0.0', width: 9 },
  { key: 'normal_cost_per_outcome', fmt: FMT.rate, width: 11 }, { key: 'normal_cost', fmt: FMT.money, width: 11 }, { key: 'normal_volume', fmt: '#,##0.0', width: 10 },
  { key: 'normal_review_rate', fmt: FMT.pct, width: 9 }, { key: 'normal_accuracy', fmt: FMT.pct, width: 9 },
  { key: 'alert_cost_per_outcome', fmt: FMT.text, width: 28 }, { key: 'alert_cost', fmt: FMT.text, width: 20 }, { key: 'alert_volume', fmt: FMT.text, width: 20 },
  { key: 'alert_review_rate', fmt: FMT.text, width: 20 }, { key: 'alert_accuracy', fmt: FMT.text, width: 20 },
  int('usage_items'), { key: 'usage_sq', fmt: '0.000000', width: 10 }, { key: 'review_sq', fmt: '0.000000', width: 10 },
];
/** Defined name of a Daily column: `Daily_total`. */
export const D = (key: keyof DailyRow & string) => `Daily_${key}`;

const alertText = (as: DailyAlert[]) => as.map((a) => `${a.kind} since ${a.since}${a.change_pct !== null ? ` (${a.change_pct > 0 ? '+' : ''}${a.change_pct}%)` : ''}`).join('; ');

/**
 * Rows of the Daily sheet: every agent (with its normals and alerts from `monitors`), then every business unit, each
 * over the series' days (at most the last `maxDays`; the series holds whole months so a month's rows add up).
 */
export function dailyRows(series: DailySeries, monitors: readonly AgentMonitor[], maxDays = 400): DailyRow[] {
  const from = Math.max(0, series.days.length - maxDays);
  const byAgent = new Map(monitors.map((m) => [m.agent.agent_id, m]));
  const out: DailyRow[] = [];
  const scopes = [...series.agents.map((s) => ({ s, scope: 'agent' as const })), ...series.business_units.map((s) => ({ s, scope: 'business_unit' as const }))];
  scopes.forEach(({ s, scope }, i) => {
    const index = i + 1;
    const m = scope === 'agent' ? byAgent.get(s.id) : undefined;
    for (let t = from; t < series.days.length; t++) {
      const p = s.points[t];
      const d = m?.days[t] ?? null;
      const day = daySerial(series.days[t]);
      const by = (metric: DailyMetric) => alertText((d?.alerts ?? []).filter((a) => a.metric === metric));
      out.push({
        key: index * KEY_SCALE + day, scope, index, id: s.id, business_unit: s.business_unit, day,
        api: p.api, retry: p.retry, tools: p.tools, review: p.review, overhead: p.overhead, trueup: p.trueup, unattributed: p.unattributed, total: p.total,
        events: p.events, retries: p.retries, closed: p.closed, outcomes: p.outcomes, reviews: p.reviews, approved: p.approved, reviewed: p.reviewed, review_minutes: p.review_minutes,
        normal_cost_per_outcome: d?.metrics.cost_per_outcome.normal ?? null, normal_cost: d?.metrics.cost.normal ?? null, normal_volume: d?.metrics.volume.normal ?? null,
        normal_review_rate: d?.metrics.review_rate.normal ?? null, normal_accuracy: d?.metrics.accuracy.normal ?? null,
        alert_cost_per_outcome: by('cost_per_outcome'), alert_cost: by('cost'), alert_volume: by('volume'), alert_review_rate: by('review_rate'), alert_accuracy: by('accuracy'),
        usage_items: p.usage_items, usage_sq: p.usage_sq, review_sq: p.review_sq,
      });
    }
  });
  return out;
}

export function dailySheet(rows: readonly DailyRow[]): SheetSpec {
  const b = new SheetBuilder(DAILY_SHEET, 'data');
  const data: CellInput[][] = [DAILY_COLUMNS.map((c) => ({ v: c.key, s: S.header }))];
  for (const r of rows) data.push(DAILY_COLUMNS.map((c) => (r[c.key] === '' || r[c.key] === null ? null : (r[c.key] as CellValue))));
  b.addGrid({ at: 'A1', rows: data, columnStyles: DAILY_COLUMNS.map((c) => (c.fmt ? { numFmt: c.fmt } : undefined)) });
  b.widths(DAILY_COLUMNS.map((c) => c.width ?? 10));
  b.freeze(1, 6);
  const lastRow = Math.max(rows.length, 1);
  b.table({ name: 'DailyTable', ref: `A1:${colLetter(DAILY_COLUMNS.length - 1)}${lastRow + 1}`, columns: DAILY_COLUMNS.map((c) => c.key), style: 'TableStyleMedium2' });
  DAILY_COLUMNS.forEach((c, i) => b.name(D(c.key), columnRange(`${DAILY_SHEET}!`, i, 1, lastRow)));
  return b.build();
}

/** Daily Monitor layout (0-based rows and columns), for the pane's links and the tests. */
export const DM = {
  dayCell: 'B2',
  headerRow: 4,
  firstRow: 5,
  metrics: DAILY_METRICS.length,
  cols: { agent: 0, metric: 1, target: 2, slo: 3, normal: 4, day: 5, window: 6, vs: 7, flag: 8, alerts: 9, trend: 10, first: 11 },
  days: 30,
} as const;
const HELP = DM.cols.first + DM.days; // hidden helpers: scope number, min, max, row on the Agents sheet
const METRIC_ORDER: DailyMetric[] = ['cost_per_outcome', 'cost', 'volume', 'review_rate', 'accuracy'];

/** The Daily Monitor cell that explains an agent's alert on a metric (its "Alerts" cell). */
export function dailyMonitorCell(agentIndex: number, metric: DailyMetric): string {
  return `${colLetter(DM.cols.alerts)}${DM.firstRow + agentIndex * DM.metrics + METRIC_ORDER.indexOf(metric) + 1}`;
}

/** MATCH of a text exactly: ~ * ? escaped so an agent id like "csr*" finds only itself (Excel, LibreOffice). */
export const exactMatch = (key: string, range: string) => `MATCH(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(${key},"~","~~"),"*","~*"),"?","~?"),${range},0)`;
/**
 * A number from the Agents sheet for the agent in `key`: from row `n` (where the agent was written) when that row still
 * holds exactly this id (EXACT: no wildcard, case-sensitive), else by an escaped exact MATCH (the user re-sorted the
 * sheet). HyperFormula knows no ~ escape, hence the row first; "" when the agent is not on the sheet.
 */
const agentsLookup = (key: string, n: string, col: string) => {
  const byMatch = `IFERROR(IF(ISNUMBER(INDEX(${col},${exactMatch(key, 'Agents_agent_id')})),INDEX(${col},${exactMatch(key, 'Agents_agent_id')}),""),"")`;
  return `IF(ISNUMBER(${n}),IF(EXACT(INDEX(Agents_agent_id,${n})&"",${key}&""),IF(ISNUMBER(INDEX(${col},${n})),INDEX(${col},${n}),""),${byMatch}),${byMatch})`;
};

export interface DailyMonitorInput {
  series: DailySeries;
  monitors: readonly AgentMonitor[];
  settings: DailySettings;
  /** the day shown (default the last data day) */
  day?: string;
  /** rows of the Daily sheet the monitor reads (for each scope's number) */
  rows: readonly DailyRow[];
  /** the agents in the order of the Agents sheet (its row = position + 2) */
  agentsSheet?: readonly { agent_id: string }[];
  /** a source failed or stopped early: said in red in the title row, as on the other report sheets */
  incomplete?: string;
}

const SPARK = '▁▂▃▄▅▆▇█';

/**
 * Daily Monitor: B2 is the day (type another to move the 30 days). Per agent, five rows — cost per outcome, spend,
 * volume, review rate, accuracy — each with target/SLO (from the Agents sheet), the normal and the add-in's alerts
 * for that day (from the Daily sheet), the day's and the window's value, vs target/SLO and a flag computed here, a text
 * sparkline and the 30 daily values.
 */
export function dailyMonitorSheet(i: DailyMonitorInput): SheetSpec {
  const b = new SheetBuilder(DAILY_MONITOR_SHEET, 'report');
  const s = i.settings;
  const day = i.day ?? i.series.last_data_day ?? i.series.days[i.series.days.length - 1];
  const index = new Map<string, number>();
  for (const r of i.rows) if (r.scope === 'agent' && !index.has(r.id)) index.set(r.id, r.index);
  const dateStyle: CellStyle = { ...S.input, numFmt: DATE_FMT, align: 'right' };
  b.value(0, 0, 'Daily monitor', S.title);
  if (i.incomplete) b.value(0, 3, `INCOMPLETE: ${i.incomplete}`, { fill: COLORS.bad, color: COLORS.badText, bold: true });
  b.value(1, 0, 'Day', S.label).value(1, 1, day ? daySerial(day) : null, dateStyle);
  b.value(1, 3, 'Window (days)', S.label).value(1, 4, s.window_days, { numFmt: FMT.int });
  b.value(1, 6, 'Alert above target by', S.label).value(1, 7, s.drift_pct, { numFmt: FMT.pct });
  b.value(1, 9, 'Smallest change vs normal', S.label).value(1, 10, s.min_change_pct, { numFmt: FMT.pct });
  b.value(2, 0, 'The 30 days up to B2 (type another day to move), from the Daily sheet. Normal and Alerts are the add-in\'s daily detection (weekday-aware normal, confidence from counts; see the README); Window, vs target/SLO and Flag are computed here from the window\'s totals.', S.note);
  const header = ['Agent', 'Metric', 'Target', 'SLO', 'Normal', 'Day', `Window`, 'vs target / SLO', 'Flag', 'Alerts (add-in)', 'Trend (30 days)'];
  b.row(DM.headerRow, 0, header.map((h) => ({ v: h, s: S.header })));
  const H = DM.headerRow + 1; // 1-based header row
  for (let j = 0; j < DM.days; j++) b.formula(DM.headerRow, DM.cols.first + j, `$B$2-${DM.days - 1 - j}`, { ...S.header, numFmt: 'mm-dd' });
  b.row(DM.headerRow, HELP, [{ v: 'scope', s: S.note }, { v: 'min', s: S.note }, { v: 'max', s: S.note }, { v: 'agents row', s: S.note }]);
  const agentsRow = new Map<string, number>();
  (i.agentsSheet ?? []).forEach((a, k) => agentsRow.has(a.agent_id) || agentsRow.set(a.agent_id, k + 1));

  const unitOf = (m: AgentMonitor) => m.agent.unit_name?.trim() || 'outcome';
  i.monitors.forEach((m, ai) => {
    const idx = index.get(m.agent.agent_id);
    METRIC_ORDER.forEach((metric, k) => {
      const r = DM.firstRow + ai * DM.metrics + k;
      const R = r + 1;
      const A = `$A${R}`;
      const scope = `$${colLetter(HELP)}${R}`;
      const key = (dayRef: string) => `${scope}*${KEY_SCALE}+${dayRef}`;
      const at = (col: keyof DailyRow & string, dayRef: string) => `INDEX(${D(col)},MATCH(${key(dayRef)},Daily_key,0))`;
      const win = (col: keyof DailyRow & string) => `SUMIFS(${D(col)},Daily_key,">="&(${key('$B$2')}-$E$2+1),Daily_key,"<="&(${key('$B$2')}))`;
      const ratio = (num: string, den: string) => `IFERROR(IF(${den}>0,${num}/${den},""),"")`;
      b.value(r, 0, m.agent.agent_id, k === 0 ? S.label : { color: '808080' });
      b.value(r, HELP, idx ?? null);
      b.value(r, HELP + 3, agentsRow.get(m.agent.agent_id) ?? null);
      const n = `$${colLetter(HELP + 3)}${R}`;
      const label = { cost_per_outcome: `Cost per ${unitOf(m)}`, cost: 'Spend', volume: `Volume (${unitOf(m)}s closed)`, review_rate: 'Review rate', accuracy: 'Accuracy' }[metric];
      b.value(r, 1, label, k === 0 ? S.label : undefined);
      // cost per outcome in cents like every report (targets and SLOs included); the Daily sheet keeps the full figure
      const fmt = metric === 'cost_per_outcome' || metric === 'cost' ? FMT.money : metric === 'volume' ? FMT.int : FMT.pct;
      const st: CellStyle = { numFmt: fmt };
      // values of one day (dayRef: a header cell or B2)
      const value = (dayRef: string) =>
        metric === 'cost_per_outcome' ? ratio(at('total', dayRef), at('outcomes', dayRef))
        : metric === 'cost' ? `IFERROR(${at('total', dayRef)},"")`
        : metric === 'volume' ? `IFERROR(${at('closed', dayRef)},"")`
        : metric === 'review_rate' ? ratio(at('reviewed', dayRef), at('closed', dayRef))
        : ratio(at('approved', dayRef), at('reviews', dayRef));
      const windowValue =
        metric === 'cost_per_outcome' ? ratio(win('total'), win('outcomes'))
        : metric === 'cost' ? `IFERROR(${win('total')}/$E$2,"")`
        : metric === 'volume' ? `IFERROR(${win('closed')}/$E$2,"")`
        : metric === 'review_rate' ? ratio(win('reviewed'), win('closed'))
        : ratio(win('approved'), win('reviews'));
      if (metric === 'cost_per_outcome') {
        b.formula(r, 2, agentsLookup(A, n, 'Agents_target_cost_per_outcome'), st);
        b.formula(r, 3, agentsLookup(A, n, 'Agents_slo_max_cost_per_outcome'), st);
      } else if (metric === 'review_rate') b.formula(r, 3, agentsLookup(A, n, 'Agents_slo_max_review_rate'), st);
      else if (metric === 'accuracy') b.formula(r, 3, agentsLookup(A, n, 'Agents_slo_min_accuracy'), st);
      const normalCol = { cost_per_outcome: 'normal_cost_per_outcome', cost: 'normal_cost', volume: 'normal_volume', review_rate: 'normal_review_rate', accuracy: 'normal_accuracy' }[metric] as keyof DailyRow & string;
      b.formula(r, 4, `IFERROR(IF(ISNUMBER(${at(normalCol, '$B$2')}),${at(normalCol, '$B$2')},""),"")`, metric === 'volume' ? { numFmt: FMT.num } : st);
      b.formula(r, 5, value('$B$2'), st);
      b.formula(r, 6, windowValue, metric === 'volume' ? { numFmt: FMT.num } : st);
      const G = `G${R}`, C = `C${R}`, Dd = `D${R}`;
      if (metric === 'cost_per_outcome') {
        b.formula(r, 7, `IF(AND(ISNUMBER(${G}),ISNUMBER(${C})),IF(${C}>0,${G}/${C}-1,""),"")`, { numFmt: FMT.pct });
        const slo = `IF(AND(ISNUMBER(${G}),ISNUMBER(${Dd})),${G}>${Dd},FALSE())`;
        const above = `IF(AND(ISNUMBER(${G}),ISNUMBER(${C})),${G}>${C}*(1+$H$2),FALSE())`;
        // both findings read "SLO breach; above target" (they ran together as "SLO breachabove target")
        b.formula(r, 8, `IF(${slo},"SLO breach","")&IF(AND(${slo},${above}),"; ","")&IF(${above},"above target","")`, S.label);
      } else if (metric === 'review_rate' || metric === 'accuracy') {
        b.formula(r, 7, `IF(AND(ISNUMBER(${G}),ISNUMBER(${Dd})),${G}-${Dd},"")`, { numFmt: '+0.0%;-0.0%;0.0%' });
        b.formula(r, 8, `IF(AND(ISNUMBER(${G}),ISNUMBER(${Dd})),IF(${G}${metric === 'accuracy' ? '<' : '>'}${Dd},"SLO breach",""),"")`, S.label);
      }
      const alertCol = `alert_${metric}` as keyof DailyRow & string;
      b.formula(r, 9, `IFERROR(${at(alertCol, '$B$2')}&"","")`);
      const first = colLetter(DM.cols.first);
      const last = colLetter(DM.cols.first + DM.days - 1);
      const mn = `$${colLetter(HELP + 1)}${R}`;
      const mx = `$${colLetter(HELP + 2)}${R}`;
      b.formula(r, HELP + 1, `IF(COUNT(${first}${R}:${last}${R})>0,MIN(${first}${R}:${last}${R}),"")`);
      b.formula(r, HELP + 2, `IF(COUNT(${first}${R}:${last}${R})>0,MAX(${first}${R}:${last}${R}),"")`);
      const terms: string[] = [];
      for (let j = 0; j < DM.days; j++) {
        const c = `${colLetter(DM.cols.first + j)}${R}`;
        terms.push(`IF(ISNUMBER(${c}),MID("${SPARK}",1+ROUND(7*(${c}-${mn})/MAX(${mx}-${mn},0.000000001),0),1)," ")`);
      }
      b.formula(r, 10, `IF(COUNT(${first}${R}:${last}${R})<2,"",${terms.join('&')})`, { color: COLORS.title });
      for (let j = 0; j < DM.days; j++) b.formula(r, DM.cols.first + j, value(`${colLetter(DM.cols.first + j)}$${H}`), st);
    });
  });
  const last = DM.firstRow + Math.max(i.monitors.length * DM.metrics, 1);
  b.conditional({ ref: `J${DM.firstRow + 1}:J${last}`, rules: [{ type: 'expression', formula: `LEN(J${DM.firstRow + 1})>0`, style: { fill: COLORS.bad, color: COLORS.badText, bold: true } }] });
  b.conditional({ ref: `I${DM.firstRow + 1}:I${last}`, rules: [{ type: 'expression', formula: `LEN(I${DM.firstRow + 1})>0`, style: { fill: COLORS.warn, color: COLORS.warnText } }] });
  b.widths([18, 24, 9, 9, 10, 10, 10, 10, 14, 34, 34, ...new Array<number>(DM.days).fill(7)]);
  for (let c = HELP; c <= HELP + 3; c++) b.spec.columns![c] = { hidden: true, width: 6 };
  b.freeze(DM.firstRow, 2);
  b.validate({ ref: 'B2', type: 'date', operator: 'greaterThan', formulae: [0], error: 'expected a day (YYYY-MM-DD)' });
  return b.build();
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the Daily sheet back (a reopened workbook): the agents' series, for the pane's Today alerts.

/** The agents' daily series from a Daily sheet (computed values, row 0 = sheet row 1). Bad cells are errors by address. */
export function readDailySheet(grid: CellValue[][] | null, errors: CellError[]): DailySeries | null {
  if (!grid || grid.length < 2) return null;
  const header = (grid[0] ?? []).map((v) => (typeof v === 'string' ? v.trim() : ''));
  const at = new Map(header.map((h, i) => [h, i]));
  for (const k of ['scope', 'id', 'business_unit', 'day', 'total', 'closed', 'outcomes']) {
    if (!at.has(k)) {
      errors.push({ sheet: DAILY_SHEET, cell: 'A1', column: k, value: '', message: `missing column "${k}" in the header row 1` });
      return null;
    }
  }
  const num = (row: CellValue[], k: string, r: number): number => {
    const i = at.get(k);
    if (i === undefined) return 0;
    const v = row[i] ?? null;
    if (v === null || v === '') return 0;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    errors.push({ sheet: DAILY_SHEET, cell: `${colLetter(i)}${r + 1}`, column: k, value: String(v), message: `expected a number, got "${v}"` });
    return 0;
  };
  const byAgent = new Map<string, { bu: string; days: Map<string, CellValue[] & { r?: number }> }>();
  const allDays = new Set<string>();
  for (let r = 1; r < grid.length; r++) {
    const row = grid[r];
    if (!row || row.every((v) => v === null || v === '')) continue;
    if (String(row[at.get('scope')!] ?? '') !== 'agent') continue;
    const d = row[at.get('day')!];
    const day = typeof d === 'number' ? serialDay(d) : String(d ?? '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      errors.push({ sheet: DAILY_SHEET, cell: `${colLetter(at.get('day')!)}${r + 1}`, column: 'day', value: String(d ?? ''), message: 'expected a day' });
      continue;
    }
    const id = String(row[at.get('id')!] ?? '');
    if (!byAgent.has(id)) byAgent.set(id, { bu: String(row[at.get('business_unit')!] ?? ''), days: new Map() });
    byAgent.get(id)!.days.set(day, Object.assign([...row], { r }));
    allDays.add(day);
  }
  const days = [...allDays].sort();
  if (!days.length) return null;
  let last = '';
  const agents = [...byAgent].map(([id, a]) => ({
    id,
    business_unit: a.bu,
    points: days.map((day) => {
      const row = a.days.get(day);
      const p = { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0, total: 0, events: 0, retries: 0, input_tokens: 0, output_tokens: 0, closed: 0, outcomes: 0, reviews: 0, approved: 0, reviewed: 0, review_minutes: 0, unattributed_events: 0, usage_items: 0, usage_sq: 0, review_sq: 0 };
      if (!row) return p;
      for (const k of Object.keys(p) as (keyof typeof p)[]) p[k] = num(row, k, row.r!);
      if ((p.closed > 0 || p.total !== 0 || p.reviews > 0) && day > last) last = day;
      return p;
    }),
  }));
  return { days, last_data_day: last || null, agents, business_units: [] };
}
