import { Migration } from '@mikro-orm/migrations';

/**
 * Versions of the statistics (docs/ARCHITECTURE.md, "Cached statistics").
 * Every change of a village's roll-ups gives the village, and its county, a
 * new version in the same transaction: `counts` with village_rollup
 * (population, forces), `days` with village_day_rollup (patrols, disputes).
 * A version is a fresh number from one sequence, so a state of a division
 * never comes back, not even after a rolled-back write. The village subgraph
 * keeps computed figures while the versions under their division are the
 * ones they were computed at.
 *
 * Bumped where the roll-ups change: the refresh functions (…10RollupLocks'
 * wrappers, after the county locks, so the versions of a county grow in
 * commit order) and a statement trigger for the one writer that updates
 * village_rollup in place (an import adding its residents). Bulk loads with
 * hub.skip_rollup bump once, when they refresh at the end.
 *
 * The table holds codes and numbers only: readable by the services, written
 * only by the owner's functions.
 */
const WRAPPED: [name: string, args: string, call: string, column: 'counts' | 'days'][] = [
  ['refresh_village_rollup', 'vs text[]', 'vs', 'counts'],
  ['refresh_village_days', 'vs text[]', 'vs', 'days'],
  ['refresh_day_pairs', 'vs text[], ds date[]', 'vs, ds', 'days'],
];

export class Migration20261201000025StatsVersion extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create sequence stats_version_seq`,
      // Village rows (level 12) and county rows (level 6); a division's fingerprint reads a range of one level.
      `create table stats_version (
        level smallint not null, code text not null, counts bigint not null, days bigint not null,
        primary key (level, code), check (length(code) = level)
      )`,
      `insert into stats_version (level, code, counts, days)
         select length(code), code, nextval('stats_version_seq'), nextval('stats_version_seq') from (select code from village union select county_code from village) x`,
      `create function hub_bump_stats_version(vs text[], kind text) returns void language plpgsql security definer set search_path = public as $$
        begin
          if kind = 'counts' then
            insert into stats_version as s (level, code, counts, days)
            select length(c), c, nextval('stats_version_seq'), 0 from (select v from unnest(vs) as v union select left(v, 6) from unnest(vs) as v) x(c)
             where c is not null order by c
            on conflict (level, code) do update set counts = excluded.counts;
          else
            insert into stats_version as s (level, code, counts, days)
            select length(c), c, 0, nextval('stats_version_seq') from (select v from unnest(vs) as v union select left(v, 6) from unnest(vs) as v) x(c)
             where c is not null order by c
            on conflict (level, code) do update set days = excluded.days;
          end if;
        end $$`,
      `revoke all on function hub_bump_stats_version(text[], text) from public`,
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
         revoke insert, update, delete, truncate on stats_version from hub_app;
         grant select on stats_version to hub_app;
         revoke all on sequence stats_version_seq from hub_app;
       end if; end $$`,
      `create function stats_version_on_rollup_update() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          perform hub_bump_stats_version(array(select distinct village_code from new_rows), 'counts');
          return null;
        end $$`,
      `create trigger village_rollup_version after update on village_rollup referencing new table as new_rows for each statement
         execute function stats_version_on_rollup_update()`,
    ];
    for (const [name, args, call, column] of WRAPPED) {
      sql.push(`create or replace function ${name}(${args}) returns void language sql security definer set search_path = public as $$
        select hub_lock_counties(vs);
        select ${name}_unlocked(${call});
        select hub_bump_stats_version(vs, '${column}');
      $$`);
    }
    for (const s of sql) this.addSql(s);
  }
}
