import { Migration } from '@mikro-orm/migrations';
import { BOOKKEEPING_COLUMNS } from './Migration20261201000023LifeCycle.ts';

/**
 * The change feed tells a disbanded patrol team (…57PatrolTeamEnd) as DELETED, as it tells every other record that
 * ends: a dissolved household, a deregistered house, a disbanded 十户联防 group, an ended grid post and a voided
 * patrol leave their tables, so their ends are deletions. A team ends in place (its patrols still name it), so its
 * end was an UPDATED entry naming endedAt, endReason and endNote, and an integration mirroring the feed kept the
 * team as serving. The update that sets `ended_at` is now one DELETED entry, as a deletion's: the version before
 * it, no changed fields, `record` null. Every other update of a team is told as before (…37GridMovedOut).
 */
const ENDING = 'o.ended_at is null and n.ended_at is not null';
const SKIP = BOOKKEEPING_COLUMNS.map((c) => `'${c}'`).join(', ');

const FUNCTION = `create or replace function hub_changes_patrol_team_upd() returns trigger language plpgsql security definer set search_path = public as $$
    begin
      if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
      insert into change_log (kind, op, record_id, version, status_from, status_to, village_code, grid_code, changed_fields)
      select 'PATROL_TEAM', x.op, n.id::text, case when x.op = 'DELETED' then o.version else n.version end, null, null,
             x.village_code, x.grid_code, case when x.op = 'DELETED' then null else c.fields end
        from new_rows n
        join old_rows o on o.id = n.id and n is distinct from o
        cross join lateral (select to_jsonb(n) as nj, to_jsonb(o) as oj) j
        cross join lateral (
          select array_agg(e.key order by e.key) as fields
            from jsonb_each(j.nj) e
           where e.key not in (${SKIP}) and e.value is distinct from j.oj -> e.key) c
        cross join lateral (
          select 'DELETED' as op, o.village_code, o.grid_code, 0 as k where ${ENDING}
          union all
          select 'MOVED_OUT', o.village_code, o.grid_code, 0 where not (${ENDING}) and o.grid_code <> n.grid_code
          union all
          select 'UPDATED', n.village_code, n.grid_code, 1 where not (${ENDING})) x
       where c.fields is not null
       order by n.id, x.k;
      if found then perform hub_change_tx(); end if;
      return null;
    end $$`;

export class Migration20261206000063TeamEndDeleted extends Migration {
  override async up(): Promise<void> {
    this.addSql(FUNCTION);
  }
}
