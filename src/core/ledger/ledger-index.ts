// A read index over a published ledger (rows + unattributed rows + agents): every aggregate per scope (agent id,
// business unit or "*") and period is computed once at build, so a lookup is O(1). The numbers are exactly those of
// aggregate() (same integer-cent sums, same outcome-weighted targets in the same order), which the custom functions
// and any other reader rely on: a cell built on the index ties to the Chargeback sheet to the cent.
import type { Aggregate, LedgerRow, UnattributedRow } from '../model/ledger';
import type { Agent } from '../model/records';
import { placeholderAgent } from './builder';
import { addRow, addUnattributed, COMPONENT_KEYS, finishAggregate, newAcc, rowCents, type Acc } from './accumulate';

export type ScopeKind = 'agent' | 'business_unit' | 'all';

export interface Scope {
  kind: ScopeKind;
  /** agent id, business unit name, or "*" */
  key: string;
}

export interface LedgerIndexInput {
  rows: readonly LedgerRow[];
  unattributed: readonly UnattributedRow[];
  /** the configured agents (Agents sheet); placeholders are added for ids seen only in the data, as the build does */
  agents: readonly Agent[];
}

/** the shared accumulator, plus the scope's row numbers (LEDGER / rowsOf) */
interface IndexAcc extends Acc {
  rows: number[];
}

const newIndexAcc = (): IndexAcc => ({ ...newAcc(), rows: [] });

function add(a: IndexAcc, r: LedgerRow, cents: readonly number[], i: number) {
  addRow(a, r, cents);
  a.rows.push(i);
}

interface PeriodIndex {
  agent: Map<string, IndexAcc>;
  business_unit: Map<string, IndexAcc>;
  all: IndexAcc;
  /** built on first use per key */
  done: Map<string, Aggregate>;
}

const EMPTY_ACC = newIndexAcc();
const newPeriodIndex = (): PeriodIndex => ({ agent: new Map(), business_unit: new Map(), all: newIndexAcc(), done: new Map() });

export class LedgerIndex {
  /** sorted YYYY-MM: every period with a ledger row or an unattributed row */
  readonly periods: string[];
  /** configured agents, then placeholders for ids seen only in the data (business unit "Unassigned") */
  readonly agents: Agent[];
  readonly rows: readonly LedgerRow[];
  readonly unattributed: readonly UnattributedRow[];
  private readonly agentById: Map<string, Agent>;
  private readonly businessUnits: Set<string>;
  private readonly byPeriod = new Map<string, PeriodIndex>();
  private readonly agentLower = new Map<string, string>();
  private readonly buLower = new Map<string, string>();

  private constructor(input: LedgerIndexInput) {
    this.rows = input.rows;
    this.unattributed = input.unattributed;
    const configured = new Map<string, Agent>();
    for (const a of input.agents) configured.set(a.agent_id, a);
    const seen = new Set<string>();
    for (const r of input.rows) seen.add(r.agent_id);
    for (const u of input.unattributed) seen.add(u.agent_id);
    const missing = [...seen].filter((id) => !configured.has(id)).sort();
    this.agents = [...configured.values(), ...missing.map(placeholderAgent)];
    this.agentById = new Map(this.agents.map((a) => [a.agent_id, a]));
    this.businessUnits = new Set(this.agents.map((a) => a.business_unit));

    const periods = new Set<string>();
    const period = (p: string) => {
      let pi = this.byPeriod.get(p);
      if (!pi) {
        pi = newPeriodIndex();
        this.byPeriod.set(p, pi);
        periods.add(p);
      }
      return pi;
    };
    const acc = (m: Map<string, IndexAcc>, key: string) => {
      let a = m.get(key);
      if (!a) m.set(key, (a = newIndexAcc()));
      return a;
    };
    const rows = input.rows;
    const cents = new Array<number>(COMPONENT_KEYS.length);
    // the period's index is looked up once per run of rows in that period (the ledger is sorted by period)
    let lastPeriod = '';
    let pi: PeriodIndex | undefined;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.period !== lastPeriod || !pi) {
        pi = period(r.period);
        lastPeriod = r.period;
      }
      this.businessUnits.add(r.business_unit);
      rowCents(r, cents);
      add(acc(pi.agent, r.agent_id), r, cents, i);
      add(acc(pi.business_unit, r.business_unit), r, cents, i);
      add(pi.all, r, cents, i);
    }
    for (const u of input.unattributed) {
      const pi = period(u.period);
      this.businessUnits.add(u.business_unit);
      addUnattributed(acc(pi.agent, u.agent_id), u);
      addUnattributed(acc(pi.business_unit, u.business_unit), u);
      addUnattributed(pi.all, u);
    }
    this.periods = [...periods].sort();
    for (const a of this.agents) this.agentLower.set(a.agent_id.toLowerCase(), a.agent_id);
    for (const b of this.businessUnits) this.buLower.set(b.toLowerCase(), b);
  }

  static build(input: LedgerIndexInput): LedgerIndex {
    return new LedgerIndex(input);
  }

  /** the latest period with data, or undefined for an empty ledger */
  get latestPeriod(): string | undefined {
    return this.periods[this.periods.length - 1];
  }

  agent(id: string): Agent | undefined {
    return this.agentById.get(id);
  }

  /** Business units of the agents and of the data, sorted. */
  businessUnitNames(): string[] {
    return [...this.businessUnits].sort();
  }

  /**
   * "*" → everything; "agent:<id>" / "business_unit:<name>" explicitly; otherwise an agent id, then a business unit
   * (exact first, then trimmed and case-insensitive, as overhead scopes are matched). undefined when unknown.
   */
  resolveScope(text: string): Scope | undefined {
    const s = text.trim();
    if (s === '*') return { kind: 'all', key: '*' };
    const m = /^(agent|business_unit|bu):(.+)$/i.exec(s);
    if (m) {
      const name = m[2].trim();
      if (m[1].toLowerCase() === 'agent') {
        const id = this.agentById.has(name) ? name : this.agentLower.get(name.toLowerCase());
        return id === undefined ? undefined : { kind: 'agent', key: id };
      }
      const bu = this.businessUnits.has(name) ? name : this.buLower.get(name.toLowerCase());
      return bu === undefined ? undefined : { kind: 'business_unit', key: bu };
    }
    if (this.agentById.has(s)) return { kind: 'agent', key: s };
    if (this.businessUnits.has(s)) return { kind: 'business_unit', key: s };
    const id = this.agentLower.get(s.toLowerCase());
    if (id !== undefined) return { kind: 'agent', key: id };
    const bu = this.buLower.get(s.toLowerCase());
    if (bu !== undefined) return { kind: 'business_unit', key: bu };
    return undefined;
  }

  /** The aggregate of `aggregate(result, kind, period)` for this key: zeros when the key was idle in the period. */
  get(scope: Scope, period: string): Aggregate {
    let pi = this.byPeriod.get(period);
    if (!pi) {
      pi = newPeriodIndex();
      this.byPeriod.set(period, pi);
    }
    const cacheKey = `${scope.kind}\u0000${scope.key}`;
    let out = pi.done.get(cacheKey);
    if (!out) {
      out = finishAggregate(this.accOf(pi, scope), scope.key, period, scope.kind, this.agents, this.agentById);
      pi.done.set(cacheKey, out);
    }
    return out;
  }

  /** Ledger rows of the scope in the period, in ledger order (period, then work item). */
  rowsOf(scope: Scope, period: string): LedgerRow[] {
    const pi = this.byPeriod.get(period);
    if (!pi) return [];
    return this.accOf(pi, scope).rows.map((i) => this.rows[i]);
  }

  private accOf(pi: PeriodIndex, scope: Scope): IndexAcc {
    if (scope.kind === 'all') return pi.all;
    return pi[scope.kind].get(scope.key) ?? EMPTY_ACC;
  }
}
