// The JavaScript engine is the oracle: the SQL engines (DuckDB, and ClickHouse on chDB) must publish the same figures
// to the cent — every row, unattributed line, agent, business unit, cell, total, summary and conservation flag — on the
// hand-written rule cases, the sample organisation and adversarial rounding cases (tests/engines/harness.ts).
import { buildLedger } from '../../src/core/ledger';
import { openDuckDb } from '../../src/engines/duckdb';
import { openChdb } from '../../src/engines/clickhouse';
import { expectAgree, viaLoader } from './harness';
import { adversarialCase, overheadCase, periodsAndImportsCase, pricingCase, sampleCase, timeOfDayCase, trueupCase } from './fixtures';

const ENGINES = { duckdb: openDuckDb, clickhouse: openChdb } as const;

const CASES = {
  pricing: pricingCase,
  'time-of-day price': timeOfDayCase,
  overheads: overheadCase,
  'true-up': trueupCase,
  'periods and re-imports': periodsAndImportsCase,
  'adversarial rounding (seed 7)': () => adversarialCase(7),
  'adversarial rounding (seed 8)': () => adversarialCase(8),
  'sample, priced by the price book': () => sampleCase(false),
  'sample, reported cost': () => sampleCase(true),
};

describe.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])('%s, records through the JavaScript loader', (engine) => {
  test.each(Object.keys(CASES))('%s', async (name) => {
    const i = CASES[name as keyof typeof CASES]();
    const js = buildLedger(i, { keepExact: true });
    const sql = await viaLoader(ENGINES[engine], i);
    expect(sql.native).toBe(false);
    expectAgree(js, sql, `${engine} ${name}`);
  });
});
