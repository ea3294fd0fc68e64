/**
 * The bulk registry path (generator + COPY with constraints off) for one
 * county not otherwise loaded, inside a transaction that is rolled back:
 * residents per second. Run by `npm run bench -- bulk`.
 */
import pg from 'pg';
import { withoutConstraints } from '../../platform/bulk.ts';
import { settingsOrExit } from '../../platform/settings.ts';
import { insertVillageDirectory } from '../../subgraphs/village/src/directory.ts';
import { REGISTRY_TABLES, seedCountyRegistry } from '../../seed/village/registry.ts';
import { ownerUrl } from './db.ts';

const settings = settingsOrExit();
const COUNTY = '130123'; // 正定县, 河北: not part of the demo data
// One pooled connection: the loaders take a PoolClient.
const pool = new pg.Pool({ connectionString: ownerUrl(settings, 'village'), max: 1 });
const c = await pool.connect();
await c.query('begin');
try {
  await c.query(`set local hub.skip_rollup = 'on'`);
  await c.query(`set local hub.skip_changes = 'on'`);
  await insertVillageDirectory(c, [COUNTY]);
  let loadMs = 0;
  let residents = 0;
  const t0 = performance.now();
  await withoutConstraints(c, REGISTRY_TABLES, async () => {
    const t1 = performance.now();
    residents = (await seedCountyRegistry(c, COUNTY, settings.demoDate)).residents;
    loadMs = performance.now() - t1;
  });
  const totalMs = performance.now() - t0;
  console.log('| phase | residents | seconds | residents/s |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| generate + COPY (all registry tables of ${COUNTY}) | ${residents} | ${(loadMs / 1000).toFixed(2)} | ${Math.round(residents / (loadMs / 1000))} |`);
  console.log(`| the same plus rebuilding every registry index and foreign key over the whole database | ${residents} | ${(totalMs / 1000).toFixed(2)} | ${Math.round(residents / (totalMs / 1000))} |`);
} finally {
  await c.query('rollback');
  c.release();
  await pool.end();
}
