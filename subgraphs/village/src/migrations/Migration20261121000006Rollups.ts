import { Migration } from '@mikro-orm/migrations';

/**
 * Roll-up tables for statistics at province scale. A village's counts
 * (village_rollup) and its per-day figures (village_day_rollup, by the day a
 * patrol started, a hazard was reported or rectified, a dispute was reported)
 * are recomputed from the raw facts for every village a statement touches,
 * by triggers in the same transaction: a roll-up always equals a count of the
 * raw facts. Bulk loads set hub.skip_rollup and refresh once at the end.
 * Days are China Standard Time days. What depends on the clock (overdue) is
 * still counted from the raw facts.
 */
const DAY = (col: string) => `((${col} at time zone 'UTC') + interval '8 hours')::date`;

export class Migration20261121000006Rollups extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table village_rollup (
        village_code text primary key,
        residents integer not null, floating integer not null, households integer not null, houses integer not null, addresses integer not null,
        tags jsonb not null,
        grids integer not null, grid_workers integer not null, grids_fully_staffed integer not null,
        joint_defense_groups integer not null, households_in_groups integer not null, patrol_teams integer not null, patrol_members integer not null
      )`,
      `create index village_rollup_prefix on village_rollup (village_code text_pattern_ops)`,
      `create table village_day_rollup (
        village_code text not null,
        day date not null,
        patrols integer not null, patrol_seconds bigint not null, hazards_found integer not null, hazards_rectified integer not null,
        reported integer not null, resolved integer not null, at_village integer not null, at_township integer not null, at_county integer not null,
        to_township integer not null, to_county integer not null, on_time integer not null, rated integer not null, satisfied integer not null,
        primary key (village_code, day)
      )`,
      `create index village_day_rollup_day on village_day_rollup (day, village_code)`,
      `create index dispute_open on dispute (village_code) where status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED', 'RESOLVED')`,
      // Security definer: counts must cover the whole village whatever the caller's jurisdiction.
      `create function refresh_village_rollup(vs text[]) returns void language sql security definer set search_path = public as $$
        delete from village_rollup where village_code = any(vs);
        insert into village_rollup
        select v.code, coalesce(p.n, 0), coalesce(p.f, 0), coalesce(h.n, 0), coalesce(o.n, 0), coalesce(a.n, 0), coalesce(t.tags, '{}'),
               coalesce(g.n, 0), coalesce(s.workers, 0), coalesce(s.fully, 0), coalesce(j.n, 0), coalesce(h.grouped, 0), coalesce(pt.n, 0), coalesce(pm.n, 0)
          from village v
          left join (select village_code, count(*) as n, count(*) filter (where residency = 'FLOATING') as f from person where village_code = any(vs) group by 1) p on p.village_code = v.code
          left join (select village_code, count(*) as n, count(joint_defense_group_id) as grouped from household where village_code = any(vs) group by 1) h on h.village_code = v.code
          left join (select village_code, count(*) as n from house where village_code = any(vs) group by 1) o on o.village_code = v.code
          left join (select village_code, count(*) as n from address where village_code = any(vs) group by 1) a on a.village_code = v.code
          left join (select village_code, jsonb_object_agg(tag, n) as tags from (select village_code, tag, count(*) as n from person, unnest(tags) as tag
                       where village_code = any(vs) and tags <> '{}' group by 1, 2) x group by 1) t on t.village_code = v.code
          left join (select village_code, count(*) as n from grid where village_code = any(vs) group by 1) g on g.village_code = v.code
          left join (select village_code, sum(workers) as workers, count(*) filter (where fully) as fully from (
                       select village_code, grid_code, count(*) filter (where role = 'GRID_WORKER') as workers,
                              (bool_or(role = 'GRID_WORKER') and bool_or(role = 'LINKED_LEADER') and bool_or(role = 'LINKED_OFFICE_CADRE')
                               and bool_or(role = 'LINKED_POLITICAL_LEGAL_CADRE') and bool_or(role = 'INFORMANT')) as fully
                         from grid_staff where village_code = any(vs) group by 1, 2) y group by 1) s on s.village_code = v.code
          left join (select village_code, count(*) as n from joint_defense_group where village_code = any(vs) group by 1) j on j.village_code = v.code
          left join (select village_code, count(*) as n from patrol_team where village_code = any(vs) group by 1) pt on pt.village_code = v.code
          left join (select village_code, count(distinct person_id) as n from patrol_team_member where village_code = any(vs) group by 1) pm on pm.village_code = v.code
         where v.code = any(vs)
      $$`,
      `create function refresh_village_days(vs text[]) returns void language sql security definer set search_path = public as $$
        delete from village_day_rollup where village_code = any(vs);
        insert into village_day_rollup
        select village_code, day, sum(patrols), sum(patrol_seconds), sum(found), sum(rectified), sum(reported), sum(resolved), sum(at_village), sum(at_township),
               sum(at_county), sum(to_township), sum(to_county), sum(on_time), sum(rated), sum(satisfied)
          from (
            select village_code, ${DAY('started_at')} as day, count(*) as patrols, sum(extract(epoch from ended_at - started_at))::bigint as patrol_seconds,
                   0 as found, 0 as rectified, 0 as reported, 0 as resolved, 0 as at_village, 0 as at_township, 0 as at_county, 0 as to_township,
                   0 as to_county, 0 as on_time, 0 as rated, 0 as satisfied
              from patrol where village_code = any(vs) group by 1, 2
            union all
            select village_code, ${DAY('reported_at')}, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
              from hazard where source = 'PATROL' and village_code = any(vs) group by 1, 2
            union all
            select village_code, ${DAY('rectified_at')}, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
              from hazard where source = 'PATROL' and rectified_at is not null and village_code = any(vs) group by 1, 2
            union all
            select village_code, ${DAY('reported_at')}, 0, 0, 0, 0, count(*),
                   count(*) filter (where r), count(*) filter (where r and resolved_level = 'VILLAGE'), count(*) filter (where r and resolved_level = 'TOWNSHIP'),
                   count(*) filter (where r and resolved_level = 'COUNTY'), count(escalated_to_township_at), count(escalated_to_county_at),
                   count(*) filter (where r and resolved_at <= settle_by), count(rating), count(*) filter (where rating in ('SATISFIED', 'BASICALLY_SATISFIED'))
              from (select *, status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP') as r from dispute where village_code = any(vs)) d group by 1, 2
          ) x group by 1, 2
      $$`,
    ];
    const tables: [string, 'rollup' | 'days'][] = [
      ['person', 'rollup'],
      ['household', 'rollup'],
      ['house', 'rollup'],
      ['address', 'rollup'],
      ['grid', 'rollup'],
      ['grid_staff', 'rollup'],
      ['joint_defense_group', 'rollup'],
      ['patrol_team', 'rollup'],
      ['patrol_team_member', 'rollup'],
      ['patrol', 'days'],
      ['hazard', 'days'],
      ['dispute', 'days'],
    ];
    for (const kind of ['rollup', 'days'] as const) {
      const fn = kind === 'rollup' ? 'refresh_village_rollup' : 'refresh_village_days';
      for (const op of ['insert', 'update', 'delete'] as const) {
        const from =
          op === 'insert'
            ? 'select village_code from new_rows'
            : op === 'delete'
              ? 'select village_code from old_rows'
              : 'select village_code from new_rows union select village_code from old_rows';
        sql.push(`create function ${fn}_on_${op}() returns trigger language plpgsql as $$
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') <> 'on' then perform ${fn}(array(${from})); end if;
            return null;
          end $$`);
      }
    }
    for (const [table, kind] of tables) {
      const fn = kind === 'rollup' ? 'refresh_village_rollup' : 'refresh_village_days';
      sql.push(
        `create trigger ${table}_rollup_ins after insert on ${table} referencing new table as new_rows for each statement execute function ${fn}_on_insert()`,
      );
      sql.push(
        `create trigger ${table}_rollup_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function ${fn}_on_update()`,
      );
      sql.push(
        `create trigger ${table}_rollup_del after delete on ${table} referencing old table as old_rows for each statement execute function ${fn}_on_delete()`,
      );
    }
    // Roll up what is already there.
    sql.push(`select refresh_village_rollup(array(select code from village))`, `select refresh_village_days(array(select code from village))`);
    for (const s of sql) this.addSql(s);
  }
}
