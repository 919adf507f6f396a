import * as React from 'react';
import { Body1, Button, Caption1, Field, MessageBar, MessageBarBody, Select, Spinner, Switch, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { useSession } from '../state';
import { TREND_METRICS, metricTarget, metricValue, sharedScale, trendSeries, type TrendMetric, type TrendSeries } from '../services/trends';
import { withEditedAgents } from '../services/reports';
import { H2, H3, fmtMoney, usePanelStyles } from './common';

const W = 300;
const H = 172;
const PAD = { l: 50, r: 12, t: 12, b: 30 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const short = (p: string) => `${MONTHS[Number(p.slice(5, 7)) - 1]} ${p.slice(2, 4)}`;
const long = (p: string) => `${MONTHS[Number(p.slice(5, 7)) - 1]} ${p.slice(0, 4)}`;

/** A metric's value as the charts and tables show it: money with cents, ratios as percentages. */
export function formatMetric(m: TrendMetric, v: number | null, axis = false): string {
  if (v === null) return m === 'cost_per_outcome' ? 'no outcome' : 'none';
  if (m === 'cost_per_outcome') return axis && Number.isInteger(v) ? `$${v}` : fmtMoney(v);
  return `${(v * 100).toFixed(axis ? 0 : 1)}%`;
}

const agentLabel = (s: TrendSeries) => (s.name && s.name !== s.agent_id ? `${s.name} (${s.agent_id})` : s.agent_id);

/**
 * One agent's metric per month (solid) against its target or SLO (dashed, labelled), on the scale every agent's
 * chart of this metric shares, with the axis labelled. Each point shows its value on hover; keyboard and screen-reader
 * users have every value in the description and in the table view (points inside role="img" are not focusable).
 */
export function TrendChart({ s, periods, metric = 'cost_per_outcome', scale }: { s: TrendSeries; periods: string[]; metric?: TrendMetric; scale?: { max: number; ticks: number[] } }) {
  const sc = scale ?? sharedScale([s], metric);
  const meta = TREND_METRICS.find((m) => m.metric === metric)!;
  const [hover, setHover] = React.useState<number | null>(null);
  const values = s.points.map((p) => metricValue(p, metric));
  const target = metricTarget(s, metric);
  const x = (i: number) => PAD.l + (periods.length <= 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (periods.length - 1));
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / sc.max);
  const pts = values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
  const id = `trend-${metric}-${s.agent_id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const bad = (v: number) => (target === null ? false : metric === 'accuracy' ? v < target : v > target);
  const desc = `${s.points.map((p, i) => `${p.period}: ${formatMetric(metric, values[i])}`).join('; ')}${target !== null ? `; ${meta.target} ${formatMetric(metric, target)}` : `; no ${meta.target}`}.`;
  const tip = hover !== null && values[hover] !== null ? `${long(periods[hover])}: ${formatMetric(metric, values[hover])}${target !== null ? ` (${meta.target} ${formatMetric(metric, target)})` : ''}` : null;
  return (
    <svg width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} style={{ maxWidth: `${W}px`, overflow: 'visible' }}>
      <title id={`${id}-t`}>
        {meta.label} of {agentLabel(s)} by month
      </title>
      <desc id={`${id}-d`}>{desc}</desc>
      {sc.ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} stroke={tokens.colorNeutralStroke3} />
          <text x={PAD.l - 4} y={y(t) + 3} fontSize="9" textAnchor="end" fill={tokens.colorNeutralForeground3}>
            {formatMetric(metric, t, true)}
          </text>
        </g>
      ))}
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke={tokens.colorNeutralStroke1} />
      <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke={tokens.colorNeutralStroke1} />
      <text x={10} y={(PAD.t + H - PAD.b) / 2} fontSize="9" textAnchor="middle" fill={tokens.colorNeutralForeground3} transform={`rotate(-90 10 ${(PAD.t + H - PAD.b) / 2})`} data-testid="y-axis-label">
        {meta.axis}
      </text>
      {periods.map((p, i) => (
        <text key={p} x={x(i)} y={H - PAD.b + 12} fontSize="9" textAnchor="middle" fill={tokens.colorNeutralForeground3}>
          {short(p)}
        </text>
      ))}
      <text x={(PAD.l + W - PAD.r) / 2} y={H - 2} fontSize="9" textAnchor="middle" fill={tokens.colorNeutralForeground3}>
        month
      </text>
      {target !== null && (
        <g data-testid="target-line">
          <line x1={PAD.l} x2={W - PAD.r} y1={y(target)} y2={y(target)} stroke={tokens.colorPaletteDarkOrangeForeground1} strokeDasharray="4 3" />
          <text x={W - PAD.r} y={y(target) - 3} fontSize="9" textAnchor="end" fill={tokens.colorPaletteDarkOrangeForeground1}>
            {meta.target} {formatMetric(metric, target)}
          </text>
        </g>
      )}
      <polyline points={pts.join(' ')} fill="none" stroke={tokens.colorBrandForeground1} strokeWidth={2} />
      {values.map((v, i) =>
        v === null ? null : (
          <circle
            key={periods[i]}
            cx={x(i)}
            cy={y(v)}
            r={hover === i ? 5 : 3.5}
            data-period={periods[i]}
            fill={bad(v) ? tokens.colorPaletteRedForeground1 : tokens.colorBrandForeground1}
            onMouseEnter={() => setHover(i)}
            onMouseLeave={() => setHover(null)}
          >
            <title>{`${long(periods[i])}: ${formatMetric(metric, v)}`}</title>
          </circle>
        ),
      )}
      {tip && hover !== null && (
        <g data-testid="hover-value" pointerEvents="none">
          <rect x={Math.min(Math.max(x(hover) - 70, 2), W - 142)} y={Math.max(y(values[hover]!) - 26, 0)} width={140} height={16} rx={3} fill={tokens.colorNeutralBackground1} stroke={tokens.colorNeutralStroke1} />
          <text x={Math.min(Math.max(x(hover), 72), W - 72)} y={Math.max(y(values[hover]!) - 26, 0) + 11} fontSize="9" textAnchor="middle" fill={tokens.colorNeutralForeground1}>
            {tip}
          </text>
        </g>
      )}
    </svg>
  );
}

export function TrendsPanel() {
  const st = usePanelStyles();
  const session = useSession();
  const { services, stored } = session;
  const o = session.ledger;
  const [table, setTable] = React.useState(false);
  const [metric, setMetric] = React.useState<TrendMetric>('cost_per_outcome');
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
  const meta = TREND_METRICS.find((m) => m.metric === metric)!;
  const scale = sharedScale(series, metric);
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
      <Body1>
        {meta.label} by agent over {periods.length} months, every chart on the same scale; dashed line: the agent’s {meta.target} (Agents sheet); red points miss it. Hover over a point for its value, or show the figures as tables.
      </Body1>
      <Field label="Show">
        <Select value={metric} onChange={(_, d) => setMetric(d.value as TrendMetric)}>
          {TREND_METRICS.map((m) => (
            <option key={m.metric} value={m.metric}>
              {m.label}
            </option>
          ))}
        </Select>
      </Field>
      <Switch label="Show as tables" checked={table} onChange={(_, d) => setTable(d.checked)} />
      {series.length === 0 && <Body1>No agent closed a successful outcome in the months loaded.</Body1>}
      <ul className={st.plainList} aria-label={`${meta.label} by agent`}>
        {series.map((s) => {
          const target = metricTarget(s, metric);
          return (
            <li key={s.agent_id}>
              <H3>{agentLabel(s)}</H3>
              {table ? (
                <Table size="extra-small" aria-label={`${meta.label} of ${agentLabel(s)}`}>
                  <TableHeader>
                    <TableRow><TableHeaderCell>Month</TableHeaderCell><TableHeaderCell>{meta.label}</TableHeaderCell><TableHeaderCell>{meta.target[0].toUpperCase() + meta.target.slice(1)}</TableHeaderCell></TableRow>
                  </TableHeader>
                  <TableBody>
                    {s.points.map((p) => {
                      const v = metricValue(p, metric);
                      return (
                        <TableRow key={p.period}>
                          <TableCell>{p.period}</TableCell>
                          <TableCell className={st.num}>{v === null ? '—' : formatMetric(metric, v)}</TableCell>
                          <TableCell className={st.num}>{target === null ? '—' : formatMetric(metric, target)}</TableCell>
                        </TableRow>
                      );
                    })}
                  </TableBody>
                </Table>
              ) : (
                <TrendChart s={s} periods={periods} metric={metric} scale={scale} />
              )}
            </li>
          );
        })}
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
