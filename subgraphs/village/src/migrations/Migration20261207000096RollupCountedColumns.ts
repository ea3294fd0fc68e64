import { Migration } from '@mikro-orm/migrations';

/**
 * An update recounts a village only when it changed what the village's `counts` figures read. The roll-up row
 * (…06Rollups as …23LifeCycle left it) and the figures kept by the same version (a grid's population, by grid code:
 * store/stats.ts `gridPopulationSql`) read of these tables only the columns below; a statement changing none of them
 * in any row (a resident's phone or name, a household's contact) recounts nothing and moves no version. Rows that do
 * change one recount the villages they were in and are in, as before.
 */
const COUNTED: Readonly<Record<string, readonly string[]>> = {
  person: ['village_code', 'grid_code', 'status', 'residency', 'tags'],
  household: ['village_code', 'grid_code', 'joint_defense_group_id'],
  house: ['village_code', 'grid_code'],
  address: ['village_code', 'grid_code'],
};

export class Migration20261207000096RollupCountedColumns extends Migration {
  override async up(): Promise<void> {
    for (const [table, columns] of Object.entries(COUNTED)) {
      const changed = `(${columns.map((c) => `o.${c}`).join(', ')}) is distinct from (${columns.map((c) => `n.${c}`).join(', ')})`;
      this.addSql(`create function hub_${table}_rollup_on_update() returns trigger language plpgsql as $$
          declare vs text[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            vs := array(select v from old_rows o join new_rows n on n.id = o.id cross join lateral (values (o.village_code), (n.village_code)) x(v)
                         where ${changed} group by v order by v);
            if cardinality(vs) > 0 then perform refresh_village_rollup(vs); end if;
            return null;
          end $$`);
      this.addSql(`drop trigger ${table}_rollup_upd on ${table}`);
      this.addSql(
        `create trigger ${table}_rollup_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function hub_${table}_rollup_on_update()`,
      );
    }
  }
}
