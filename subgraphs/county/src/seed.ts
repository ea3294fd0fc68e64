import type { MikroORM } from '@mikro-orm/postgresql';
import { nativeTransaction } from '../../shared/orm.ts';

/** The county departments a township's 吹哨 calls on (kind, name suffix). */
export const DEPARTMENTS: readonly (readonly [string, string])[] = [
  ['HOUSING', '住房和城乡建设局'],
  ['POLICE', '公安局'],
  ['NATURAL_RESOURCES', '自然资源局'],
  ['CIVIL_AFFAIRS', '民政局'],
  ['COURT', '人民法院'],
  ['JUSTICE', '司法局'],
  ['HUMAN_RESOURCES', '人力资源和社会保障局'],
  ['AGRICULTURE', '农业农村局'],
  ['FORESTRY_GRASSLAND', '林业和草原局'],
  ['ECOLOGY_ENVIRONMENT', '生态环境局'],
  ['HEALTH', '卫生健康局'],
  ['TRANSPORT', '交通运输局'],
  ['EDUCATION', '教育局'],
  ['MARKET_REGULATION', '市场监督管理局'],
  ['EMERGENCY', '应急管理局'],
  ['PETITIONS', '信访局'],
];

/** Demo departments for every county in scope; idempotent. */
export async function seedCountyDemo(orm: MikroORM, scope: readonly string[]): Promise<Record<string, number>> {
  return nativeTransaction(orm, async (client) => {
    const r = await client.query(
      `insert into department (county_code, kind, name, phone)
       select c.code, d.kind, c.name || d.suffix, '0' || c.code
         from county c cross join unnest($2::text[], $3::text[]) as d(kind, suffix)
        where c.code like any($1::text[])
       on conflict (county_code, kind) do nothing`,
      [scope.map((s) => `${s}%`), DEPARTMENTS.map((d) => d[0]), DEPARTMENTS.map((d) => d[1])],
    );
    return { departments: r.rowCount ?? 0 };
  });
}
