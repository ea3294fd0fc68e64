import { Migration } from '@mikro-orm/migrations';

/**
 * An update of the forces' records recounts a village only when it changed what the village's `counts` figures read,
 * as …96RollupCountedColumns does for residents, households, houses and addresses. Of these tables the roll-up row
 * (…06Rollups as …23LifeCycle and …57PatrolTeamEnd left it) and the figures kept by the same version (a grid's
 * population and 1+3+N staffing by grid code, store/stats.ts; the patrol teams by kind, …51PatrolKinds) read only the
 * columns below: a grid's name, a staff member's name and phone, a group's name and leader, a team's name recount
 * nothing and move no version. Rows that do change one recount the villages they were in and are in.
 *
 * Rows are paired by their key, as there: an `id`, or a grid's code, which never changes (grids are never
 * renumbered, `hub_grids_fixed`, so no update changes a grid's figures, and none recounts). A patrol team member is
 * known only by its team and person, which are themselves counted: a statement changed the figures of the villages of
 * the members (their counted columns, as multisets) that it took away or added, and no others.
 */
const COUNTED: Readonly<Record<string, { key: 'id' | 'code' | null; columns: readonly string[] }>> = {
  grid: { key: 'code', columns: ['village_code'] },
  grid_staff: { key: 'id', columns: ['village_code', 'grid_code', 'role'] },
  joint_defense_group: { key: 'id', columns: ['village_code'] },
  patrol_team: { key: 'id', columns: ['village_code', 'kind', 'ended_at'] },
  patrol_team_member: { key: null, columns: ['team_id', 'person_id', 'village_code'] },
};

/** The villages whose figures a statement's update of `table` changed (old_rows and new_rows are its transition tables). */
function changedVillages(key: 'id' | 'code' | null, columns: readonly string[]): string {
  const of = (alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  if (key)
    return `select v from old_rows o join new_rows n on n.${key} = o.${key} cross join lateral (values (o.village_code), (n.village_code)) x(v)
             where (${of('o')}) is distinct from (${of('n')}) group by v order by v`;
  const cols = columns.join(', ');
  return `select village_code from ((select ${cols} from old_rows except all select ${cols} from new_rows)
                                    union all (select ${cols} from new_rows except all select ${cols} from old_rows)) d
           group by 1 order by 1`;
}

export class Migration20261207000097RollupForcesCountedColumns extends Migration {
  override async up(): Promise<void> {
    for (const [table, { key, columns }] of Object.entries(COUNTED)) {
      this.addSql(`create function hub_${table}_rollup_on_update() returns trigger language plpgsql as $$
          declare vs text[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            vs := array(${changedVillages(key, columns)});
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
