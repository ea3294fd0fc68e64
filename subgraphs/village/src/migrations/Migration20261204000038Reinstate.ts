import { Migration } from '@mikro-orm/migrations';
import { WHO } from './Migration20261201000023LifeCycle.ts';

/**
 * 恢复登记: a deregistered person may return to the registry (moved back, or
 * deregistered by mistake; docs/ARCHITECTURE.md, "Life cycle and history").
 * The history entry of a status change carries the deregistration's reason
 * and note; a reinstatement's note comes from the transaction-local setting
 * `hub.status_note` that `reinstatePerson` sets, as the person's own note
 * columns belong to the deregistration and are cleared.
 */
export class Migration20261204000038Reinstate extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function hub_person_history() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          -- Demo seeding and province loads are not changes anyone made (as in the change feed).
          if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
          insert into person_history (person_id, by_subject, by_name, via, changed, grid_from, grid_to, household_from, household_to,
                                      address_from, address_to, tags_from, tags_to, status_from, status_to, reason, note,
                                      village_code, grid_code, county_code)
          select n.id, w.subject, w.name, w.via, c.changed, o.grid_code, n.grid_code, o.household_id, n.household_id, o.address_id, n.address_id,
                 o.tags, n.tags, o.status, n.status,
                 case when n.status <> o.status then n.deregistration_reason end,
                 case when n.status <> o.status then
                   case when n.status = 'DEREGISTERED' then n.deregistration_note else nullif(current_setting('hub.status_note', true), '') end
                 end,
                 n.village_code, n.grid_code, n.county_code
            from new_rows n
            join old_rows o on o.id = n.id
            cross join lateral (
              select array_remove(array[
                       case when n.grid_code <> o.grid_code then 'gridCode' end,
                       case when n.household_id is distinct from o.household_id then 'householdId' end,
                       case when n.address_id is distinct from o.address_id then 'addressId' end,
                       -- tags are a set: the same tags in another order are no change
                       case when not (n.tags @> o.tags and o.tags @> n.tags) then 'tags' end,
                       case when n.status <> o.status then 'status' end], null) as changed) c
            cross join (${WHO}) w
           where c.changed <> '{}'
           order by n.id;
          return null;
        end $$`);
  }
}
