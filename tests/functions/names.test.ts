// No AILABOR function may be named like a built-in Excel function "in any language" (docs "Custom functions naming
// and localization"): TREND was (issue #18), now COSTTREND. Checked against two lists we did not write — the Excel
// function names LibreOffice recognizes in an .xlsx (a formula with an unknown name recalculates to #NAME?), and
// HyperFormula's function names in its 17 languages — each with a built-in control, so the check can fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
import * as languages from 'hyperformula/commonjs/i18n/languages';
import { findSoffice, recalcWithLibreOffice } from '../../src/hosts/xlsx/libreoffice';

const SRC = join(__dirname, '../../src/functions/functions.ts');
let names: string[] = [];

beforeAll(async () => {
  const r = await generateCustomFunctionsMetadata(SRC, false);
  names = (JSON.parse(r.metadataJson) as { functions: { name: string }[] }).functions.map((f) => f.name.toUpperCase());
  expect(names.length).toBeGreaterThanOrEqual(17);
});

test('no AILABOR function name is one of HyperFormula\'s built-in names in any of its languages (control: SUMME is German SUM)', () => {
  const builtins = new Map<string, string>();
  for (const [code, lang] of Object.entries(languages as unknown as Record<string, { functions?: Record<string, string> }>)) {
    for (const [en, local] of Object.entries(lang.functions ?? {})) {
      builtins.set(en.toUpperCase(), 'enGB');
      builtins.set(local.toUpperCase(), code);
    }
  }
  expect(builtins.get('SUMME')).toBe('deDE');
  expect(names.filter((n) => builtins.has(n)).map((n) => `${n} (${builtins.get(n)})`)).toEqual([]);
});

const soffice = findSoffice();
const maybe = soffice || process.env.SKIP_LIBREOFFICE !== '1' ? test : test.skip;
maybe('LibreOffice recognizes none of them as an Excel function (control: TREND is recognized)', async () => {
  if (!soffice) throw new Error('soffice not found: install Debian libreoffice-calc-nogui (or set SKIP_LIBREOFFICE=1)');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Names');
  const all = ['TREND', ...names];
  all.forEach((n, i) => {
    ws.getCell(i + 1, 1).value = n;
    ws.getCell(i + 1, 2).value = { formula: `${n}(1)` };
  });
  const path = join(mkdtempSync(join(tmpdir(), 'names-')), 'names.xlsx');
  await wb.xlsx.writeFile(path);
  const grid = (await recalcWithLibreOffice(path, ['Names'])).get('Names')!;
  const shown = new Map(grid.map((row) => [String(row[0]), row[1]]));
  expect(shown.get('TREND')).not.toBe('#NAME?');
  expect(names.filter((n) => shown.get(n) !== '#NAME?').map((n) => `${n} → ${shown.get(n)}`)).toEqual([]);
});
