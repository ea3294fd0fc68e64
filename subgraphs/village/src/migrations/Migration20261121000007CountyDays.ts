import { Migration } from '@mikro-orm/migrations';

/**
 * Per-county daily figures, derived from the per-village ones whenever those
 * are refreshed: a province-wide year of patrols or disputes then sums 88 × 365
 * rows instead of half a million.
 */
/** The figures of a day roll-up row (village_day_rollup, county_day_rollup), after its code and day. */
export const FIGURES = [
  'patrols',
  'patrol_seconds',
  'hazards_found',
  'hazards_rectified',
  'reported',
  'resolved',
  'at_village',
  'at_township',
  'at_county',
  'to_township',
  'to_county',
  'on_time',
  'rated',
  'satisfied',
];

export class Migration20261121000007CountyDays extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table county_day_rollup (like village_day_rollup)`,
      `alter table county_day_rollup rename column village_code to county_code`,
      `alter table county_day_rollup add primary key (county_code, day)`,
      `create function refresh_county_days(cs text[]) returns void language sql security definer set search_path = public as $$
        delete from county_day_rollup where county_code = any(cs);
        insert into county_day_rollup (county_code, day, ${FIGURES.join(', ')})
        select left(village_code, 6), day, ${FIGURES.map((f) => `sum(${f})`).join(', ')}
          from unnest(cs) as c(code) join village_day_rollup on village_code >= c.code and village_code < c.code || ':' group by 1, 2
      $$`,
      `alter function refresh_village_days(text[]) rename to refresh_village_days_only`,
      `create function refresh_village_days(vs text[]) returns void language sql security definer set search_path = public as $$
        select refresh_village_days_only(vs);
        select refresh_county_days(array(select distinct left(v, 6) from unnest(vs) as v));
      $$`,
      `select refresh_county_days(array(select distinct county_code from village))`,
      `analyze village_rollup, village_day_rollup, county_day_rollup`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
