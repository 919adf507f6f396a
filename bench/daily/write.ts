// Writes the generated daily data as canonical CSV files (what `report daily` reads) plus injected.json: the events
// and their agents, days and sizes, and the holidays (pass them with --holidays). Streams, so large runs fit.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { csvHeader, csvLine, toCsv } from '../../src/sources/files';
import { generateDaily, type DailyGenContext, type DailyGenOptions } from './generate';

class Lines {
  private fd: number;
  private buf: string;
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.buf = header;
  }
  write(s: string) {
    this.buf += s;
    if (this.buf.length > 1 << 20) this.flush();
  }
  flush() {
    writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

export function writeDailyDataset(dir: string, o: DailyGenOptions): DailyGenContext {
  mkdirSync(dir, { recursive: true });
  const usage = new Lines(join(dir, 'usage.csv'), csvHeader('usage'));
  const items = new Lines(join(dir, 'work_items.csv'), csvHeader('work_items'));
  const reviews = new Lines(join(dir, 'reviews.csv'), csvHeader('reviews'));
  let ctx: DailyGenContext;
  try {
    ctx = generateDaily(o, { event: (e) => usage.write(csvLine('usage', e)), workItem: (w) => items.write(csvLine('work_items', w)), review: (r) => reviews.write(csvLine('reviews', r)) });
  } finally {
    usage.close();
    items.close();
    reviews.close();
  }
  writeFileSync(join(dir, 'agents.csv'), toCsv('agents', ctx.agents.map((g) => g.agent)));
  writeFileSync(join(dir, 'rates.csv'), toCsv('rates', ctx.rates));
  writeFileSync(join(dir, 'overheads.csv'), toCsv('overheads', ctx.overheads));
  writeFileSync(
    join(dir, 'injected.json'),
    JSON.stringify({ options: o, holidays: ctx.holidays, first_day: ctx.days[0], last_day: ctx.days[ctx.days.length - 1], agents: ctx.agents.map((g) => ({ agent_id: g.agent.agent_id, volume: g.volume, clean: g.clean, per_day: g.perDay })), events: ctx.injected, stats: ctx.stats }, null, 2) + '\n',
  );
  return ctx;
}
