import * as React from 'react';
import {
  Badge, Body1, Button, Caption1, Field, MessageBar, MessageBarBody, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from '@fluentui/react-components';
import { RECORD_KINDS, type RecordKind } from '../../sources/files';
import { FORMATS, FORMAT_LABELS, detectFormat, type SourceFormat } from '../../sources/formats';
import { newId, useSession, type SourceEntry } from '../state';
import { sampleLabel } from '../services/sample';
import type { SourceReport } from '../services/refresh-core';
import { H2, H3, fmtInt, usePanelStyles } from './common';
import { LinkRulesEditor } from './LinkRulesEditor';
import { ApiSources } from './ApiSources';
import { blobText } from '../../sources/files/import';

export async function sourceFromFile(f: File): Promise<SourceEntry> {
  const text = await blobText(f);
  const d = detectFormat(f.name, text.slice(0, 65536));
  if (!d.ok) return { id: newId('file'), name: f.name, type: 'file', format: 'unknown', label: 'not recognized', bytes: f.size, error: d.message };
  return { id: newId('file'), name: f.name, type: 'file', format: d.format, label: d.label, kind: d.kind, text, bytes: f.size };
}

export function SourcesPanel() {
  const s = usePanelStyles();
  const { sources, setSources, services, refresh } = useSession();
  const [over, setOver] = React.useState(false);
  const [status, setStatus] = React.useState('');
  const picker = React.useRef<HTMLInputElement>(null);
  const reports = new Map((refresh.outcome?.computed.sources ?? []).map((r) => [r.id, r]));

  const addFiles = async (files: FileList | File[] | null) => {
    const list = Array.from(files ?? []);
    if (!list.length) return;
    setStatus(`Reading ${list.length} file${list.length > 1 ? 's' : ''}…`);
    const added = await Promise.all(list.map(sourceFromFile));
    setSources((prev) => [...prev, ...added]);
    const bad = added.filter((a) => a.error).length;
    setStatus(`Added ${added.length - bad} file${added.length - bad === 1 ? '' : 's'}${bad ? `; ${bad} not recognized` : ''}. Refresh to import.`);
  };

  const loadSample = () => {
    const o = services.sample;
    setSources((prev) => [...prev.filter((x) => x.type !== 'sample'), { id: newId('sample'), name: sampleLabel(o), type: 'sample', format: 'sample', label: 'bundled sample data (usage, work items, reviews, agents, prices, overheads, invoices)', sample: o }]);
    setStatus('Sample organisation added. Refresh to import it.');
  };

  return (
    <div className={s.stack}>
      <H2>Sources</H2>
      <div
        className={`${s.drop} ${over ? s.dropActive : ''}`}
        role="group"
        aria-label="Add source files"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void addFiles(e.dataTransfer?.files ?? null);
        }}
      >
        <Body1>Drop usage logs, work items, reviews or invoices here (LiteLLM, Langfuse, Helicone, OTel, Bedrock, OpenAI/Anthropic reports, FOCUS, Zendesk, Jira, ServiceNow, canonical CSV/JSONL).</Body1>
        <div className={s.row}>
          <Button appearance="primary" onClick={() => picker.current?.click()}>Add files…</Button>
          <Button onClick={loadSample}>Load sample data</Button>
        </div>
        <input ref={picker} type="file" multiple hidden aria-label="Choose source files" data-testid="file-input" onChange={(e) => void addFiles(e.target.files).finally(() => { e.target.value = ''; })} />
      </div>
      <div role="status" aria-live="polite"><Caption1>{status}</Caption1></div>

      <H3>Files and samples ({sources.filter((x) => x.type !== 'api').length})</H3>
      {sources.filter((x) => x.type !== 'api').length === 0 ? (
        <Body1 className={s.muted}>No sources yet: add files or load the sample data.</Body1>
      ) : (
        <ul className={s.plainList} aria-label="Sources">
          {sources.filter((x) => x.type !== 'api').map((src) => (
            <li key={src.id}><SourceCard src={src} report={reports.get(src.id)} /></li>
          ))}
        </ul>
      )}

      <LinkRulesEditor />
      <ApiSources reports={reports} />
    </div>
  );
}

function SourceCard({ src, report }: { src: SourceEntry; report?: SourceReport }) {
  const s = usePanelStyles();
  const { setSources } = useSession();
  const [showRejected, setShowRejected] = React.useState(false);
  const setKind = (kind: RecordKind) => setSources((prev) => prev.map((x) => (x.id === src.id ? { ...x, kind } : x)));
  // Detection can be overridden (a generic CSV needs a column mapping, which the pane does not edit yet).
  const setFormat = (format: SourceFormat) => setSources((prev) => prev.map((x) => (x.id === src.id ? { ...x, format, label: FORMAT_LABELS[format], kind: format === 'canonical' ? (x.kind ?? 'usage') : undefined } : x)));
  return (
    <div className={s.card}>
      <div className={s.row}>
        <H3>{src.name}</H3>
        {src.error ? <Badge color="danger">not recognized</Badge> : <Badge appearance="tint">{src.format === 'sample' ? 'sample' : src.format}</Badge>}
      </div>
      {src.error ? (
        <MessageBar intent="error"><MessageBarBody>{src.error}</MessageBarBody></MessageBar>
      ) : (
        <Caption1>Format: {src.label}{src.bytes !== undefined ? ` · ${fmtInt(src.bytes)} bytes` : ''}</Caption1>
      )}
      {src.type === 'file' && !src.error && (
        <Field label={`Format of ${src.name}`}>
          <Select value={src.format} onChange={(_, d) => setFormat(d.value as SourceFormat)}>
            {FORMATS.filter((f) => f !== 'generic').map((f) => <option key={f} value={f}>{FORMAT_LABELS[f]}</option>)}
          </Select>
        </Field>
      )}
      {src.format === 'canonical' && (
        <Field label={`Record kind of ${src.name}`}>
          <Select value={src.kind ?? 'usage'} onChange={(_, d) => setKind(d.value as RecordKind)}>
            {RECORD_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </Select>
        </Field>
      )}
      <SourceCounts report={report} />
      {report && report.rejected > 0 && (
        <>
          <Button size="small" aria-expanded={showRejected} onClick={() => setShowRejected((v) => !v)}>
            {showRejected ? 'Hide' : 'Show'} {fmtInt(report.rejected)} rejected rows of {src.name}
          </Button>
          {showRejected && <RejectedTable report={report} />}
        </>
      )}
      <div className={s.row}>
        <Button size="small" appearance="subtle" onClick={() => setSources((prev) => prev.filter((x) => x.id !== src.id))}>Remove {src.name}</Button>
      </div>
    </div>
  );
}

export function SourceCounts({ report }: { report?: SourceReport }) {
  const s = usePanelStyles();
  if (!report) return <Caption1 className={s.muted}>Not imported yet: counts appear after Refresh.</Caption1>;
  return (
    <>
      {report.error && <MessageBar intent="error"><MessageBarBody>{report.error}</MessageBarBody></MessageBar>}
      <Table size="extra-small" aria-label={`Counts for ${report.name}`}>
        <TableBody>
          {([
            ['Read', report.read],
            ['Linked', report.linked],
            ['Unattributed', report.unattributed],
            ['Rejected', report.rejected],
          ] as const).map(([k, v]) => (
            <TableRow key={k}>
              <TableHeaderCell scope="row">{k}</TableHeaderCell>
              <TableCell className={s.num}>{fmtInt(v)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Caption1>{fmtInt(report.events)} usage events, {fmtInt(report.workItems)} work items, {fmtInt(report.reviews)} reviews.</Caption1>
    </>
  );
}

export function RejectedTable({ report }: { report: SourceReport }) {
  const s = usePanelStyles();
  const shown = report.rejectedRows.slice(0, 200);
  return (
    <div className={s.scroll}>
      <Table size="extra-small" aria-label={`Rejected rows of ${report.name}`}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>File</TableHeaderCell>
            <TableHeaderCell>Line</TableHeaderCell>
            <TableHeaderCell>Column</TableHeaderCell>
            <TableHeaderCell>Reason</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map((r, i) => (
            <TableRow key={i}>
              <TableCell>{r.file}</TableCell>
              <TableCell className={s.num}>{r.line || ''}</TableCell>
              <TableCell>{r.column}</TableCell>
              <TableCell>{r.reason}{r.value ? ` (value: ${r.value})` : ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {report.rejected > shown.length && <Caption1>{fmtInt(report.rejected - shown.length)} more are listed on the Import Issues sheet.</Caption1>}
    </div>
  );
}
