// `npm run ledger -- <command>` / `ai-labor-ledger <command>`.
import { commands, type CliIO } from './commands';
import pkg from '../../package.json';

const nodeIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export function helpText(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const list = commands.length
    ? commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')
    : '  (none yet)';
  return `ai-labor-ledger ${pkg.version} — fully loaded cost per outcome of AI agents

Usage: ai-labor-ledger <command> [options]
       npm run ledger -- <command> [options]

Commands:
${list}

Options:
  --help      show this help (or <command> --help for a command's options)
  --version   print the version
`;
}

export async function main(argv: string[], io: CliIO = nodeIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(helpText());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(pkg.version);
    return 0;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    io.err(`Unknown command "${first}". Run with --help to see the commands.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage);
    return 0;
  }
  return cmd.run(rest, io);
}
