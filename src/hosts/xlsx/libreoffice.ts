// LibreOffice as an independent recalculation oracle (Node only): opens an .xlsx headless, recalculates every
// formula and exports each sheet's computed values as CSV. Used by the tests and CI; LibreOffice 7.2+ (the CSV
// filter's 12th token, -1, writes every sheet to <name>-<Sheet>.csv).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import type { CellValue } from '../../workbook/spec';

export function findSoffice(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const name of ['soffice', 'libreoffice']) {
      const p = join(dir, name);
      if (dir && existsSync(p)) return p;
    }
  }
  return null;
}

// Always recalculate on load (the default for .xlsx is "never": cached values would be shown as they are).
const PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

/** A fresh user profile per run: concurrent soffice processes sharing one profile block each other. */
function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lo-profile-'));
  mkdirSync(join(dir, 'user'), { recursive: true });
  writeFileSync(join(dir, 'user', 'registrymodifications.xcu'), PROFILE);
  return dir;
}

export function parseCsvValue(s: string): CellValue {
  if (s === '') return null;
  if (/^-?\d+(\.\d+)?([Ee][-+]?\d+)?$/.test(s)) return Number(s);
  if (/^-?\d+(\.\d+)?([Ee][-+]?\d+)?%$/.test(s)) return Number(s.slice(0, -1)) / 100;
  return s;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Recalculates `xlsxPath` in LibreOffice and returns every sheet's computed values (row 0 = sheet row 1).
 * Numbers come back as numbers (percentages divided by 100), empty cells as null, everything else as text.
 */
export async function recalcWithLibreOffice(xlsxPath: string, sheetNames: string[], opts: { soffice?: string; timeoutMs?: number } = {}): Promise<Map<string, CellValue[][]>> {
  const soffice = opts.soffice ?? findSoffice();
  if (!soffice) throw new Error('LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui');
  const out = mkdtempSync(join(tmpdir(), 'lo-out-'));
  const profile = profileDir();
  // tokens: separator 44 (,), quote 34 ("), UTF-8 (76), from line 1, …, 9th false = raw values not "as shown", 12th -1 = every sheet
  const filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
  await run(soffice, [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', filter, '--outdir', out, xlsxPath], opts.timeoutMs ?? 180_000);
  const base = basename(xlsxPath).replace(/\.xlsx$/i, '');
  const files = new Set(readdirSync(out));
  const sheets = new Map<string, CellValue[][]>();
  for (const name of sheetNames) {
    const file = `${base}-${name}.csv`;
    if (!files.has(file)) continue;
    const parsed = Papa.parse<string[]>(readFileSync(join(out, file), 'utf8'), { skipEmptyLines: false });
    const rows = parsed.data.map((r) => {
      const line = r.map(parseCsvValue);
      while (line.length && line[line.length - 1] === null) line.pop();
      return line;
    });
    while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
    sheets.set(name, rows);
  }
  return sheets;
}

/**
 * Prints `xlsxPath` to PDF as LibreOffice does (every sheet, with its page setup) and returns the PDF's path and its
 * pages as text (`pdftotext -layout`, poppler-utils) with each page's size in points.
 */
export async function printWithLibreOffice(xlsxPath: string, opts: { soffice?: string; timeoutMs?: number } = {}): Promise<{ pdf: string; pages: { text: string; width: number; height: number }[] }> {
  const soffice = opts.soffice ?? findSoffice();
  if (!soffice) throw new Error('LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui');
  const out = mkdtempSync(join(tmpdir(), 'lo-pdf-'));
  await run(soffice, [`-env:UserInstallation=file://${profileDir()}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', out, xlsxPath], opts.timeoutMs ?? 300_000);
  const pdf = join(out, basename(xlsxPath).replace(/\.xlsx$/i, '.pdf'));
  if (!existsSync(pdf)) throw new Error(`LibreOffice wrote no PDF for ${xlsxPath}`);
  const text = (await run('pdftotext', ['-layout', pdf, '-'], 120_000)).stdout.split('\f');
  const info = (await run('pdfinfo', ['-f', '1', '-l', String(text.length), pdf], 60_000)).stdout;
  const sizes = [...info.matchAll(/^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({ page: Number(m[1]), width: Number(m[2]), height: Number(m[3]) }));
  const pages = sizes.map((s) => ({ text: text[s.page - 1] ?? '', width: s.width, height: s.height }));
  return { pdf, pages };
}
