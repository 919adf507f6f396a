// Alerts (playbook step 4): SLO breaches, cost per outcome more than the threshold above target, above target two
// months in a row, unpriced models, and invoice true-ups above a threshold. Each names the sheet cell that explains it.
import type { LedgerResult } from '../../core/ledger';
import type { Invoice } from '../../core/model/records';
import { INVOICES, ISSUES_SHEET, SLO, SLO_SHEET, computeSlo } from '../../workbook';

export type AlertKind = 'noOutcomes' | 'slo' | 'above' | 'twoMonths' | 'unpriced' | 'trueup';

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: 'error' | 'warning';
  title: string;
  detail: string;
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

const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
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
    if (f.noOutcomes) {
      out.push({
        id: `none|${who}`, kind: 'noOutcomes', severity: 'error', title: `No successful outcome: ${who}`,
        detail: `${money(f.total)} spent and nothing succeeded: cost per outcome is undefined, counted as above target${ag.slo_max_cost_per_outcome !== null ? ' and over its cost SLO' : ''}`,
        ...at('O'),
      });
    }
    const breaches: string[] = [];
    if (f.breaches.includes('cost') && f.cost_per_outcome !== null) breaches.push(`cost per outcome ${money(f.cost_per_outcome)} > SLO ${money(ag.slo_max_cost_per_outcome ?? 0)}`);
    if (f.breaches.includes('accuracy') && f.accuracy !== null) breaches.push(`accuracy ${pct(f.accuracy)} < SLO ${pct(ag.slo_min_accuracy ?? 0)}`);
    if (f.breaches.includes('review_rate') && f.review_rate !== null) breaches.push(`review rate ${pct(f.review_rate)} > SLO ${pct(ag.slo_max_review_rate ?? 0)}`);
    if (breaches.length) out.push({ id: `slo|${who}`, kind: 'slo', severity: 'error', title: `SLO breach: ${who}`, detail: breaches.join('; '), ...at('O') });
    if (f.alert && f.vs_target !== null) {
      out.push({ id: `above|${who}`, kind: 'above', severity: 'warning', title: `${pct(f.vs_target)} above target: ${who}`, detail: `cost per outcome ${money(f.cost_per_outcome ?? 0)} vs target ${money(ag.target_cost_per_outcome ?? 0)} (threshold ${pct(alertPct)})`, ...at('J') });
    }
    if (f.twoMonths) out.push({ id: `two|${who}`, kind: 'twoMonths', severity: 'warning', title: `Above target two months in a row: ${who}`, detail: `cost per outcome ${money(f.cost_per_outcome ?? 0)} vs target ${money(ag.target_cost_per_outcome ?? 0)}`, ...at('Q') });
  });

  const base = 2 + (o.issuesRejected ?? 0);
  for (const g of result.unpricedGroups) {
    const i = result.unpriced.findIndex((u) => u.period === g.period && u.provider === g.provider && u.model === g.model);
    out.push({
      id: `unpriced|${g.period}|${g.provider}|${g.model}|${g.reason}`, kind: 'unpriced', severity: 'error',
      title: `Unpriced: ${g.provider ? `${g.provider}/` : ''}${g.model || '(no model)'} in ${g.period}`,
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
        id: `trueup|${p}`, kind: 'trueup', severity: 'warning', title: `Invoice true-up ${pct(share)} in ${p}`,
        detail: `invoices ${money(billed)} vs computed ${money(billed - c.invoice_minus_computed)}: ${money(c.invoice_minus_computed)} spread as true-up (threshold ${pct(trueupPct)})`,
        sheet: INVOICES.sheet, cell: `A${first + 2}`,
      });
    }
  }
  return out;
}
