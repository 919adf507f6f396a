/** @jest-environment jsdom */
import * as React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import ExcelJS from 'exceljs';
import { PreviewHost } from '../../hosts/preview';
import type { SheetSpec } from '../../workbook/spec';
import { BUDGET, BUDGET_SLACK } from '../../workbook/reports';
import { playbookBudgetWorkbook } from '../../../tests/workbook/playbook';
import { Workbench } from './Workbench';
import { workbookXlsx } from './exportXlsx';
import { editText, formatValue, parseInput } from './format';
import { functionResultFormat } from './function-formats';

// jsdom has no ResizeObserver (Fluent measures with one); the grid then draws its fallback window of rows.
class NoopResizeObserver { observe() {} unobserve() {} disconnect() {} }
(window as unknown as { ResizeObserver: unknown }).ResizeObserver = NoopResizeObserver;

const ui = (host: PreviewHost) =>
  render(
    <FluentProvider theme={webLightTheme}>
      <Workbench host={host} pane={<div>pane</div>} />
    </FluentProvider>,
  );

const cell = (ref: string) => {
  const el = document.querySelector<HTMLElement>(`[role="gridcell"][data-ref="${ref}"]`);
  if (!el) throw new Error(`no rendered cell ${ref}`);
  return el;
};

const TOTAL_ROW = BUDGET.firstLine + 3 + BUDGET_SLACK + 1;
const TOTAL = `G${TOTAL_ROW}`;

async function budgetHost() {
  const h = new PreviewHost();
  await h.writeWorkbook(playbookBudgetWorkbook());
  return h;
}

describe('number formats and typed input', () => {
  it('shows values as the sheet formats them', () => {
    expect(formatValue(202000, '$#,##0.00')).toBe('$202,000.00');
    expect(formatValue(-1234.5, '$#,##0.00')).toBe('-$1,234.50');
    expect(formatValue(-0.001, '$#,##0.00')).toBe('$0.00');
    expect(formatValue(1.5, '$#,##0.00##')).toBe('$1.50');
    expect(formatValue(0.01234, '$#,##0.00##')).toBe('$0.0123');
    expect(formatValue(130000, '#,##0')).toBe('130,000');
    expect(formatValue(0.2, '0.0%')).toBe('20.0%');
    expect(formatValue(1 / 3)).toBe('0.3333333333');
    expect(formatValue(42, '@')).toBe('42');
    expect(formatValue(true)).toBe('TRUE');
    expect(formatValue(null, '$#,##0.00')).toBe('');
    expect(formatValue('#DIV/0!', '$#,##0.00')).toBe('#DIV/0!');
  });

  it('reads typing as Excel does; text that looks like a formula only with a leading "="', () => {
    expect(parseInput('=SUM(A1:A3)')).toEqual({ f: 'SUM(A1:A3)' });
    expect(parseInput('1,234.5')).toBe(1234.5);
    expect(parseInput('$12')).toBe(12);
    expect(parseInput('5%')).toBe(0.05);
    expect(parseInput('-3e2')).toBe(-300);
    expect(parseInput('TRUE')).toBe(true);
    expect(parseInput('  ')).toBeNull();
    expect(parseInput('2026-10')).toBe('2026-10');
    expect(parseInput('12 apples')).toBe('12 apples');
    expect(parseInput('=')).toBe('=');
    expect(editText(3, '=A1*3')).toBe('=A1*3');
    expect(editText(0.25, undefined)).toBe('0.25');
    expect(editText(null, undefined)).toBe('');
  });

  it('shows text that typing would turn into a formula, number or boolean with Excel\'s apostrophe, and reads it back as the same text', () => {
    expect(editText('=HYPERLINK("http://x","y")', undefined)).toBe('\'=HYPERLINK("http://x","y")');
    expect(editText('123', undefined)).toBe("'123");
    expect(editText('TRUE', undefined)).toBe("'TRUE");
    expect(editText("'quoted", undefined)).toBe("''quoted");
    expect(editText('plain words', undefined)).toBe('plain words');
    expect(parseInput("'=1+1")).toBe('=1+1');
    for (const text of ['=HYPERLINK("http://x","y")', '+SUM(A1)', '-1', '123', '5%', 'TRUE', "'quoted", '', ' ', 'plain words', '2026-10']) {
      expect(parseInput(editText(text, undefined))).toBe(text);
    }
  });
});

describe('workbench shell (preview workbook beside the pane)', () => {
  it('says the workbook is empty until the pane writes sheets, then draws them with tabs', async () => {
    const h = new PreviewHost();
    ui(h);
    expect(screen.getByText(/preview workbook is empty/i)).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
    expect((screen.getByRole('button', { name: 'Export .xlsx' }) as HTMLButtonElement).disabled).toBe(true);
    await act(() => h.writeWorkbook(playbookBudgetWorkbook()));
    const tablist = within(screen.getByRole('tablist', { name: 'Sheets' }));
    expect(tablist.getAllByRole('tab')).toHaveLength(h.sheetNames().length);
    for (const name of h.sheetNames()) expect(tablist.getByRole('tab', { name })).toBeTruthy();
    const grid = screen.getByRole('grid', { name: `Sheet ${h.sheetNames()[0]}` });
    expect(grid.getAttribute('aria-activedescendant')).toBe(cell('A1').id);
  });

  it('shows the selected cell\'s formula in the formula bar, its value in the grid', async () => {
    const h = await budgetHost();
    ui(h);
    fireEvent.click(screen.getByRole('tab', { name: 'Budget' }));
    const grid = screen.getByRole('grid', { name: 'Sheet Budget' });
    // the total row follows the playbook's three lines and the blank lines kept for lines the CFO adds
    expect(cell(TOTAL).textContent).toBe('$202,000.00');
    expect(cell(`A${TOTAL_ROW}`).textContent).toBe('Total AI labor');
    fireEvent.mouseDown(cell(TOTAL));
    expect((screen.getByRole('textbox', { name: 'Formula bar' }) as HTMLInputElement).value).toBe(`=ROUND(SUM(G5:G${TOTAL_ROW - 1}),2)`);
    expect((screen.getByRole('textbox', { name: 'Cell address' }) as HTMLInputElement).value).toBe(TOTAL);
    expect(cell(TOTAL).getAttribute('aria-selected')).toBe('true');
    expect(grid.getAttribute('aria-activedescendant')).toBe(cell(TOTAL).id);
  });

  it('recomputes the Budget when a Budget Drivers cell is edited from the formula bar', async () => {
    const h = await budgetHost();
    ui(h);
    fireEvent.click(screen.getByRole('tab', { name: 'Budget Drivers' }));
    const volume = h.value('Budget Drivers', 'D2') as number;
    const unit = h.value('Budget Drivers', 'C2') as number;
    fireEvent.mouseDown(cell('D2'));
    const bar = screen.getByRole('textbox', { name: 'Formula bar' }) as HTMLInputElement;
    expect(bar.value).toBe(String(volume));
    fireEvent.change(bar, { target: { value: String(volume * 2) } });
    fireEvent.keyDown(bar, { key: 'Enter' });
    // Enter commits and moves down, as in Excel
    expect((screen.getByRole('textbox', { name: 'Cell address' }) as HTMLInputElement).value).toBe('D3');
    expect(h.value('Budget Drivers', 'D2')).toBe(volume * 2);
    expect(h.value('Budget', TOTAL)).toBe(Math.round((202_000 + unit * volume) * 100) / 100);
    fireEvent.click(screen.getByRole('tab', { name: 'Budget' }));
    expect(cell(TOTAL).textContent).toBe(formatValue(h.value('Budget', TOTAL), '$#,##0.00'));
  });

  it('edits in the cell: typing starts an editor, Enter commits, Escape cancels, Delete clears', async () => {
    const h = new PreviewHost();
    await h.writeSheet({ name: 'S', kind: 'input', grids: [{ at: 'A1', rows: [[1, { f: 'A1*10' }]] }] });
    ui(h);
    const grid = screen.getByRole('grid', { name: 'Sheet S' });
    fireEvent.mouseDown(cell('A1'));
    fireEvent.keyDown(grid, { key: '7' });
    const editor = screen.getByRole('textbox', { name: 'Edit A1' }) as HTMLInputElement;
    expect(editor.value).toBe('7');
    fireEvent.change(editor, { target: { value: '7.5' } });
    fireEvent.keyDown(editor, { key: 'Enter' });
    expect(h.value('S', 'B1')).toBe(75);
    expect(cell('B1').textContent).toBe('75');
    expect(screen.queryByRole('textbox', { name: 'Edit A1' })).toBeNull();
    // F2 edits the current content; Escape leaves it as it was
    fireEvent.mouseDown(cell('B1'));
    fireEvent.keyDown(grid, { key: 'F2' });
    const e2 = screen.getByRole('textbox', { name: 'Edit B1' }) as HTMLInputElement;
    expect(e2.value).toBe('=A1*10');
    fireEvent.change(e2, { target: { value: '=A1*100' } });
    fireEvent.keyDown(e2, { key: 'Escape' });
    expect(h.formula('S', 'B1')).toBe('=A1*10');
    // double-click edits too; a bad formula shows as an error value, not a crash
    fireEvent.doubleClick(cell('B1'));
    const e3 = screen.getByRole('textbox', { name: 'Edit B1' }) as HTMLInputElement;
    fireEvent.change(e3, { target: { value: '=SUM(' } });
    fireEvent.keyDown(e3, { key: 'Enter' });
    expect(String(h.value('S', 'B1'))).toMatch(/^#/);
    fireEvent.mouseDown(cell('A1'));
    fireEvent.keyDown(grid, { key: 'Delete' });
    expect(h.value('S', 'A1')).toBeNull();
  });

  it('keeps untrusted text as text: Enter or F2+Enter on "=HYPERLINK(…)" from a source never makes it a formula', async () => {
    const h = new PreviewHost();
    const title = '=HYPERLINK("http://evil.example","click")';
    await h.writeSheet({ name: 'Ledger', kind: 'data', grids: [{ at: 'A1', rows: [[title, 5]] }] });
    ui(h);
    const grid = screen.getByRole('grid', { name: 'Sheet Ledger' });
    fireEvent.mouseDown(cell('A1'));
    const bar = screen.getByRole('textbox', { name: 'Formula bar' }) as HTMLInputElement;
    expect(bar.value).toBe(`'${title}`);
    fireEvent.keyDown(bar, { key: 'Enter' });
    expect(h.formula('Ledger', 'A1')).toBeUndefined();
    expect(h.value('Ledger', 'A1')).toBe(title);
    fireEvent.mouseDown(cell('A1'));
    fireEvent.keyDown(grid, { key: 'F2' });
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Edit A1' }), { key: 'Enter' });
    expect(h.formula('Ledger', 'A1')).toBeUndefined();
    expect(h.value('Ledger', 'A1')).toBe(title);
    // even when edited, the apostrophe keeps it text
    fireEvent.mouseDown(cell('A1'));
    fireEvent.change(bar, { target: { value: `'${title} ` } });
    fireEvent.keyDown(bar, { key: 'Enter' });
    expect(h.formula('Ledger', 'A1')).toBeUndefined();
    expect(h.value('Ledger', 'A1')).toBe(`${title} `);
    expect(cell('A1').textContent).toBe(`${title} `);
  });

  it('moves with the arrow keys, Home/End and Ctrl+End, and follows the pane when it activates a sheet', async () => {
    const h = await budgetHost();
    ui(h);
    fireEvent.click(screen.getByRole('tab', { name: 'Budget' }));
    const grid = screen.getByRole('grid', { name: 'Sheet Budget' });
    const address = () => (screen.getByRole('textbox', { name: 'Cell address' }) as HTMLInputElement).value;
    fireEvent.mouseDown(cell('B2'));
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect(address()).toBe('C3');
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(address()).toBe('C1');
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(address()).toBe('A1');
    fireEvent.keyDown(grid, { key: 'ArrowLeft' });
    expect(address()).toBe('A1');
    fireEvent.keyDown(grid, { key: 'End', ctrlKey: true });
    const d = h.dimensions('Budget');
    expect(address()).toBe(`${String.fromCharCode(64 + d.cols)}${d.rows}`);
    await act(() => h.activate('Budget Drivers', 'B9'));
    expect(screen.getByRole('grid', { name: 'Sheet Budget Drivers' })).toBeTruthy();
    expect(address()).toBe('B9');
    expect(screen.getByRole('tab', { name: 'Budget Drivers' }).getAttribute('aria-selected')).toBe('true');
  });

  it('draws only the rows in view of a 50,000-row sheet, and the selected row wherever it is', async () => {
    const h = new PreviewHost();
    const rows = Array.from({ length: 50_000 }, (_, i) => [`WI-${i + 1}`, i + 1]);
    const sheet: SheetSpec = { name: 'Ledger', kind: 'data', grids: [{ at: 'A1', rows }] };
    await h.writeSheet(sheet);
    const t0 = performance.now();
    ui(h);
    const grid = screen.getByRole('grid', { name: 'Sheet Ledger' });
    expect(Number(grid.getAttribute('aria-rowcount'))).toBeGreaterThan(50_000);
    expect(document.querySelectorAll('[role="row"]').length).toBeLessThan(80);
    fireEvent.keyDown(grid, { key: 'ArrowDown', ctrlKey: true });
    expect(cell('B50000').textContent).toBe('50000');
    expect(grid.getAttribute('aria-activedescendant')).toBe(cell('A50000').id);
    expect(document.querySelectorAll('[role="row"]').length).toBeLessThan(80);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('exports the workbook with typed edits as an .xlsx that keeps formulas and sheets', async () => {
    const h = await budgetHost();
    h.setCell('Budget Drivers', 'D2', 200_000);
    const { data, sheets } = await workbookXlsx(h);
    expect(sheets).toBe(h.sheetNames().length);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data);
    expect(wb.worksheets.map((w) => w.name)).toEqual(h.sheetNames());
    expect(wb.getWorksheet('Budget Drivers')!.getCell('D2').value).toBe(200_000);
    expect(wb.getWorksheet('Budget')!.getCell(TOTAL).value).toMatchObject({ formula: `ROUND(SUM(G5:G${TOTAL_ROW - 1}),2)` });
    await expect(workbookXlsx(new PreviewHost())).rejects.toThrow(/no sheets yet/);
  });
});

describe('like Excel where users notice', () => {
  const spec: SheetSpec = {
    name: 'Report',
    kind: 'report',
    columns: [{ width: 10 }, { width: 10, hidden: true }, { width: 10 }, { width: 10 }],
    rows: [{ index: 1, height: 45 }, { index: 3, hidden: true }],
    freeze: { rows: 2, cols: 1 },
    grids: [
      {
        at: 'A1',
        rows: [
          ['A title long enough to run over three columns'],
          [{ v: 'Cost per outcome', s: { bold: true, wrap: true } }, 'helper', 'B', 'C'],
          ['next', 1, 2, 3],
          ['hidden row', 1, 2, 3],
          ['cut short by its neighbour', null, 'x'],
        ],
      },
    ],
  };

  it('frozen rows and columns from the sheet stay in view; hidden columns and rows are not drawn nor reached by the arrows; row heights follow the sheet', async () => {
    const h = new PreviewHost();
    await h.writeSheet(spec);
    ui(h);
    const grid = screen.getByRole('grid', { name: 'Sheet Report' });
    expect(grid.getAttribute('data-frozen')).toBe('2,1');
    const frozen = within(screen.getByRole('rowgroup', { name: 'Frozen rows' }));
    expect(frozen.getAllByRole('row').map((r) => r.getAttribute('aria-rowindex'))).toEqual(['2', '3']);
    // A (frozen) sticks to the left edge: its cells are sticky at the row header's width
    expect(getComputedStyle(cell('A3')).position).toBe('sticky');
    expect(cell('A3').style.left).toBe('56px');
    // B is hidden: no cell, no header; row 4 is hidden
    expect(document.querySelector('[data-ref="B1"]')).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'B' })).toBeNull();
    expect(document.querySelector('[data-ref="A4"]')).toBeNull();
    fireEvent.mouseDown(cell('A3'));
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect((screen.getByRole('textbox', { name: 'Cell address' }) as HTMLInputElement).value).toBe('C3');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect((screen.getByRole('textbox', { name: 'Cell address' }) as HTMLInputElement).value).toBe('C5');
    // row 2 is 45 pt tall (72 px) with its wrapped header
    expect((cell('A2').parentElement as HTMLElement).style.height).toBe('72px');
  });

  it('text runs on over empty cells to its right, and stops at a cell that holds something', async () => {
    const h = new PreviewHost();
    await h.writeSheet({ ...spec, freeze: undefined });
    ui(h);
    const span = (ref: string) => cell(ref).querySelector('span') as HTMLElement;
    const width = (ref: string) => parseInt(cell(ref).style.width, 10);
    // A1 runs over C1 and D1 (B is hidden) and beyond
    expect(parseInt(span('A1').style.width, 10)).toBeGreaterThan(width('A1') + width('C1'));
    // A5's neighbour C5 holds "x": it is cut at its own edge
    expect(parseInt(span('A5').style.width, 10)).toBe(width('A5') - 8);
    expect(span('A5').textContent).toBe('cut short by its neighbour');
  });

  it('the sheet list reaches every sheet; the tab strip has scroll arrows', async () => {
    const h = await budgetHost();
    ui(h);
    expect(screen.getByRole('button', { name: 'Scroll sheet tabs left' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Scroll sheet tabs right' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: `All sheets (${h.sheetNames().length})` }));
    const list = await screen.findByRole('menu');
    expect(within(list).getAllByRole('menuitemradio').map((m) => m.textContent)).toEqual(h.sheetNames());
    fireEvent.click(within(list).getByRole('menuitemradio', { name: 'Budget Drivers' }));
    expect(screen.getByRole('grid', { name: 'Sheet Budget Drivers' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Budget Drivers' }).getAttribute('aria-selected')).toBe('true');
  });
});

describe('AILABOR.* results in their natural format', () => {
  it('money, counts and ratios by function (and by argument where it decides)', () => {
    expect(functionResultFormat('=AILABOR.COSTPEROUTCOME("csr-tier1","2026-10")')).toBe('$#,##0.00');
    expect(functionResultFormat('=ROUND(AILABOR.TOTALCOST("*"),0)')).toBe('$#,##0.00');
    expect(functionResultFormat('=AILABOR.OUTCOMES("csr-tier1")')).toBe('#,##0');
    expect(functionResultFormat('=AILABOR.ACCURACY("csr-tier1")')).toBe('0.0%');
    expect(functionResultFormat('=AILABOR.TARGETVARIANCE("csr-tier1","2026-10",TRUE)')).toBe('0.0%');
    expect(functionResultFormat('=AILABOR.TARGETVARIANCE("csr-tier1","2026-10")')).toBe('$#,##0.00');
    expect(functionResultFormat('=AILABOR.TREND("csr-tier1","2026-08",,"accuracy")')).toBe('0.0%');
    expect(functionResultFormat('=AILABOR.COSTTREND("a,b","2026-08","2026-10","work_items")')).toBe('#,##0');
    expect(functionResultFormat('=AILABOR.TOKENCOST("gpt-4o",1000,200)')).toBe('$#,##0.00##');
    expect(functionResultFormat('=SUM(A1:A3)')).toBeUndefined();
    expect(formatValue(1.28187747, functionResultFormat('=AILABOR.COSTPEROUTCOME("x")'))).toBe('$1.28');
  });
});
