import { Migration } from '@mikro-orm/migrations';

/**
 * A 十户联防 group's households (`JointDefenseGroup.households`) are held on
 * the households' rows (`household.joint_defense_group_id`), so the change
 * feed's triggers on the group's own row never saw a household join or
 * leave: the form raised the group's version with no entry to say why, and a
 * households file changed the group without raising it. As with a patrol
 * team's members (…40PatrolMembers), a change of a group's households is now
 * an update of each group concerned, however it is written (form, file, a
 * household dissolved): its version goes up and the feed gets an UPDATED
 * entry naming `households`. A group created in the same transaction keeps
 * its one CREATED entry.
 */
const FUNCTION = `create function hub_changes_group_households() returns trigger language plpgsql security definer set search_path = public as $$
    declare
      groups integer[];
    begin
      if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
      if tg_op = 'UPDATE' then
        select array_agg(distinct g) into groups from (
          select unnest(array[o.joint_defense_group_id, n.joint_defense_group_id]) as g
            from old_rows o join new_rows n on n.id = o.id
           where o.joint_defense_group_id is distinct from n.joint_defense_group_id) x
         where g is not null;
      elsif tg_op = 'INSERT' then
        select array_agg(distinct joint_defense_group_id) into groups from new_rows where joint_defense_group_id is not null;
      else
        select array_agg(distinct joint_defense_group_id) into groups from old_rows where joint_defense_group_id is not null;
      end if;
      if groups is null then return null; end if;
      with bumped as (
        update joint_defense_group t set version = t.version + 1
         where t.id = any(groups)
           and not exists (select 1 from change_log l where l.txid = pg_current_xact_id() and l.kind = 'JOINT_DEFENSE_GROUP'
                                                       and l.op = 'CREATED' and l.record_id = t.id::text)
        returning t.id, t.version, t.village_code, t.grid_code)
      insert into change_log (kind, op, record_id, version, village_code, grid_code, changed_fields)
      select 'JOINT_DEFENSE_GROUP', 'UPDATED', b.id::text, b.version, b.village_code, b.grid_code, array['households'] from bumped b order by b.id;
      if found then perform hub_change_tx(); end if;
      return null;
    end $$`;

export class Migration20261204000041GroupHouseholds extends Migration {
  override async up(): Promise<void> {
    this.addSql(FUNCTION);
    this.addSql(`create trigger household_group_joined after insert on household referencing new table as new_rows
      for each statement execute function hub_changes_group_households()`);
    this.addSql(`create trigger household_group_changed after update on household referencing old table as old_rows new table as new_rows
      for each statement execute function hub_changes_group_households()`);
    this.addSql(`create trigger household_group_left after delete on household referencing old table as old_rows
      for each statement execute function hub_changes_group_households()`);
  }
}
