// The AILABOR.* functions as a HyperFormula plugin (the preview workbook of the workbench, and formula tests).
// HyperFormula evaluates synchronously: ledger-backed functions read `ledgerStore.current()` and give #N/A "loading"
// until the store is filled; after `ledgerStore.set`, call `hf.rebuildAndRecalculate()` (the functions are volatile,
// and a rebuild also re-sizes the spilled COSTTREND/LEDGER results, whose size HyperFormula fixes when it parses them —
// so their arguments must be literals here). Registration: `HyperFormula.registerFunctionPlugin(AilaborPlugin,
// AILABOR_TRANSLATIONS)` before building the instance.
import { ArraySize, CellError, ErrorType, FunctionArgumentType, FunctionPlugin, SimpleRangeValue, type FunctionArgument, type FunctionMetadata, type ImplementedFunctions } from 'hyperformula';
import { FunctionError } from './errors';
import * as C from './calculators';
import * as L from './logic';
import { ledgerStore, type LoadedLedger } from './store';

const S: FunctionArgument = { argumentType: FunctionArgumentType.STRING };
const X: FunctionArgument = { argumentType: FunctionArgumentType.SCALAR };
const N: FunctionArgument = { argumentType: FunctionArgumentType.NUMBER };
const opt = (p: FunctionArgument): FunctionArgument => ({ ...p, optionalArg: true });
const ledgerFn = (method: string, parameters: FunctionArgument[], extra: Partial<FunctionMetadata> = {}): FunctionMetadata => ({ method, parameters, isVolatile: true, ...extra });

const CODE: Record<string, ErrorType> = { invalidValue: ErrorType.VALUE, notAvailable: ErrorType.NA, divisionByZero: ErrorType.DIV_BY_ZERO };
const toCellError = (e: unknown) => new CellError(CODE[(e as { code?: string }).code ?? ''] ?? ErrorType.VALUE, e instanceof Error ? e.message : String(e));

function current(): LoadedLedger {
  const l = ledgerStore.current();
  if (!l) throw new FunctionError('notAvailable', 'The ledger is loading: refresh data in the task pane');
  return l;
}

/** A literal argument of a formula (what HyperFormula knows at parse time), or undefined. */
function literal(ast: { args: { type: string; value?: unknown; value2?: unknown }[] }, i: number): unknown {
  const a = ast.args[i];
  if (!a || a.type === 'EMPTY') return undefined;
  if (a.type === 'STRING' || a.type === 'NUMBER') return a.value;
  throw new Error('not a literal');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export class AilaborPlugin extends FunctionPlugin {
  static override implementedFunctions: ImplementedFunctions = {
    'AILABOR.TOKENCOST': { method: 'tokencost', parameters: [S, N, N, opt(N), opt(N), opt(X), opt(S), opt({ argumentType: FunctionArgumentType.BOOLEAN })] },
    'AILABOR.MODELPRICE': { method: 'modelprice', parameters: [S, opt(S), opt(X), opt(S)] },
    'AILABOR.COSTPEROUTCOME': ledgerFn('costperoutcome', [S, opt(X), opt(S)]),
    'AILABOR.COSTPERWORKITEM': ledgerFn('costperworkitem', [S, opt(X), opt(S)]),
    'AILABOR.TOTALCOST': ledgerFn('totalcost', [S, opt(X), opt(S)]),
    'AILABOR.OUTCOMES': ledgerFn('outcomes', [S, opt(X)]),
    'AILABOR.WORKITEMS': ledgerFn('workitems', [S, opt(X)]),
    'AILABOR.ACCURACY': ledgerFn('accuracy', [S, opt(X)]),
    'AILABOR.REVIEWRATE': ledgerFn('reviewrate', [S, opt(X)]),
    'AILABOR.TARGETVARIANCE': ledgerFn('targetvariance', [S, opt(X), opt({ argumentType: FunctionArgumentType.BOOLEAN })]),
    'AILABOR.SLOSTATUS': ledgerFn('slostatus', [S, opt(X)]),
    'AILABOR.HUMANSAVINGS': ledgerFn('humansavings', [S, opt(X)]),
    'AILABOR.COSTTREND': ledgerFn('costtrend', [S, X, opt(X), opt(S)], { sizeOfResultArrayMethod: 'costtrendSize', vectorizationForbidden: true }),
    'AILABOR.LEDGER': ledgerFn('ledger', [S, opt(X), opt(S)], { sizeOfResultArrayMethod: 'ledgerSize', vectorizationForbidden: true }),
    'AILABOR.PAYBACK': { method: 'payback', parameters: [N, N, N, opt(N)] },
    'AILABOR.MIGRATIONSAVINGS': ledgerFn('migrationsavings', [S, S, N, N, N, opt(N), opt(X)]),
    'AILABOR.PEERBENCHMARK': ledgerFn('peerbenchmark', [S, opt(S)]),
  };

  private run(name: string, ast: any, state: any, f: (...a: any[]) => unknown) {
    return this.runFunction(ast.args, state, this.metadata(name), (...a: unknown[]) => {
      try {
        const v = f(...a.map((x) => (typeof x === 'symbol' ? undefined : x)));
        if (Array.isArray(v)) return SimpleRangeValue.onlyValues(v.map((row: unknown[]) => row.map((x) => (x instanceof Error ? toCellError(x) : x))) as any);
        return v as any;
      } catch (e) {
        return toCellError(e);
      }
    });
  }

  private size(f: () => { rows: number; cols: number }): ArraySize {
    try {
      const { rows, cols } = f();
      return new ArraySize(cols, rows);
    } catch {
      return ArraySize.error();
    }
  }

  tokencost(ast: any, state: any) { return this.run('AILABOR.TOKENCOST', ast, state, (...a) => C.tokenCost(...(a as Parameters<typeof C.tokenCost>))); }
  modelprice(ast: any, state: any) { return this.run('AILABOR.MODELPRICE', ast, state, (...a) => C.modelPrice(...(a as Parameters<typeof C.modelPrice>))); }
  costperoutcome(ast: any, state: any) { return this.run('AILABOR.COSTPEROUTCOME', ast, state, (...a) => L.costPerOutcome(current(), ...(a as [unknown]))); }
  costperworkitem(ast: any, state: any) { return this.run('AILABOR.COSTPERWORKITEM', ast, state, (...a) => L.costPerWorkItem(current(), ...(a as [unknown]))); }
  totalcost(ast: any, state: any) { return this.run('AILABOR.TOTALCOST', ast, state, (...a) => L.totalCost(current(), ...(a as [unknown]))); }
  outcomes(ast: any, state: any) { return this.run('AILABOR.OUTCOMES', ast, state, (...a) => L.outcomes(current(), ...(a as [unknown]))); }
  workitems(ast: any, state: any) { return this.run('AILABOR.WORKITEMS', ast, state, (...a) => L.workItems(current(), ...(a as [unknown]))); }
  accuracy(ast: any, state: any) { return this.run('AILABOR.ACCURACY', ast, state, (...a) => L.accuracy(current(), ...(a as [unknown]))); }
  reviewrate(ast: any, state: any) { return this.run('AILABOR.REVIEWRATE', ast, state, (...a) => L.reviewRate(current(), ...(a as [unknown]))); }
  targetvariance(ast: any, state: any) { return this.run('AILABOR.TARGETVARIANCE', ast, state, (...a) => L.targetVariance(current(), ...(a as [unknown]))); }
  slostatus(ast: any, state: any) { return this.run('AILABOR.SLOSTATUS', ast, state, (...a) => L.sloStatus(current(), ...(a as [unknown]))); }
  humansavings(ast: any, state: any) { return this.run('AILABOR.HUMANSAVINGS', ast, state, (...a) => L.humanSavings(current(), ...(a as [unknown]))); }
  costtrend(ast: any, state: any) { return this.run('AILABOR.COSTTREND', ast, state, (...a) => L.trend(current(), ...(a as [unknown, unknown, unknown]))); }
  costtrendSize(ast: any) { return this.size(() => ({ rows: L.trendSize(current(), literal(ast, 1), literal(ast, 2)), cols: 1 })); }
  ledger(ast: any, state: any) { return this.run('AILABOR.LEDGER', ast, state, (...a) => L.ledger(current(), ...(a as [unknown]))); }
  ledgerSize(ast: any) { return this.size(() => L.ledgerSize(current(), literal(ast, 0), literal(ast, 1), literal(ast, 2))); }
  payback(ast: any, state: any) { return this.run('AILABOR.PAYBACK', ast, state, (...a) => L.payback(...(a as [unknown, unknown, unknown]))); }
  migrationsavings(ast: any, state: any) { return this.run('AILABOR.MIGRATIONSAVINGS', ast, state, (cur, cand, i, o, v, c, d) => L.migrationSavings(L.priceBookOf(ledgerStore.current(), C.currentPriceBook()), cur, cand, i, o, v, c, C.toIsoDate(d))); }
  peerbenchmark(ast: any, state: any) { return this.run('AILABOR.PEERBENCHMARK', ast, state, (...a) => L.peerBenchmark(ledgerStore.current()?.snapshot.benchmarks, ...(a as [unknown]))); }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Translations for registerFunctionPlugin: the English names as they are. */
export const AILABOR_TRANSLATIONS = { enGB: Object.fromEntries(Object.keys(AilaborPlugin.implementedFunctions).map((k) => [k, k])) };
