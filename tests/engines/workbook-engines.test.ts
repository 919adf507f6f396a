// `build --out` as users run it, through each engine, on the same files (random months: every rule at once, and hard
// names): the workbooks must be the same cell for cell — values and formulas of every sheet — but for the sheets only
// the JavaScript engine writes (Daily, Daily Monitor, Usage Mix: README "Choosing an engine") and their entries in the
// settings sheet.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { main } from '../../src/cli/main';
import { writeCanonical } from './harness';
import { randomMonthCase } from './random-month';

const JS_ONLY = ['Daily', 'Daily Monitor', 'Usage Mix'];
const SETTINGS = '_ailabor_settings';

/** Every cell as text, by sheet and address; the settings sheet as its key → value pairs (its rows shift with the sheets). */
async function cells(path: string): Promise<Map<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out = new Map<string, string>();
  wb.eachSheet((ws) => {
    if (JS_ONLY.includes(ws.name)) return;
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      if (ws.name === SETTINGS) {
        const key = String(row.getCell(1).value);
        if (!JS_ONLY.some((s) => key.endsWith(`:${s}`) || key.includes(`:${s}#`))) out.set(`${SETTINGS}[${key}]`, JSON.stringify(row.getCell(2).value));
        return;
      }
      row.eachCell({ includeEmpty: false }, (c, col) => void out.set(`${ws.name}!R${r}C${col}`, JSON.stringify(c.value)));
    });
  });
  return out;
}

test.each([
  [1, false],
  [2, true],
])('random month %d (hard names: %s): the same workbook from js, duckdb and clickhouse', async (seed, hard) => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-engines-'));
  const files = writeCanonical(randomMonthCase(seed, hard), dir);
  const args = ['--usage', ...files.usage, '--work-items', ...files.workItems, '--reviews', ...files.reviews, '--agents', files.agents!, '--rates', files.rates!,
    '--tool-prices', files.toolPrices!, '--overheads', files.overheads!, '--invoices', files.invoices!, '--prices', files.prices!, '--period', '2026-10'];
  const books: Record<string, Map<string, string>> = {};
  for (const engine of ['js', 'duckdb', 'clickhouse']) {
    const err: string[] = [];
    const code = await main(['build', ...args, '--engine', engine, '--out', join(dir, `${engine}.xlsx`)], { out: () => undefined, err: (t) => void err.push(t) });
    expect({ engine, code, err: code ? err : [] }).toEqual({ engine, code: 0, err: [] });
    books[engine] = await cells(join(dir, `${engine}.xlsx`));
  }
  expect(books.js.size).toBeGreaterThan(1000);
  expect([...books.js.keys()].some((k) => k.startsWith('Ledger!'))).toBe(true);
  for (const engine of ['duckdb', 'clickhouse']) {
    const differ = [...new Set([...books.js.keys(), ...books[engine].keys()])].filter((k) => books.js.get(k) !== books[engine].get(k));
    expect({ engine, differ: differ.slice(0, 10).map((k) => `${k}: js ${books.js.get(k)} | ${engine} ${books[engine].get(k)}`) }).toEqual({ engine, differ: [] });
  }
});
