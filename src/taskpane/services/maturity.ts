// Where the workbook stands on the playbook's AI Cost Maturity Curve (shared/seed/cfo-playbook-for-ai-labor.txt):
// Invisible → Tracked → Allocated → Optimized → Governed. Each stage needs everything before it; the facts are what
// is set up in the workbook, so the answer changes as the controller sets things up.
import { formatLinkedShare } from './linked-share';

export const STAGES = ['Invisible', 'Tracked', 'Allocated', 'Optimized', 'Governed'] as const;
export type Stage = (typeof STAGES)[number];

export interface MaturityFacts {
  /** usage events in the ledger */
  events: number;
  /** linked share of cost (linked-share.ts) */
  attributedShare: number;
  agents: number;
  /** agents with a P&L line other than "Unassigned" */
  agentsWithPnlLine: number;
  /** agents with a cost-per-outcome target */
  agentsWithTarget: number;
  chargebackGenerated: boolean;
  /** months of ledger data */
  months: number;
  sloMonitorPresent: boolean;
  /** agents with all three SLOs (max cost per outcome, min accuracy, max review rate) */
  agentsWithSlos: number;
  /** the pane's alerts are on (a threshold is set) */
  alertsOn: boolean;
  migrationPlanPresent: boolean;
  budgetPresent: boolean;
}

export interface Requirement {
  stage: Stage;
  text: string;
  met: boolean;
}

export interface MaturityAssessment {
  stage: Stage;
  /** 0 = Invisible … 4 = Governed */
  level: number;
  requirements: Requirement[];
  /** unmet requirements of the next stage (empty at Governed) */
  next: Requirement[];
}

/** The attributed share the playbook's "visibility at the work-item level" asks for. */
export const ATTRIBUTED_MIN = 0.95;

const all = (n: number, of: number) => of > 0 && n >= of;

export function requirements(f: MaturityFacts): Requirement[] {
  return [
    { stage: 'Tracked', text: 'AI usage imported into the ledger', met: f.events > 0 },
    { stage: 'Tracked', text: `at least ${ATTRIBUTED_MIN * 100}% of cost linked to work items (linked share now ${formatLinkedShare(f.attributedShare)})`, met: f.events > 0 && f.attributedShare >= ATTRIBUTED_MIN },
    { stage: 'Allocated', text: `every agent on a P&L line (${f.agentsWithPnlLine} of ${f.agents})`, met: all(f.agentsWithPnlLine, f.agents) },
    { stage: 'Allocated', text: 'a chargeback generated for a month', met: f.chargebackGenerated },
    { stage: 'Optimized', text: `a cost-per-outcome target for every agent (${f.agentsWithTarget} of ${f.agents})`, met: all(f.agentsWithTarget, f.agents) },
    { stage: 'Optimized', text: `targets tracked monthly: at least 2 months loaded (${f.months}) and the SLO Monitor in the workbook`, met: f.months >= 2 && f.sloMonitorPresent },
    { stage: 'Optimized', text: 'a migration plan (Migration Payback sheet)', met: f.migrationPlanPresent },
    { stage: 'Governed', text: `SLOs (cost, accuracy, review rate) for every agent (${f.agentsWithSlos} of ${f.agents})`, met: all(f.agentsWithSlos, f.agents) },
    { stage: 'Governed', text: 'alerts on (threshold set in the Alerts tab)', met: f.alertsOn },
    { stage: 'Governed', text: 'an AI labor budget (Budget sheet)', met: f.budgetPresent },
  ];
}

export function assessMaturity(f: MaturityFacts): MaturityAssessment {
  const reqs = requirements(f);
  let level = 0;
  for (let i = 1; i < STAGES.length; i++) {
    if (reqs.filter((r) => r.stage === STAGES[i]).every((r) => r.met)) level = i;
    else break;
  }
  const nextStage = STAGES[level + 1];
  return { stage: STAGES[level], level, requirements: reqs, next: nextStage ? reqs.filter((r) => r.stage === nextStage && !r.met) : [] };
}
