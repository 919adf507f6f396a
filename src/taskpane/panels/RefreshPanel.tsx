import * as React from 'react';
import {
  Body1, Button, Caption1, Field, MessageBar, MessageBarBody, ProgressBar, Table, TableBody, TableCell, TableRow,
} from '@fluentui/react-components';
import { formatCellError, LEDGER_DETAIL_MAX_ROWS } from '../../workbook';
import type { LedgerDetail } from '../services/refresh-core';
import { useSession } from '../state';
import { CellLink, H2, H3, fmtInt, fmtMoney, usePanelStyles } from './common';
import { SourceCounts } from './SourcesPanel';
import { WRITING_FROM } from '../services/refresh';
import { REFRESH_PHASES } from '../services/refresh-core';
import { LINKED_SHARE_GLOSSARY, formatLinkedShare } from '../services/linked-share';

/** Saves the detail CSV through the browser's download (the webview's, in Excel). */
function downloadDetail(d: LedgerDetail) {
  const url = URL.createObjectURL(d.csv);
  const a = document.createElement('a');
  a.href = url;
  a.download = d.fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The Ledger sheet is aggregated: says so, and offers the per-work-item rows as a CSV. */
function DetailNotice({ detail, rows }: { detail: LedgerDetail; rows: number }) {
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        The Ledger sheet holds {fmtInt(rows)} rows by agent × day × business unit × outcome: {fmtInt(detail.workItemRows)} work-item rows are more than a
        workbook holds one by one ({fmtInt(LEDGER_DETAIL_MAX_ROWS)}). Every report and AILABOR function gives the same figures. The rows themselves are
        not stored in the workbook:{' '}
        <Button size="small" onClick={() => downloadDetail(detail)}>
          Download the per-work-item detail ({detail.fileName}, {(detail.csv.size / 1e6).toFixed(1)} MB)
        </Button>
      </MessageBarBody>
    </MessageBar>
  );
}

export function RefreshPanel() {
  const s = usePanelStyles();
  const { sources, refresh, startRefresh, cancelRefresh } = useSession();
  const usable = sources.filter((x) => !x.error);
  const o = refresh.outcome;
  const sum = o?.summary;
  const p = refresh.progress;
  const writing = !!p && (p.phase === 'write' || (p.total > 0 && p.done / p.total >= WRITING_FROM));
  const current = p?.phase ? REFRESH_PHASES.findIndex((x) => x.phase === p.phase) : p ? 0 : -1;
  return (
    <div className={s.stack}>
      <H2>Refresh</H2>
      <Body1>
        Imports {usable.length} source{usable.length === 1 ? '' : 's'}, works out the fully loaded cost of every work item for every month, and writes the Ledger, Unattributed, Import Issues and input sheets. The workbook stays usable meanwhile.
      </Body1>
      <div className={s.row}>
        {/* disabledFocusable while running: a keyboard user who pressed Refresh keeps focus on it (a disabled button drops focus to the page). */}
        <Button
          appearance="primary"
          disabled={!refresh.running && usable.length === 0}
          disabledFocusable={refresh.running}
          aria-describedby={usable.length === 0 ? 'refresh-hint' : undefined}
          onClick={startRefresh}
        >
          Refresh
        </Button>
        {refresh.running && (
          <Button onClick={cancelRefresh} disabled={writing} aria-describedby={writing ? 'cancel-hint' : undefined}>
            Cancel
          </Button>
        )}
      </div>
      {writing && refresh.running && <Caption1 id="cancel-hint">Writing the sheets: this step finishes so the workbook is never left half-written.</Caption1>}
      {usable.length === 0 && !refresh.running && <Caption1 id="refresh-hint">Add a source (or load the sample data) in the Sources tab first.</Caption1>}
      {refresh.running && p && (
        <>
          <Field label="Refresh progress" validationState="none" validationMessage={p.step}>
            <ProgressBar value={p.total ? p.done / p.total : undefined} max={1} thickness="large" aria-label="Refresh progress" />
          </Field>
          <ol className={s.list} aria-label="Refresh steps">
            {REFRESH_PHASES.map((ph, i) => (
              <li key={ph.phase} aria-current={i === current ? 'step' : undefined}>
                <Caption1>
                  {i < current ? '✓ ' : i === current ? '▶ ' : ''}
                  {ph.label}
                  {i < current ? ' — done' : i === current ? ' — in progress' : ''}
                </Caption1>
              </li>
            ))}
          </ol>
        </>
      )}
      <div role="status" aria-live="polite">
        {refresh.running && p ? <Caption1>Step: {p.step}</Caption1> : null}
        {!refresh.running && sum && o && sum.incomplete.length > 0 ? (
          <MessageBar intent="warning" role="alert">
            <MessageBarBody>
              Refresh incomplete ({new Date(o.at).toLocaleTimeString('en-GB')}):{' '}
              {sum.incomplete.map((x) => `${x.source} ${x.state === 'failed' ? 'failed' : 'stopped early'} — missing ${x.missing} (${x.reason})`).join('; ')}.
              {' '}The {fmtMoney(sum.total)} read so far leaves that out; reports generated now say so.
            </MessageBarBody>
          </MessageBar>
        ) : !refresh.running && sum && o ? (
          <Body1>
            Refreshed {new Date(o.at).toLocaleTimeString('en-GB')}: {sum.periods.length} month{sum.periods.length === 1 ? '' : 's'}
            {sum.periods.length ? ` (${sum.periods[0]} – ${sum.periods[sum.periods.length - 1]})` : ''}, {fmtMoney(sum.total)} in total.
          </Body1>
        ) : null}
      </div>
      {refresh.error && (
        <MessageBar intent={refresh.error.startsWith('Refresh cancelled') ? 'warning' : 'error'} role="alert">
          <MessageBarBody>{refresh.error}</MessageBarBody>
        </MessageBar>
      )}
      {o?.functionsWarning && (
        <MessageBar intent="warning">
          <MessageBarBody>{o.functionsWarning}</MessageBarBody>
        </MessageBar>
      )}
      {!refresh.running && !o && !refresh.error && <Caption1 className={s.muted}>Not refreshed yet in this session.</Caption1>}
      {o && sum && (
        <>
          <H3>Summary</H3>
          <Table size="extra-small" aria-label="Refresh summary">
            <TableBody>
              {[
                ['Months', sum.periods.join(', ') || 'none'],
                ['Total cost (all months)', fmtMoney(sum.total)],
                ['API', fmtMoney(sum.components.api)],
                ['Retries', fmtMoney(sum.components.retry)],
                ['Tools', fmtMoney(sum.components.tools)],
                ['Human review', fmtMoney(sum.components.review)],
                ['Overhead', fmtMoney(sum.components.overhead)],
                ['Invoice true-up', fmtMoney(sum.components.trueup)],
                ['Work items', fmtInt(sum.workItems)],
                ['Usage events', fmtInt(sum.events)],
                ['Linked share of cost', formatLinkedShare(sum.linkedShare)],
                ['Unattributed', `${fmtMoney(sum.unattributedCost)} (${fmtInt(sum.unattributedEvents)} events)`],
                ['Rejected rows', fmtInt(sum.rejected)],
                ['Unpriced events', fmtInt(sum.unpriced)],
                ['Every cost accounted for', sum.conservationOk ? 'yes: usage, reviews, overheads and invoices reconcile to the cent' : 'NO — some cost is missing or double counted; see Import Issues'],
              ].map(([k, v]) => (
                <TableRow key={k}>
                  <TableCell>{k}</TableCell>
                  <TableCell className={s.num}>{v}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Caption1>{LINKED_SHARE_GLOSSARY}</Caption1>
          <Caption1>Invoice true-up: each provider’s invoice minus what its usage logs price to, shared over that provider’s usage, so the ledger totals the invoices.</Caption1>
          <Caption1>Wrote: {o.written.sheets.join(', ')}.</Caption1>
          {o.computed.detail && <DetailNotice detail={o.computed.detail} rows={o.computed.result.rows.length} />}
          <H3>Per source</H3>
          <ul className={s.plainList} aria-label="Rows per source">
            {o.computed.sources.map((r) => (
              <li key={r.id}>
                <Body1 block>{r.name}</Body1>
                <SourceCounts report={r} />
              </li>
            ))}
          </ul>
          {o.inputErrors.length > 0 && (
            <>
              <H3>Bad cells in the input sheets ({o.inputErrors.length})</H3>
              <Caption1>These rows were left out of the build and are listed on Import Issues.</Caption1>
              <ul className={s.list} aria-label="Bad input cells">
                {o.inputErrors.slice(0, 50).map((e, i) => (
                  <li key={i}>
                    <CellLink sheet={e.sheet} cell={e.cell || undefined}>{formatCellError(e)}</CellLink>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}
