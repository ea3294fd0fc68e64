import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';

/** Who is in which patrol team, table `patrol_team_member` (migration …02Registry). */
const Member = z.object({ teamId: col.id, personId: col.id });
export type PatrolTeamMemberRow = z.infer<typeof Member>;

const ofTeams = sql('patrolTeamMember.ofTeams', Member, 'select team_id, person_id from patrol_team_member where team_id in (?) order by person_id');
const among = sql('patrolTeamMember.among', z.object({ personId: col.id }), 'select person_id from patrol_team_member where team_id = ? and person_id in (?)');
const teamsOf = sql(
  'patrolTeamMember.teamsOf',
  z.object({ teamId: col.id, name: col.text }),
  'select t.id as team_id, t.name from patrol_team_member m join patrol_team t on t.id = m.team_id where m.person_id = ? order by t.id',
);
const add = command(
  'patrolTeamMember.add',
  `insert into patrol_team_member (team_id, person_id, village_code) select ?, unnest(array[?]::int[]), ? on conflict do nothing`,
);
const remove = command('patrolTeamMember.remove', 'delete from patrol_team_member where team_id = ? and person_id in (?)');

export const patrolTeamMembers = {
  /** Members of each team, by team id. */
  ofTeams: (db: Db, teamIds: readonly number[]): Promise<PatrolTeamMemberRow[]> => rows(db, ofTeams, [teamIds]),
  /** Those of the people who are members of the team. */
  async among(db: Db, teamId: number, personIds: readonly number[]): Promise<number[]> {
    return (await rows(db, among, [teamId, personIds])).map((m) => m.personId);
  },
  /** The teams the person is a member of, with their names. */
  teamsOf: (db: Db, personId: number): Promise<{ teamId: number; name: string }[]> => rows(db, teamsOf, [personId]),
  /** Adds members (those already in stay as they are). */
  add: (db: Db, teamId: number, personIds: readonly number[], villageCode: string): Promise<number> => exec(db, add, [teamId, personIds, villageCode]),
  remove: (db: Db, teamId: number, personIds: readonly number[]): Promise<number> => exec(db, remove, [teamId, personIds]),
};
