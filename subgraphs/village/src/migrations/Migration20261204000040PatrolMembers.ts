import { Migration } from '@mikro-orm/migrations';

/**
 * Who is in a patrol team (`patrol_team_member`) is a field of the team
 * (`PatrolTeam.members`), but the change feed is written by triggers on the
 * team's own row, which a member joining or leaving does not touch: an
 * integration kept the old roster for good. A change of members now counts
 * as an update of the team, in the same statement: its version goes up and
 * the feed gets an UPDATED entry naming `members` (the team's row trigger
 * sees a change of version alone and writes nothing). A team created in the
 * same transaction keeps its one CREATED entry, its members with it.
 */
/**
 * The body that files a change of a record's members as an update of the
 * record (for `table` rows matching `ids`, an SQL condition on `t`): raises
 * its version and writes an UPDATED entry naming `field`, unless the record
 * was created in this transaction (its CREATED entry holds the members).
 * …41GroupHouseholds reuses it.
 */
export function membershipChanged(o: { table: string; kind: string; field: string; ids: string }): string {
  return `with bumped as (
        update ${o.table} t set version = t.version + 1
         where ${o.ids}
           and not exists (select 1 from change_log l where l.txid = pg_current_xact_id() and l.kind = '${o.kind}'
                                                       and l.op = 'CREATED' and l.record_id = t.id::text)
        returning t.id, t.version, t.village_code, t.grid_code)
      insert into change_log (kind, op, record_id, version, village_code, grid_code, changed_fields)
      select '${o.kind}', 'UPDATED', b.id::text, b.version, b.village_code, b.grid_code, array['${o.field}'] from bumped b order by b.id;
      if found then perform hub_change_tx(); end if;`;
}

const FUNCTION = `create function hub_changes_patrol_members() returns trigger language plpgsql security definer set search_path = public as $$
    begin
      if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
      ${membershipChanged({ table: 'patrol_team', kind: 'PATROL_TEAM', field: 'members', ids: 't.id in (select team_id from member_rows)' })}
      return null;
    end $$`;

export class Migration20261204000040PatrolMembers extends Migration {
  override async up(): Promise<void> {
    this.addSql(FUNCTION);
    this.addSql(`create trigger patrol_team_member_joined after insert on patrol_team_member referencing new table as member_rows
      for each statement execute function hub_changes_patrol_members()`);
    this.addSql(`create trigger patrol_team_member_left after delete on patrol_team_member referencing old table as member_rows
      for each statement execute function hub_changes_patrol_members()`);
  }
}
