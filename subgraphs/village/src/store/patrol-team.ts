import { z } from 'zod';
import { PATROL_KINDS } from '../../../../domain/patrol-kinds.ts';
import { col, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { instant, located, recordTable } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/**
 * Patrol teams (群防群治队伍), table `patrol_team` (migration …02Registry). A
 * disbanded team (…57PatrolTeamEnd) keeps its row with when, by whom and why:
 * its patrols still name it, but it is in no list and no count of teams.
 */
const PatrolTeam = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(PATROL_KINDS),
  ...located,
  version: col.id,
  externalId: col.text.nullable(),
  endedAt: instant.nullable(),
  endedBy: col.text.nullable(),
  endedByName: col.text.nullable(),
  endReason: col.text.nullable(),
  endNote: col.text.nullable(),
  /** The members it had when it was disbanded (…62DisbandedMembers): a patrol walked before the end, entered later, had them. */
  endedMemberIds: z.array(col.id).nullable(),
});
export type PatrolTeamRow = z.infer<typeof PatrolTeam>;

/** No mutation changes a team's own fields. */
type PatrolTeamChanges = Record<never, never>;

const table = recordTable<PatrolTeamRow, PatrolTeamChanges>('patrol_team', PatrolTeam, {});

const disband = sql(
  'patrolTeam.disband',
  PatrolTeam,
  `update patrol_team set ended_at = now(), ended_by = ?, ended_by_name = ?, end_reason = ?, end_note = ?, ended_member_ids = string_to_array(?, ',')::integer[],
                          version = version + 1
    where id = ? and ended_at is null returning *`,
);
const releaseMembers = sql(
  'patrolTeamMember.releaseAll',
  z.object({ ids: col.text }),
  `with gone as (delete from patrol_team_member where team_id = ? returning person_id)
   select coalesce(string_agg(person_id::text, ',' order by person_id), '') as ids from gone`,
);

/** Teams named by a patrol the caller sees (migration …85PatrolTeamNamed). */
const named = sql('patrolTeam.named', PatrolTeam, `select * from hub_patrol_teams_named(array[?]::integer[])`);

export const patrolTeams = {
  ...table,
  /**
   * Of these teams, those that walked a patrol on a grid inside the caller's jurisdiction, whatever grid of the
   * village the team itself serves (`Patrol.team`).
   */
  namedByPatrols: (db: Db, ids: readonly number[]): Promise<PatrolTeamRow[]> => rows(db, named, [ids]),
  /** A division's current patrol teams (not disbanded), of one kind if given. */
  list: (scope: Scope, kind?: string | null): ScopedList<PatrolTeamRow> =>
    scopedList('patrolTeam.list', 'patrol_team', PatrolTeam, scope, allOf(['t.ended_at is null', ...(kind ? ['t.kind = ?'] : [])], kind ? [kind] : [])),
  /**
   * Disbands a team: its members leave it (the member triggers move its version and file the change), then it ends,
   * keeping who they were; the team as it ended.
   */
  async disband(db: Db, id: number, e: { by: string; byName: string | null; reason: string; note: string | null }): Promise<PatrolTeamRow | null> {
    // The ids as text (`1,2`): a statement's array parameter expands to a list, and a team may have no members.
    const left = (await row(db, releaseMembers, [id]))!.ids;
    return row(db, disband, [e.by, e.byName, e.reason, e.note, left, id]);
  },
};
