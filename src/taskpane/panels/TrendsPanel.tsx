import * as React from 'react';
import { Body1, Button, Caption1, MessageBar, MessageBarBody, Spinner, Switch, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { useSession } from '../state';
import { trendSeries, type TrendSeries } from '../services/trends';
import { withEditedAgents } from '../services/reports';
import { H2, H3, fmtMoney, usePanelStyles } from './common';

const W = 288;
const H = 140;
const PAD = { l: 44, r: 18, t: 8, b: 22 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const short = (p: string) => `${MONTHS[Number(p.slice(5, 7)) - 1]} ${p.slice(2, 4)}`;

/** One agent's cost per outcome per month (solid) against its target (dashed), as inline SVG. */
export function TrendChart({ s, periods }: { s: TrendSeries; periods: string[] }) {
  const vals = s.points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = Math.max(...vals, s.target ?? 0) * 1.1 || 1;
  const x = (i: number) => PAD.l + (periods.length <= 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (periods.length - 1));
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  const pts = s.points.map((p, i) => (p.value === null ? null : `${x(i)},${y(p.value)}`)).filter(Boolean);
  const id = `trend-${s.agent_id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const desc = `${s.points.map((p) => `${p.period}: ${p.value === null ? 'no outcome' : fmtMoney(p.value)}`).join('; ')}${s.target !== null ? `; target ${fmtMoney(s.target)}` : '; no target'}.`;
  return (
    <svg width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} style={{ maxWidth: `${W}px` }}>
      <title id={`${id}-t`}>Cost per outcome of {s.agent_id} by month</title>
      <desc id={`${id}-d`}>{desc}</desc>
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke={tokens.colorNeutralStroke1} />
      <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke={tokens.colorNeutralStroke1} />
      <text x={PAD.l - 4} y={PAD.t + 8} fontSize="9" textAnchor="end" fill={tokens.colorNeutralForeground3}>{fmtMoney(max)}</text>
      <text x={PAD.l - 4} y={H - PAD.b} fontSize="9" textAnchor="end" fill={tokens.colorNeutralForeground3}>$0</text>
      {periods.map((p, i) => (
        <text key={p} x={x(i)} y={H - 6} fontSize="9" textAnchor="middle" fill={tokens.colorNeutralForeground3}>{short(p)}</text>
      ))}
      {s.target !== null && (
        <line x1={PAD.l} x2={W - PAD.r} y1={y(s.target)} y2={y(s.target)} stroke={tokens.colorPaletteDarkOrangeForeground1} strokeDasharray="4 3" data-testid="target-line" />
      )}
      <polyline points={pts.join(' ')} fill="none" stroke={tokens.colorBrandForeground1} strokeWidth={2} />
      {s.points.map((p, i) => (p.value === null ? null : <circle key={p.period} cx={x(i)} cy={y(p.value)} r={3} fill={p.value > (s.target ?? Infinity) ? tokens.colorPaletteRedForeground1 : tokens.colorBrandForeground1} />))}
    </svg>
  );
}

export function TrendsPanel() {
  const st = usePanelStyles();
  const session = useSession();
  const { services, stored } = session;
  const o = session.ledger;
  const [table, setTable] = React.useState(false);
  const [msg, setMsg] = React.useState<{ intent: 'success' | 'error'; text: string } | null>(null);
  const series = React.useMemo(() => (o ? trendSeries(withEditedAgents(o.result, undefined)) : []), [o]);
  if (!o) {
    return (
      <div className={st.stack}>
        <H2>Trends</H2>
        <MessageBar intent="info"><MessageBarBody>{stored.error ? `${stored.error}. ` : ''}No ledger yet: run Refresh to see cost per outcome by agent.</MessageBarBody></MessageBar>
        {stored.loading && <div role="status" aria-live="polite"><Spinner size="tiny" label="Checking this workbook for a Ledger sheet…" /></div>}
      </div>
    );
  }
  const periods = o.result.periods;
  const addChart = async () => {
    setMsg(null);
    try {
      const r = await services.chart!.addTrendChart(series, periods);
      setMsg({ intent: 'success', text: `Added the chart on ${r.sheet} (data in ${r.range}).` });
    } catch (e) {
      setMsg({ intent: 'error', text: `Could not add the Excel chart: ${(e as Error).message}` });
    }
  };
  return (
    <div className={st.stack}>
      <H2>Trends</H2>
      <Body1>Cost per outcome by agent over {periods.length} months; dashed line: target (from the Agents sheet at refresh); red points are above target.</Body1>
      <Switch label="Show as tables" checked={table} onChange={(_, d) => setTable(d.checked)} />
      {series.length === 0 && <Body1>No agent closed a successful outcome in the months loaded.</Body1>}
      <ul className={st.plainList} aria-label="Cost per outcome by agent">
        {series.map((s) => (
          <li key={s.agent_id}>
            <H3>{s.agent_id}</H3>
            {table ? (
              <Table size="extra-small" aria-label={`Cost per outcome of ${s.agent_id}`}>
                <TableHeader>
                  <TableRow><TableHeaderCell>Month</TableHeaderCell><TableHeaderCell>Cost per outcome</TableHeaderCell><TableHeaderCell>Target</TableHeaderCell></TableRow>
                </TableHeader>
                <TableBody>
                  {s.points.map((p) => (
                    <TableRow key={p.period}>
                      <TableCell>{p.period}</TableCell>
                      <TableCell className={st.num}>{p.value === null ? '—' : fmtMoney(p.value)}</TableCell>
                      <TableCell className={st.num}>{s.target === null ? '—' : fmtMoney(s.target)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : (
              <TrendChart s={s} periods={periods} />
            )}
          </li>
        ))}
      </ul>
      {services.chart ? (
        <Button onClick={() => void addChart()}>Add Excel chart beside the SLO Monitor</Button>
      ) : (
        <Caption1 className={st.muted}>In Excel, a native chart can be added beside the SLO Monitor.</Caption1>
      )}
      {msg && <MessageBar intent={msg.intent} role={msg.intent === 'error' ? 'alert' : 'status'}><MessageBarBody>{msg.text}</MessageBarBody></MessageBar>}
    </div>
  );
}
