// The bundled sample organisation the "Load sample data" button adds. Fixed so the workbench e2e test can recompute
// the same figures in Node (same options ⇒ same data, byte for byte). ~1,300 work items and ~10k events a month over
// four months keeps the Ledger sheet (≈5k rows × 24 columns) comfortable for HyperFormula in a browser.
import type { SampleOptions } from '../../core/sample';

export type WorkbenchSample = Required<Pick<SampleOptions, 'seed' | 'scale' | 'months' | 'endPeriod'>>;

export const WORKBENCH_SAMPLE: Readonly<WorkbenchSample> = Object.freeze({ seed: 42, scale: 0.01, months: 4, endPeriod: '2026-10' });

export const sampleLabel = (o: SampleOptions) =>
  `Sample organisation (seed ${o.seed ?? 42}, scale ${o.scale ?? 1}, ${o.months ?? 6} months to ${o.endPeriod ?? '2026-10'})`;
