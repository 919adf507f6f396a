// The column-mapping step for a file in no known format: what its rows hold, which of its columns fills each field,
// translations for fields that take one of a few values, and a preview of the first rows through the same import a
// refresh runs, with each problem by line and column. "Use this mapping" adds the file as a source and saves the
// mapping with the workbook (keyed by the file's columns), so the next export of the same system maps itself.
import * as React from 'react';
import { Body1, Button, Caption1, Field, MessageBar, MessageBarBody, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ColumnMapping } from '../../sources/generic';
import {
  FIELD_HINTS, FIELD_VALUES, MAPPABLE_KINDS, PREVIEW_ROWS, columnValues, fieldsOf, fileColumns, guessColumns, previewMapping, type MappableKind,
} from '../services/column-mapping';
import { H3, usePanelStyles } from './common';

export interface ColumnMapperProps {
  name: string;
  text: string;
  /** a saved or earlier mapping to start from */
  initial?: ColumnMapping;
  onUse: (m: ColumnMapping) => void;
  onCancel?: () => void;
}

const NONE = '';
const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function ColumnMapper({ name, text, initial, onUse, onCancel }: ColumnMapperProps) {
  const s = usePanelStyles();
  const file = React.useMemo(() => fileColumns(text, name), [text, name]);
  const [kind, setKindState] = React.useState<MappableKind>(initial?.kind ?? guessKind(file.columns));
  const [columns, setColumns] = React.useState<Record<string, string>>(() => initial?.columns ?? guessColumns(initial?.kind ?? guessKind(file.columns), file.columns));
  const [values, setValues] = React.useState<Record<string, Record<string, string>>>(initial?.values ?? {});
  const setKind = (k: MappableKind) => {
    setKindState(k);
    setColumns(guessColumns(k, file.columns));
    setValues({});
  };
  const fields = fieldsOf(kind);
  const mapping: ColumnMapping = React.useMemo(() => {
    const cols: Record<string, string> = {};
    for (const f of fields) if (columns[f.name]) cols[f.name] = columns[f.name];
    const vals: Record<string, Record<string, string>> = {};
    for (const [f, m] of Object.entries(values)) if (cols[f] && Object.keys(m).length) vals[f] = m;
    return { kind, columns: cols, values: vals };
  }, [kind, columns, values, fields]);
  const preview = React.useMemo(() => previewMapping(text, name, mapping), [text, name, mapping]);
  const shown = fields.filter((f) => f.required || columns[f.name]).map((f) => f.name);

  return (
    <section className={s.stack} aria-label={`Map the columns of ${name}`}>
      <H3>Map the columns of {name}</H3>
      <Caption1>
        {file.columns.length} columns found: {file.columns.slice(0, 12).join(', ')}
        {file.columns.length > 12 ? '…' : ''}. Say what each row holds and which column fills each field; the preview shows the first {PREVIEW_ROWS} rows as the refresh will read them.
      </Caption1>
      <Field label="Each row holds">
        <Select value={kind} onChange={(_, d) => setKind(d.value as MappableKind)}>
          {MAPPABLE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </Select>
      </Field>
      <div className={s.stack} role="group" aria-label="Columns">
        {fields.map((f) => (
          <Field key={f.name} label={`${f.name}${f.required ? ' (required)' : ''}`} hint={FIELD_HINTS[f.name]} validationState={f.required && !columns[f.name] ? 'warning' : 'none'}>
            <Select
              value={columns[f.name] ?? NONE}
              onChange={(_, d) => {
                setColumns((c) => ({ ...c, [f.name]: d.value }));
                setValues((v) => ({ ...v, [f.name]: {} }));
              }}
            >
              <option value={NONE}>{f.required ? '— choose a column —' : '— not in this file —'}</option>
              {file.columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </Field>
        ))}
      </div>
      {fields
        .filter((f) => FIELD_VALUES[f.name] && columns[f.name])
        .map((f) => {
          const allowed = FIELD_VALUES[f.name];
          const found = columnValues(file.rows, columns[f.name]).filter((v) => !allowed.includes(v));
          if (!found.length) return null;
          return (
            <fieldset key={f.name} className={s.stack} style={{ border: 'none', padding: 0, margin: 0 }}>
              <legend>
                <Body1>
                  Values of {columns[f.name]} as {f.name} ({allowed.join(', ')})
                </Body1>
              </legend>
              {found.map((v) => (
                <Field key={v} label={`“${v}” means`}>
                  <Select value={values[f.name]?.[v] ?? NONE} onChange={(_, d) => setValues((all) => ({ ...all, [f.name]: withValue(all[f.name] ?? {}, v, d.value) }))}>
                    <option value={NONE}>— as it is (rejected) —</option>
                    {allowed.map((a) => (
                      <option key={a} value={a}>
                        {a}
                      </option>
                    ))}
                  </Select>
                </Field>
              ))}
            </fieldset>
          );
        })}
      <H3>Preview</H3>
      {preview.missing.length > 0 && <MessageBar intent="warning"><MessageBarBody>Still to map: {preview.missing.join(', ')}.</MessageBarBody></MessageBar>}
      {preview.rows.length > 0 && (
        <div className={s.scroll}>
          <Table size="extra-small" aria-label={`Preview of ${name}`} style={{ width: 'max-content', minWidth: '100%' }}>
            <TableHeader>
              <TableRow>
                {shown.map((f) => (
                  <TableHeaderCell key={f} style={{ whiteSpace: 'nowrap' }}>
                    {f}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {preview.rows.map((r, i) => (
                <TableRow key={i}>
                  {shown.map((f) => (
                    <TableCell key={f} style={{ whiteSpace: 'nowrap' }}>
                      {show(r[f])}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {preview.rejected.length > 0 && (
        <>
          <Caption1>{preview.rejected.length} of the first rows would be rejected:</Caption1>
          <ul className={s.list} aria-label={`Problems in the first rows of ${name}`}>
            {preview.rejected.slice(0, PREVIEW_ROWS).map((r, i) => (
              <li key={i}>
                <Caption1>
                  line {r.line}
                  {r.column ? `, ${r.column}` : ''}: {r.reason}
                  {r.value ? ` (value: ${r.value.slice(0, 60)})` : ''}
                </Caption1>
              </li>
            ))}
          </ul>
        </>
      )}
      {preview.missing.length === 0 && preview.rejected.length === 0 && preview.rows.length > 0 && <Caption1>The first {preview.rows.length} rows read cleanly.</Caption1>}
      <div className={s.row}>
        <Button appearance="primary" disabled={preview.missing.length > 0} onClick={() => onUse(mapping)}>
          Use this mapping
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </section>
  );
}

function withValue(m: Record<string, string>, from: string, to: string): Record<string, string> {
  const next = { ...m };
  if (to === NONE) delete next[from];
  else next[from] = to;
  return next;
}

/** Usage has tokens, reviews have a reviewer, work items are the rest. */
function guessKind(columns: string[]): MappableKind {
  const c = columns.map((x) => x.toLowerCase()).join(' ');
  if (/token|model/.test(c)) return 'usage';
  if (/review|minutes/.test(c)) return 'reviews';
  return 'work_items';
}
