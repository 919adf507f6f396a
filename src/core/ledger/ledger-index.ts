// A read index over a published ledger (rows + unattributed rows + agents): every aggregate per scope (agent id,
// business unit or "*") and period is computed once at build, so a lookup is O(1). The numbers are exactly those of
// aggregate() (same integer-cent sums, same outcome-weighted targets in the same order), which the custom functions
// and any other reader rely on: a cell built on the index ties to the Chargeback sheet to the cent.
import type { Aggregate, LedgerRow, UnattributedRow } from '../model/ledger';
import type { Agent } from '../model/records';
import { placeholderAgent } from './builder';
import { toCents } from './rounding';

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

const COMPONENT_KEYS = ['api', 'retry', 'tools', 'review', 'overhead', 'trueup'] as const;

interface Acc {
  work_items: number;
  outcomes: number;
  closed: number;
  reviews: number;
  approved: number;
  reviewed: number;
  cents: Record<(typeof COMPONENT_KEYS)[number] | 'unattributed', number>;
  /** agent → outcomes in row order (a business unit's targets are weighted by them) */
  agentOutcomes: Map<string, number>;
  rows: number[];
}

const newAcc = (): Acc => ({
  work_items: 0,
  outcomes: 0,
  closed: 0,
  reviews: 0,
  approved: 0,
  reviewed: 0,
  cents: { api: 0, retry: 0, tools: 0, review: 0, overhead: 0, trueup: 0, unattributed: 0 },
  agentOutcomes: new Map(),
  rows: [],
});

function add(a: Acc, r: LedgerRow, cents: readonly number[], i: number) {
  a.work_items++;
  a.outcomes += r.success;
  a.closed += r.closed;
  a.reviews += r.reviews;
  a.approved += r.approved;
  a.reviewed += r.reviewed;
  for (let k = 0; k < COMPONENT_KEYS.length; k++) a.cents[COMPONENT_KEYS[k]] += cents[k];
  if (r.success) a.agentOutcomes.set(r.agent_id, (a.agentOutcomes.get(r.agent_id) ?? 0) + 1);
  else if (!a.agentOutcomes.has(r.agent_id)) a.agentOutcomes.set(r.agent_id, 0);
  a.rows.push(i);
}

interface PeriodIndex {
  agent: Map<string, Acc>;
  business_unit: Map<string, Acc>;
  all: Acc;
  /** built on first use per key */
  done: Map<string, Aggregate>;
}

const EMPTY_ACC = newAcc();

/** Same as aggregate.ts: outcome-weighted over the members, a plain mean when nothing succeeded, null when none has a figure. */
function weighted(members: Map<string, number>, value: (id: string) => number | null): number | null {
  let wSum = 0;
  let vSum = 0;
  let plain = 0;
  let n = 0;
  for (const [id, w] of members) {
    const v = value(id);
    if (v === null) continue;
    wSum += w;
    vSum += w * v;
    plain += v;
    n++;
  }
  if (n === 0) return null;
  return wSum > 0 ? vSum / wSum : plain / n;
}

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
        pi = { agent: new Map(), business_unit: new Map(), all: newAcc(), done: new Map() };
        this.byPeriod.set(p, pi);
        periods.add(p);
      }
      return pi;
    };
    const acc = (m: Map<string, Acc>, key: string) => {
      let a = m.get(key);
      if (!a) m.set(key, (a = newAcc()));
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
      for (let k = 0; k < COMPONENT_KEYS.length; k++) cents[k] = toCents(r[COMPONENT_KEYS[k]]);
      add(acc(pi.agent, r.agent_id), r, cents, i);
      add(acc(pi.business_unit, r.business_unit), r, cents, i);
      add(pi.all, r, cents, i);
    }
    for (const u of input.unattributed) {
      const pi = period(u.period);
      this.businessUnits.add(u.business_unit);
      const c = toCents(u.total);
      acc(pi.agent, u.agent_id).cents.unattributed += c;
      acc(pi.business_unit, u.business_unit).cents.unattributed += c;
      pi.all.cents.unattributed += c;
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
      pi = { agent: new Map(), business_unit: new Map(), all: newAcc(), done: new Map() };
      this.byPeriod.set(period, pi);
    }
    const cacheKey = `${scope.kind}\u0000${scope.key}`;
    let out = pi.done.get(cacheKey);
    if (!out) {
      out = this.finish(scope, period, this.accOf(pi, scope));
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

  private accOf(pi: PeriodIndex, scope: Scope): Acc {
    if (scope.kind === 'all') return pi.all;
    return pi[scope.kind].get(scope.key) ?? EMPTY_ACC;
  }

  private finish(scope: Scope, period: string, a: Acc): Aggregate {
    let totalCents = a.cents.unattributed;
    for (const c of COMPONENT_KEYS) totalCents += a.cents[c];
    const total = totalCents / 100;
    let target: number | null = null;
    let human: number | null = null;
    if (scope.kind === 'agent') {
      const ag = this.agentById.get(scope.key);
      target = ag?.target_cost_per_outcome ?? null;
      human = ag?.human_cost_per_unit ?? null;
    } else if (scope.kind === 'business_unit') {
      const members = new Map(a.agentOutcomes);
      for (const ag of this.agents) if (ag.business_unit === scope.key && !members.has(ag.agent_id)) members.set(ag.agent_id, 0);
      target = weighted(members, (id) => this.agentById.get(id)?.target_cost_per_outcome ?? null);
      human = weighted(members, (id) => this.agentById.get(id)?.human_cost_per_unit ?? null);
    }
    return {
      key: scope.key,
      period,
      work_items: a.work_items,
      outcomes: a.outcomes,
      closed: a.closed,
      api: a.cents.api / 100,
      retry: a.cents.retry / 100,
      tools: a.cents.tools / 100,
      review: a.cents.review / 100,
      overhead: a.cents.overhead / 100,
      trueup: a.cents.trueup / 100,
      unattributed: a.cents.unattributed / 100,
      total,
      cost_per_outcome: a.outcomes > 0 ? total / a.outcomes : null,
      cost_per_work_item: a.work_items > 0 ? total / a.work_items : null,
      accuracy: a.reviews > 0 ? a.approved / a.reviews : null,
      review_rate: a.work_items > 0 ? a.reviewed / a.work_items : null,
      target_cost_per_outcome: target,
      human_cost_per_unit: human,
    };
  }
}
