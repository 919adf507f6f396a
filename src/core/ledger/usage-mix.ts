// The usage behind the cost (issue 13): per month × agent × provider × model × service tier, the token kinds and
// request counts vendors report (cache writes by duration, reasoning, audio and image tokens, web searches) and the
// vendor's own cost next to ours, so a workbook shows what was priced and how. Collected while the ledger is built
// (a LedgerObserver, like the daily series), so it costs one small accumulator per group, not a second pass.
import type { Review, UsageEvent } from '../model/records';
import { periodOf } from './builder';
import type { LedgerObserver } from './types';

export const USAGE_MIX_COUNTS = [
  'events', 'failed_events', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens',
  'reasoning_tokens', 'audio_input_tokens', 'image_input_tokens', 'audio_output_tokens', 'image_output_tokens', 'web_search_requests',
  'vendor_cost_events',
] as const;
export type UsageMixCount = (typeof USAGE_MIX_COUNTS)[number];

export interface UsageMixRow extends Record<UsageMixCount, number> {
  period: string;
  agent_id: string;
  provider: string;
  model: string;
  /** '' = the vendor's standard tier */
  service_tier: string;
  /** what the ledger priced these events at (USD, exact: before true-up, overheads and rounding) */
  priced_usd: number;
  /** the vendor's own cost for the events that reported one (`cost_usd`); `vendor_cost_events` says how many did */
  vendor_cost_usd: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class UsageMixCollector implements LedgerObserver {
  private readonly groups = new Map<string, UsageMixRow>();

  event(e: UsageEvent, cost: number, agent: string): void {
    const period = periodOf(e.timestamp);
    const tier = e.service_tier ?? '';
    const key = `${period}\u0000${agent}\u0000${e.provider}\u0000${e.model}\u0000${tier}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { period, agent_id: agent, provider: e.provider, model: e.model, service_tier: tier, priced_usd: 0, vendor_cost_usd: 0 } as UsageMixRow;
      for (const k of USAGE_MIX_COUNTS) g[k] = 0;
      this.groups.set(key, g);
    }
    g.events++;
    if (e.status !== 'ok') g.failed_events++;
    g.input_tokens += e.input_tokens;
    g.cached_input_tokens += e.cached_input_tokens;
    g.cache_write_tokens += e.cache_write_tokens;
    g.cache_write_1h_tokens += e.cache_write_1h_tokens ?? 0;
    g.output_tokens += e.output_tokens;
    g.reasoning_tokens += e.reasoning_tokens ?? 0;
    g.audio_input_tokens += e.audio_input_tokens ?? 0;
    g.image_input_tokens += e.image_input_tokens ?? 0;
    g.audio_output_tokens += e.audio_output_tokens ?? 0;
    g.image_output_tokens += e.image_output_tokens ?? 0;
    g.web_search_requests += e.web_search_requests ?? 0;
    g.priced_usd += cost;
    if (e.cost_usd !== null && e.cost_usd !== undefined) {
      g.vendor_cost_usd += e.cost_usd;
      g.vendor_cost_events++;
    }
  }

  review(_r: Review, _cost: number): void {}

  /** Sorted by period, agent, provider, model, tier (JavaScript string order): independent of the events' order. */
  rows(): UsageMixRow[] {
    return [...this.groups.values()].sort(
      (a, b) => cmp(a.period, b.period) || cmp(a.agent_id, b.agent_id) || cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.service_tier, b.service_tier),
    );
  }
}

/** One observer that tells each of `observers` (a build takes one). */
export function observeAll(...observers: (LedgerObserver | undefined)[]): LedgerObserver {
  const list = observers.filter((o): o is LedgerObserver => o !== undefined);
  return {
    event: (e, cost, agent) => { for (const o of list) o.event(e, cost, agent); },
    review: (r, cost) => { for (const o of list) o.review(r, cost); },
  };
}
