import { createCredentialStore } from './credentials';
import { excelChartService } from './excel-chart';
import { defaultFunctionStore } from './function-store';
import { defaultRunnerFactory } from './runner';
import { WORKBENCH_SAMPLE } from './sample';
import type { Services } from './types';

/** Real services; `chart` only when Office.js's Excel API is present. */
export function defaultServices(overrides: Partial<Services> = {}, inExcel = false): Services {
  let credentials = overrides.credentials;
  return {
    createRunner: overrides.createRunner ?? defaultRunnerFactory,
    get credentials() {
      return (credentials ??= createCredentialStore());
    },
    functionStore: overrides.functionStore !== undefined ? overrides.functionStore : defaultFunctionStore,
    chart: overrides.chart !== undefined ? overrides.chart : inExcel && typeof Excel !== 'undefined' ? excelChartService() : null,
    sample: overrides.sample ?? { ...WORKBENCH_SAMPLE },
  };
}
