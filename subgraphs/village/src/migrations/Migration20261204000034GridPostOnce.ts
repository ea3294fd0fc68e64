import { Migration } from '@mikro-orm/migrations';

/**
 * A resident holds a role in a grid once (store/grid-staff.ts, rule
 * `postHeld`): the same person twice as a grid's informant counted one
 * person twice in the forces figures, and concurrent assignments could
 * each pass the check. The unique index makes the database the last word.
 * Assignments that already repeat one are ended as duplicates first (the
 * oldest stays), kept in `grid_staff_ended` like any ended assignment.
 */
export class Migration20261204000034GridPostOnce extends Migration {
  override async up(): Promise<void> {
    const columns = 'id, role, name, phone, person_id, village_code, grid_code, county_code, external_id';
    this.addSql(`with repeated as (
        select id from (select id, row_number() over (partition by grid_code, role, person_id order by id) as k
                          from grid_staff where person_id is not null) x
         where k > 1),
      gone as (delete from grid_staff where id in (select id from repeated) returning *)
      insert into grid_staff_ended (${columns}, version, ended_by, end_reason)
      select ${columns}, version + 1, 'migration:GridPostOnce', '重复任命' from gone`);
    this.addSql(`create unique index grid_staff_post_once on grid_staff (grid_code, role, person_id) where person_id is not null`);
  }
}
