import { Migration } from '@mikro-orm/migrations';
import { membershipChanged } from './Migration20261204000040PatrolMembers.ts';

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
      ${membershipChanged({ table: 'joint_defense_group', kind: 'JOINT_DEFENSE_GROUP', field: 'households', ids: 't.id = any(groups)' })}
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
