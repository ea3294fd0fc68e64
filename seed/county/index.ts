import type { MikroORM } from '@mikro-orm/postgresql';
import { DEPARTMENTS } from '../../domain/departments.ts';
import type { DemoOptions } from '../options.ts';
import { nativeTransaction } from '../../platform/orm.ts';
import { seedCountyCases } from './cases.ts';

/** Demo departments for every county in scope; idempotent. */
export async function seedCountyDemo(orm: MikroORM, scope: readonly string[], refDate: string, options: DemoOptions = {}): Promise<Record<string, number>> {
  return nativeTransaction(orm, async (client) => {
    const r = await client.query(
      `insert into department (county_code, kind, name, phone)
       select c.code, d.kind, c.name || d.suffix, '0' || c.code
         from county c cross join unnest($2::text[], $3::text[]) as d(kind, suffix)
        where c.code like any($1::text[])
       on conflict (county_code, kind) do nothing`,
      [scope.map((s) => `${s}%`), DEPARTMENTS.map((d) => d[0]), DEPARTMENTS.map((d) => d[1])],
    );
    let cases = 0;
    const counties = await client.query<{ code: string }>(
      `select code from county c where code like any($1::text[]) and not exists (select 1 from county_case x where x.county_code = c.code)`,
      [scope.map((s) => `${s}%`)],
    );
    for (const { code } of counties.rows) cases += await seedCountyCases(client, code, refDate, options.disputesPerVillage);
    return { departments: r.rowCount ?? 0, cases };
  });
}
