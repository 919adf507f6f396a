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
import type { ColumnMapping } from '../../sources/generic';
import { MAPPINGS_KEY, binaryMessage, columnsSignature, fileColumns, looksBinary, parseSavedMappings } from '../services/column-mapping';
import { ColumnMapper } from './ColumnMapper';

/** How the pane names formats (the source registry's labels, in a controller's words where ours). */
const formatLabel = (f: SourceFormat) => (f === 'canonical' ? 'AI Labor Ledger CSV/JSONL (our own columns)' : f === 'generic' ? 'your own columns, mapped' : FORMAT_LABELS[f]);

/** What format detection reads of a file. */
const HEAD_BYTES = 65536;

export async function sourceFromFile(f: File): Promise<SourceEntry> {
  const head = await blobText(f.slice(0, HEAD_BYTES));
  const base = { id: newId('file'), name: f.name, type: 'file' as const, bytes: f.size };
  // Binary content is never shown or parsed: one line says what it is not.
  if (looksBinary(head)) return { ...base, format: 'unknown', label: 'not a text file', error: binaryMessage(f.name, head.slice(0, 8)) };
  const d = detectFormat(f.name, head);
  // Our own CSV/JSONL stays a File: the refresh worker streams it, so the page never holds (nor copies to the
  // worker) the text of a 1M-event usage file.
  if (d.ok && d.format === 'canonical') return { ...base, format: d.format, label: formatLabel(d.format), kind: d.kind, file: f };
  const text = await blobText(f);
  if (!d.ok) {
    const { columns } = fileColumns(text, f.name);
    if (columns.length < 2) return { ...base, format: 'unknown', label: 'not recognized', error: d.message };
    return { ...base, format: 'unknown', label: 'not recognized', text, mappable: true, error: `${f.name}: not a format we recognize. Map its columns below to import it.` };
  }
  return { ...base, format: d.format, label: formatLabel(d.format), kind: d.kind, text };
}

/** A mappable file with a mapping applied: a source read as format "generic". */
export function withMapping(src: SourceEntry, mapping: ColumnMapping, saved = false): SourceEntry {
  return { ...src, format: 'generic', label: saved ? 'your own columns, mapped with the mapping saved in this workbook' : formatLabel('generic'), mapping, error: undefined, mappable: true };
}

export function SourcesPanel() {
  const s = usePanelStyles();
  const { sources, setSources, services, refresh, host } = useSession();
  const [over, setOver] = React.useState(false);
  const [status, setStatus] = React.useState('');
  const picker = React.useRef<HTMLInputElement>(null);
  const reports = new Map((refresh.outcome?.computed.sources ?? []).map((r) => [r.id, r]));

  const addFiles = async (files: FileList | File[] | null) => {
    const list = Array.from(files ?? []);
    if (!list.length) return;
    setStatus(`Reading ${list.length} file${list.length > 1 ? 's' : ''}…`);
    let added = await Promise.all(list.map(sourceFromFile));
    // A file whose columns were mapped before (saved with this workbook) is mapped again.
    const saved = parseSavedMappings(await host.settings.get(MAPPINGS_KEY).catch(() => undefined));
    added = added.map((a) => {
      if (!a.mappable || !a.text) return a;
      const m = saved[columnsSignature(fileColumns(a.text, a.name).columns)];
      return m ? withMapping(a, m, true) : a;
    });
    setSources((prev) => [...prev, ...added]);
    const toMap = added.filter((a) => a.error && a.mappable).length;
    const bad = added.filter((a) => a.error && !a.mappable).length;
    const ok = added.length - bad - toMap;
    const parts = [
      ok ? `Added ${ok} file${ok === 1 ? '' : 's'}: Refresh to import.` : '',
      toMap ? `${toMap} file${toMap === 1 ? ' needs its' : 's need their'} columns mapped (below).` : '',
      bad ? `${bad} could not be read (below).` : '',
    ];
    setStatus(parts.filter(Boolean).join(' '));
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
        <Body1>Drop usage logs, work items, reviews or invoices here (LiteLLM, Langfuse, Helicone, OTel, Bedrock, OpenAI/Anthropic reports, FOCUS, Zendesk, Jira, ServiceNow, or any CSV or JSON whose columns you map).</Body1>
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
  const { setSources, host } = useSession();
  const [showRejected, setShowRejected] = React.useState(false);
  const [remap, setRemap] = React.useState(false);
  const [saveError, setSaveError] = React.useState<string | null>(null);
  const applyMapping = async (m: ColumnMapping) => {
    setSources((prev) => prev.map((x) => (x.id === src.id ? withMapping(x, m) : x)));
    setRemap(false);
    // Saved with the workbook (column names and values only), keyed by the file's columns.
    try {
      const saved = parseSavedMappings(await host.settings.get(MAPPINGS_KEY));
      saved[columnsSignature(fileColumns(src.text ?? '', src.name).columns)] = m;
      await host.settings.set(MAPPINGS_KEY, JSON.stringify(saved));
      setSaveError(null);
    } catch (e) {
      setSaveError(`The mapping is used, but could not be saved with the workbook: ${(e as Error).message}`);
    }
  };
  const setKind = (kind: RecordKind) => setSources((prev) => prev.map((x) => (x.id === src.id ? { ...x, kind } : x)));
  // Detection can be overridden; a file in no known format gets the column-mapping step instead.
  const setFormat = (format: SourceFormat) => setSources((prev) => prev.map((x) => (x.id === src.id ? { ...x, format, label: formatLabel(format), kind: format === 'canonical' ? (x.kind ?? 'usage') : undefined } : x)));
  return (
    <div className={s.card}>
      <div className={s.row}>
        <H3>{src.name}</H3>
        {src.error ? <Badge color={src.mappable ? 'warning' : 'danger'}>{src.mappable ? 'columns to map' : src.label}</Badge> : <Badge appearance="tint">{src.format === 'sample' ? 'sample' : src.format === 'generic' ? 'mapped' : src.format === 'canonical' ? 'our columns' : src.format}</Badge>}
      </div>
      {src.error ? (
        <MessageBar intent={src.mappable ? 'warning' : 'error'}><MessageBarBody>{src.error}</MessageBarBody></MessageBar>
      ) : (
        <Caption1>Format: {src.label}{src.bytes !== undefined ? ` · ${fmtInt(src.bytes)} bytes` : ''}</Caption1>
      )}
      {src.mappable && src.text !== undefined && (src.error || remap) && (
        <ColumnMapper name={src.name} text={src.text} initial={src.mapping} onUse={(m) => void applyMapping(m)} onCancel={remap ? () => setRemap(false) : undefined} />
      )}
      {src.mappable && !src.error && !remap && <Button size="small" onClick={() => setRemap(true)}>Change the column mapping of {src.name}</Button>}
      {saveError && <MessageBar intent="warning"><MessageBarBody>{saveError}</MessageBarBody></MessageBar>}
      {src.type === 'file' && !src.error && src.format !== 'generic' && (
        <Field label={`Format of ${src.name}`}>
          <Select value={src.format} onChange={(_, d) => setFormat(d.value as SourceFormat)}>
            {FORMATS.filter((f) => f !== 'generic').map((f) => <option key={f} value={f}>{formatLabel(f)}</option>)}
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
            ['Warnings', report.warnings ?? 0],
          ] as const).map(([k, v]) => (
            <TableRow key={k}>
              <TableHeaderCell scope="row">{k}</TableHeaderCell>
              <TableCell className={s.num}>{fmtInt(v)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Caption1>{fmtInt(report.events)} usage events, {fmtInt(report.workItems)} work items, {fmtInt(report.reviews)} reviews.</Caption1>
      {(report.warnings ?? 0) > 0 && (
        <Caption1>Warnings are rows kept whose vendor figures disagree (a total that is not the sum of its parts, a reported cost far from the catalog price); each is listed on the Import Issues sheet.</Caption1>
      )}
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
