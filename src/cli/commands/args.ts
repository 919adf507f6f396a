// Flag parsing shared by the commands: node:util parseArgs, with messages a user can act on.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict parseArgs, plus `--flag a b c` for flags declared `multiple` (the shell's glob expansion gives that
 * form: `--usage logs/*.csv`).
 */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  const expanded: string[] = [];
  let multi: string | null = null;
  for (const a of argv) {
    if (a.startsWith('-')) {
      const name = a.replace(/^--?/, '').split('=')[0];
      multi = !a.includes('=') && options[name]?.multiple ? name : null;
      expanded.push(a);
      if (multi) expanded.push('\u0000pending');
      continue;
    }
    if (multi && expanded[expanded.length - 1] === '\u0000pending') expanded[expanded.length - 1] = a;
    else if (multi) expanded.push(`--${multi}`, a);
    else expanded.push(a);
  }
  const pending = expanded.indexOf('\u0000pending');
  if (pending !== -1) throw new UsageError(`${command}: ${expanded[pending - 1]} needs a value`);
  try {
    return parseArgs({ args: expanded, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /'(-[^' ]+)/.exec(err.message);
    const flag = m ? m[1] : '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${command}: unknown flag ${flag}. Run "${command} --help" for the flags.`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${command}: ${flag || 'a flag'} needs a value`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${command}: unexpected argument ${err.message.match(/'([^']*)'/)?.[1] ?? ''}; every input goes after a flag`);
    throw new UsageError(`${command}: ${err.message}`);
  }
}

export function requirePeriod(command: string, v: string | undefined, flag = '--period'): string {
  if (v === undefined) throw new UsageError(`${command}: ${flag} YYYY-MM is required`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new UsageError(`${command}: ${flag} "${v}" is not a period; expected YYYY-MM such as 2026-10`);
  return v;
}

export function numberFlag(command: string, flag: string, v: string | undefined, def: number, check: (n: number) => boolean, expected: string): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${command}: ${flag} "${v}": expected ${expected}`);
  return n;
}

export const fmt = (n: number) => n.toLocaleString('en-US');
