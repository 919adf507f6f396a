// Any CSV (or JSON/JSONL) of work items, reviews or usage with its own column names: a column mapping says which
// source column fills each canonical field, with optional value maps (status "Done" → outcome success), defaults
// and scales (seconds → minutes). Rows then go through the canonical import's own row validation (src/sources/files).
import { z } from 'zod';
import { parseRowWithSchema, type RecordKind } from '../files';
import { emptyResult, type MapResult } from '../common/types';
import { readRecords, type RawRecord } from '../common/records';
import { FieldError, text, timestamp } from '../common/normalize';
import type { Review, UsageEvent, WorkItem } from '../../core/model/records';
import { decimalNumber } from '../../core/model/ranges';

export const columnMappingSchema = z.object({
  kind: z.enum(['work_items', 'reviews', 'usage']),
  /** canonical field → source column */
  columns: z.record(z.string(), z.string()),
  /** canonical field → { source value → canonical value } */
  values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** canonical field → value used when the source cell is empty or the column is not mapped */
  defaults: z.record(z.string(), z.string()).default({}),
  /** canonical field → multiplier for numbers (e.g. { minutes: 0.016666… } for seconds) */
  scale: z.record(z.string(), z.number()).default({}),
  /** prepended to work_item_id values */
  idPrefix: z.string().default(''),
});
export type ColumnMapping = z.input<typeof columnMappingSchema>;

export const GENERIC_ARRAY_KEYS = ['data', 'records', 'items'];
const TIMESTAMP_FIELDS = new Set(['timestamp', 'opened_at', 'closed_at', 'reviewed_at']);

export function parseGenericFile(textIn: string, fileName: string, mapping: ColumnMapping): MapResult {
  const raw = readRecords(textIn, fileName, GENERIC_ARRAY_KEYS);
  const res = mapGenericRecords(raw.records, fileName, mapping);
  res.rejected = raw.rejected.concat(res.rejected);
  return res;
}

export function mapGenericRecords(records: RawRecord[], fileName: string, mapping: ColumnMapping): MapResult {
  const mp = columnMappingSchema.parse(mapping);
  const res = emptyResult();
  const fields = [...new Set([...Object.keys(mp.columns), ...Object.keys(mp.defaults)])];
  const sourceOf = (f: string) => mp.columns[f] ?? f;
  for (const { value, line } of records) {
    const row = (value ?? {}) as Record<string, unknown>;
    const cells = fields.map((f) => {
      let v = text(row[sourceOf(f)]);
      if (v === '' && mp.defaults[f] !== undefined) v = mp.defaults[f];
      const vm = mp.values[f];
      if (vm && v in vm) v = vm[v];
      if (mp.scale[f] !== undefined && v !== '' && Number.isFinite(decimalNumber(v))) v = String(decimalNumber(v) * mp.scale[f]);
      if (f === 'work_item_id' && v !== '') v = `${mp.idPrefix}${v}`;
      // Timestamps without a zone ("2025-08-16 00:31:37.520", as databases export them) are UTC, written as ISO UTC;
      // a value that is no timestamp at all is left for the canonical validation to name.
      if (TIMESTAMP_FIELDS.has(f) && /^\d{4}-\d{2}-\d{2}/.test(v)) {
        try {
          v = timestamp(v, f);
        } catch (e) {
          if (!(e instanceof FieldError)) throw e;
        }
      }
      return v;
    });
    const r = parseRowWithSchema(mp.kind as RecordKind, fields, cells);
    if ('record' in r) {
      if (mp.kind === 'work_items') res.workItems.push(r.record as WorkItem);
      else if (mp.kind === 'reviews') res.reviews.push(r.record as Review);
      else res.events.push(r.record as UsageEvent);
    } else {
      const col = mp.columns[r.column] ?? r.column;
      res.rejected.push({ file: fileName, line, column: col, value: text(row[col]), reason: r.reason });
    }
  }
  return res;
}
