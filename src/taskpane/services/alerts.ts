// Alerts (playbook step 4): SLO breaches, cost per outcome more than the threshold above target, above target two
// months in a row, unpriced models, and invoice true-ups above a threshold. Each names the sheet cell that explains it.
// The pane lists them by month (the latest by default) and by agent: one entry per agent and month with all its
// findings (groupAlerts), so the same agent-month never appears in several lists.
import type { LedgerResult } from '../../core/ledger';
import type { Invoice } from '../../core/model/records';
import { INVOICES, ISSUES_SHEET, SLO, SLO_SHEET, computeSlo } from '../../workbook';

export type AlertKind = 'noOutcomes' | 'slo' | 'above' | 'twoMonths' | 'unpriced' | 'trueup';

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: 'error' | 'warning';
  title: string;
  /** the finding without its agent and month ("SLO breach", "7.3% above target"), for the agent-month entry */
  label: string;
  detail: string;
  /** the month it is about */
  period: string;
  /** the agent it is about; absent for unpriced models and invoice true-ups (a month's, not an agent's) */
  agent_id?: string;
  /** where the explanation lives */
  sheet: string;
  cell: string;
}

export const ALERT_KINDS: { kind: AlertKind; heading: string }[] = [
  { kind: 'noOutcomes', heading: 'Cost with no successful outcome' },
  { kind: 'slo', heading: 'SLO breaches' },
  { kind: 'above', heading: 'More than the threshold above target' },
  { kind: 'twoMonths', heading: 'Above target two months in a row' },
  { kind: 'unpriced', heading: 'Unpriced models' },
  { kind: 'trueup', heading: 'Invoice true-up above threshold' },
];

export interface AlertOptions {
  /** cost per outcome above target by more than this share fires an alert (playbook: 5%) */
  alertPct?: number;
  /** |invoice − computed| ÷ invoice above this share fires a true-up alert */
  trueupPct?: number;
  invoices?: readonly Invoice[];
  /** rejected rows listed before the unpriced events on Import Issues (row 2 is the first issue) */
  issuesRejected?: number;
}

const money = (x: number) => `${x < 0 ? '−' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** `result.agents` must be in the order the SLO Monitor lists them (it is generated from the same result). */
export function deriveAlerts(result: LedgerResult, o: AlertOptions = {}): Alert[] {
  const alertPct = o.alertPct ?? 0.05;
  const out: Alert[] = [];
  const slo = computeSlo(result, alertPct);
  const np = result.periods.length;
  const agents = new Map(result.agents.map((a) => [a.agent_id, a]));
  const index = new Map(result.agents.map((a, i) => [a.agent_id, i]));
  slo.forEach((f) => {
    const ag = agents.get(f.agent_id)!;
    const row = SLO.firstRow + index.get(f.agent_id)! * np + result.periods.indexOf(f.period) + 1;
    const at = (col: string) => ({ sheet: SLO_SHEET, cell: `${col}${row}` });
    const who = `${f.agent_id}, ${f.period}`;
    // The SLO Monitor's own verdicts (figures.ts, compared at displayed precision), so an alert and a status never disagree.
    const of = { period: f.period, agent_id: f.agent_id };
    if (f.noOutcomes) {
      out.push({
        id: `none|${who}`, kind: 'noOutcomes', severity: 'error', title: `No successful outcome: ${who}`, label: 'No successful outcome',
        detail: `${money(f.total)} spent and nothing succeeded: cost per outcome is undefined, counted as above target${ag.slo_max_cost_per_outcome !== null ? ' and over its cost SLO' : ''}`,
        ...of, ...at('O'),
      });
    }
    const breaches: string[] = [];
    if (f.breaches.includes('cost') && f.cost_per_outcome !== null) breaches.push(`cost per outcome ${money(f.cost_per_outcome)} > SLO ${money(ag.slo_max_cost_per_outcome ?? 0)}`);
    if (f.breaches.includes('accuracy') && f.accuracy !== null) breaches.push(`accuracy ${pct(f.accuracy)} < SLO ${pct(ag.slo_min_accuracy ?? 0)}`);
    if (f.breaches.includes('review_rate') && f.review_rate !== null) breaches.push(`review rate ${pct(f.review_rate)} > SLO ${pct(ag.slo_max_review_rate ?? 0)}`);
    if (breaches.length) out.push({ id: `slo|${who}`, kind: 'slo', severity: 'error', title: `SLO breach: ${who}`, label: 'SLO breach', detail: breaches.join('; '), ...of, ...at('O') });
    if (f.alert && f.vs_target !== null) {
      out.push({ id: `above|${who}`, kind: 'above', severity: 'warning', title: `${pct(f.vs_target)} above target: ${who}`, label: `${pct(f.vs_target)} above target`, detail: `cost per outcome ${money(f.cost_per_outcome ?? 0)} vs target ${money(ag.target_cost_per_outcome ?? 0)} (threshold ${pct(alertPct)})`, ...of, ...at('J') });
    }
    if (f.twoMonths) out.push({ id: `two|${who}`, kind: 'twoMonths', severity: 'warning', title: `Above target two months in a row: ${who}`, label: 'Above target two months in a row', detail: `cost per outcome ${f.cost_per_outcome === null ? 'undefined (no successful outcome)' : money(f.cost_per_outcome)} vs target ${money(ag.target_cost_per_outcome ?? 0)}`, ...of, ...at('Q') });
  });

  const base = 2 + (o.issuesRejected ?? 0);
  for (const g of result.unpricedGroups) {
    const i = result.unpriced.findIndex((u) => u.period === g.period && u.provider === g.provider && u.model === g.model);
    const what = `${g.provider ? `${g.provider}/` : ''}${g.model || '(no model)'}`;
    out.push({
      id: `unpriced|${g.period}|${g.provider}|${g.model}|${g.reason}`, kind: 'unpriced', severity: 'error', period: g.period,
      title: `Unpriced: ${what} in ${g.period}`, label: `Unpriced: ${what}`,
      detail: `${g.count} event${g.count === 1 ? '' : 's'} costed at $0 — ${g.reason}. Add a price on the Prices sheet.`,
      sheet: ISSUES_SHEET, cell: `A${i >= 0 ? base + i : 1}`,
    });
  }

  const trueupPct = o.trueupPct ?? 0.01;
  const invoices = o.invoices ?? [];
  for (const p of result.periods) {
    const c = result.conservationByPeriod[p];
    const billed = invoices.filter((v) => v.period === p).reduce((s, v) => s + v.billed_usd, 0);
    if (!c || billed <= 0) continue;
    const share = Math.abs(c.invoice_minus_computed) / billed;
    if (share > trueupPct) {
      const first = invoices.findIndex((v) => v.period === p);
      out.push({
        id: `trueup|${p}`, kind: 'trueup', severity: 'warning', period: p, title: `Invoice true-up ${pct(share)} in ${p}`, label: `Invoice true-up ${pct(share)}`,
        detail: `invoices ${money(billed)} vs computed ${money(billed - c.invoice_minus_computed)}: ${money(c.invoice_minus_computed)} spread as true-up (threshold ${pct(trueupPct)})`,
        sheet: INVOICES.sheet, cell: `A${first + 2}`,
      });
    }
  }
  return out;
}

/** One agent in one month with every finding about it (no outcomes, SLO breach, above target, two months above…). */
export interface AgentMonthAlerts {
  key: string;
  agent_id: string;
  /** the agent's name on the Agents sheet ('' when it has none: a placeholder or Unassigned) */
  name: string;
  business_unit: string;
  period: string;
  /** 'error' when any finding is */
  severity: Alert['severity'];
  /** in the order of ALERT_KINDS */
  alerts: Alert[];
}

/** The alerts of one month (or of every month), grouped as the pane shows them. */
export interface GroupedAlerts {
  /** the month shown, or null for every month */
  period: string | null;
  /** one entry per agent and month: latest month first, then in the SLO Monitor's agent order */
  agents: AgentMonthAlerts[];
  /** findings about a month rather than an agent: unpriced models, invoice true-ups */
  unpriced: Alert[];
  trueup: Alert[];
  /** every finding counted: the agents' findings, unpriced models and true-ups */
  count: number;
}

const KIND_ORDER = new Map(ALERT_KINDS.map((k, i) => [k.kind, i]));

/**
 * Groups alerts by agent and month, for `period` (a month) or every month (null). `agents` gives the order (the SLO
 * Monitor's, result.agents), names and P&L lines; an agent not in it follows, by id.
 */
export function groupAlerts(list: readonly Alert[], agents: readonly { agent_id: string; name?: string; business_unit: string }[], period: string | null): GroupedAlerts {
  const inMonth = list.filter((a) => period === null || a.period === period);
  const order = new Map(agents.map((a, i) => [a.agent_id, i]));
  const info = new Map(agents.map((a) => [a.agent_id, a]));
  const groups = new Map<string, AgentMonthAlerts>();
  for (const a of inMonth) {
    if (a.agent_id === undefined) continue;
    const key = `${a.period}|${a.agent_id}`;
    let g = groups.get(key);
    if (!g) {
      const ag = info.get(a.agent_id);
      groups.set(key, (g = { key, agent_id: a.agent_id, name: ag?.name ?? '', business_unit: ag?.business_unit ?? '', period: a.period, severity: 'warning', alerts: [] }));
    }
    g.alerts.push(a);
    if (a.severity === 'error') g.severity = 'error';
  }
  const rank = (id: string) => order.get(id) ?? agents.length;
  const entries = [...groups.values()].sort((x, y) => (x.period === y.period ? rank(x.agent_id) - rank(y.agent_id) || (x.agent_id < y.agent_id ? -1 : x.agent_id > y.agent_id ? 1 : 0) : x.period < y.period ? 1 : -1));
  for (const g of entries) g.alerts.sort((x, y) => KIND_ORDER.get(x.kind)! - KIND_ORDER.get(y.kind)!);
  const unpriced = inMonth.filter((a) => a.kind === 'unpriced');
  const trueup = inMonth.filter((a) => a.kind === 'trueup');
  return { period, agents: entries, unpriced, trueup, count: inMonth.length };
}

/** The months to filter by, latest first, each with its number of findings (months without any included). */
export function alertMonths(list: readonly Alert[], periods: readonly string[]): { period: string; count: number }[] {
  return [...periods].sort().reverse().map((p) => ({ period: p, count: list.filter((a) => a.period === p).length }));
}
