import type { EntityManager } from '@mikro-orm/postgresql';
import { holdsRecord, requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { badInput, conflict, notFound } from '../../../../../domain/errors.ts';
import { chinaMinute, chinaTime, formatDate, parseId } from '../../../../../platform/scalars.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { TEAMS } from '../../registry/kinds.ts';
import { FORCES_MIN_AGE, ruleError, teamDisbanded } from '../../registry/rules.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { ageOn } from '../../../../../domain/tags.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { grids } from '../../store/grid.ts';
import { patrolTeamMembers } from '../../store/patrol-team-member.ts';
import { patrolTeams, type PatrolTeamRow } from '../../store/patrol-team.ts';
import { persons } from '../../store/person.ts';
import type { Location } from '../../store/record.ts';
import { forWrite, gridFor, keyedCreate, tx } from './write.ts';

/**
 * The grid a patrol team or a patrol is filed under (`Grid.patrolTeams`,
 * `Grid.patrols`): the given grid, which must lie in `village` and in the
 * caller's writable jurisdiction; without one, the grid of a grid's own
 * caller (a grid worker records on their grid, the only one they may write
 * to) or else the village's only grid. Any other caller in a village of
 * several grids names the grid.
 */
export async function gridInVillage(
  em: EntityManager,
  caller: Caller,
  village: string,
  gridCode: string | null | undefined,
  what: { zh: string; en: string },
): Promise<Location> {
  if (gridCode != null) {
    const loc = await gridFor(em, caller, gridCode);
    if (loc.villageCode !== village) {
      throw badInput(
        { zh: `gridCode ${loc.gridCode} 不在村（社区）${village} 内。`, en: `gridCode ${loc.gridCode} is not a grid of village ${village}.` },
        { argument: 'gridCode' },
      );
    }
    return loc;
  }
  if (caller.jurisdiction.length === 15 && caller.jurisdiction.startsWith(village)) return gridFor(em, caller, caller.jurisdiction);
  const all = await grids.ofVillages(em, [village]);
  if (!all.length) {
    throw badInput(
      { zh: `villageCode ${village} 不是本系统已知的村（社区）。`, en: `villageCode ${village} is not a village the hub knows.` },
      { argument: 'villageCode' },
    );
  }
  if (all.length > 1) {
    throw badInput(
      {
        zh: `村（社区）${village} 有 ${all.length} 个网格：请用 gridCode 指明${what.zh}所在的网格。`,
        en: `village ${village} has ${all.length} grids: give the gridCode of the grid the ${what.en} belongs to.`,
      },
      { argument: 'gridCode' },
    );
  }
  const [only] = all;
  return { villageCode: village, gridCode: only!.code, countyCode: only!.countyCode };
}

/**
 * The team, refused (CONFLICT, the import's `teamDisbanded`) once disbanded: it takes no member and no change, and a
 * disband is not undone (a team formed again is a new team). Its patrols before the end stay, in their days' figures
 * (and one entered late is taken: `teamOfPatrol`).
 */
export function currentTeam(team: PatrolTeamRow, argument = 'teamId'): PatrolTeamRow {
  if (!team.endedAt) return team;
  const at = chinaMinute(team.endedAt);
  throw ruleError(teamDisbanded, {
    name: argument,
    said: { zh: `（巡防队 ${team.id}「${team.name}」于 ${at} 解散）。`, en: ` (team ${team.id}, ${team.name}, disbanded ${at}).` },
    extra: { endedAt: chinaTime(team.endedAt) },
  });
}

/**
 * The team that walked a patrol ending at `end`. A patrol that ended by the team's disband was walked by it and is
 * recorded late (clerks enter the paper patrol log days afterwards); one that ended after it was walked by no such
 * team (CONFLICT, teamDisbanded, saying when the team ended).
 */
export function teamOfPatrol(team: PatrolTeamRow, end: Date): PatrolTeamRow {
  if (!team.endedAt || end.getTime() <= new Date(team.endedAt).getTime()) return team;
  const at = chinaMinute(team.endedAt);
  throw ruleError(teamDisbanded, {
    name: 'teamId',
    said: {
      zh: `（巡防队 ${team.id}「${team.name}」于 ${at} 解散，这次巡逻结束于 ${chinaMinute(end)}；解散前结束的巡逻仍可补录）。`,
      en: ` (team ${team.id}, ${team.name}, disbanded ${at}, and this patrol ended ${chinaMinute(end)}; a patrol that ended by then is still recorded).`,
    },
    extra: { endedAt: chinaTime(team.endedAt) },
  });
}

/** The people `personIds` names, each one the caller holds; NOT_FOUND naming the first that is not (`argument`: the list). */
export async function peopleNamed(em: EntityManager, caller: Caller, personIds: readonly string[], argument: string) {
  const ids = [...new Set(personIds.map((p) => parseId(p, argument)))];
  const found = new Map((ids.length ? await persons.villagesOf(em, ids) : []).map((p) => [p.id, p]));
  for (const id of ids) {
    const p = found.get(id);
    if (!p || !holdsRecord(caller, p)) throw notFound({ zh: `没有编号为 ${id} 的人员。`, en: `No person with id ${id}.` }, { argument, personId: String(id) });
  }
  return { ids, found };
}

/** Adds people of the team's village to the team (those already in stay). */
async function addMembers(em: EntityManager, caller: Caller, team: PatrolTeamRow, personIds: readonly string[], argument = 'personIds'): Promise<void> {
  const { ids, found } = await peopleNamed(em, caller, personIds, argument);
  if (!ids.length) return;
  for (const id of ids) {
    const p = found.get(id)!;
    if (p.status === 'DEREGISTERED') {
      throw conflict({ zh: `人员 ${id} 已注销，不能加入巡防队。`, en: `person ${id} is deregistered and joins no team.` }, { argument, personId: String(id) });
    }
    if (ageOn(formatDate(p.birthDate), chinaDay()) < FORCES_MIN_AGE) {
      throw badInput(
        {
          zh: `人员 ${id} 未满 ${FORCES_MIN_AGE} 周岁：巡逻队员须为成年人。`,
          en: `person ${id} is under ${FORCES_MIN_AGE}: patrol members are adults.`,
        },
        { argument, personId: String(id), rule: 'personUnderage' },
      );
    }
    if (p.villageCode !== team.villageCode) {
      throw badInput(
        {
          zh: `人员 ${id} 住在 ${p.villageCode}，不在巡防队所属的村（社区）${team.villageCode}。`,
          en: `person ${id} lives in ${p.villageCode}, not the team's village ${team.villageCode}.`,
        },
        { argument },
      );
    }
  }
  await patrolTeamMembers.add(em, team.id, ids, team.villageCode);
}

/** The team as its members left it: a change of members moves the team's version, which the answer must carry for the next write. */
const afterMembers = async (em: EntityManager, id: number): Promise<PatrolTeamRow> => (await patrolTeams.byId(em, id))!;

/** 群防群治队伍: forming patrol teams of a village and changing their members. */
export const patrolTeamMutations = {
  createPatrolTeam: keyedCreate('createPatrolTeam', patrolTeams, async (em, { input }, ctx) => {
    const village = parseCodeOfLevel(input.villageCode, 'VILLAGE', 'villageCode');
    // A team serves one grid, and is that grid's to form: a grid worker forms its own grid's team, which the
    // village's code would refuse. A team given no grid (its village has one) is the village's.
    if (input.gridCode == null) requireWrite(ctx.caller, village, 'villageCode');
    const loc = await gridInVillage(em, ctx.caller, village, input.gridCode, { zh: '巡防队', en: 'team' });
    requireWrite(ctx.caller, loc.gridCode, 'gridCode');
    // The team itself through the patrol teams' one write path (docs/ARCHITECTURE.md, "One write path per kind").
    const id = await writeForm(
      em,
      ctx.caller,
      TEAMS,
      { gridCode: loc.gridCode, name: input.name, kind: input.kind, externalId: input.externalId },
      { register: true },
    );
    const team = (await patrolTeams.byId(em, id!))!;
    // Members set with the team are part of its creation: no version moves (the feed's one CREATED entry holds them).
    await addMembers(em, ctx.caller, team, input.memberIds ?? [], 'memberIds');
    return team;
  }),
  updatePatrolTeam: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const team = currentTeam(await forWrite(em, ctx.caller, patrolTeams, id, 'patrolTeam'), 'id');
      await writeForm(
        em,
        ctx.caller,
        TEAMS,
        { name: input.name, kind: input.kind, externalId: input.externalId },
        { id: team.id, version },
        currentVersion(team),
      );
      return (await patrolTeams.byId(em, team.id))!;
    }),
  addPatrolTeamMembers: (_, { teamId, personIds }, ctx) =>
    tx(ctx, async (em) => {
      const team = currentTeam(await forWrite(em, ctx.caller, patrolTeams, teamId, 'patrolTeam', { argument: 'teamId' }));
      await addMembers(em, ctx.caller, team, personIds);
      return afterMembers(em, team.id);
    }),
  removePatrolTeamMembers: (_, { teamId, personIds }, ctx) =>
    tx(ctx, async (em) => {
      const team = currentTeam(await forWrite(em, ctx.caller, patrolTeams, teamId, 'patrolTeam', { argument: 'teamId' }));
      // A person who is not a member is left as they are (a retry of a removal that went through); an id that names no
      // one is a mistake, told as adding one is.
      const { ids } = await peopleNamed(em, ctx.caller, personIds, 'personIds');
      if (ids.length) await patrolTeamMembers.remove(em, team.id, ids);
      return afterMembers(em, team.id);
    }),
} satisfies MutationResolvers;
