import type pg from 'pg';
import { COUNTS } from '../../subgraphs/village/src/migrations/Migration20261203000031CountyRollup.ts';

/**
 * The county's row of county_rollup where it differs from the sums of its
 * villages' village_rollup rows (every count, and the tag counts merged), or
 * is missing; no row when they agree. One statement, so one snapshot.
 */
export async function countyRollupDrift(db: Pick<pg.Client, 'query'>, county: string): Promise<unknown[]> {
  const { rows } = await db.query(
    `with v as (select ${COUNTS.map((x) => `sum(${x})::bigint as ${x}`).join(', ')},
                       (select coalesce(jsonb_object_agg(key, n), '{}') from (select e.key, sum(e.value::bigint) as n from village_rollup r, jsonb_each_text(r.tags) e
                                where left(r.village_code, 6) = $1 group by 1) x) as tags
                  from village_rollup where left(village_code, 6) = $1)
     select $1 as county, c.residents from v left join county_rollup c on c.county_code = $1
      where c.county_code is null or (${COUNTS.map((x) => `v.${x}`).join(', ')}, v.tags) is distinct from (${COUNTS.map((x) => `c.${x}::bigint`).join(', ')}, c.tags)`,
    [county],
  );
  return rows;
}
