import { resolve } from 'node:path';
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

/**
 * A file path given on a command's line, read against the folder the user ran the command in: `npm run` starts a
 * script in the project's root and names the user's folder in INIT_CWD, so `npm run import -- residents phones.csv`
 * in a sub-folder means that sub-folder's phones.csv. Run with node itself (no INIT_CWD), the working folder.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD || process.cwd(), path);
}
