// Errors of the AILABOR.* functions: in Excel a CustomFunctions.Error (#VALUE!, #N/A with our message; #DIV/0! takes
// no message there), elsewhere (tests, HyperFormula, Node) a FunctionError carrying the same code and message.

export type FunctionErrorCode = 'invalidValue' | 'notAvailable' | 'divisionByZero';

/** An error Excel shows as #VALUE! / #N/A / #DIV/0! with our message; outside Excel (tests, HyperFormula) a plain Error with `code`. */
export class FunctionError extends Error {
  constructor(
    readonly code: FunctionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Custom messages are only allowed on #VALUE! and #N/A (CustomFunctions.ErrorCode docs). */
const TAKES_MESSAGE: Record<FunctionErrorCode, boolean> = { invalidValue: true, notAvailable: true, divisionByZero: false };

/** The error as a value (an element of a returned matrix). */
export function errorValue(code: FunctionErrorCode, message: string): Error {
  const CF = (globalThis as { CustomFunctions?: typeof CustomFunctions }).CustomFunctions;
  if (CF?.Error) return (TAKES_MESSAGE[code] ? new CF.Error(CF.ErrorCode[code], message) : new CF.Error(CF.ErrorCode[code])) as unknown as Error;
  return new FunctionError(code, message);
}

export function fail(code: FunctionErrorCode, message: string): never {
  throw errorValue(code, message);
}
