import * as React from 'react';
import { Body1, Button, Caption1, Field, MessageBar, MessageBarBody, Select, Spinner } from '@fluentui/react-components';
import { LEDGER_SHEET, UNATTRIBUTED_SHEET, formatCellError, type CellError } from '../../workbook';
import { useSession } from '../state';
import { REPORTS, generateReport, reportSheetName, type ReportKind } from '../services/reports';
import { CellLink, H2, H3, fmtInt, usePanelStyles } from './common';

export function ReportsPanel() {
  const s = usePanelStyles();
  const session = useSession();
  const { host, reports, addReport, stored } = session;
  const o = session.ledger;
  const periods = o?.result.periods ?? [];
  const [picked, setPeriod] = React.useState('');
  // The picked month while the ledger has it, else the latest month.
  const period = periods.includes(picked) ? picked : (periods[periods.length - 1] ?? '');
  const [busy, setBusy] = React.useState<ReportKind | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [cellErrors, setCellErrors] = React.useState<CellError[]>([]);
  const [last, setLast] = React.useState<string>('');

  if (!o) {
    return (
      <div className={s.stack}>
        <H2>Reports</H2>
        {stored.error && <MessageBar intent="error" role="alert"><MessageBarBody>{stored.error}</MessageBarBody></MessageBar>}
        <MessageBar intent="info"><MessageBarBody>No ledger yet: load sources and run Refresh first.</MessageBarBody></MessageBar>
        {stored.loading && <div role="status" aria-live="polite"><Spinner size="tiny" label="Checking this workbook for a Ledger sheet…" /></div>}
      </div>
    );
  }

  // The data sheets' bad cells (input sheets' ones are listed by each report that reads them).
  const ledgerErrors = o.fromWorkbook ? (stored.ledger?.errors ?? []).filter((e) => e.sheet === LEDGER_SHEET || e.sheet === UNATTRIBUTED_SHEET) : [];

  const run = async (kind: ReportKind) => {
    setBusy(kind);
    setError(null);
    setCellErrors([]);
    setLast(`Writing ${reportSheetName(kind, period)}…`);
    try {
      const w = await generateReport(host, kind, period, { result: o.result, ctx: o.ctx, incomplete: o.incomplete, daily: o.daily, countsMissing: o.countsMissing });
      addReport(w);
      setCellErrors(w.errors);
      setLast(`Wrote ${w.sheet}: ${fmtInt(w.rows)} rows${w.errors.length ? `; ${w.errors.length} bad input cells skipped` : ''}.${w.notes.length ? ` ${w.notes.join(' ')}` : ''}`);
    } catch (e) {
      setError(`${reportSheetName(kind, period)}: ${(e as Error).message}`);
      setLast('');
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className={s.stack}>
      <H2>Reports</H2>
      <Body1>Each report is one sheet of native formulas over the Ledger and input sheets. Generating again replaces it. Your edits to Agents, Prices and Budget Drivers are read back; a price change reprices the Ledger at the next Refresh.</Body1>
      {o.incomplete && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>The last refresh was incomplete: {o.incomplete}. Reports generated now carry that line.</MessageBarBody>
        </MessageBar>
      )}
      {o.fromWorkbook && (
        <MessageBar intent="info">
          <MessageBarBody>
            Using the Ledger already in this workbook ({fmtInt(o.result.rows.length)} rows, {monthsText(periods)}). Run Refresh with your sources to rebuild it.
          </MessageBarBody>
        </MessageBar>
      )}
      {ledgerErrors.length > 0 && (
        <>
          <H3>Bad cells in the Ledger ({ledgerErrors.length})</H3>
          <Caption1>Read as 0 (a bad month leaves its row out of the month list); fix them or run Refresh.</Caption1>
          <ul className={s.list} aria-label="Bad Ledger cells">
            {ledgerErrors.slice(0, 50).map((e, i) => (
              <li key={i}><CellLink sheet={e.sheet} cell={e.cell || undefined}>{formatCellError(e)}</CellLink></li>
            ))}
          </ul>
        </>
      )}
      <Field label="Month">
        <Select value={period} onChange={(_, d) => setPeriod(d.value)}>
          {periods.map((p) => <option key={p} value={p}>{p}</option>)}
        </Select>
      </Field>
      <div className={s.stack}>
        {REPORTS.map((r) => (
          <Button key={r.kind} disabled={busy !== null} onClick={() => void run(r.kind)} icon={busy === r.kind ? <Spinner size="tiny" /> : undefined}>
            {r.button}
          </Button>
        ))}
      </div>
      <div role="status" aria-live="polite"><Body1>{last}</Body1></div>
      {error && <MessageBar intent="error" role="alert"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {cellErrors.length > 0 && (
        <>
          <H3>Bad input cells ({cellErrors.length})</H3>
          <ul className={s.list} aria-label="Bad input cells">
            {cellErrors.slice(0, 50).map((e, i) => (
              <li key={i}><CellLink sheet={e.sheet} cell={e.cell || undefined}>{formatCellError(e)}</CellLink></li>
            ))}
          </ul>
        </>
      )}
      {reports.length > 0 && (
        <>
          <H3>Written this session</H3>
          <ul className={s.list} aria-label="Reports written">
            {reports.map((w) => (
              <li key={w.sheet}>
                <CellLink sheet={w.sheet}>{w.sheet}</CellLink> <Caption1>({fmtInt(w.rows)} rows)</Caption1>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function monthsText(periods: readonly string[]): string {
  if (periods.length === 0) return 'no month';
  if (periods.length === 1) return `month ${periods[0]}`;
  return `months ${periods[0]} to ${periods[periods.length - 1]}`;
}
