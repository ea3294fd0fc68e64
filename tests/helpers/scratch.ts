import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';

/**
 * Scratch folders in the temp folder that remove themselves, with all that was written in them (the files a test
 * makes, and what the scripts it runs write beside them: an import's `.rejects.csv`, make-residents' `.bad.json`).
 * A run of the suite leaves nothing in the temp folder; tests/structure.test.ts checks that test files make their
 * temp folders only here.
 */

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** A folder for the running test, removed when the test ends, passed or failed. Call it inside a test. */
export function testScratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => remove(dir));
  return dir;
}

/**
 * A folder for the enclosing file or describe block, read with the getter returned: made before the block's first
 * test and removed after its last. Call it at the top of the block, before the block's own hooks: its `beforeAll`
 * then runs first and its `afterAll` last (after a server that writes there has stopped). Made only when the block
 * runs: a block whose tests a filter (`-t`) skips makes none, where one made while the file is collected would stay.
 * `mode`: the folder's permissions, e.g. 0o755 for a PostgreSQL that runs as its own user when the tests run as root.
 */
export function suiteScratch(prefix: string, mode?: number): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    if (mode !== undefined) chmodSync(dir, mode);
  });
  afterAll(() => {
    if (dir) remove(dir);
  });
  return () => {
    if (!dir) throw new Error(`the scratch folder ${prefix}* is made by the block's beforeAll: read it in a hook or a test`);
    return dir;
  };
}
