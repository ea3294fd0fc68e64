/**
 * Applies the subgraphs' pending migrations (as the owner role), then exits: every level's, or those named
 * (`npm run migrate -- village`), for a host that holds one level's database URLs only (docs/deploy.md §2).
 */
import { settingsOrExit, SUBGRAPHS, type SubgraphName } from '../platform/settings.ts';
import { DatabaseConnectError, migrateAll, prepareDatabases } from './lib/setup.ts';

const named = process.argv.slice(2);
const unknown = named.filter((n) => !(SUBGRAPHS as readonly string[]).includes(n));
if (unknown.length) {
  console.error(`npm run migrate -- [${SUBGRAPHS.join('|')} ...]：未知的层级 unknown level ${unknown.join(', ')}`);
  process.exit(2);
}
const settings = settingsOrExit();
const databases = await prepareDatabases(settings);
try {
  const applied = await migrateAll(databases.dbs, named.length ? (named as SubgraphName[]) : undefined);
  for (const [name, list] of Object.entries(applied)) console.log(`${name}: ${list.length ? list.join(', ') : 'up to date'}`);
} catch (e) {
  if (!(e instanceof DatabaseConnectError)) throw e;
  console.error(`[migrate] ${e.said.zh}\n[migrate] ${e.said.en}`);
  process.exitCode = 2;
} finally {
  await databases.stop();
}
