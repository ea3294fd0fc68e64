import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import { located, recordTable, type Location } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Patrol teams (群防群治队伍), table `patrol_team` (migration …02Registry). */
const PatrolTeam = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER']),
  ...located,
  version: col.id,
});
export type PatrolTeamRow = z.infer<typeof PatrolTeam>;

/** No mutation changes a team's own fields. */
type PatrolTeamChanges = Record<never, never>;

const table = recordTable<PatrolTeamRow, PatrolTeamChanges>('patrol_team', PatrolTeam, {});

const insert = sql(
  'patrolTeam.insert',
  PatrolTeam,
  `insert into patrol_team (name, kind, village_code, grid_code, county_code) values (?, ?, ?, ?, ?) returning *`,
);

export interface NewPatrolTeam extends Location {
  name: string;
  kind: PatrolTeamRow['kind'];
}

export const patrolTeams = {
  ...table,
  async insert(db: Db, t: NewPatrolTeam): Promise<PatrolTeamRow> {
    return (await row(db, insert, [t.name, t.kind, t.villageCode, t.gridCode, t.countyCode]))!;
  },
  /** A division's patrol teams, of one kind if given. */
  list: (scope: Scope, kind?: string | null): ScopedList<PatrolTeamRow> =>
    scopedList('patrolTeam.list', 'patrol_team', PatrolTeam, scope, kind ? allOf(['t.kind = ?'], [kind]) : {}),
};
