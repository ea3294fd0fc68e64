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
    // With no ID numbers in the person table yet (a first seed), the ID numbers seeded are kept here, and each county's
    // clashes with those before it are found in this set instead of by a query over all its residents' numbers.
    const none = await client.query<{ none: boolean }>('select not exists (select 1 from person where id_number is not null) as none');
    const idNumbers = none.rows[0]!.none ? new Set<string>() : undefined;
    await withoutConstraints(client, REGISTRY_TABLES, async () => {
      for (const { code } of r.rows) {
        for (const [k, v] of Object.entries(await seedCountyRegistry(client, code, refDate, options.scale, idNumbers))) totals[k] = (totals[k] ?? 0) + v;
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
