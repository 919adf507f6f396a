// Phase 4 — true-up (RULES.md "True-up"): per provider and period, the invoice to the cent minus the computed cost of
// every event of that provider to the cent, spread pro rata to those events' cost over ledger rows and unattributed
// usage lines alike. Taking both sides to the cent first makes the published computed cost plus the published
// true-up equal the invoice.
import type { Invoice } from '../model/records';
import { normalizeProvider } from '../pricing';
import { UNASSIGNED, type InvoicedProvider } from './types';
import { Line, own } from './line';
import { sumToCents, toCents } from './rounding';

export interface TrueupTotals {
  /** Σ over the period's invoiced providers of (invoice − computed), each to the cent, in USD */
  invoiceMinusComputed: number;
  /** the same in integer cents: the true-up table's target */
  cents: number;
}

/**
 * The invoices, one slot per (provider, period) with its lines summed, and the computed cost and event count of each
 * slot as events arrive.
 */
export class InvoiceSlots {
  private readonly slotOf = new Map<string, number>();
  readonly invoicedProviders = new Set<string>();
  readonly slotProvider: string[] = [];
  readonly slotPeriod: string[] = [];
  readonly slotBilled: number[] = [];
  readonly slotComputed: number[] = [];
  readonly slotEvents: number[] = [];
  /** indices into the invoices of each slot's invoice lines */
  readonly slotLines: number[][] = [];
  private readonly provCache = new Map<string, string>();
  private lastProvider = '\u0000';
  private lastPeriod = '';
  private lastSlot = -1;
  private slotsPeriod = '';
  private readonly slotByRaw = new Map<string, number>();

  constructor(invoices: readonly Invoice[]) {
    invoices.forEach((inv, line) => {
      const provider = normalizeProvider(inv.provider);
      const key = provider + '\u0001' + inv.period;
      let slot = this.slotOf.get(key);
      if (slot === undefined) {
        slot = this.slotProvider.length;
        this.slotOf.set(key, slot);
        this.slotProvider.push(provider);
        this.slotPeriod.push(inv.period);
        this.slotBilled.push(0);
        this.slotComputed.push(0);
        this.slotEvents.push(0);
        this.slotLines.push([]);
        this.invoicedProviders.add(provider);
      }
      this.slotBilled[slot] += inv.billed_usd;
      this.slotLines[slot].push(line);
    });
  }

  get size(): number {
    return this.slotProvider.length;
  }

  /** The invoice slot of a normalized provider in a period, or -1. */
  slotOfNormalized(provider: string, period: string): number {
    return this.invoicedProviders.has(provider) ? (this.slotOf.get(provider + '\u0001' + period) ?? -1) : -1;
  }

  /** The invoice slot of a raw provider name in a period, or -1; logs come in runs of one provider and month, so the last answer is kept. */
  slotFor(provider: string, period: string): number {
    if (provider === this.lastProvider && period === this.lastPeriod) return this.lastSlot;
    // An item's events alternate providers (a model, then a vector store): each raw provider's slot in the current
    // period is kept, so a switch costs one map lookup, not a normalization and a composite key.
    if (period !== this.slotsPeriod) {
      this.slotsPeriod = period;
      this.slotByRaw.clear();
    }
    let slot = this.slotByRaw.get(provider);
    if (slot === undefined) {
      let p = this.provCache.get(provider);
      if (p === undefined) {
        p = normalizeProvider(provider);
        this.provCache.set(own(provider), p);
      }
      slot = this.slotOfNormalized(p, period);
      if (this.slotByRaw.size < 1024) this.slotByRaw.set(own(provider), slot);
    }
    this.lastProvider = own(provider);
    this.lastPeriod = period;
    this.lastSlot = slot;
    return slot;
  }

  /** The slots of a period, in invoice order. */
  slotsOf(period: string): number[] {
    const slots: number[] = [];
    for (let s = 0; s < this.slotPeriod.length; s++) if (this.slotPeriod[s] === period) slots.push(s);
    return slots;
  }

  /** A slot's true-up in cents: the invoice to the cent − the computed cost (a sum of many events) to the cent. */
  trueupCents(s: number): number {
    return toCents(this.slotBilled[s]) - sumToCents(this.slotComputed[s]);
  }

  /** The engine's side of a slot's invoice reconciliation. */
  invoicedProvider(s: number): InvoicedProvider {
    return {
      period: this.slotPeriod[s],
      provider: this.slotProvider[s],
      invoice_lines: this.slotLines[s],
      events: this.slotEvents[s],
      computed_exact: this.slotComputed[s] + 0,
      computed: sumToCents(this.slotComputed[s]) / 100,
      billed: toCents(this.slotBilled[s]) / 100,
      trueup: this.trueupCents(s) / 100,
    };
  }
}

/** The reason on the unattributed line of an invoice whose provider had no events in the period. */
export const noUsageReason = (provider: string, period: string) => `invoice for provider ${provider} with no usage events in ${period}`;

function gatherProviderLines(group: Line[], lines: Map<number, { l: Line[]; cost: number[]; n: number[] }>) {
  for (const l of group) {
    if (l.slot0 === -1) continue;
    const g0 = lines.get(l.slot0);
    if (g0) {
      g0.l.push(l);
      g0.cost.push(l.cost0);
      g0.n.push(l.n0);
    }
    const p = l.prov;
    if (!p) continue;
    for (let i = 0; i < p.length; i += 3) {
      const g = lines.get(p[i]);
      if (!g) continue;
      g.l.push(l);
      g.cost.push(p[i + 1]);
      g.n.push(p[i + 2]);
    }
  }
}

/**
 * Spreads each invoiced provider's true-up of the period over its lines (into `Line.trueup`): pro rata to their cost
 * of that provider, or to their event count when all of it is unpriced. Returns the totals, the providers'
 * reconciliation and the unattributed lines of invoices with no events.
 */
export function spreadTrueup(period: string, pRows: Line[], pU: Line[], slots: InvoiceSlots): { tu: TrueupTotals; providers: InvoicedProvider[]; extraU: Line[] } {
  const tu: TrueupTotals = { invoiceMinusComputed: 0, cents: 0 };
  const providers: InvoicedProvider[] = [];
  const extraU: Line[] = [];
  const ids = slots.slotsOf(period);
  if (ids.length === 0) return { tu, providers, extraU };
  const lines = new Map<number, { l: Line[]; cost: number[]; n: number[] }>(ids.map((s) => [s, { l: [], cost: [], n: [] }]));
  gatherProviderLines(pRows, lines);
  gatherProviderLines(pU, lines);
  for (const s of ids) {
    const cents = slots.trueupCents(s);
    const amount = cents / 100;
    tu.invoiceMinusComputed += amount;
    tu.cents += cents;
    providers.push(slots.invoicedProvider(s));
    const g = lines.get(s)!;
    if (g.l.length === 0) {
      const u = new Line('', period, UNASSIGNED);
      u.kind = 'trueup';
      u.bu = UNASSIGNED;
      u.reason = noUsageReason(slots.slotProvider[s], period);
      u.trueup = amount;
      extraU.push(u);
      continue;
    }
    let weights = g.cost;
    let sumW = weights.reduce((a, b) => a + b, 0);
    // Every event of the provider unpriced (cost 0): spread by event count instead.
    if (!(sumW > 0)) {
      weights = g.n;
      sumW = weights.reduce((a, b) => a + b, 0);
    }
    for (let j = 0; j < g.l.length; j++) g.l[j].trueup += (amount * weights[j]) / sumW;
  }
  return { tu, providers, extraU };
}
