import * as React from 'react';
import { Badge, Body1, Caption1, Field, Link, MessageBar, MessageBarBody, Select, SpinButton, Spinner, Switch } from '@fluentui/react-components';
import { SLO_SHEET } from '../../workbook';
import { useSession } from '../state';
import { alertMonths, deriveAlerts, groupAlerts, type Alert } from '../services/alerts';
import { generateReport, withEditedAgents } from '../services/reports';
import { readWorkbookInputs } from '../services/workbook-io';
import type { Agent, Invoice } from '../../core/model/records';
import { H2, H3, usePanelStyles } from './common';
import { TodayAlerts } from './TodayAlerts';

/** The month filter's value for every month. */
const ALL = 'all';

export function AlertsPanel() {
  const s = usePanelStyles();
  const session = useSession();
  const { host, refresh, alerts: settings, setAlerts, addReport, stored } = session;
  const o = session.ledger;
  const [edited, setEdited] = React.useState<{ agents?: Agent[]; invoices?: Invoice[] } | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  /** the month picked in the filter; null = the latest (the default) */
  const [month, setMonth] = React.useState<string | null>(null);

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

  const periods = React.useMemo(() => o?.result.periods ?? [], [o]);
  const latest = periods[periods.length - 1] ?? null;
  // The month shown: the latest unless the user picked another (or "all"); a month the ledger no longer has falls back.
  const shown = month === ALL ? null : month !== null && periods.includes(month) ? month : latest;
  const months = React.useMemo(() => alertMonths(list, periods), [list, periods]);
  const grouped = React.useMemo(() => groupAlerts(list, o?.result.agents ?? [], shown), [list, o, shown]);
  const where = shown ?? `${periods.length} month${periods.length === 1 ? '' : 's'}`;
  const headline = `${grouped.count} alert${grouped.count === 1 ? '' : 's'} ${shown ? 'in' : 'over'} ${where}` +
    (grouped.agents.length ? ` on ${grouped.agents.length} ${shown ? 'agent' : 'agent-month'}${grouped.agents.length === 1 ? '' : 's'}` : '');

  const link = (a: Alert) => <Link as="button" inline onClick={() => void show(a)}>Show {a.sheet}!{a.cell}</Link>;
  const monthly = (heading: string, id: string, items: Alert[]) => (
    <section aria-labelledby={id} className={s.stack}>
      <H3 id={id}>{heading} ({items.length})</H3>
      {items.length === 0 ? (
        <Caption1 className={s.muted}>None.</Caption1>
      ) : (
        <ul className={s.list} aria-label={heading}>
          {items.map((a) => (
            <li key={a.id}>
              <Body1 block>{shown ? a.label : a.title}</Body1>
              <Caption1 block>{a.detail}</Caption1>
              {link(a)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );

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
          <TodayAlerts />
          <section aria-labelledby="alerts-monthly" className={s.stack}>
            <H3 id="alerts-monthly">Month-end alerts</H3>
            <Field label="Month">
              <Select value={shown ?? ALL} onChange={(_, d) => setMonth(d.value)}>
                {months.map((m) => (
                  <option key={m.period} value={m.period}>{m.period}{m.period === latest ? ' (latest)' : ''} — {m.count} alert{m.count === 1 ? '' : 's'}</option>
                ))}
                <option value={ALL}>All months — {list.length} alert{list.length === 1 ? '' : 's'}</option>
              </Select>
            </Field>
            <div role="status" aria-live="polite"><Body1>{headline}.</Body1></div>
            {o.fromWorkbook && <Caption1>From the Ledger already in this workbook: unpriced-model and invoice true-up alerts need a Refresh in this session (the workbook does not keep them).</Caption1>}
            {error && <MessageBar intent="error" role="alert"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
          </section>
          <section aria-labelledby="alerts-agents" className={s.stack}>
            <H3 id="alerts-agents">By agent and month ({grouped.agents.length})</H3>
            {grouped.agents.length === 0 ? (
              <Caption1 className={s.muted}>None{shown ? ` in ${shown}` : ''}.</Caption1>
            ) : (
              <ul className={s.plainList} aria-label="Alerts by agent and month">
                {grouped.agents.map((g) => {
                  const who = `${g.name ? `${g.name} (${g.agent_id})` : g.agent_id}, ${g.period}`;
                  return (
                    <li key={g.key} className={s.card} aria-label={who}>
                      <Body1 block>
                        <strong>{who}</strong>
                        {g.business_unit && <Caption1> · {g.business_unit}</Caption1>}
                      </Body1>
                      <ul className={s.list} aria-label={`Findings for ${who}`}>
                        {g.alerts.map((a) => (
                          <li key={a.id}>
                            <Badge appearance="tint" color={a.severity === 'error' ? 'danger' : 'warning'} size="small">{a.severity === 'error' ? 'red' : 'amber'}</Badge>{' '}
                            <Body1>{a.label}</Body1>
                            <Caption1 block>{a.detail}</Caption1>
                            {link(a)}
                          </li>
                        ))}
                      </ul>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          {monthly('Unpriced models', 'alerts-unpriced', grouped.unpriced)}
          {monthly('Invoice true-up above threshold', 'alerts-trueup', grouped.trueup)}
        </>
      )}
    </div>
  );
}
