// Each command is one module; main.ts only dispatches.
export interface Command {
  name: string;
  /** one line for --help */
  summary: string;
  /** full usage text for `<command> --help` */
  usage: string;
  /** returns the process exit code */
  run(argv: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

import { demoCommand } from './demo';
import { buildCommand } from './build';
import { pullCommand } from './pull';
import { serveCommand } from './serve';
import { reportCommand } from './report';

export const commands: Command[] = [demoCommand, buildCommand, pullCommand, serveCommand, reportCommand];
