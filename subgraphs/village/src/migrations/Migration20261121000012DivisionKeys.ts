import { Migration } from '@mikro-orm/migrations';

/**
 * Division keys checked once per statement instead of once per row.
 *
 * Every village-scoped table carried `village_code references village`,
 * `grid_code references grid` and `check (left(grid_code, 12) =
 * village_code)`. A foreign key is a trigger run for each row, and in a
 * 20,000-resident import batch these two were a third of the insert's time
 * (EXPLAIN ANALYZE: 88 ms and 94 ms of 600 ms).
 *
 * - The village key only repeated the grid's: `grid` itself references
 *   `village` and checks `village_code = left(code, 12)`, so a row whose grid
 *   exists has a village that exists. It is dropped.
 * - The grid key becomes one set-based check per statement over the written
 *   rows. What a foreign key also guarantees, that the grid cannot disappear
 *   while rows point to it, holds because grids are never deleted or
 *   renumbered: a grid is a stable division code that historical records keep
 *   even after a redistricting (the directory load only renames), and a
 *   trigger on `grid` now refuses deletion, truncation and code changes.
 */
const TABLES = ['address', 'house', 'household', 'person', 'joint_defense_group', 'site', 'grid_staff', 'patrol_team', 'patrol', 'hazard', 'dispute'];

export class Migration20261121000012DivisionKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_grids_fixed() returns trigger language plpgsql as $$
      begin
        raise exception 'grids are never deleted or renumbered: records keep the grid they were registered in'
          using errcode = 'restrict_violation';
      end $$`);
    this.addSql(`create trigger grid_fixed before delete or update of code, village_code, county_code on grid for each row execute function hub_grids_fixed()`);
    this.addSql(`create trigger grid_fixed_truncate before truncate on grid for each statement execute function hub_grids_fixed()`);
    this.addSql(`create function hub_check_grids() returns trigger language plpgsql as $$
      declare bad text;
      begin
        select n.grid_code into bad from new_rows n where not exists (select 1 from grid g where g.code = n.grid_code) limit 1;
        if found then
          raise exception 'insert or update on table "%" violates the grid key: grid % does not exist', tg_table_name, bad
            using errcode = 'foreign_key_violation';
        end if;
        return null;
      end $$`);
    for (const t of TABLES) {
      this.addSql(`alter table ${t} drop constraint ${t}_village_code_fkey`);
      this.addSql(`alter table ${t} drop constraint ${t}_grid_code_fkey`);
      this.addSql(`create trigger ${t}_grid_ins after insert on ${t} referencing new table as new_rows for each statement execute function hub_check_grids()`);
      this.addSql(`create trigger ${t}_grid_upd after update on ${t} referencing new table as new_rows for each statement execute function hub_check_grids()`);
    }
  }
}
