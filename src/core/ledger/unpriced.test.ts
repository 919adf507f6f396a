import type { PricedEventNote } from '../model/ledger';
import { UnpricedList } from './unpriced';

const note = (period: string, id: string): PricedEventNote => ({ event_id: id, provider: 'p', model: 'm', period, agent_id: 'a', reason: 'r' });

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** As the builder adds: the note only when the list would keep it */
const addE = (l: UnpricedList, e: PricedEventNote) => void (l.keepsEvent(e.period, e.event_id) && l.addEvent(e));
const addR = (l: UnpricedList, e: PricedEventNote, wid: string, at: string, role: string) => void (l.keepsReview(e.period, wid, at, role) && l.addReview(e, wid, at, role));

describe('UnpricedList', () => {
  const events = Array.from({ length: 500 }, (_, i) => note(i % 3 ? '2026-10' : '2026-09', `E${i}`));
  const sorted = [...events].sort((a, b) => (a.period + '\u0000' + a.event_id < b.period + '\u0000' + b.event_id ? -1 : 1));

  it('lists events by period and id, whatever order they came in', () => {
    for (const seed of [1, 2, 3]) {
      const l = new UnpricedList(10_000);
      for (const e of shuffled(events, seed)) addE(l, e);
      expect(l.list()).toEqual(sorted);
    }
  });

  it('keeps the first `max` of that order, also when it cuts many times', () => {
    for (const max of [1, 7, 100, 499, 500]) {
      const l = new UnpricedList(max);
      for (const e of shuffled(events, max)) addE(l, e);
      // in descending order every event is kept when it comes, and cut later
      const d = new UnpricedList(max);
      for (const e of [...sorted].reverse()) addE(d, e);
      expect(d.list()).toEqual(sorted.slice(0, max));
      expect(l.list()).toEqual(sorted.slice(0, max));
    }
    const none = new UnpricedList(0);
    addE(none, events[0]);
    expect(none.list()).toEqual([]);
  });

  it('lists events first, then reviews by period, work item, time and role, at most `max` in all', () => {
    const l = new UnpricedList(4);
    const r = (wid: string, at: string, role: string) => ({ ...note('2026-10', `review of ${wid} at ${at}`), model: `reviewer role ${role}` });
    addR(l, r('W2', 't1', 'b'), 'W2', 't1', 'b');
    // ordered by the work item id ('W1' < 'W1 a'), not by the note's text ('review of W1 a at t1' < 'review of W1 at t2')
    addR(l, r('W1 a', 't1', 'a'), 'W1 a', 't1', 'a');
    addR(l, r('W1', 't2', 'a'), 'W1', 't2', 'a');
    addE(l, note('2026-11', 'E9'));
    addE(l, note('2026-10', 'E8'));
    expect(l.list().map((n) => n.event_id)).toEqual(['E8', 'E9', 'review of W1 at t2', 'review of W1 a at t1']);
  });
});
