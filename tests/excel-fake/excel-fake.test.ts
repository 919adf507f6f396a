/* eslint-disable office-addins/call-sync-before-read -- reads follow syncs inside promise chains the rule does not
   follow, and one test reads before sync on purpose (PropertyNotLoaded) */
// The fake itself: each documented behaviour it enforces (SOURCE.md), and that the patterns the add-in used before
// issue #18 fail against it — the proof that a test on the fake can fail where real Excel would.
import { createExcelFake, FakeOfficeError, MB5 } from './excel-fake';
import { isPayloadTooLarge } from '../../src/hosts/excel/run';

const bigText = (bytes: number) => 'x'.repeat(bytes);

describe('payload limits (Excel on the web: 5 MB a request, 5 MB a response)', () => {
  it('refuses a request over 5 MB with error.code RequestPayloadSizeLimitExceeded, a localized message, and applies nothing', async () => {
    const x = createExcelFake({ platform: 'web' });
    x.seedSheet('S', [['keep']]);
    const err = await x.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('S');
      ws.getRange('A1').values = [['changed']];
      ws.getRange('B1:B3').values = [[bigText(2_000_000)], [bigText(2_000_000)], [bigText(1_100_000)]];
      return ctx.sync().then(() => null, (e) => e);
    });
    expect(err).toBeInstanceOf(FakeOfficeError);
    expect(err.code).toBe('RequestPayloadSizeLimitExceeded');
    expect(err.message).not.toMatch(/RequestPayloadSizeLimitExceeded|payload/i); // localized: match the code, never the text
    expect(isPayloadTooLarge(err)).toBe(true);
    expect(x.value('S', 'A1')).toBe('keep');
    // the pre-#18 test of the message text misses it
    expect(/RequestPayloadSizeLimitExceeded|PayloadTooLarge|too large/i.test(String(err.message))).toBe(false);
  });

  it('the same request is accepted on Windows and Mac (the limit is Excel on the web\'s)', async () => {
    const x = createExcelFake({ platform: 'windows' });
    x.seedSheet('S', [['keep']]);
    await x.run(async (ctx) => {
      ctx.workbook.worksheets.getItem('S').getRange('B1:B3').values = [[bigText(2_000_000)], [bigText(2_000_000)], [bigText(1_100_000)]];
      await ctx.sync();
    });
    expect(String(x.value('S', 'B1')).length).toBe(2_000_000);
  });

  it('counts UTF-8 bytes: 1.7 million CJK characters are 5.1 MB', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [['a']]);
    const text = '費'.repeat(1_700_000);
    expect(text.length).toBeLessThan(MB5);
    await expect(x.run(async (ctx) => {
      ctx.workbook.worksheets.getItem('S').getRange('A2').values = [[text]];
      await ctx.sync();
    })).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
  });

  it('refuses a response over 5 MB (ResponsePayloadSizeLimitExceeded): reading a big sheet in one request fails', async () => {
    const x = createExcelFake();
    const row = Array.from({ length: 20 }, (_, j) => `value-${j}-abcdefghijklmnopqrstuvwxyz`);
    x.seedSheet('Big', Array.from({ length: 8_000 }, () => row));
    // the pane's reader before #18: the whole used range in one load
    const oldReadSheet = x.run(async (ctx) => {
      const used = ctx.workbook.worksheets.getItem('Big').getUsedRangeOrNullObject(true);
      used.load('values,rowIndex,columnIndex');
      await ctx.sync();
      return used.values;
    });
    await expect(oldReadSheet).rejects.toMatchObject({ code: 'ResponsePayloadSizeLimitExceeded' });
  });

  it('gives values null for a read of more than 5,000,000 cells', async () => {
    const x = createExcelFake({ platform: 'windows' });
    x.seedSheet('S', [['a']]);
    const values = await x.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem('S').getRangeByIndexes(0, 0, 5_000, 1_001);
      r.load('values');
      await ctx.sync();
      return r.values;
    });
    expect(values).toBeNull();
  });
});

describe('cell edit mode', () => {
  it('a batch fails while the user edits a cell (InvalidOperationInCellEditMode) — Excel.run without options, as before #18', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    x.user.beginCellEdit();
    await expect(x.runWithoutOptions(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem('S').getRange('A1');
      r.load('values');
      await ctx.sync();
      return r.values;
    })).rejects.toMatchObject({ code: 'InvalidOperationInCellEditMode' });
    x.user.endCellEdit();
  });

  it('with delayForCellEdit the batch waits for the edit to end, then runs', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    x.user.beginCellEdit();
    const p = x.Excel.run({ delayForCellEdit: true }, async (ctx: Excel.RequestContext) => {
      const r = ctx.workbook.worksheets.getItem('S').getRange('A1');
      r.load('values');
      await ctx.sync();
      return r.values[0][0];
    });
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    x.user.endCellEdit();
    expect(await p).toBe(1);
    expect(x.log.syncs.some((s) => s.delayed)).toBe(true);
  });
});

describe('load and sync', () => {
  it('a property read before load() and sync() throws PropertyNotLoaded', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    await expect(x.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem('S').getRange('A1');
      r.load('values');
      return r.values; // no sync
    })).rejects.toMatchObject({ code: 'PropertyNotLoaded' });
  });

  it('a 2-D array must match the range; a missing sheet is ItemNotFound at sync', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    await expect(x.run(async (ctx) => {
      ctx.workbook.worksheets.getItem('S').getRange('A1:B1').values = [[1]];
      await ctx.sync();
    })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(x.run(async (ctx) => {
      ctx.workbook.worksheets.getItem('Nope').getRange('A1').values = [[1]];
      await ctx.sync();
    })).rejects.toMatchObject({ code: 'ItemNotFound' });
  });

  it('text starting with "=" is a formula unless the cell is formatted as text first', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [['']]);
    await x.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('S');
      ws.getRange('A1').values = [['=HYPERLINK("http://evil","x")']];
      ws.getRange('A2').numberFormat = [['@']];
      ws.getRange('A2').values = [['=HYPERLINK("http://evil","x")']];
      await ctx.sync();
    });
    expect(x.formula('S', 'A1')).toBe('=HYPERLINK("http://evil","x")');
    expect(x.formula('S', 'A2')).toBeUndefined();
    expect(x.value('S', 'A2')).toBe('=HYPERLINK("http://evil","x")');
  });
});

describe('events', () => {
  const watch = async (x: ReturnType<typeof createExcelFake>) => {
    const got: { worksheetId: string; triggerSource?: string }[] = [];
    await x.run(async (ctx) => {
      ctx.workbook.worksheets.onChanged.add(async (e: Excel.WorksheetChangedEventArgs) => void got.push({ worksheetId: e.worksheetId, triggerSource: e.triggerSource }));
      await ctx.sync();
    });
    return got;
  };
  const write = (x: ReturnType<typeof createExcelFake>, events?: boolean) =>
    x.run(async (ctx) => {
      if (events === false) ctx.runtime.enableEvents = false;
      ctx.workbook.worksheets.getItem('S').getRange('A1').values = [[2]];
      if (events === false) ctx.runtime.enableEvents = true;
      await ctx.sync();
    });

  it('the add-in\'s writes carry triggerSource ThisLocalAddin, the user\'s Unknown (ExcelApi 1.14)', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    const got = await watch(x);
    await write(x);
    x.user.edit('S', 'B2', 5);
    await new Promise((r) => setTimeout(r, 10));
    expect(got.map((g) => g.triggerSource)).toEqual(['ThisLocalAddin', 'Unknown']);
  });

  it('before ExcelApi 1.14 there is no triggerSource: an own write looks like any edit', async () => {
    const x = createExcelFake({ api: 13 });
    x.seedSheet('S', [[1]]);
    const got = await watch(x);
    await write(x);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([{ worksheetId: x.sheet('S')!.id, triggerSource: undefined }]);
  });

  it('no event fires while context.runtime.enableEvents is false', async () => {
    const x = createExcelFake();
    x.seedSheet('S', [[1]]);
    const got = await watch(x);
    await write(x, false);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([]);
    expect(x.value('S', 'A1')).toBe(2);
  });
});

describe('calculation scope and custom functions', () => {
  const meta = {
    functions: [
      { id: 'ECHO', name: 'ECHO', parameters: [{ name: 'x', type: 'string' }], result: { type: 'any' } },
      { id: 'ECHOANY', name: 'ECHOANY', parameters: [{ name: 'x', type: 'any' }], result: { type: 'any' } },
      { id: 'TWICE', name: 'TWICE', parameters: [{ name: 'n', type: 'number' }, { name: 'opt', type: 'number', optional: true }], result: { type: 'number' }, options: { requiresAddress: true } },
      { id: 'FAIL', name: 'FAIL', parameters: [{ name: 'code', type: 'string' }], result: { type: 'number' } },
    ],
  };
  const setup = (opts = {}) => {
    const x = createExcelFake(opts);
    x.customFunctions.register(meta);
    const CF = x.customFunctions.CustomFunctions;
    let runs = 0;
    CF.associate('ECHO', (v: unknown) => v);
    CF.associate('ECHOANY', (v: unknown) => v);
    CF.associate('TWICE', (n: number, opt: unknown, inv: { address?: string }) => (runs++, opt === null && inv.address ? n * 2 : -1));
    CF.associate('FAIL', (code: string) => {
      throw code === 'plain' ? new Error('boom') : new CF.Error(code, code === '#N/A' ? 'why' : undefined);
    });
    return { x, runs: () => runs };
  };

  it('converts an argument to its declared type: a date serial given to a string parameter arrives as "46296"', async () => {
    const { x } = setup();
    x.seedSheet('S', [[46296, '=AILABOR.ECHO(A1)', '=AILABOR.ECHOANY(A1)', '=AILABOR.TWICE("21")', '=AILABOR.TWICE("abc")', '=AILABOR.ECHO(DATE(2026,10,1))']]);
    x.user.fullCalculation();
    await x.settled();
    expect(x.value('S', 'B1')).toBe('46296');
    expect(x.value('S', 'C1')).toBe(46296);
    expect(x.value('S', 'D1')).toBe(42); // numeric text → number; omitted optional → null; address given
    expect(x.value('S', 'E1')).toBe('#VALUE!'); // not convertible: the function is not called
    expect(x.value('S', 'F1')).toBe('46296');
  });

  it('CustomFunctions.Error: a message only with #VALUE! and #N/A; an unhandled error is #VALUE!', async () => {
    const { x } = setup();
    const CF = x.customFunctions.CustomFunctions;
    expect(() => new CF.Error('#DIV/0!', 'no')).toThrow(/only allowed with #VALUE! and #N\/A/);
    expect(new CF.Error('#N/A', 'fine').message).toBe('fine');
    x.seedSheet('S', [['=AILABOR.FAIL("#N/A")', '=AILABOR.FAIL("#DIV/0!")', '=AILABOR.FAIL("plain")', '=AILABOR.NOSUCH(1)']]);
    x.user.fullCalculation();
    await x.settled();
    expect([x.value('S', 'A1'), x.message('S', 'A1')]).toEqual(['#N/A', 'why']);
    expect([x.value('S', 'B1'), x.message('S', 'B1')]).toEqual(['#DIV/0!', undefined]);
    expect(x.value('S', 'C1')).toBe('#VALUE!');
    expect(x.value('S', 'D1')).toBe('#NAME?');
  });

  it('Application.calculate(Full) recalculates every open workbook; Recalculate does not re-run a custom function; Worksheet.calculate(true) only its sheet', async () => {
    const { x, runs } = setup({ otherOpenWorkbooks: 3 });
    x.seedSheet('A', [['=AILABOR.TWICE(1)']]);
    x.seedSheet('B', [['=AILABOR.TWICE(2)']]);
    const calc = (f: (ctx: Excel.RequestContext) => void) => x.run(async (ctx) => { f(ctx); await ctx.sync(); });
    await calc((ctx) => ctx.workbook.application.calculate('Recalculate' as Excel.CalculationType));
    await x.settled();
    expect(runs()).toBe(0);
    await calc((ctx) => ctx.workbook.application.calculate('Full' as Excel.CalculationType));
    await x.settled();
    expect(runs()).toBe(2);
    expect(x.log.calculations.at(-1)).toMatchObject({ scope: 'application', workbooks: 4 });
    await calc((ctx) => ctx.workbook.worksheets.getItem('B').calculate(true));
    await x.settled();
    expect(runs()).toBe(3);
    expect(x.log.calculations.at(-1)).toMatchObject({ scope: 'worksheet', sheet: 'B', workbooks: 1, functionCells: 1 });
  });
});
