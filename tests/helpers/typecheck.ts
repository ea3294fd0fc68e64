/**
 * The type-checks the suite asserts (the project with its examples, and the analysis room's page). Each takes one
 * core for a quarter of a minute, while the suite's own worker leaves the second core mostly idle: so the suite's
 * setup (tests/setup/global.ts) starts them beside the database's seeding when the run will assert them, and the tests
 * that assert them wait for their result. A test whose check was not started (a run of other files that reaches it
 * anyway) runs it then.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Each check's tsconfig. */
export const TYPECHECKS = { project: 'tsconfig.json', app: 'app/tsconfig.json' } as const;
export type Typecheck = keyof typeof TYPECHECKS;

/** Where the background checks write (`<name>.out`, then `<name>.status` once done), and which were started. */
export interface BackgroundTypechecks {
  dir: string;
  started: Typecheck[];
}

/** Starts `tsc --noEmit` for `name`, its output into `dir`; the returned child is for a teardown that finds it running. */
export function startTypecheck(name: Typecheck, dir: string): ReturnType<typeof spawn> {
  const out = openSync(join(dir, `${name}.out`), 'w');
  const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', TYPECHECKS[name]], { stdio: ['ignore', out, out] });
  closeSync(out);
  const done = (status: number | null, error?: string) => {
    if (error) writeFileSync(join(dir, `${name}.out`), error, { flag: 'a' });
    writeFileSync(join(dir, `${name}.status`), String(status ?? -1));
  };
  child.once('error', (e) => done(-1, `${e.message}\n`));
  child.once('exit', (code) => done(code));
  return child;
}

/**
 * Which checks a run of these command-line arguments asserts: both for the whole suite, else those whose test files
 * a file filter names (`vitest run tests/app.test.ts`); a filter that only looks like one costs a spare check, no more.
 */
export function typechecksFor(argv: readonly string[]): Typecheck[] {
  const args = argv.slice(argv.indexOf('run') + 1);
  const filters = args.filter((a, i) => !a.startsWith('-') && !VALUE_FLAGS.has(args[i - 1] ?? ''));
  if (filters.length === 0) return ['project', 'app'];
  return (['project', 'app'] as const).filter((name) => filters.some((f) => f.includes(name === 'project' ? 'examples' : 'app')));
}

/** vitest's options whose value follows them as the next argument (not a file filter). */
const VALUE_FLAGS = new Set(['-t', '--testNamePattern', '--project', '--reporter', '-c', '--config', '-r', '--root', '--maxWorkers']);

/** The check's exit status and output: the background one's when the setup started it, else one run now. */
export async function typecheck(name: Typecheck): Promise<{ status: number; output: string }> {
  const background = inject('typecheck');
  if (background?.started.includes(name)) {
    const status = join(background.dir, `${name}.status`);
    for (let waited = 0; !existsSync(status); waited += 200) {
      if (waited > 600_000) throw new Error(`tsc -p ${TYPECHECKS[name]} started by the suite's setup has not ended in 10 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { status: Number(readFileSync(status, 'utf8')), output: readFileSync(join(background.dir, `${name}.out`), 'utf8') };
  }
  const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', TYPECHECKS[name]], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const status = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return { status, output };
}
