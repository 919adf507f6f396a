// Consistency checks on vendor figures that can be compared (a total against its parts, a reported cost against
// the tokens × the catalog price). A disagreement is reported on its row as a warning naming both figures and the
// one kept; nothing is corrected in silence.
import { PriceBook, costAtUnitPrices, CATALOG_VERSION, type UnitPrices } from '../../core/pricing';
import type { RejectedRow, UsageEvent } from '../../core/model/records';

export function warning(where: { file: string; line: number }, column: string, value: unknown, reason: string): RejectedRow {
  return { file: where.file, line: where.line, column, value: value === undefined || value === null ? '' : String(value), reason };
}

/** `total` against the sum of its parts; a warning when they differ, null when they agree or a figure is missing. */
export function totalCheck(
  where: { file: string; line: number },
  column: string,
  total: number | null | undefined,
  parts: Record<string, number | null | undefined>,
  kept: string,
): RejectedRow | null {
  if (total === null || total === undefined) return null;
  const known = Object.entries(parts).filter(([, v]) => v !== null && v !== undefined) as [string, number][];
  if (known.length === 0) return null;
  const sum = known.reduce((s, [, v]) => s + v, 0);
  if (sum === total) return null;
  return warning(where, column, total, `${column} ${total} ≠ ${known.map(([k]) => k).join(' + ')} = ${sum}; ${kept}`);
}

let book: PriceBook | null = null;
const units = new Map<string, UnitPrices>();

/** What the bundled catalog says the event's tokens cost, or null when it cannot price them. */
export function catalogCost(e: UsageEvent): number | null {
  if (e.kind !== 'llm' && e.kind !== 'embedding') return null;
  if (e.input_tokens + e.output_tokens + e.web_search_requests === 0) return null;
  book ??= new PriceBook();
  const day = e.timestamp.slice(0, 10);
  const key = `${e.provider}\u0000${e.model}\u0000${day}\u0000${e.batch ? 1 : 0}\u0000${e.service_tier}\u0000${e.context_tier}`;
  let u = units.get(key);
  try {
    if (!u) {
      u = book.unitPrices({ provider: e.provider, model: e.model, date: day, batch: e.batch, service_tier: e.service_tier, context_tier: e.context_tier });
      if (units.size > 10_000) units.clear();
      units.set(key, u);
    }
    if (u.source === 'unpriced') return null;
    if (u.tiered) {
      const r = book.priceEvent({ ...e, cost_usd: null });
      return r.cost_usd;
    }
    const c = costAtUnitPrices(u, e);
    return Number.isFinite(c) ? c : null;
  } catch {
    return null;
  }
}

/**
 * A provider-reported cost against the catalog price of the same tokens. Vendors round and negotiate, so only a
 * difference of more than 1% and more than $0.000001 is reported; the reported cost is kept (it wins, DESIGN §3).
 */
export function costCheck(e: UsageEvent, where: { file: string; line: number }, column: string): RejectedRow | null {
  if (e.cost_usd === null) return null;
  const c = catalogCost(e);
  if (c === null) return null;
  const diff = Math.abs(e.cost_usd - c);
  if (diff <= 1e-6 || diff <= 0.01 * Math.max(Math.abs(c), Math.abs(e.cost_usd))) return null;
  const f = (v: number) => `$${Number(v.toPrecision(6))}`;
  return warning(
    where,
    column,
    e.cost_usd,
    `reported cost ${f(e.cost_usd)} differs from the tokens × ${CATALOG_VERSION} price of ${e.model} (${f(c)}); the reported cost is kept`,
  );
}
