// The number format an AILABOR.* result shows with in a cell that has none of its own, so the workbench shows
// "$1.28" rather than 1.28187747, as an analyst would format it. (In Excel a custom function returns a bare number:
// a formatted result needs Excel's data types for custom functions — see README — so this is the workbench's.)
import { FMT } from '../../workbook/styles';

const MONEY = FMT.money;
const PRICE = '$#,##0.00##';
const COUNT = FMT.int;
const RATIO = FMT.pct;

const BY_METRIC: Record<string, string> = { outcomes: COUNT, work_items: COUNT, accuracy: RATIO, review_rate: RATIO };

/** Arguments of the call starting at `open` (the index of its "("), split at top-level commas; string quotes kept. */
function callArgs(f: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  for (let i = open + 1; i < f.length; i++) {
    const ch = f[i];
    if (inStr) {
      cur += ch;
      if (ch === '"') {
        if (f[i + 1] === '"') cur += f[++i];
        else inStr = false;
      }
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) {
        args.push(cur.trim());
        return args;
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  args.push(cur.trim());
  return args;
}

const unquote = (a: string | undefined) => (a ?? '').replace(/^"(.*)"$/, '$1').toLowerCase();

/** The format for the first AILABOR.* function of a formula ("=AILABOR.COSTPEROUTCOME(…)"), or undefined. */
export function functionResultFormat(formula: string | undefined): string | undefined {
  if (!formula) return undefined;
  const m = /AILABOR\.([A-Z]+)\s*\(/i.exec(formula);
  if (!m) return undefined;
  const name = m[1].toUpperCase();
  const args = () => callArgs(formula, m.index + m[0].length - 1);
  switch (name) {
    case 'COSTPEROUTCOME':
    case 'COSTPERWORKITEM':
    case 'TOTALCOST':
    case 'HUMANSAVINGS':
      return MONEY;
    case 'TOKENCOST':
    case 'MODELPRICE':
      return PRICE;
    case 'OUTCOMES':
    case 'WORKITEMS':
      return COUNT;
    case 'ACCURACY':
    case 'REVIEWRATE':
      return RATIO;
    case 'TARGETVARIANCE':
      return /^(true|1)$/i.test(args()[2] ?? '') ? RATIO : MONEY;
    case 'TREND':
    case 'COSTTREND':
      return BY_METRIC[unquote(args()[3])] ?? MONEY;
    default:
      return undefined;
  }
}
