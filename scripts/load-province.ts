/**
 * Province scale: loads a whole province's directory and generates
 * deterministic synthetic facts for it at a tenth or more of real scale
 * (for 甘肃 62: about 2.5 million residents with their households, houses,
 * forces and patrols, and about 100,000 disputes over the demo year).
 *   npm run load-province -- 62 [--scale 0.15] [--disputes-per-village 5.7]
 * Counties that already have demo data (the seed counties) keep theirs.
 */
import { settingsOrExit } from '../platform/settings.ts';
import { parseScope } from '../domain/divisions.ts';
import { commandArgs } from './lib/args.ts';
import { loadDirectory, migrateAll, prepareDatabases, seedDemo } from './lib/setup.ts';

const { values, positionals } = commandArgs(
  'npm run load-province',
  'npm run load-province -- <province code, e.g. 62> [--scale 0.15] [--disputes-per-village 5.7]',
  { scale: { type: 'string', default: '0.15' }, 'disputes-per-village': { type: 'string', default: '5.7' } },
  true,
);
const scale = Number(values.scale);
const disputesPerVillage = Number(values['disputes-per-village']);
let scope: string[];
try {
  scope = parseScope(positionals);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be more than 0 and at most 1');
  if (!(disputesPerVillage >= 0 && disputesPerVillage <= 100)) throw new Error('--disputes-per-village must be from 0 to 100');
} catch (e) {
  console.error(`${(e as Error).message}\nUsage: npm run load-province -- <province code> [--scale 0.15] [--disputes-per-village 5.7]`);
  process.exit(2);
}
const settings = settingsOrExit();
const t0 = performance.now();
const databases = await prepareDatabases(settings);
try {
  await migrateAll(databases.dbs);
  const dir = await loadDirectory(databases.dbs, scope);
  console.log(
    `Directory: ${dir.county.counties} counties, ${dir.township.townships} townships, ${dir.village.villages} villages (${((performance.now() - t0) / 1000).toFixed(1)} s).`,
  );
  const demo = await seedDemo(databases.dbs, scope, settings.demoDate, { scale, disputesPerVillage });
  console.log(`Demo facts: ${JSON.stringify({ ...demo.village, townshipCases: demo.township.cases, countyCases: demo.county.cases })}`);
  console.log(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
} finally {
  await databases.stop();
}
