import * as React from 'react';
import { Body1, Caption1, Field, Link, MessageBar, MessageBarBody, SpinButton, Spinner, Switch } from '@fluentui/react-components';
import { SLO_SHEET } from '../../workbook';
import { useSession } from '../state';
import { ALERT_KINDS, deriveAlerts, type Alert } from '../services/alerts';
import { generateReport, withEditedAgents } from '../services/reports';
import { readWorkbookInputs } from '../services/workbook-io';
import type { Agent, Invoice } from '../../core/model/records';
import { H2, H3, usePanelStyles } from './common';
import { TodayAlerts } from './TodayAlerts';

export function AlertsPanel() {
  const s = usePanelStyles();
  const session = useSession();
  const { host, refresh, alerts: settings, setAlerts, addReport, stored } = session;
  const o = session.ledger;
  const [edited, setEdited] = React.useState<{ agents?: Agent[]; invoices?: Invoice[] } | null>(null);
  const [error, setError] = React.useState<string | null>(null);

  // Targets and invoices as the workbook has them now (the user may have edited Agents or Invoices).
  React.useEffect(() => {
    let live = true;
    if (o) readWorkbookInputs(host).then((r) => live && setEdited({ agents: r.ctx.agents, invoices: r.ctx.invoices }), () => live && setEdited({}));
    return () => {
      live = false;
    };
  }, [host, o]);

  const list: Alert[] = React.useMemo(() => {
    if (!o || !settings.on) return [];
    const result = withEditedAgents(o.result, edited?.agents);
    return deriveAlerts(result, { alertPct: settings.alertPct / 100, trueupPct: settings.trueupPct / 100, invoices: edited?.invoices ?? o.ctx.invoices, issuesRejected: refresh.outcome?.written.issuesRejected ?? 0 });
  }, [o, edited, settings, refresh.outcome]);

  const show = async (a: Alert) => {
    setError(null);
    try {
      const sheets = await host.listSheets();
      if (!sheets.includes(a.sheet)) {
        if (a.sheet !== SLO_SHEET || !o) throw new Error(`the workbook has no "${a.sheet}" sheet; run Refresh`);
        const p = o.result.periods;
        addReport(await generateReport(host, 'slo', p[p.length - 1], { result: o.result, ctx: o.ctx }));
      }
      await host.activate(a.sheet, a.cell);
    } catch (e) {
      setError(`Cannot show ${a.sheet}!${a.cell}: ${(e as Error).message}`);
    }
  };

  return (
    <div className={s.stack}>
      <H2>Alerts</H2>
      <Switch label="Alerts on" checked={settings.on} onChange={(_, d) => setAlerts({ ...settings, on: d.checked })} />
      <div className={s.row}>
        <Field label="Alert when cost per outcome is above target by more than (%)">
          <SpinButton min={0} max={100} step={1} value={settings.alertPct} onChange={(_, d) => { const v = d.value ?? Number(d.displayValue); if (Number.isFinite(v)) setAlerts({ ...settings, alertPct: v! }); }} />
        </Field>
        <Field label="Invoice true-up threshold (% of the invoice)">
          <SpinButton min={0} max={100} step={0.5} value={settings.trueupPct} onChange={(_, d) => { const v = d.value ?? Number(d.displayValue); if (Number.isFinite(v)) setAlerts({ ...settings, trueupPct: v! }); }} />
        </Field>
      </div>
      {!o ? (
        <>
          <MessageBar intent="info"><MessageBarBody>{stored.error ? `${stored.error}. ` : ''}No ledger yet: run Refresh to see alerts.</MessageBarBody></MessageBar>
          {stored.loading && <div role="status" aria-live="polite"><Spinner size="tiny" label="Checking this workbook for a Ledger sheet…" /></div>}
        </>
      ) : !settings.on ? (
        <Body1>Alerts are off.</Body1>
      ) : (
        <>
          <div role="status" aria-live="polite"><Body1>{list.length} alert{list.length === 1 ? '' : 's'} over {o.result.periods.length} months.</Body1></div>
          {o.fromWorkbook && <Caption1>From the Ledger already in this workbook: unpriced-model and invoice true-up alerts need a Refresh in this session (the workbook does not keep them).</Caption1>}
          {error && <MessageBar intent="error" role="alert"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
          <TodayAlerts />
          {ALERT_KINDS.map((k) => {
            const items = list.filter((a) => a.kind === k.kind);
            return (
              <section key={k.kind} aria-labelledby={`alerts-${k.kind}`} className={s.stack}>
                <H3 id={`alerts-${k.kind}`}>{k.heading} ({items.length})</H3>
                {items.length === 0 ? (
                  <Caption1 className={s.muted}>None.</Caption1>
                ) : (
                  <ul className={s.list} aria-label={k.heading}>
                    {items.map((a) => (
                      <li key={a.id}>
                        <Body1 block>{a.title}</Body1>
                        <Caption1 block>{a.detail}</Caption1>
                        <Link as="button" inline onClick={() => void show(a)}>Show {a.sheet}!{a.cell}</Link>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}
