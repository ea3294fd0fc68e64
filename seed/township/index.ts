import type { MikroORM } from '@mikro-orm/postgresql';
import type { DemoOptions } from '../options.ts';
import { nativeTransaction } from '../../platform/orm.ts';
import { seedTownshipCases } from './cases.ts';

/**
 * Demo township forces for every township in scope; idempotent. Every
 * township has its 综治中心, 司法所, 派出所 and mediation centre; about a third
 * host a court liaison point; each has a militia squad and a 联防联控 team.
 */
export async function seedTownshipDemo(orm: MikroORM, scope: readonly string[], refDate: string, options: DemoOptions = {}): Promise<Record<string, number>> {
  return nativeTransaction(orm, async (client) => {
    const patterns = scope.map((s) => `${s}%`);
    const agencies = await client.query(
      `insert into township_agency (township_code, county_code, kind, name, phone, staff)
       select t.code, t.county_code, a.kind, t.name || a.suffix, '0' || t.code, a.staff + (hashtext(t.code || a.kind) & 7)
         from township t
         cross join (values ('GOVERNANCE_CENTER', '综治中心', 4), ('JUDICIAL_OFFICE', '司法所', 2),
                            ('POLICE_STATION', '派出所', 6), ('MEDIATION_CENTER', '矛盾纠纷调解中心', 3),
                            ('COURT_LIAISON', '法庭联络点', 1)) as a(kind, suffix, staff)
        where t.code like any($1::text[]) and (a.kind <> 'COURT_LIAISON' or (hashtext(t.code) & 3) = 0)
       on conflict (township_code, kind) do nothing`,
      [patterns],
    );
    const existing = await client.query(`select 1 from township_team where township_code like any($1::text[]) limit 1`, [patterns]);
    let teams = 0;
    if (!existing.rowCount) {
      const r = await client.query(
        `insert into township_team (township_code, county_code, kind, name, members)
         select t.code, t.county_code, k.kind, t.name || k.suffix, k.base + (hashtext(t.code || k.kind) & 15)
           from township t cross join (values ('MILITIA', '民兵应急分队', 20), ('JOINT_PREVENTION_CONTROL', '联防联控队', 10)) as k(kind, suffix, base)
          where t.code like any($1::text[])`,
        [patterns],
      );
      teams = r.rowCount ?? 0;
    }
    // Demo disputes escalated to townships, for counties that have none yet.
    let cases = 0;
    const counties = await client.query<{ code: string }>(
      `select distinct county_code as code from township t where code like any($1::text[]) and not exists (select 1 from township_case c where c.county_code = t.county_code)`,
      [patterns],
    );
    for (const { code } of counties.rows) cases += await seedTownshipCases(client, code, refDate, options.disputesPerVillage);
    return { agencies: agencies.rowCount ?? 0, teams, cases };
  });
}
