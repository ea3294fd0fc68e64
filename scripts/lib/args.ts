import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command's arguments (node:util parseArgs over what npm passes after `--`),
 * with the usage printed for `--help` / `-h` (exit 0) and for an option the
 * command does not know (exit 2, with what was wrong), instead of a stack trace.
 */
export function commandArgs<O extends NonNullable<ParseArgsConfig['options']>>(command: string, usage: string, options: O, allowPositionals = false) {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    console.error(`${command}: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
