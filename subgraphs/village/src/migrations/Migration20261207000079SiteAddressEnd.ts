import { Migration } from '@mikro-orm/migrations';

/**
 * A key site (重点场所) and a standard address (标准地址) end as a house does (…23LifeCycle): a school closed (关停),
 * a temple pulled down (拆除), a market moved away (迁出), a record entered twice or in error. The row leaves its
 * table for `registry_ended`, kept whole with when, by whom and why, under the same row-level security; the lists,
 * counts, figures and exports that read the current tables count it no more, and the change feed's delete trigger
 * tells the end as DELETED.
 *
 * - `registry_ended` takes the kinds SITE and ADDRESS, and the reasons CLOSED (关停) and ENTERED_IN_ERROR (登记有误).
 * - `hub_record_ties('address', id)`: what still stands at an address (its houses, households, current residents
 *   and sites), whatever the caller's jurisdiction, so that an address ends only once nothing names it.
 */
export class Migration20261207000079SiteAddressEnd extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table registry_ended drop constraint registry_ended_kind_check,
      add constraint registry_ended_kind_check check (kind in ('HOUSEHOLD', 'HOUSE', 'JOINT_DEFENSE_GROUP', 'SITE', 'ADDRESS'))`);
    this.addSql(`alter table registry_ended drop constraint registry_ended_reason_check,
      add constraint registry_ended_reason_check check (reason in ('MOVED_OUT', 'MERGED', 'NO_MEMBERS', 'DEMOLISHED', 'REORGANISED', 'DUPLICATE', 'CLOSED', 'ENTERED_IN_ERROR'))`);
    // The ties of …23LifeCycle as they were, and an address's: labels and ids only, never personal data.
    this.addSql(`create or replace function hub_record_ties(of_kind text, of_id integer) returns table (tie text, id integer, label text, division_code text)
        language sql stable security definer set search_path = public as $$
          select 'HOUSEHOLD_HEAD', h.id, h.number, h.grid_code from household h where $1 = 'person' and h.head_id = $2
          union all
          select 'GROUP_LEADER', g.id, g.name, g.grid_code from joint_defense_group g where $1 = 'person' and g.leader_id = $2
          union all
          select 'GRID_STAFF', s.id, s.role, s.grid_code from grid_staff s where $1 = 'person' and s.person_id = $2
          union all
          select 'MEDIATOR', m.id, c.name, c.village_code from mediator m join mediation_committee c on c.id = m.committee_id where $1 = 'person' and m.person_id = $2
          union all
          select 'MEMBER', p.id, p.id::text, p.grid_code from person p where $1 = 'household' and p.household_id = $2 and p.status = 'ACTIVE'
          union all
          select 'HOUSEHOLD', h.id, h.number, h.grid_code from household h where $1 = 'house' and h.house_id = $2
          union all
          select 'HOUSEHOLD', h.id, h.number, h.grid_code from household h where $1 = 'group' and h.joint_defense_group_id = $2
          union all
          select 'HOUSE', o.id, o.number, o.grid_code from house o where $1 = 'address' and o.address_id = $2
          union all
          select 'HOUSEHOLD', h.id, h.number, h.grid_code from household h where $1 = 'address' and h.address_id = $2
          union all
          select 'RESIDENT', p.id, p.id::text, p.grid_code from person p where $1 = 'address' and p.address_id = $2 and p.status = 'ACTIVE'
          union all
          select 'SITE', s.id, s.name, s.grid_code from site s where $1 = 'address' and s.address_id = $2
          order by 1, 2
        $$`);
  }
}
