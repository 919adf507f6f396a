// Streaming ledger builder: records go in one at a time (already validated by the readers), each is priced and
// folded into a small numeric struct per (work item, period, agent); nothing per event is kept but its id and a
// 30-bit content fingerprint for de-duplication. `finish()` runs the phases, one module each (the SQL engines of
// src/engines mirror them): price.ts (per record, as it arrives), attribute.ts, overheads.ts, trueup.ts, round.ts,
// conserve.ts, publish.ts.
import type { Agent, Review, UsageEvent, WorkItem } from '../model/records';
import type { Conservation, LedgerRow, UnattributedRow } from '../model/ledger';
import { CATALOG_VERSION, PriceBook } from '../pricing';
import { IdSet } from './idset';
import { eventFingerprint } from './fingerprint';
import { FSum } from './fsum';
import { Line, addProv, cmp, groupBy, own, type ItemRec } from './line';
import { UnpricedList } from './unpriced';
import { periodOf, monthIsUtc } from './period';
import { EventPricer } from './price';
import { attribute, sortU, type AttributeContext } from './attribute';
import { allocateOverheads, type OverheadTotals, type ScopeContext } from './overheads';
import { InvoiceSlots, spreadTrueup, type TrueupTotals } from './trueup';
import { roundPeriod, type PeriodRounding } from './round';
import { checkPublished, exactOf, exactSums, conservationOverPeriods, makeConservation } from './conserve';
import { agentsWithPlaceholders, publishRow, publishUnattributed } from './publish';
import {
  UNASSIGNED,
  type AddResult,
  type BuildOptions,
  type ConflictNote,
  type InvoicedProvider,
  type LedgerContext,
  type LedgerCounts,
  type LedgerObserver,
  type LedgerResult,
  type UnpricedGroup,
} from './types';

export { MICRO } from './conserve';
export { periodOf } from './period';
export { eventFingerprint } from './fingerprint';
export { placeholderAgent } from './publish';

interface PeriodExact {
  /** compensated (fsum.ts): ten million costs on a large month */
  eventsAndReviews: FSum;
}

export class LedgerBuilder {
  private readonly pricer: EventPricer;
  private readonly maxConflicts: number;
  private readonly agentById = new Map<string, Agent>();
  private readonly slots: InvoiceSlots;
  private readonly keepExact: boolean;
  private lastLine: Line | null = null;
  private lastExact: PeriodExact | null = null;
  private lastExactPeriod = '';
  private lastTsPeriod = '\u0000';
  private lastAgent = '\u0000';
  private readonly periods = new Map<string, string>();
  private readonly agentNames = new Map<string, string>();
  private readonly sharedText = new Map<string, string>();

  private readonly seenEvents: IdSet;
  private readonly items = new Map<string, ItemRec>();
  private readonly seenReviews = new Set<string>();
  private readonly accs = new Map<string, Line>();
  private readonly exact = new Map<string, PeriodExact>();
  private readonly unpriced: UnpricedList;
  private readonly unpricedGroups = new Map<string, UnpricedGroup>();
  private readonly lastUnpricedGroup = new Map<string, UnpricedGroup>();
  private readonly conflicts: ConflictNote[] = [];
  private readonly counts: LedgerCounts = { events: 0, duplicates: 0, conflicts: 0, work_items: 0, reviews: 0, unpriced: 0 };
  private finished = false;
  private readonly observer: LedgerObserver | undefined;

  constructor(
    private readonly ctx: LedgerContext,
    options: BuildOptions = {},
  ) {
    this.pricer = new EventPricer(options.priceBook ?? new PriceBook(ctx.prices), ctx.prices, ctx.rates, ctx.toolPrices);
    this.unpriced = new UnpricedList(options.maxUnpricedListed ?? 10_000);
    this.maxConflicts = options.maxConflictsListed ?? 10_000;
    this.observer = options.observer;
    this.keepExact = options.keepExact ?? false;
    this.seenEvents = new IdSet(Math.min(Math.max(options.expectedEvents ?? 65_536, 1024), 1 << 26));
    for (const a of ctx.agents) if (!this.agentById.has(a.agent_id)) this.agentById.set(a.agent_id, a);
    this.slots = new InvoiceSlots(ctx.invoices);
  }

  private periodExact(period: string): PeriodExact {
    if (period === this.lastExactPeriod && this.lastExact !== null) return this.lastExact;
    let p = this.exact.get(period);
    if (!p) this.exact.set(period, (p = { eventsAndReviews: new FSum() }));
    this.lastExact = p;
    this.lastExactPeriod = period;
    return p;
  }

  /** Counts and groups an unpriced event (`review` undefined) or review; lists it when it is among the first listed. */
  private noteUnpriced(period: string, id: string, provider: string, model: string, agent: string, reason: string, review?: Review) {
    this.counts.unpriced++;
    const u = this.unpriced;
    if (review ? u.keepsReview(period, review.work_item_id, review.reviewed_at, review.reviewer_role) : u.keepsEvent(period, id)) {
      const note = { event_id: own(id), provider: own(provider), model: own(model), period, agent_id: own(agent), reason };
      if (review) u.addReview(note, own(review.work_item_id), own(review.reviewed_at), own(review.reviewer_role));
      else u.addEvent(note);
    }
    // The model's last group first: a month of a model the catalog does not know yet is unpriced event after event,
    // and building the group's key string for each of them cost 0.3 s per million events.
    const last = this.lastUnpricedGroup.get(model);
    if (last !== undefined && last.period === period && last.provider === provider && last.reason === reason) {
      last.count++;
      return;
    }
    const key = `${period}\u0001${provider}\u0001${model}\u0001${reason}`;
    let g = this.unpricedGroups.get(key);
    if (g) g.count++;
    else this.unpricedGroups.set(key, (g = { period, provider: own(provider), model: own(model), reason, count: 1 }));
    this.lastUnpricedGroup.set(g.model, g);
  }

  private noteConflict(note: ConflictNote) {
    this.counts.conflicts++;
    if (this.conflicts.length < this.maxConflicts) this.conflicts.push({ ...note, id: own(note.id) });
  }

  private check() {
    if (this.finished) throw new Error('LedgerBuilder: finish() was already called; start a new builder');
  }

  addEvent(e: UsageEvent): AddResult {
    this.check();
    const fp = eventFingerprint(e);
    const prev = this.seenEvents.putIfAbsent(e.event_id, fp);
    if (prev !== -1) {
      if (prev === fp) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.noteConflict({ record: 'event', id: e.event_id, reason: `event ${e.event_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.counts.events++;
    const period = this.period(e.timestamp);

    // Phase 1, price (price.ts).
    const cost = this.pricer.price(e);
    const agent = this.agentName(e.agent_id);
    if (this.pricer.reason !== undefined) {
      this.noteUnpriced(period, e.event_id, e.provider, e.model, agent, this.pricer.reason);
    }

    // One accumulator per (item, period, agent), chained under the item id: keying the map by the id alone
    // saves building and hashing a composite key per event. The agent matters only for items never imported.
    const wid = e.work_item_id;
    let a: Line | undefined;
    // Logs write an item's calls together: the previous event's accumulator is the usual answer, without a lookup.
    const prevLine = this.lastLine;
    if (prevLine !== null && wid !== '' && prevLine.period === period && prevLine.agent === agent && prevLine.item === wid) a = prevLine;
    else {
      const key = wid || '\u0002' + agent;
      const head = this.accs.get(key);
      a = head;
      while (a !== undefined && (a.period !== period || a.agent !== agent)) a = a.next;
      if (a === undefined) {
        a = new Line(wid ? own(wid) : '', period, agent);
        if (head === undefined) this.accs.set(wid ? a.item : key, a);
        else {
          a.next = head.next;
          head.next = a;
        }
      }
      this.lastLine = a;
    }
    if (e.status !== 'ok') {
      a.addRetry(cost);
      a.retries++;
    } else if (e.kind === 'llm' || e.kind === 'embedding') a.addApi(cost);
    else a.addTools(cost);
    a.events++;
    a.inTok += e.input_tokens;
    a.outTok += e.output_tokens;
    this.periodExact(period).eventsAndReviews.add(cost);
    if (this.observer !== undefined) this.observer.event(e, cost, agent);

    // The true-up's weights: cost and events per invoiced provider (trueup.ts).
    if (this.slots.invoicedProviders.size > 0) {
      const slot = this.slots.slotFor(e.provider, period);
      if (slot >= 0) {
        this.slots.slotComputed[slot] += cost;
        this.slots.slotEvents[slot]++;
        addProv(a, slot, cost, 1);
      }
    }
    return 'added';
  }

  /**
   * The period of a timestamp as one shared string per month, and the agent id likewise: accumulators then compare
   * them by identity, and nothing per event is allocated or retained for them.
   */
  private period(ts: string): string {
    const last = this.lastTsPeriod;
    const utc = monthIsUtc(ts);
    if (utc && ts.startsWith(last)) return last;
    let p = periodOf(ts);
    const interned = this.periods.get(p);
    if (interned !== undefined) p = interned;
    else this.periods.set((p = own(p)), p);
    if (utc) this.lastTsPeriod = p;
    return p;
  }

  /**
   * One string for each of the few values a column repeats across items (agent, business unit, type, month): a copy per
   * item was ~30 MB of the 130k-item month's heap, and copying it is most of what a scavenge does while items are read.
   */
  private shared(s: string): string {
    let v = this.sharedText.get(s);
    if (v === undefined) {
      v = own(s);
      if (this.sharedText.size < 65536) this.sharedText.set(v, v);
    }
    return v;
  }

  private agentName(id: string): string {
    if (id === this.lastAgent) return this.lastAgent;
    if (id === '') return UNASSIGNED;
    let a = this.agentNames.get(id);
    if (a === undefined) this.agentNames.set((a = own(id)), a);
    this.lastAgent = a;
    return a;
  }

  addWorkItem(w: WorkItem): AddResult {
    this.check();
    const prev = this.items.get(w.work_item_id);
    if (prev) {
      const same =
        prev.agent === w.agent_id &&
        prev.bu === w.business_unit &&
        prev.type === w.type &&
        prev.opened_at === w.opened_at &&
        prev.closed_at === w.closed_at &&
        prev.outcome === w.outcome;
      if (same) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      this.noteConflict({ record: 'work_item', id: w.work_item_id, reason: `work item ${w.work_item_id} was imported before with different content; the first one is kept` });
      return 'conflict';
    }
    this.items.set(own(w.work_item_id), {
      agent: this.shared(w.agent_id),
      bu: this.shared(w.business_unit),
      type: this.shared(w.type),
      opened_at: own(w.opened_at),
      closed_at: own(w.closed_at),
      closedPeriod: w.closed_at ? this.shared(periodOf(w.closed_at)) : '',
      outcome: w.outcome,
      closedRow: false,
    });
    this.counts.work_items++;
    return 'added';
  }

  addReview(r: Review): AddResult {
    this.check();
    const k = `${r.work_item_id}\u0001${r.reviewer_role}\u0001${r.minutes}\u0001${r.result}\u0001${r.reviewed_at}`;
    if (this.seenReviews.has(k)) {
      this.counts.duplicates++;
      return 'duplicate';
    }
    this.seenReviews.add(k);
    this.counts.reviews++;
    const period = periodOf(r.reviewed_at);
    const cost = this.pricer.priceReview(r);
    if (this.pricer.reason !== undefined) {
      this.noteUnpriced(period, `review of ${r.work_item_id} at ${r.reviewed_at}`, '', `reviewer role ${r.reviewer_role}`, '', this.pricer.reason, r);
    }
    // Reviews carry no agent: '' here, resolved to the item's agent in finish().
    const head = this.accs.get(r.work_item_id);
    let a = head;
    while (a !== undefined && (a.period !== period || a.agent !== '')) a = a.next;
    if (a === undefined) {
      a = new Line(own(r.work_item_id), period, '');
      if (head === undefined) this.accs.set(a.item, a);
      else {
        a.next = head.next;
        head.next = a;
      }
    }
    a.addReview(cost);
    a.addReviewMin(r.minutes);
    a.reviews++;
    if (r.result === 'approved') a.approved++;
    this.periodExact(period).eventsAndReviews.add(cost);
    if (this.observer !== undefined) this.observer.review(r, cost);
    return 'added';
  }

  /**
   * Exact (unrounded) api/retry/tools/review per imported-or-not work item id, summed over periods, as accumulated so
   * far. For checks against another engine to the micro-dollar (the benchmark); call before `finish()`.
   */
  exactByItem(): Map<string, { api: number; retry: number; tools: number; review: number }> {
    this.check();
    const out = new Map<string, { api: number; retry: number; tools: number; review: number }>();
    for (const head of this.accs.values()) {
      for (let l: Line | undefined = head; l !== undefined; l = l.next) {
        if (!l.item) continue;
        let s = out.get(l.item);
        if (!s) out.set(l.item, (s = { api: 0, retry: 0, tools: 0, review: 0 }));
        s.api += l.api;
        s.retry += l.retry;
        s.tools += l.tools;
        s.review += l.review;
      }
    }
    return out;
  }

  private readonly agentBU = (agentId: string): string => this.agentById.get(agentId)?.business_unit ?? UNASSIGNED;

  finish(): LedgerResult {
    this.check();
    this.finished = true;

    // 2. Attribute (attribute.ts): accumulators of imported work items become ledger rows; the rest unattributed lines.
    const ax: AttributeContext = { items: this.items, agentBU: this.agentBU };
    const { rows, uLines } = attribute(ax, this.accs.values());
    this.accs.clear();

    // Periods and the lines of each.
    const periodSet = new Set<string>();
    for (const x of rows) periodSet.add(x.period);
    for (const x of uLines) periodSet.add(x.period);
    for (const x of this.ctx.overheads) periodSet.add(x.period);
    for (const p of this.slots.slotPeriod) periodSet.add(p);
    for (const p of this.exact.keys()) periodSet.add(p);
    const periods = Array.from(periodSet).sort();
    const rowsByPeriod = groupBy(rows, periods);
    const uByPeriod = groupBy(uLines, periods);

    const sx: ScopeContext = { agentById: this.agentById, agents: this.ctx.agents, agentBU: this.agentBU };
    const extraU: Line[] = [];
    const ovByPeriod = new Map<string, OverheadTotals>();
    const tuByPeriod = new Map<string, TrueupTotals>();
    const providers: InvoicedProvider[] = [];
    const roundings = new Map<string, PeriodRounding>();

    for (const period of periods) {
      const pRows = rowsByPeriod.get(period)!;
      const pU = uByPeriod.get(period)!;

      // 3. Allocate overheads (overheads.ts), exactly: each overhead shared over the rows in its scope by its driver.
      const o = allocateOverheads(period, pRows, this.ctx.overheads, sx);
      ovByPeriod.set(period, o.ov);
      extraU.push(...o.extraU);

      // 4. True-up (trueup.ts) per invoiced provider, over ledger rows and unattributed usage lines alike.
      const t = spreadTrueup(period, pRows, pU, this.slots);
      tuByPeriod.set(period, t.tu);
      providers.push(...t.providers);
      extraU.push(...t.extraU);

      // 5. Round (round.ts): per component, the business unit × agent table by controlled rounding, then each cell's
      // cents over its lines by largest remainder (unattributed lines in their published order, as the checks run).
      roundings.set(period, roundPeriod(pRows, pU.concat(extraU.filter((u) => u.period === period)).sort(sortU), t.tu.cents));
    }

    const allU = uLines.concat(extraU).sort(sortU);
    const uByPeriodAll = groupBy(allU, periods);

    // Published rows (publish.ts).
    const outRows: LedgerRow[] = rows.map(publishRow);
    const outU: UnattributedRow[] = allU.map(publishUnattributed);

    // 6. Conserve (conserve.ts), per period and overall, from the exact sums; the cents checks on the published numbers.
    const conservationByPeriod: Record<string, Conservation> = {};
    const outRowsByPeriod = groupBy(outRows, periods);
    const outUByPeriod = groupBy(outU, periods);
    for (const period of periods) {
      const pRows = rowsByPeriod.get(period)!;
      const pU = uByPeriodAll.get(period)!;
      const ex = exactSums(pRows.concat(pU));
      const lpu = ex.api + ex.retry + ex.tools + ex.review;
      const ear = this.exact.get(period)?.eventsAndReviews.value ?? 0;
      const ov = ovByPeriod.get(period)!;
      const tu = tuByPeriod.get(period)!;
      const checked = checkPublished(roundings.get(period)!, outRowsByPeriod.get(period)!, outUByPeriod.get(period)!, tu.cents);
      conservationByPeriod[period] = makeConservation(ear, lpu, ov.imported, ov.allocated, ov.unallocated, tu.invoiceMinusComputed, ex.trueup, checked.tie, checked.withinCent);
    }
    const conservation = conservationOverPeriods(periods.map((p) => conservationByPeriod[p]));
    const exact = this.keepExact ? { rows: rows.map(exactOf), unattributed: allU.map(exactOf) } : undefined;

    // Agents: configured ones, then placeholders for ids seen in the data.
    const agents = agentsWithPlaceholders(this.agentById.values(), (id) => this.agentById.has(id), outRows, outU);

    return {
      catalog_version: CATALOG_VERSION,
      periods,
      rows: outRows,
      unattributed: outU,
      unpriced: this.unpriced.list(),
      unpricedGroups: [...this.unpricedGroups.values()].sort(
        (a, b) => cmp(a.period, b.period) || cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.reason, b.reason),
      ),
      conflicts: this.conflicts,
      conservation,
      conservationByPeriod,
      agents,
      counts: { ...this.counts },
      providers,
      ...(exact ? { exact } : {}),
    };
  }
}
