import { z } from 'zod';
import { PATROL_KINDS } from '../../../../domain/patrol-kinds.ts';
import { col } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Patrol teams (群防群治队伍), table `patrol_team` (migration …02Registry). */
const PatrolTeam = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(PATROL_KINDS),
  ...located,
  version: col.id,
  externalId: col.text.nullable(),
});
export type PatrolTeamRow = z.infer<typeof PatrolTeam>;

/** No mutation changes a team's own fields. */
type PatrolTeamChanges = Record<never, never>;

const table = recordTable<PatrolTeamRow, PatrolTeamChanges>('patrol_team', PatrolTeam, {});

export const patrolTeams = {
  ...table,
  /** A division's patrol teams, of one kind if given. */
  list: (scope: Scope, kind?: string | null): ScopedList<PatrolTeamRow> =>
    scopedList('patrolTeam.list', 'patrol_team', PatrolTeam, scope, kind ? allOf(['t.kind = ?'], [kind]) : {}),
};
