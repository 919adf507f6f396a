import { buildLedger } from '../../core/ledger';
import { sampleData } from '../../core/sample';
import { a1 } from '../../workbook/address';
import { importIssuesSheet, ledgerSheet } from '../../workbook/data';
import { buildWorkbook, SheetKeys } from '../../workbook';
import { isCell, type SheetSpec } from '../../workbook/spec';
import { planSheet, rectangles, splitValues, type ValuesOp } from './plan';

const sample = sampleData({ scale: 0.004, months: 2 });
const result = buildLedger(sample);

/** Every non-null cell of a spec as Office would receive it: "=formula", value. */
function expectedCells(spec: SheetSpec): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const g of spec.grids) {
    const at = /^([A-Z]+)(\d+)$/.exec(g.at)!;
    const r0 = Number(at[2]) - 1;
    const c0 = at[1].charCodeAt(0) - 65;
    g.rows.forEach((row, i) => row.forEach((c, j) => {
      if (c === null || c === undefined) return;
      const v = isCell(c) ? (c.f !== undefined ? `=${c.f}` : c.v) : c;
      if (v === null || v === undefined) return;
      m.set(a1(r0 + i, c0 + j), v);
    }));
  }
  return m;
}

function cellsOf(ops: ValuesOp[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const op of ops) op.formulas.forEach((row, i) => row.forEach((v, j) => {
    if (v === null) return;
    const k = a1(op.top + i, op.left + j);
    if (m.has(k)) throw new Error(`${k} written twice`);
    m.set(k, v);
  }));
  return m;
}

describe('Office.js block planner', () => {
  const ledger = ledgerSheet(result.rows, SheetKeys.of(result));

  it('keeps every block under the payload limit, with an honest (over-)estimate, and loses no cell', () => {
    expect(result.rows.length).toBeGreaterThan(1000);
    const maxBytes = 60_000;
    const blocks = planSheet(ledger, { maxBytes });
    const values = blocks.filter((b) => b.kind === 'values');
    expect(values.length).toBeGreaterThan(5);
    for (const b of blocks) {
      expect(b.bytes).toBeLessThanOrEqual(maxBytes);
      for (const op of b.ops) if (op.op === 'values') {
        const actual = JSON.stringify({ formulas: op.formulas, numberFormat: op.numberFormat }).length;
        expect(actual).toBeLessThanOrEqual(op.bytes);
        expect(op.bytes).toBeLessThan(actual * 2.5);
      }
    }
    expect(cellsOf(values.flatMap((b) => b.ops as ValuesOp[]))).toEqual(expectedCells(ledger));
  });

  it('with the default 4 MB limit a few thousand rows go in one block', () => {
    const blocks = planSheet(ledger);
    expect(blocks.map((b) => b.kind)).toEqual(['values', 'formats', 'structure']);
  });

  it('orders values, then formats, then the table and the rest of the structure', () => {
    const blocks = planSheet(ledger, { maxBytes: 60_000 });
    const kinds = blocks.map((b) => b.kind);
    const lastValues = kinds.lastIndexOf('values');
    expect(kinds.indexOf('formats')).toBeGreaterThan(lastValues);
    expect(kinds[kinds.length - 1]).toBe('structure');
    const ops = blocks[blocks.length - 1].ops.map((o) => o.op);
    expect(ops).toContain('table');
    expect(ops).toContain('freeze');
  });

  it('marks every text cell "@" and never a formula cell; formulas get their "="', () => {
    const issues = importIssuesSheet([{ category: 'rejected row', source: 'usage.csv', line: 7, column: 'title', value: '=HYPERLINK("http://evil","click")', reason: 'bad' }]);
    const [block] = planSheet(issues);
    const op = block.ops[0] as ValuesOp;
    expect(op.formulas[1][4]).toBe('=HYPERLINK("http://evil","click")');
    expect(op.numberFormat[1][4]).toBe('@');
    expect(op.numberFormat[1][2]).toBe('#,##0'); // the line number keeps its number format
    const spec = buildWorkbook({ result, ctx: sample, rejected: [{ file: 'f.csv', line: 2, column: 'x', value: '=1+1', reason: 'bad' }] });
    let formulas = 0;
    let texts = 0;
    for (const s of spec.sheets) for (const b of planSheet(s)) for (const o of b.ops) if (o.op === 'values') {
      o.formulas.forEach((row, i) => row.forEach((v, j) => {
        if (typeof v !== 'string') return;
        if (o.numberFormat[i][j] === '@') {
          texts++;
          if (v.startsWith('=')) expect(v).toBe('=1+1'); // only the untrusted value, never a formula
        }
        else if (v.startsWith('=')) formulas++;
        else throw new Error(`${s.name}!${a1(o.top + i, o.left + j)}: text "${v}" without the text format`);
      }));
    }
    expect(formulas).toBeGreaterThan(500);
    expect(texts).toBeGreaterThan(500);
  });

  it('groups styled cells into few rectangles', () => {
    expect(rectangles([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [3, 1]])).toEqual(['A1:C2', 'B4']);
    const blocks = planSheet(ledger);
    const styleOps = blocks.flatMap((b) => b.ops).filter((o) => o.op === 'style');
    expect(styleOps.length).toBe(1); // the header row
    expect(styleOps[0]).toMatchObject({ ranges: ['A1:AB1'] }); // the Ledger's columns (work_items included) and its three key columns
  });

  it('splits a refused values block in halves that cover the same cells', () => {
    const [block] = planSheet(ledger);
    const op = block.ops[0] as ValuesOp;
    const [h1, h2] = splitValues(op)!;
    expect(h1.formulas.length + h2.formulas.length).toBe(op.formulas.length);
    expect(h2.top).toBe(op.top + h1.formulas.length);
    expect(cellsOf([h1, h2])).toEqual(cellsOf([op]));
    expect(h1.bytes + h2.bytes).toBeLessThan(op.bytes + 1000);
    expect(splitValues({ ...op, formulas: [op.formulas[0]], numberFormat: [op.numberFormat[0]] })).toBeNull();
  });
});
