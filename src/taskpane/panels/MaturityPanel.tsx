import * as React from 'react';
import { Badge, Body1, Caption1, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { BUDGET_SHEET, PAYBACK_SHEET, SLO_SHEET, readAgents, AGENTS } from '../../workbook';
import type { Agent } from '../../core/model/records';
import { UNASSIGNED } from '../../core/ledger';
import { useSession } from '../state';
import { STAGES, assessMaturity, type MaturityFacts } from '../services/maturity';
import { LINKED_SHARE_GLOSSARY, linkedShare } from '../services/linked-share';
import { H2, H3, usePanelStyles } from './common';

export function MaturityPanel() {
  const s = usePanelStyles();
  const { host, refresh, reports, alerts, ledger } = useSession();
  const [sheets, setSheets] = React.useState<string[] | null>(null);
  const [agents, setAgents] = React.useState<Agent[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    (async () => {
      const list = await host.listSheets();
      const a = list.includes(AGENTS.sheet) ? readAgents(await host.readSheet(AGENTS.sheet)).records : null;
      if (live) {
        setSheets(list);
        setAgents(a);
      }
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [host, refresh.outcome, reports]);

  if (error) return <MessageBar intent="error"><MessageBarBody>Cannot read the workbook: {error}</MessageBarBody></MessageBar>;
  if (!sheets) return <Caption1>Reading the workbook…</Caption1>;
  // This session's refresh, else the Ledger already in the workbook: the same figures the Refresh tab shows.
  const result = ledger?.result;
  const ag = (agents ?? ledger?.ctx.agents ?? []).filter((a) => a.agent_id !== UNASSIGNED);
  const facts: MaturityFacts = {
    events: result?.counts.events ?? 0,
    attributedShare: result ? linkedShare(result) : 0,
    agents: ag.length,
    agentsWithPnlLine: ag.filter((a) => a.business_unit && a.business_unit !== UNASSIGNED).length,
    agentsWithTarget: ag.filter((a) => a.target_cost_per_outcome !== null && a.target_cost_per_outcome > 0).length,
    chargebackGenerated: sheets.some((n) => n.startsWith('Chargeback ')),
    months: result?.periods.length ?? 0,
    sloMonitorPresent: sheets.includes(SLO_SHEET),
    agentsWithSlos: ag.filter((a) => a.slo_max_cost_per_outcome !== null && a.slo_min_accuracy !== null && a.slo_max_review_rate !== null).length,
    alertsOn: alerts.on,
    migrationPlanPresent: sheets.includes(PAYBACK_SHEET),
    budgetPresent: sheets.includes(BUDGET_SHEET),
  };
  const m = assessMaturity(facts);
  const next = STAGES[m.level + 1];
  return (
    <div className={s.stack}>
      <H2>Maturity</H2>
      <Body1>
        This workbook is at stage {m.level + 1} of 5: <strong>{m.stage}</strong>.
      </Body1>
      <ol className={s.list} aria-label="AI cost maturity curve">
        {STAGES.map((st, i) => (
          <li key={st} aria-current={i === m.level ? 'step' : undefined}>
            {st} {i === m.level ? <Badge appearance="filled">you are here</Badge> : i < m.level ? <Badge appearance="tint" color="success">done</Badge> : null}
          </li>
        ))}
      </ol>
      {next ? (
        <>
          <H3>What {next} needs</H3>
          <ul className={s.list} aria-label={`What ${next} needs`}>
            {m.next.map((r) => <li key={r.text}>{r.text}</li>)}
          </ul>
        </>
      ) : (
        <Body1>Governed: every stage is set up.</Body1>
      )}
      <Caption1>{LINKED_SHARE_GLOSSARY}</Caption1>
      <H3>Checklist</H3>
      <ul className={s.list} aria-label="Maturity checklist">
        {m.requirements.map((r) => (
          <li key={r.text}>
            <Caption1>{r.met ? '✓ done' : '✗ to do'} · {r.stage}: {r.text}</Caption1>
          </li>
        ))}
      </ul>
    </div>
  );
}
