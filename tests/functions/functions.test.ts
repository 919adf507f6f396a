import { HyperFormula, FunctionPlugin, FunctionArgumentType, CellError, ErrorType } from 'hyperformula';
import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
import * as path from 'path';
import * as fns from '../../src/functions/functions';
import * as C from '../../src/functions/calculators';

const SRC = path.join(__dirname, '../../src/functions/functions.ts');

describe('TOKENCOST / MODELPRICE called directly', () => {
  afterEach(() => fns.setPriceOverrides([]));
  it('prices gpt-4o from the catalog, cached input at the cache price', async () => {
    expect(await fns.tokenCost('gpt-4o', 1_000_000, 1_000_000)).toBeCloseTo(12.5, 10);
    expect(await fns.tokenCost('gpt-4o', 1_000_000, 1_000_000, 500_000)).toBeCloseTo(11.875, 10);
    expect(await fns.modelPrice('gpt-4o')).toBe(2.5);
    expect(await fns.modelPrice('gpt-4o', 'output')).toBe(10);
    expect(await fns.modelPrice('gpt-4o', 'cached_input')).toBe(1.25);
  });
  it('batch halves by default; an Excel serial date is accepted', async () => {
    expect(await fns.tokenCost('gpt-4o', 1_000_000, 0, 0, 0, undefined, 'openai', true)).toBeCloseTo(1.25, 10);
    // 45566 = 2024-10-01
    expect(await fns.tokenCost('gpt-4o', 1_000_000, 0, 0, 0, 45566)).toBeCloseTo(2.5, 10);
  });
  it('an override on the Prices sheet wins', async () => {
    fns.setPriceOverrides([{ provider: '*', model: 'my-model', effective_from: '', input_mtok: 1, output_mtok: 2, cached_input_mtok: null, cache_write_mtok: null, discount_pct: null, batch_multiplier: null, maps_to_model: '', note: '' }]);
    expect(await fns.tokenCost('my-model', 1_000_000, 1_000_000)).toBeCloseTo(3, 10);
  });
  it('unknown model → #N/A naming the Prices sheet; bad tokens and dates → #VALUE! with a message', async () => {
    await expect(fns.tokenCost('no-such-model', 1, 1)).rejects.toThrow(/Prices sheet/);
    await expect(fns.tokenCost('no-such-model', 1, 1)).rejects.toMatchObject({ code: 'notAvailable' });
    await expect(fns.tokenCost('gpt-4o', -1, 1)).rejects.toMatchObject({ code: 'invalidValue', message: expect.stringMatching(/input_tokens/) });
    await expect(fns.tokenCost('gpt-4o', 'abc' as unknown as number, 1)).rejects.toThrow(/input_tokens/);
    await expect(fns.tokenCost('gpt-4o', 10, 1, 20)).rejects.toThrow(/cannot exceed input_tokens/);
    await expect(fns.tokenCost('gpt-4o', 10, 1, 0, 0, 'yesterday')).rejects.toThrow(/date/);
    await expect(fns.modelPrice('gpt-4o', 'bananas')).rejects.toThrow(/token_type/);
  });
});

// The same functions registered in HyperFormula, as an analyst would type them.
class AilaborPlugin extends FunctionPlugin {
  static override implementedFunctions = {
    'AILABOR.TOKENCOST': {
      method: 'tokencost',
      parameters: [
        { argumentType: FunctionArgumentType.STRING },
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER, optionalArg: true, defaultValue: 0 },
        { argumentType: FunctionArgumentType.NUMBER, optionalArg: true, defaultValue: 0 },
        { argumentType: FunctionArgumentType.SCALAR, optionalArg: true, defaultValue: '' },
        { argumentType: FunctionArgumentType.STRING, optionalArg: true, defaultValue: '' },
        { argumentType: FunctionArgumentType.BOOLEAN, optionalArg: true, defaultValue: false },
      ],
    },
    'AILABOR.MODELPRICE': {
      method: 'modelprice',
      parameters: [
        { argumentType: FunctionArgumentType.STRING },
        { argumentType: FunctionArgumentType.STRING, optionalArg: true, defaultValue: 'input' },
        { argumentType: FunctionArgumentType.SCALAR, optionalArg: true, defaultValue: '' },
        { argumentType: FunctionArgumentType.STRING, optionalArg: true, defaultValue: '' },
      ],
    },
  };
  private call(f: () => number) {
    try {
      return f();
    } catch (e) {
      const code = (e as { code?: string }).code === 'notAvailable' ? ErrorType.NA : ErrorType.VALUE;
      return new CellError(code, (e as Error).message);
    }
  }
  tokencost(ast: any, state: any) {
    return this.runFunction(ast.args, state, this.metadata('AILABOR.TOKENCOST'), (...a: unknown[]) =>
      this.call(() => C.tokenCost(...(a as Parameters<typeof C.tokenCost>))),
    );
  }
  modelprice(ast: any, state: any) {
    return this.runFunction(ast.args, state, this.metadata('AILABOR.MODELPRICE'), (...a: unknown[]) =>
      this.call(() => C.modelPrice(...(a as Parameters<typeof C.modelPrice>))),
    );
  }
}

describe('as formulas in HyperFormula', () => {
  HyperFormula.registerFunctionPlugin(AilaborPlugin, { enGB: { 'AILABOR.TOKENCOST': 'AILABOR.TOKENCOST', 'AILABOR.MODELPRICE': 'AILABOR.MODELPRICE' } });
  const hf = HyperFormula.buildFromArray(
    [
      ['=AILABOR.TOKENCOST("gpt-4o",1000000,1000000)'],
      ['=AILABOR.TOKENCOST("gpt-4o",1000000,1000000,500000)'],
      ['=AILABOR.MODELPRICE("gpt-4o","output")'],
      ['=AILABOR.TOKENCOST("nope",1,1)'],
      ['=AILABOR.TOKENCOST("gpt-4o",-5,1)'],
      ['=ROUND(AILABOR.TOKENCOST("gpt-4o",1000000,0)*2,2)'],
    ],
    { licenseKey: 'gpl-v3' },
  );
  it('evaluates the playbook examples', () => {
    expect(hf.getCellValue({ sheet: 0, row: 0, col: 0 })).toBeCloseTo(12.5, 10);
    expect(hf.getCellValue({ sheet: 0, row: 1, col: 0 })).toBeCloseTo(11.875, 10);
    expect(hf.getCellValue({ sheet: 0, row: 2, col: 0 })).toBe(10);
    expect(hf.getCellValue({ sheet: 0, row: 5, col: 0 })).toBe(5);
  });
  it('gives #N/A and #VALUE! with messages, never a number', () => {
    const na = hf.getCellValue({ sheet: 0, row: 3, col: 0 }) as { type: string; message: string };
    expect(na.type).toBe('NA');
    expect(na.message).toMatch(/Prices sheet/);
    const bad = hf.getCellValue({ sheet: 0, row: 4, col: 0 }) as { type: string; message: string };
    expect(bad.type).toBe('VALUE');
    expect(bad.message).toMatch(/input_tokens/);
  });
});

describe('functions.json parity', () => {
  // Excel name → [export, function, optional parameters]
  const expected: Record<string, [string, (...a: never[]) => unknown, string[]]> = {
    TOKENCOST: ['tokenCost', fns.tokenCost, ['cached_input_tokens', 'cache_write_tokens', 'date', 'provider', 'batch']],
    MODELPRICE: ['modelPrice', fns.modelPrice, ['token_type', 'date', 'provider']],
    COSTPEROUTCOME: ['costPerOutcome', fns.costPerOutcome, ['period', 'component']],
    COSTPERWORKITEM: ['costPerWorkItem', fns.costPerWorkItem, ['period', 'component']],
    TOTALCOST: ['totalCost', fns.totalCost, ['period', 'component']],
    OUTCOMES: ['outcomes', fns.outcomes, ['period']],
    WORKITEMS: ['workItems', fns.workItems, ['period']],
    ACCURACY: ['accuracy', fns.accuracy, ['period']],
    REVIEWRATE: ['reviewRate', fns.reviewRate, ['period']],
    TARGETVARIANCE: ['targetVariance', fns.targetVariance, ['period', 'as_percent']],
    SLOSTATUS: ['sloStatus', fns.sloStatus, ['period']],
    HUMANSAVINGS: ['humanSavings', fns.humanSavings, ['period']],
    COSTTREND: ['costTrend', fns.costTrend, ['to_period', 'metric']],
    LEDGER: ['ledger', fns.ledger, ['period', 'columns']],
    PAYBACK: ['payback', fns.payback, ['parallel_run_months']],
    MIGRATIONSAVINGS: ['migrationSavings', fns.migrationSavings, ['cached_input_tokens_per_unit', 'date']],
    PEERBENCHMARK: ['peerBenchmark', fns.peerBenchmark, ['bound']],
  };
  it('lists each exported function with the parameters of its signature, optional ones marked, and a description', async () => {
    const result = await generateCustomFunctionsMetadata(SRC, false);
    expect(result.errors).toEqual([]);
    const meta = JSON.parse(result.metadataJson) as { functions: { id: string; name: string; description?: string; parameters: { name: string; optional?: boolean; description?: string }[]; result: { dimensionality?: string } }[] };
    const byId = new Map(meta.functions.map((f) => [f.id, f]));
    for (const [id, [exportName, fn, optional]] of Object.entries(expected)) {
      const m = byId.get(id);
      expect(m).toBeDefined();
      expect(m!.name).toBe(id);
      expect(m!.description).toBeTruthy();
      const src = fn.toString();
      // the last parameter `invocation` is Excel's CustomFunctions.Invocation (@requiresAddress), not an argument
      const params = src.slice(src.indexOf('(') + 1, src.indexOf(')')).split(',').map((p) => p.trim().split(/[\s=:]/)[0]).filter((p) => p && p !== 'invocation');
      expect(m!.parameters.map((p) => p.name)).toEqual(params);
      expect(m!.parameters.filter((p) => p.optional).map((p) => p.name)).toEqual(optional);
      for (const p of m!.parameters) expect(p.description).toBeTruthy();
      expect((fns as Record<string, unknown>)[exportName]).toBe(fn);
    }
    expect(byId.get('COSTTREND')!.result.dimensionality).toBe('matrix');
    // Excel's built-in TREND must not be shadowed (docs "Custom functions naming and localization")
    expect(byId.has('TREND')).toBe(false);
    expect(meta.functions.map((f) => f.name)).not.toContain('TREND');
    expect(byId.get('LEDGER')!.result.dimensionality).toBe('matrix');
    expect(meta.functions.map((f) => f.id).sort()).toEqual(Object.keys(expected).sort());
  });
});
