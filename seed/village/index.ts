import type { MikroORM } from '@mikro-orm/postgresql';
import { withoutConstraints } from '../../platform/bulk.ts';
import type { DemoOptions } from '../options.ts';
import { nativeTransaction } from '../../platform/orm.ts';
import { seedCountyDisputes } from './disputes.ts';
import { REGISTRY_TABLES, resetRegistryIdentities, seedCountyRegistry } from './registry.ts';

/**
 * Demo registry for every county in scope that has none yet, in one
 * transaction: all of it lands or none.
 */
export async function seedVillageDemo(orm: MikroORM, scope: readonly string[], refDate: string, options: DemoOptions = {}): Promise<Record<string, number>> {
  return nativeTransaction(orm, async (client) => {
    const r = await client.query<{ code: string }>(
      // The counties with no residents yet. Probed through person's (village_code, id) index by code range
      // (':' sorts after the digits): as "person.county_code = …" the planner, with no statistics on a fresh
      // directory, chose a nested loop that scanned all of person once per village (12 minutes and counting).
      `select c.code from (select distinct county_code as code from village where county_code like any($1::text[])) c
        where not exists (select 1 from person p where p.village_code >= c.code and p.village_code < c.code || ':')
        order by 1`,
      [scope.map((s) => `${s}%`)],
    );
    const totals: Record<string, number> = {};
    if (!r.rows.length) return totals;
    // Roll-ups are refreshed once at the end, not per bulk statement.
    await client.query(`set local hub.skip_rollup = 'on'`);
    await client.query(`set local hub.skip_changes = 'on'`);
    await withoutConstraints(client, REGISTRY_TABLES, async () => {
      for (const { code } of r.rows) {
        for (const [k, v] of Object.entries(await seedCountyRegistry(client, code, refDate, options.scale))) totals[k] = (totals[k] ?? 0) + v;
      }
    });
    for (const { code } of r.rows) totals.disputes = (totals.disputes ?? 0) + (await seedCountyDisputes(client, code, refDate, options.disputesPerVillage));
    await resetRegistryIdentities(client);
    await client.query(`set local hub.skip_rollup = 'off'`);
    const counties = r.rows.map((x) => x.code);
    await client.query('select refresh_village_rollup(array(select code from village where county_code = any($1)))', [counties]);
    await client.query('select refresh_village_days(array(select code from village where county_code = any($1)))', [counties]);
    // Fresh statistics for the planner after a bulk load (autovacuum would get there later).
    await client.query('analyze village_rollup, village_day_rollup, county_day_rollup');
    return totals;
  });
}
