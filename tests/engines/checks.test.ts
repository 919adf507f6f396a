// The SQL engines' checks can fail: each compares figures computed apart, so breaking one side after rounding (a
// published cent moved, an exact line changed) turns it red. A check derived from what it checks could not.
import { openDuckDb } from '../../src/engines/duckdb';
import { openChdb } from '../../src/engines/clickhouse';
import type { SqlConnection } from '../../src/engines/connection';
import { viaLoader } from './harness';
import { adversarialCase } from './fixtures';

const ENGINES = { duckdb: openDuckDb, clickhouse: openChdb } as const;

const update = (conn: SqlConnection, table: string, set: string, where: string) =>
  conn.exec(conn.dialect.name === 'duckdb' ? `UPDATE ${table} SET ${set} WHERE ${where}` : `ALTER TABLE ${table} UPDATE ${set} WHERE ${where} SETTINGS mutations_sync = 2`);

describe.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])('%s', (engine) => {
  const i = adversarialCase(3);
  const open = ENGINES[engine];

  test('untouched, every check passes', async () => {
    const r = await viaLoader(open, i);
    expect(r.result.conservation).toMatchObject({ ok: true, cents_tie: true, lines_within_cent: true, difference: 0 });
  });

  test('a published cent added to one row: the table no longer ties to its target', async () => {
    const r = await viaLoader(open, i, { beforeChecks: (c) => update(c, 'll_pub', 'c0 = c0 + 1', "period = '2026-10' AND li = 0") });
    expect(r.result.conservationByPeriod['2026-10']).toMatchObject({ cents_tie: false, ok: false });
    expect(r.result.conservationByPeriod['2026-11'].ok).toBe(true);
  });

  test('two cents moved from one agent to another: the total ties, but two agents are off by more than a cent', async () => {
    const r = await viaLoader(open, i, {
      beforeChecks: async (c) => {
        const [a] = await c.query<{ agent: string }>("SELECT min(agent) AS agent FROM ll_pub WHERE period = '2026-10' AND is_row = 1");
        const [b] = await c.query<{ agent: string }>("SELECT max(agent) AS agent FROM ll_pub WHERE period = '2026-10' AND is_row = 1");
        const [la] = await c.query<{ li: number }>(`SELECT min(li) AS li FROM ll_pub WHERE period = '2026-10' AND is_row = 1 AND agent = ${c.dialect.str(a.agent)}`);
        const [lb] = await c.query<{ li: number }>(`SELECT min(li) AS li FROM ll_pub WHERE period = '2026-10' AND is_row = 1 AND agent = ${c.dialect.str(b.agent)}`);
        await update(c, 'll_pub', 'c4 = c4 + 2', `period = '2026-10' AND li = ${la.li}`);
        await update(c, 'll_pub', 'c4 = c4 - 2', `period = '2026-10' AND li = ${lb.li}`);
      },
    });
    expect(r.result.conservationByPeriod['2026-10']).toMatchObject({ cents_tie: true, lines_within_cent: false, ok: false });
  });

  test('an exact line changed after pricing: the ledger no longer conserves the events and reviews', async () => {
    const r = await viaLoader(open, i, { beforeChecks: (c) => update(c, 'll_lines', 'api = api + 0.01', "period = '2026-11' AND li = 3") });
    expect(r.result.conservationByPeriod['2026-11'].difference).toBeCloseTo(0.01, 9);
    expect(r.result.conservation.ok).toBe(false);
  });
});
