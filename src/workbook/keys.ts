// Numeric keys for every text key a report formula matches on (agent, business unit, period). SUMIFS/COUNTIFS read a
// criterion's * ? ~ and a leading = < > as patterns and operators (HyperFormula even reads an operator in the middle,
// and Excel refuses criteria over 255 characters), and all three engines compare text case-insensitively, so a name
// such as `Customer*` would pick up `Customer Service`. The data sheets therefore carry a number per name, assigned
// here by exact JavaScript string equality, and every report formula matches numbers only (RULES.md "Keys").
import type { LedgerRow, UnattributedRow } from '../core/model/ledger';
import type { Agent } from '../core/model/records';

/** yyyymm of a period: 2026-10 → 202610. */
export const periodKey = (period: string): number => Number(period.slice(0, 4)) * 100 + Number(period.slice(5, 7));

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Agent and business-unit numbers. Names found in the data (ledger and unattributed rows) are numbered 1.. in sorted
 * order, so a Ledger read back from a workbook numbers its names exactly as the Ledger written earlier; names known
 * only from the Agents sheet (idle agents) follow. A name's number depends on the data alone, never on sheet order.
 */
export class SheetKeys {
  private readonly agents = new Map<string, number>();
  private readonly bus = new Map<string, number>();

  private constructor(data: { rows: readonly LedgerRow[]; unattributed: readonly UnattributedRow[] }, agents: readonly Agent[]) {
    const a = new Set<string>();
    const b = new Set<string>();
    for (const r of data.rows) {
      a.add(r.agent_id);
      b.add(r.business_unit);
    }
    for (const u of data.unattributed) {
      a.add(u.agent_id);
      b.add(u.business_unit);
    }
    for (const id of [...a].sort(cmp)) this.agents.set(id, this.agents.size + 1);
    for (const name of [...b].sort(cmp)) this.bus.set(name, this.bus.size + 1);
    for (const id of agents.map((x) => x.agent_id).sort(cmp)) if (!this.agents.has(id)) this.agents.set(id, this.agents.size + 1);
    for (const name of agents.map((x) => x.business_unit).sort(cmp)) if (!this.bus.has(name)) this.bus.set(name, this.bus.size + 1);
  }

  static of(result: { rows: readonly LedgerRow[]; unattributed: readonly UnattributedRow[]; agents?: readonly Agent[] }): SheetKeys {
    return new SheetKeys(result, result.agents ?? []);
  }

  /** The agent's number; a name never seen gets one past every known number (it matches no row). */
  agent(id: string): number {
    return this.agents.get(id) ?? this.agents.size + 1;
  }

  bu(name: string): number {
    return this.bus.get(name) ?? this.bus.size + 1;
  }
}
