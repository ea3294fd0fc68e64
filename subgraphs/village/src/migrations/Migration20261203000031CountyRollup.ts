import { Migration } from '@mikro-orm/migrations';

/**
 * Population and forces of a county, kept as one row (docs/ARCHITECTURE.md,
 * "Cached statistics"), as county_day_rollup keeps a county's days. A county,
 * prefecture or province sums these rows instead of its villages' rows: the
 * 88 counties of a province instead of its 17,718 villages.
 *
 * Statement triggers on village_rollup add what a statement changed (its new
 * rows less its old ones) to the county rows, in the same transaction. Adding
 * differences, where recounting the county's villages would not, stays right
 * when two transactions change villages of one county at once: the second
 * waits for the county row, then adds to what the first committed. Counties
 * are written in code order, so two writers never wait on each other in a
 * circle. Tag counts that fall to zero leave the object, as a village's never
 * has one.
 *
 * Readable by the services, written only by the owner's trigger functions.
 */

/** The counts of a roll-up row (village_rollup, county_rollup), besides its code and its tag counts. */
export const COUNTS = [
  'residents',
  'floating',
  'households',
  'houses',
  'addresses',
  'grids',
  'grid_workers',
  'grids_fully_staffed',
  'joint_defense_groups',
  'households_in_groups',
  'patrol_teams',
  'patrol_members',
];

/** Adds `rows` (county code c, sign s, the counts and tags) to the county rows, in code order. */
const addRows = (rows: string) => `with d as (${rows}),
    n as (select c, ${COUNTS.map((x) => `sum(s * ${x}) as ${x}`).join(', ')} from d group by 1),
    t as (select c, jsonb_object_agg(key, v) as tags
            from (select d.c, e.key, sum(d.s * e.value::bigint) as v from d cross join lateral jsonb_each_text(d.tags) e group by 1, 2) x group by 1)
    insert into county_rollup as r (county_code, ${COUNTS.join(', ')}, tags)
    select n.c, ${COUNTS.map((x) => `n.${x}`).join(', ')}, coalesce(t.tags, '{}') from n left join t on t.c = n.c order by n.c
    on conflict (county_code) do update set ${COUNTS.map((x) => `${x} = r.${x} + excluded.${x}`).join(', ')}, tags = hub_tags_add(r.tags, excluded.tags)`;

/** A statement trigger function adding `rows` of its transition tables to the county rows. */
const apply = (name: string, rows: string) => `create function ${name}() returns trigger language plpgsql security definer set search_path = public as $$
  begin
    ${addRows(rows)};
    return null;
  end $$`;

const rowsOf = (table: string, sign: number) => `select left(village_code, 6) as c, ${sign} as s, ${COUNTS.join(', ')}, tags from ${table}`;

export class Migration20261203000031CountyRollup extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table county_rollup (county_code text primary key, ${COUNTS.map((x) => `${x} integer not null`).join(', ')}, tags jsonb not null)`,
      `create function hub_tags_add(a jsonb, b jsonb) returns jsonb language sql immutable as $$
        select coalesce(jsonb_object_agg(key, n), '{}') from (
          select key, sum(value::bigint) as n from (select * from jsonb_each_text(a) union all select * from jsonb_each_text(b)) e group by key
        ) x where n <> 0
      $$`,
      addRows(rowsOf('village_rollup', 1)),
      apply('county_rollup_on_insert', rowsOf('new_rows', 1)),
      apply('county_rollup_on_delete', rowsOf('old_rows', -1)),
      apply('county_rollup_on_update', `${rowsOf('new_rows', 1)} union all ${rowsOf('old_rows', -1)}`),
      `create trigger village_rollup_county_insert after insert on village_rollup referencing new table as new_rows
         for each statement execute function county_rollup_on_insert()`,
      `create trigger village_rollup_county_delete after delete on village_rollup referencing old table as old_rows
         for each statement execute function county_rollup_on_delete()`,
      `create trigger village_rollup_county_update after update on village_rollup referencing old table as old_rows new table as new_rows
         for each statement execute function county_rollup_on_update()`,
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
         revoke insert, update, delete, truncate on county_rollup from hub_app;
         grant select on county_rollup to hub_app;
       end if; end $$`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
