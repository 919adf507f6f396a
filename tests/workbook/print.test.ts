// The demo workbook as a CFO gets it: written by the ExcelJS host, then printed by LibreOffice to PDF. Checks the page
// setup stored in the file, that every formula's saved value is what LibreOffice computes, and on paper (pdftotext):
// each report one page wide, its title rows on every page, no ### anywhere, landscape pages. A deliberately broken
// workbook shows each check catching what it looks for.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { XlsxHost } from '../../src/hosts/xlsx';
import { findSoffice, printWithLibreOffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';
import { chargebackSheetName, SLO_SHEET, sloSheet, type CellValue, type SheetSpec, type WorkbookSpec } from '../../src/workbook';
import { parseA1 } from '../../src/workbook/address';
import { isCell } from '../../src/workbook/spec';
import { demoWorkbook } from './demo';

const soffice = findSoffice();
const skip = !soffice && process.env.SKIP_LIBREOFFICE === '1';
if (!soffice && !skip) {
  test('LibreOffice is installed (the print oracle)', () => {
    throw new Error('soffice not found: install Debian libreoffice-calc-nogui and poppler-utils (or set SKIP_LIBREOFFICE=1 to skip these tests)');
  });
}
const maybe = soffice ? describe : describe.skip;
jest.setTimeout(300_000);

const GENERATED = new Date('2026-11-02T08:30:00Z');

/**
 * The demo workbook, with an SLO Monitor of 80 agents (the sample's 7 and 73 more with no activity) so that one
 * report runs over several pages and its repeated titles can be seen.
 */
function printDemo() {
  const demo = demoWorkbook();
  const extra = Array.from({ length: 73 }, (_, i) => ({ ...demo.result.agents[i % demo.result.agents.length], agent_id: `extra-agent-${String(i + 1).padStart(2, '0')}` }));
  const slo = sloSheet({ ...demo.result, agents: [...demo.result.agents, ...extra] });
  const spec: WorkbookSpec = { ...demo.spec, sheets: demo.spec.sheets.map((s) => (s.name === SLO_SHEET ? slo : s)) };
  return { ...demo, spec };
}

/** The header row of a sheet: the row above its first frozen data row for reports, row 1 otherwise. */
function headerRow(spec: SheetSpec): number {
  return spec.kind === 'report' && spec.freeze ? spec.freeze.rows - 1 : 0;
}

/** The longest word of each header label in the printed columns (wrapped labels print on several lines). */
function headerWords(spec: SheetSpec): string[] {
  const r = headerRow(spec);
  const row = spec.grids.find((g) => g.at === 'A1')?.rows[r] ?? [];
  const words: string[] = [];
  row.forEach((c, j) => {
    if (spec.columns?.[j]?.hidden) return;
    const v = isCell(c) ? c.v : c;
    if (typeof v !== 'string' || !v.trim()) return;
    words.push(v.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), ''));
  });
  return words;
}

/** Which sheet each page belongs to: the footer's centre is the sheet name (&A), with "Page n of N" after it. */
function sheetOfPage(text: string, names: string[]): string | null {
  const footer = text.split('\n').filter((l) => /Page \d+ of \d+/.test(l)).pop() ?? '';
  const found = names.filter((n) => footer.includes(` ${n} `)).sort((a, b) => b.length - a.length);
  return found[0] ?? null;
}

interface PrintProblems {
  hashes: number[];
  portrait: number[];
  /** "Sheet p.N: missing header word X" (a column off the page, or the titles not repeated) */
  missing: string[];
  unassigned: number[];
  pagesPerSheet: Map<string, number>;
}

async function printProblems(path: string, spec: WorkbookSpec): Promise<PrintProblems> {
  const { pages } = await printWithLibreOffice(path);
  const names = spec.sheets.map((s) => s.name);
  const out: PrintProblems = { hashes: [], portrait: [], missing: [], unassigned: [], pagesPerSheet: new Map() };
  pages.forEach((p, i) => {
    const n = i + 1;
    if (p.text.includes('###')) out.hashes.push(n);
    if (p.width < p.height) out.portrait.push(n);
    const sheet = sheetOfPage(p.text, names);
    if (!sheet) {
      out.unassigned.push(n);
      return;
    }
    out.pagesPerSheet.set(sheet, (out.pagesPerSheet.get(sheet) ?? 0) + 1);
    const s = spec.sheets.find((x) => x.name === sheet)!;
    if (s.kind !== 'report' && s.kind !== 'data') return;
    for (const w of headerWords(s)) if (!p.text.includes(w)) out.missing.push(`${sheet} p.${n}: missing header word "${w}"`);
    const title = s.kind === 'report' ? s.print?.header?.left : undefined;
    if (title && !p.text.split('\n').slice(3).some((l) => l.includes(title))) out.missing.push(`${sheet} p.${n}: title row "${title}" not repeated`);
  });
  return out;
}

/**
 * Every formula cell's saved value against LibreOffice's recalculation: how many formula cells the file has, how many
 * carry no value element in the XML, and which saved values differ from LibreOffice's.
 */
async function valueProblems(path: string, names: string[]) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const saved = new Map<string, Map<string, CellValue>>();
  let formulas = 0;
  for (const ws of wb.worksheets) {
    const m = new Map<string, CellValue>();
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (!cell.formula) return;
        formulas++;
        // cell.result, not cell.value.result: ExcelJS's value object leaves out a result of 0. An empty text result
        // (<v></v>) reads back as no result; the XML count below sees it, and LibreOffice must have it empty too.
        const r = cell.result as unknown;
        m.set(cell.address, r === undefined ? '' : typeof r === 'object' && r !== null && 'error' in r ? String((r as { error: string }).error) : (r as CellValue));
      }),
    );
    saved.set(ws.name, m);
  }
  // In the file itself every formula cell carries a value element: <c><f>…</f><v>…</v></c>. (JSZip: ExcelJS's own.)
  const zip = await JSZip.loadAsync(readFileSync(path));
  let withoutValue = 0;
  let inXml = 0;
  for (const f of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) {
    for (const m of (await zip.file(f)!.async('string')).matchAll(/<c [^>]*>(<f[^>]*(?:\/>|>[\s\S]*?<\/f>))(<v>[\s\S]*?<\/v>|<v\/>)?<\/c>/g)) {
      inXml++;
      if (!m[2]) withoutValue++;
    }
  }
  const lo = await recalcWithLibreOffice(path, names);
  const differ: string[] = [];
  let compared = 0;
  for (const [sheet, cells] of saved) {
    const grid = lo.get(sheet);
    for (const [addr, v] of cells) {
      const { row, col } = parseA1(addr);
      const got = grid?.[row]?.[col] ?? null;
      const want = v === '' ? null : v;
      compared++;
      const same = typeof want === 'number' && typeof got === 'number' ? Math.abs(want - got) <= 1e-9 * Math.max(1, Math.abs(want)) : String(want) === String(got);
      if (!same) differ.push(`${sheet}!${addr}: saved ${JSON.stringify(want)}, LibreOffice ${JSON.stringify(got)}`);
    }
  }
  return { formulas, inXml, withoutValue, differ, compared };
}

maybe('the demo workbook on paper (LibreOffice PDF)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-print-'));
  const demo = printDemo();
  const path = join(dir, 'demo.xlsx');
  const chargeback = chargebackSheetName(demo.period);

  beforeAll(async () => {
    const host = new XlsxHost();
    host.generatedAt = GENERATED;
    await host.writeWorkbook(demo.spec);
    await host.save(path);
  });

  it('stores the page setup of every sheet in the file: landscape, one page wide, titles, print area without helpers, header and footer', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const cb = wb.getWorksheet(chargeback)!;
    expect(cb.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:5', printTitlesColumn: 'A:A' });
    // The print area stops at the key column (R): the hidden helpers (S:Y: outcome weights, keys, Agents rows) stay off the page.
    expect(cb.pageSetup.printArea).toMatch(/^A1:R\d+$/);
    for (const c of ['S', 'T', 'U', 'V', 'W', 'X', 'Y']) expect(cb.getColumn(c).hidden).toBe(true);
    expect(cb.headerFooter.oddHeader).toBe(`&LAI labor chargeback ${demo.period}&CPeriod ${demo.period}&RAI Labor Ledger`);
    expect(cb.headerFooter.oddFooter).toBe('&LGenerated 2026-11-02 08:30 UTC&C&A&RPage &P of &N');
    // The header row is tall enough for its wrapped titles; the journal's Debit/Credit (C, D) fit their amounts.
    expect(cb.getRow(5).height).toBeGreaterThan(15);
    expect(cb.getColumn('C').width).toBeGreaterThanOrEqual(12);
    const slo = wb.getWorksheet(SLO_SHEET)!;
    expect(slo.headerFooter.oddHeader).toMatch(/&CPeriods 2026-\d\d to 2026-\d\d&/);
    for (const s of demo.spec.sheets) {
      const ws = wb.getWorksheet(s.name)!;
      expect([s.name, ws.pageSetup.fitToPage, ws.pageSetup.fitToWidth, ws.pageSetup.fitToHeight]).toEqual([s.name, true, 1, 0]);
      if (s.kind !== 'input') expect([s.name, ws.pageSetup.orientation]).toEqual([s.name, 'landscape']);
    }
    expect(wb.getWorksheet('Ledger')!.pageSetup.printTitlesRow).toBe('1:1');
  });

  it('saves every formula cell with its value, and LibreOffice recalculates the same values', async () => {
    const v = await valueProblems(path, demo.spec.sheets.map((s) => s.name));
    expect(v.formulas).toBeGreaterThan(700);
    expect(v.inXml).toBe(v.formulas);
    expect(v.withoutValue).toBe(0);
    expect(v.differ.slice(0, 20)).toEqual([]);
    expect(v.compared).toBe(v.formulas);
  });

  it('prints each report one page wide with its titles on every page, landscape, and no ### anywhere', async () => {
    const p = await printProblems(path, demo.spec);
    console.log(`demo workbook (${demo.result.rows.length} Ledger rows): ${[...p.pagesPerSheet.values()].reduce((a, b) => a + b, 0)} pages: ${[...p.pagesPerSheet].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    expect(p.hashes).toEqual([]);
    expect(p.portrait).toEqual([]);
    expect(p.unassigned).toEqual([]);
    expect(p.missing).toEqual([]);
    for (const s of demo.spec.sheets.filter((x) => x.kind === 'report')) expect([s.name, p.pagesPerSheet.get(s.name) ?? 0]).not.toEqual([s.name, 0]);
    // The 80-agent SLO Monitor runs over several pages: the titles were seen repeated on each.
    expect(p.pagesPerSheet.get(SLO_SHEET)).toBeGreaterThan(1);
    expect(p.pagesPerSheet.get(chargeback)).toBe(1);
  });

  it('the checks fail on a workbook written the old way: 100% portrait, no titles, a column too narrow for its number, no saved values, a wrong saved value', async () => {
    const broken: WorkbookSpec = {
      sheets: demo.spec.sheets.map((s) => {
        if (s.name === chargeback) {
          const columns = [...(s.columns ?? [])];
          columns[2] = { width: 6 }; // the journal's Debit column
          return { ...s, columns, print: { ...s.print!, orientation: 'portrait', fitToWidth: 0, fitToHeight: 0 } };
        }
        if (s.name === SLO_SHEET) return { ...s, print: { ...s.print!, titleRows: undefined } };
        return s;
      }),
    };
    const host = new XlsxHost();
    host.generatedAt = GENERATED;
    await host.writeWorkbook(broken);
    // The computed-value fit would widen the narrow column again: the old writer saved no values.
    (host as unknown as { saveValues: () => void }).saveValues = () => undefined;
    const bad = join(dir, 'broken.xlsx');
    await host.save(bad);
    const p = await printProblems(bad, broken);
    expect(p.hashes.length).toBeGreaterThan(0);
    // no values saved: the XML count sees it; one wrong value saved: LibreOffice's recalculation disagrees
    const v = await valueProblems(bad, broken.sheets.map((s) => s.name));
    expect(v.withoutValue).toBeGreaterThan(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.getWorksheet(chargeback)!;
    ws.getCell('M6').value = { formula: ws.getCell('M6').formula, result: 1234.56 } as ExcelJS.CellValue;
    const tampered = join(dir, 'tampered.xlsx');
    await wb.xlsx.writeFile(tampered);
    expect((await valueProblems(tampered, broken.sheets.map((s) => s.name))).differ).toEqual([expect.stringMatching(new RegExp(`^${chargeback}!M6: saved 1234.56, LibreOffice \\d`))]);
    expect(p.portrait.length).toBeGreaterThan(0);
    expect(p.missing.some((m) => m.startsWith(`${chargeback} p.`))).toBe(true);
    expect(p.missing.some((m) => m.startsWith(`${SLO_SHEET} p.`) && m.includes('not repeated'))).toBe(true);
  });
});
