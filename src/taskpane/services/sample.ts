// The bundled sample organisation the "Load sample data" button adds. Fixed so the workbench e2e test can recompute
// the same figures in Node (same options ⇒ same data, byte for byte). ~1,300 work items and ~10k events a month over
// four months keeps the Ledger sheet (≈5k rows × 24 columns) comfortable for HyperFormula in a browser.
import type { SampleOptions } from '../../core/sample';

export type WorkbenchSample = Required<Pick<SampleOptions, 'seed' | 'scale' | 'months' | 'endPeriod'>>;

export const WORKBENCH_SAMPLE: Readonly<WorkbenchSample> = Object.freeze({ seed: 42, scale: 0.01, months: 4, endPeriod: '2026-10' });

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** What the sample is, in a controller's words (its seed and scale are for developers: see WORKBENCH_SAMPLE). */
export function sampleLabel(o: SampleOptions): string {
  const end = o.endPeriod ?? '2026-10';
  const month = `${MONTHS[Number(end.slice(5, 7)) - 1] ?? end} ${end.slice(0, 4)}`;
  const months = o.months ?? 6;
  const share = (o.scale ?? 1) * 100;
  const volume = share >= 100 ? 'at the playbook’s full volume' : `at ${share < 1 ? share.toPrecision(1) : Math.round(share)}% of the playbook’s volume`;
  return `Sample organisation: AI agents in customer service, claims and lending, ${months} month${months === 1 ? '' : 's'} to ${month}, ${volume}`;
}
