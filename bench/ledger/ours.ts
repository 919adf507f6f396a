// Our side of the benchmark, in its own process so its peak memory is ours alone: streaming import of the CSV
// files into the LedgerBuilder, then finish() (pricing, attribution, overheads, true-up, rounding, conservation).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerBuilder, type LedgerContext } from '../../src/core/ledger';
import { PriceBook } from '../../src/core/pricing';
import type { RecordKind } from '../../src/sources/files';
import { importFile } from '../../src/sources/files/node';
import { estimateRows } from '../../src/cli/commands/build';
import { withinCent } from './cents';

async function main() {
  const dir = process.argv[2] ?? 'bench/out';
  const outFile = process.argv[3];
  const t0 = performance.now();
  const small = async <T>(kind: RecordKind, name: string) => {
    const out: T[] = [];
    const r = await importFile(join(dir, name), { kind, sink: (x) => { out.push(x as T); } });
    if (r.fatal || r.rejectedCount) throw new Error(r.fatal ?? `${name}: ${r.rejectedCount} rejected`);
    return out;
  };
  const ctx: LedgerContext = {
    agents: await small('agents', 'agents.csv'), rates: await small('rates', 'rates.csv'), toolPrices: await small('tool_prices', 'tool_prices.csv'),
    overheads: await small('overheads', 'overheads.csv'), invoices: await small('invoices', 'invoices.csv'), prices: await small('prices', 'prices.csv'),
  };
  // Sized from the file like the CLI's build does (estimateRows: ~120 bytes a row).
  // The untimed run (outFile) keeps every line's exact components for the within-a-cent check.
  const builder = new LedgerBuilder(ctx, { priceBook: new PriceBook(ctx.prices), expectedEvents: estimateRows([join(dir, 'usage.csv')]), keepExact: !!outFile });
  const wi = await importFile(join(dir, 'work_items.csv'), { kind: 'work_items', sink: (w) => builder.addWorkItem(w) });
  const t1 = performance.now();
  const ev = await importFile(join(dir, 'usage.csv'), { kind: 'usage', sink: (e) => builder.addEvent(e) });
  const t2 = performance.now();
  const rv = await importFile(join(dir, 'reviews.csv'), { kind: 'reviews', sink: (r) => builder.addReview(r) });
  const t3 = performance.now();
  // The exact (unrounded) per-item sums for the micro-dollar check (the published rows are cent-rounded by largest
  // remainder); collected before finish() and outside the timed part, written out and dropped.
  if (outFile) {
    let text = '';
    for (const [item, v] of builder.exactByItem()) text += `${item}\t${v.api}\t${v.retry}\t${v.tools}\t${v.review}\n`;
    writeFileSync(`${outFile}.exact`, text);
  }
  const t3b = performance.now();
  const result = builder.finish();
  const t4 = performance.now();
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  for (const r of [wi, ev, rv]) if (r.fatal || r.rejectedCount) throw new Error(r.fatal ?? `${r.file}: ${r.rejectedCount} rejected: ${JSON.stringify(r.rejected.slice(0, 3))}`);

  if (outFile) {
    const rounded = new Map<string, { agent: string; bu: string; s: number[] }>();
    for (const r of result.rows) {
      let x = rounded.get(r.work_item_id);
      if (!x) rounded.set(r.work_item_id, (x = { agent: r.agent_id, bu: r.business_unit, s: [0, 0, 0, 0] }));
      x.s[0] += r.api; x.s[1] += r.retry; x.s[2] += r.tools; x.s[3] += r.review;
    }
    let text = '';
    for (const [item, x] of rounded) text += `${item}\t${x.agent}\t${x.bu}\t${x.s.join('\t')}\n`;
    writeFileSync(outFile, text);
    writeFileSync(`${outFile}.cents.json`, JSON.stringify(withinCent(result)));
  }
  console.log(JSON.stringify({
    seconds: (t3 - t0 + t4 - t3b) / 1000,
    phases: { context_and_work_items: (t1 - t0) / 1000, usage: (t2 - t1) / 1000, reviews: (t3 - t2) / 1000, finish: (t4 - t3b) / 1000 },
    maxRssMB,
    events: ev.accepted, workItems: wi.accepted, reviews: rv.accepted, rows: result.rows.length,
    conservation: result.conservation,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
