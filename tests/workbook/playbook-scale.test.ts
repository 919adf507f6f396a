// The playbook's organisation at full volume for six months (issue 17), through the CLI exactly as the README says:
// `demo --out F.xlsx --scale 1 --months 6`. The Ledger sheet is aggregated, the per-work-item rows go to
// F.ledger-detail.csv; the sheet's rows tie to the detail to the cent per month, and LibreOffice (an engine we did not
// write) recalculates every report formula to the value saved in the file by HyperFormula. ~1.5 min, ~3 GB in the child.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ExcelJS from 'exceljs';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';

const soffice = findSoffice();
const skip = !soffice && process.env.SKIP_LIBREOFFICE === '1';
if (!soffice && !skip) {
  test('LibreOffice is installed (the recalculation oracle)', () => {
    throw new Error('soffice not found: install Debian libreoffice-calc-nogui (or set SKIP_LIBREOFFICE=1 to skip these tests)');
  });
}
const maybe = soffice ? describe : describe.skip;
jest.setTimeout(900_000);

const cents = (v: unknown) => Math.round(Number(v) * 100);

/** Per period: the cents of `total` and the work-item count, over the detail CSV (one line per work item and month). */
async function detailTotals(path: string) {
  const by = new Map<string, { cents: number; items: number }>();
  let header: string[] | null = null;
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (!header) {
      header = line.split(',');
      continue;
    }
    // the columns used here (period, total) are never quoted: months and numbers
    const cells = line.split(',');
    const p = cells[header.indexOf('period')];
    const t = by.get(p) ?? { cents: 0, items: 0 };
    t.cents += cents(cells[header.indexOf('total')]);
    t.items += 1;
    by.set(p, t);
  }
  return { header: header ?? [], by };
}

maybe('the playbook\'s six months as a workbook (demo --out --scale 1 --months 6)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-scale-'));
  const xlsx = join(dir, 'playbook.xlsx');
  const csv = join(dir, 'playbook.ledger-detail.csv');
  let stdout = '';

  beforeAll(() => {
    const r = spawnSync(process.execPath, ['bin/ai-labor-ledger.cjs', 'demo', '--out', xlsx, '--scale', '1', '--months', '6'], {
      cwd: join(__dirname, '..', '..'), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000,
    });
    stdout = r.stdout;
    if (r.status !== 0) throw new Error(`demo exited ${r.status}: ${r.stderr}`);
  });

  it('writes an aggregated Ledger and names the per-work-item detail beside it', async () => {
    const m = /Ledger of ([\d,]+) rows by agent × day × business unit × outcome \(([\d,]+) work-item rows/.exec(stdout);
    expect(m).not.toBeNull();
    expect(stdout).toContain(`Wrote ${csv}: the per-work-item Ledger`);
    expect(Number(m![2].replace(/,/g, ''))).toBeGreaterThan(700_000);
    expect(statSync(xlsx).size).toBeLessThan(5e6); // Excel on the web opens workbooks up to its upload limits
  });

  it('the Ledger sheet ties to the detail file to the cent in every month, and counts every work-item row', async () => {
    const { header, by } = await detailTotals(csv);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('Ledger')!;
    // rows 1–2 say what the sheet is; the table's header is row 3
    expect(String(ws.getCell('A2').value)).toContain('playbook.ledger-detail.csv');
    const head = (ws.getRow(3).values as unknown[]).slice(1).map(String);
    expect(head.slice(0, header.length)).toEqual(header);
    const sheet = new Map<string, { cents: number; items: number }>();
    ws.eachRow((row, r) => {
      if (r <= 3) return;
      const v = (k: string) => row.getCell(head.indexOf(k) + 1).value;
      const t = sheet.get(String(v('period'))) ?? { cents: 0, items: 0 };
      t.cents += cents(v('total'));
      t.items += Number(v('work_items'));
      sheet.set(String(v('period')), t);
    });
    expect(by.size).toBe(6);
    expect(Object.fromEntries(sheet)).toEqual(Object.fromEntries(by));
  });

  it('LibreOffice recalculates every report formula to the value saved in the file', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const names = wb.worksheets.map((w) => w.name).filter((n) => n !== 'Ledger' && n !== 'Daily');
    const lo = await recalcWithLibreOffice(xlsx, names, { timeoutMs: 600_000 });
    let formulas = 0;
    const diffs: string[] = [];
    for (const n of names) {
      const grid = lo.get(n) ?? [];
      wb.getWorksheet(n)!.eachRow((row, r) => row.eachCell((c, col) => {
        const v = c.value as { formula?: string; sharedFormula?: string; result?: unknown } | null;
        if (!v || typeof v !== 'object' || !('formula' in v || 'sharedFormula' in v)) return;
        formulas++;
        const got = grid[r - 1]?.[col - 1] ?? '';
        // ExcelJS reads a saved <v>0</v> or an empty text result back as no result
        const saved = v.result === undefined ? (got === '' ? '' : 0) : v.result;
        const ok = typeof saved === 'number' && typeof got === 'number'
          ? Math.abs(saved - got) <= 1e-9 * Math.max(1, Math.abs(saved))
          : typeof saved === 'object' || String(saved) === String(got);
        if (!ok) diffs.push(`${n}!${c.address}: saved ${JSON.stringify(saved)}, LibreOffice ${JSON.stringify(got)}`);
      }));
    }
    expect(formulas).toBeGreaterThan(1000);
    expect(diffs.slice(0, 20)).toEqual([]);
  });
});
