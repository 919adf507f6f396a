// The service modules the pane uses; tests inject fakes for any of them.
import type { SampleOptions } from '../../core/sample';
import type { CredentialStore } from './credentials';
import type { ChartService } from './excel-chart';
import type { FunctionStoreHook } from './function-store';
import type { RunnerFactory } from './runner';

export interface Services {
  /** how refreshes run (a Web Worker in the browser; in-process in tests) */
  createRunner: RunnerFactory;
  credentials: CredentialStore;
  /** the custom functions' data store, or null until wired */
  functionStore: FunctionStoreHook | null;
  /** native Excel charts; null outside Excel */
  chart: ChartService | null;
  /** the sample the "Load sample data" button adds */
  sample: SampleOptions;
}
