// The Usage Mix data sheet (issue 13): what was priced, by month × agent × provider × model × service tier — token
// kinds (cache writes by duration, reasoning, audio, image), web searches, failed calls — and the vendor's own cost
// beside ours. Values only: vendor text (model names, tiers) is written as text, never as a formula.
import type { UsageMixRow } from '../core/ledger/usage-mix';
import { colLetter } from './address';
import { SheetBuilder, columnRange } from './sheet';
import type { CellInput, SheetSpec } from './spec';
import { FMT, S } from './styles';

export const USAGE_MIX_SHEET = 'Usage Mix';

interface Col {
  key: keyof UsageMixRow & string;
  fmt: string;
  width: number;
}
const text = (key: Col['key'], width: number): Col => ({ key, fmt: FMT.text, width });
const int = (key: Col['key']): Col => ({ key, fmt: FMT.int, width: 11 });

export const USAGE_MIX_COLUMNS: Col[] = [
  text('period', 9), text('agent_id', 18), text('provider', 12), text('model', 26), text('service_tier', 11),
  int('events'), int('failed_events'), int('input_tokens'), int('cached_input_tokens'), int('cache_write_tokens'), int('cache_write_1h_tokens'),
  int('output_tokens'), int('reasoning_tokens'), int('audio_input_tokens'), int('image_input_tokens'), int('audio_output_tokens'),
  int('image_output_tokens'), int('web_search_requests'),
  { key: 'priced_usd', fmt: FMT.money, width: 12 }, { key: 'vendor_cost_usd', fmt: FMT.money, width: 12 }, int('vendor_cost_events'),
];

/** `UsageMix_<column>` names, like the Ledger's, for formulas users write over the sheet. */
const N = (key: string) => `UsageMix_${key}`;

export function usageMixSheet(rows: readonly UsageMixRow[]): SheetSpec {
  const b = new SheetBuilder(USAGE_MIX_SHEET, 'data');
  const data: CellInput[][] = [USAGE_MIX_COLUMNS.map((c) => ({ v: c.key, s: S.header }))];
  // priced_usd is exact (before true-up, overheads and rounding): shown to the cent, each row within half a cent of it
  for (const r of rows) data.push(USAGE_MIX_COLUMNS.map((c) => (c.key === 'vendor_cost_usd' && r.vendor_cost_events === 0 ? null : r[c.key])));
  b.addGrid({ at: 'A1', rows: data, columnStyles: USAGE_MIX_COLUMNS.map((c) => ({ numFmt: c.fmt })) });
  b.widths(USAGE_MIX_COLUMNS.map((c) => c.width));
  b.freeze(1, 5);
  const lastRow = Math.max(rows.length, 1);
  b.table({ name: 'UsageMixTable', ref: `A1:${colLetter(USAGE_MIX_COLUMNS.length - 1)}${lastRow + 1}`, columns: USAGE_MIX_COLUMNS.map((c) => c.key), style: 'TableStyleLight9' });
  USAGE_MIX_COLUMNS.forEach((c, i) => b.name(N(c.key), columnRange(`'${USAGE_MIX_SHEET}'!`, i, 1, lastRow)));
  return b.build();
}
