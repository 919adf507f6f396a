import * as React from 'react';
import { Badge, Body1, Caption1, Link, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { DAILY_MONITOR_SHEET } from '../../workbook';
import type { Agent } from '../../core/model/records';
import type { Drivers } from '../../workbook';
import { useSession } from '../state';
import { configuredAgents, dailySettingsFrom, todayAlerts, type TodayAlert } from '../services/daily';
import { generateReport } from '../services/reports';
import { readWorkbookInputs } from '../services/workbook-io';
import { H3, usePanelStyles } from './common';

const SEVERITY_COLOR = { high: 'danger', medium: 'warning', low: 'informative' } as const;

/** Alerts → Today: the latest day's daily alerts (the morning report), each linked to its Daily Monitor row. */
export function TodayAlerts() {
  const s = usePanelStyles();
  const session = useSession();
  const { host, alerts: settings, addReport } = session;
  const o = session.ledger;
  const [edited, setEdited] = React.useState<{ agents?: Agent[]; drivers?: Drivers } | null>(null);
  const [error, setError] = React.useState<string | null>(null);

  // The Agents sheet (targets, SLOs, alert_* columns) and Budget Drivers (daily_* settings) as the workbook has them.
  React.useEffect(() => {
    let live = true;
    if (o) readWorkbookInputs(host).then((r) => live && setEdited({ agents: r.ctx.agents, drivers: r.budget?.drivers }), () => live && setEdited({}));
    return () => {
      live = false;
    };
  }, [host, o]);

  const today = React.useMemo(() => {
    if (!o?.daily) return null;
    return todayAlerts(o.daily, configuredAgents(o.result, edited?.agents ?? o.ctx.agents), dailySettingsFrom(edited?.drivers, settings.alertPct / 100));
  }, [o, edited, settings.alertPct]);

  const show = async (a: TodayAlert) => {
    setError(null);
    try {
      if (!(await host.listSheets()).includes(a.sheet) && o) {
        const p = o.result.periods;
        addReport(await generateReport(host, 'daily', p[p.length - 1], { result: o.result, ctx: o.ctx, daily: o.daily }));
      }
      await host.activate(a.sheet, a.cell);
    } catch (e) {
      setError(`Cannot show ${a.sheet}!${a.cell}: ${(e as Error).message}`);
    }
  };

  const heading = today?.day ? `Today: ${today.day} (${today.alerts.length})` : 'Today';
  return (
    <section aria-labelledby="alerts-today" className={s.stack}>
      <H3 id="alerts-today">{heading}</H3>
      {!today ? (
        <Caption1 className={s.muted}>Daily alerts need the daily series: run Refresh (it writes the Daily sheet).</Caption1>
      ) : !today.day ? (
        <Caption1 className={s.muted}>No day with data yet.</Caption1>
      ) : (
        <>
          <Caption1 block>{today.text.split('\n')[1]}</Caption1>
          {error && <MessageBar intent="error" role="alert"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
          {today.alerts.length > 0 && (
            <ul className={s.list} aria-label="Today's alerts">
              {today.alerts.map((a, i) => (
                <li key={`${a.agent_id}|${a.metric}|${i}`}>
                  <Badge appearance="tint" color={SEVERITY_COLOR[a.severity]} size="small">{a.severity}</Badge>{' '}
                  <Body1>{a.message}</Body1>{' '}
                  <Link as="button" inline onClick={() => void show(a)}>Show {DAILY_MONITOR_SHEET}!{a.cell}</Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
