/**
 * Loads the division directory (and demo grids) of any provinces, prefectures
 * or counties into the hub, idempotently:
 *   npm run load-divisions -- 62          # all of 甘肃省
 *   npm run load-divisions -- 6230 632223 # a prefecture and a county
 * Works beside a running hub (it reuses the embedded database) or alone.
 */
import { settingsOrExit } from '../platform/settings.ts';
import { divisionName, parseScope } from '../domain/divisions.ts';
import { loadDirectory, migrateAll, prepareDatabases } from './lib/setup.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
let scope: string[];
try {
  scope = parseScope(args);
  // A code of the right shape that names nothing (a typo) would load nothing and say so as a success.
  const unknown = scope.filter((c) => !divisionName(c));
  if (unknown.length) {
    throw new Error(`全国区划目录中没有代码 ${unknown.join('、')}。No division ${unknown.join(', ')} in the national directory.`);
  }
} catch (e) {
  console.error(`${(e as Error).message}\nUsage: npm run load-divisions -- <code> [<code> ...]   e.g. npm run load-divisions -- 62`);
  process.exit(2);
}
const settings = settingsOrExit();
const t0 = performance.now();
const databases = await prepareDatabases(settings);
try {
  await migrateAll(databases.dbs);
  const counts = await loadDirectory(databases.dbs, scope);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `Loaded ${scope.join(', ')} in ${secs} s: ${counts.county.regions} regions, ${counts.county.counties} counties, ` +
      `${counts.township.townships} townships, ${counts.village.villages} villages, ${counts.village.grids} demo grids in all, loaded now or before ` +
      `(the directory has no grids; see the README, "Two commands").`,
  );
} finally {
  await databases.stop();
}
