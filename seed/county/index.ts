import type { MikroORM } from '@mikro-orm/postgresql';
import { DEPARTMENTS, departmentName } from '../../domain/departments.ts';
import type { DemoOptions } from '../options.ts';
import { nativeTransaction } from '../../platform/orm.ts';
import { seedCountyCases } from './cases.ts';

/** Demo departments for every county in scope (the directory load made them, without phones); idempotent. */
export async function seedCountyDemo(orm: MikroORM, scope: readonly string[], refDate: string, options: DemoOptions = {}): Promise<Record<string, number>> {
  return nativeTransaction(orm, async (client) => {
    // Names as dispatches name them (domain/departments.ts departmentName: the county's name and the department's suffix).
    const inScope = await client.query<{ code: string; name: string }>(`select code, name from county where code like any($1::text[])`, [
      scope.map((s) => `${s}%`),
    ]);
    const list = inScope.rows.flatMap((c) => DEPARTMENTS.map(([kind]) => ({ county: c.code, kind, name: departmentName(c.name, kind) })));
    const r = await client.query(
      `insert into department (county_code, kind, name, phone)
       select d.county, d.kind, d.name, '0' || d.county from unnest($1::text[], $2::text[], $3::text[]) as d(county, kind, name)
       on conflict (county_code, kind) do update set phone = excluded.phone where department.phone is null`,
      [list.map((d) => d.county), list.map((d) => d.kind), list.map((d) => d.name)],
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
