import { Migration } from '@mikro-orm/migrations';
import { FIGURES } from './Migration20261121000007CountyDays.ts';

/**
 * Writes refresh only the (village, day) and (county, day) roll-up rows they
 * touch, not every day of the village and county: reporting a dispute
 * recomputes one village-day and one county-day.
 */
const PAIRS: Record<string, (rows: string) => string> = {
  patrol: (r) => `select village_code, hub_day(started_at) from ${r}`,
  hazard: (r) =>
    `select village_code, hub_day(reported_at) from ${r} union select village_code, hub_day(rectified_at) from ${r} where rectified_at is not null`,
  dispute: (r) => `select village_code, hub_day(reported_at) from ${r}`,
};

export class Migration20261121000008DayPairs extends Migration {
  override async up(): Promise<void> {
    const zero = (n: number) => Array(n).fill('0').join(', ');
    const sql = [
      `create function hub_day(ts timestamptz) returns date language sql immutable as $$ select ((ts at time zone 'UTC') + interval '8 hours')::date $$`,
      `create function hub_day_start(d date) returns timestamptz language sql immutable as $$ select (d::timestamp - interval '8 hours') at time zone 'UTC' $$`,
      `create function refresh_day_pairs(vs text[], ds date[]) returns void language sql security definer set search_path = public as $$
        delete from village_day_rollup r using unnest(vs, ds) as x(v, d) where r.village_code = x.v and r.day = x.d;
        insert into village_day_rollup (village_code, day, ${FIGURES.join(', ')})
        select v, d, ${FIGURES.map((f) => `sum(${f})`).join(', ')} from (
          select x.v, x.d, count(p.id) as patrols, coalesce(sum(extract(epoch from p.ended_at - p.started_at)), 0)::bigint as patrol_seconds,
                 ${FIGURES.slice(2)
                   .map((f) => `0 as ${f}`)
                   .join(', ')}
            from (select distinct v, d from unnest(vs, ds) as x(v, d)) x
            left join patrol p on p.village_code = x.v and p.started_at >= hub_day_start(x.d) and p.started_at < hub_day_start(x.d + 1)
           group by 1, 2
          union all
          select x.v, x.d, 0, 0, count(h.id), 0, ${zero(10)} from (select distinct v, d from unnest(vs, ds) as x(v, d)) x
            join hazard h on h.village_code = x.v and h.source = 'PATROL' and h.reported_at >= hub_day_start(x.d) and h.reported_at < hub_day_start(x.d + 1) group by 1, 2
          union all
          select x.v, x.d, 0, 0, 0, count(h.id), ${zero(10)} from (select distinct v, d from unnest(vs, ds) as x(v, d)) x
            join hazard h on h.village_code = x.v and h.source = 'PATROL' and h.rectified_at >= hub_day_start(x.d) and h.rectified_at < hub_day_start(x.d + 1) group by 1, 2
          union all
          select x.v, x.d, 0, 0, 0, 0, count(*), count(*) filter (where r), count(*) filter (where r and resolved_level = 'VILLAGE'),
                 count(*) filter (where r and resolved_level = 'TOWNSHIP'), count(*) filter (where r and resolved_level = 'COUNTY'),
                 count(escalated_to_township_at), count(escalated_to_county_at), count(*) filter (where r and resolved_at <= settle_by),
                 count(rating), count(*) filter (where rating in ('SATISFIED', 'BASICALLY_SATISFIED'))
            from (select distinct v, d from unnest(vs, ds) as x(v, d)) x
            join (select *, status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP') as r from dispute) dd
              on dd.village_code = x.v and dd.reported_at >= hub_day_start(x.d) and dd.reported_at < hub_day_start(x.d + 1) group by 1, 2
        ) y group by 1, 2 having ${FIGURES.map((f) => `sum(${f})`).join(' + ')} > 0;
        delete from county_day_rollup r using (select distinct left(v, 6) as c, d from unnest(vs, ds) as x(v, d)) x where r.county_code = x.c and r.day = x.d;
        insert into county_day_rollup (county_code, day, ${FIGURES.join(', ')})
        select x.c, x.d, ${FIGURES.map((f) => `sum(r.${f})`).join(', ')}
          from (select distinct left(v, 6) as c, d from unnest(vs, ds) as x(v, d)) x
          join village_day_rollup r on r.village_code >= x.c and r.village_code < x.c || ':' and r.day = x.d
         group by 1, 2 having ${FIGURES.map((f) => `sum(r.${f})`).join(' + ')} > 0
      $$`,
    ];
    for (const [table, pairs] of Object.entries(PAIRS)) {
      for (const op of ['insert', 'update', 'delete'] as const) {
        const rows = op === 'insert' ? pairs('new_rows') : op === 'delete' ? pairs('old_rows') : `${pairs('new_rows')} union ${pairs('old_rows')}`;
        sql.push(`create function ${table}_day_pairs_on_${op}() returns trigger language plpgsql as $$
          declare vs text[]; ds date[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            select array_agg(p.v), array_agg(p.d) into vs, ds from (select distinct * from (${rows}) q(v, d)) p;
            if vs is not null then perform refresh_day_pairs(vs, ds); end if;
            return null;
          end $$`);
      }
      sql.push(`drop trigger ${table}_rollup_ins on ${table}`, `drop trigger ${table}_rollup_upd on ${table}`, `drop trigger ${table}_rollup_del on ${table}`);
      sql.push(
        `create trigger ${table}_rollup_ins after insert on ${table} referencing new table as new_rows for each statement execute function ${table}_day_pairs_on_insert()`,
      );
      sql.push(
        `create trigger ${table}_rollup_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function ${table}_day_pairs_on_update()`,
      );
      sql.push(
        `create trigger ${table}_rollup_del after delete on ${table} referencing old table as old_rows for each statement execute function ${table}_day_pairs_on_delete()`,
      );
    }
    for (const s of sql) this.addSql(s);
  }
}
