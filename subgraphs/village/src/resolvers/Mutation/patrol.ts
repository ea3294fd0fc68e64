import { badInput } from '../../../../../domain/errors.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { optText, text } from '../../../../../platform/validate.ts';
import type { MutationResolvers, PatrolHazardInput } from '../../generated/resolvers.ts';
import { hazards } from '../../store/hazard.ts';
import { patrolTeamMembers } from '../../store/patrol-team-member.ts';
import { patrolTeams } from '../../store/patrol-team.ts';
import { patrols } from '../../store/patrol.ts';
import type { Location } from '../../store/record.ts';
import { gridInVillage } from './patrol-team.ts';
import { forWrite, gridFor, tx } from './write.ts';

/** A DateTime argument (the scalar parses it to a Date). */
const instant = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** 巡逻: recording a patrol of a team, with the hazards it found. */
export const patrolMutations = {
  recordPatrol: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const team = await forWrite(em, ctx.caller, patrolTeams, input.teamId, 'patrolTeam', false);
      const start = instant(input.startedAt);
      const end = instant(input.endedAt);
      if (!(end > start))
        throw badInput({ zh: 'endedAt（结束时间）应晚于 startedAt（开始时间）。', en: 'endedAt must be after startedAt.' }, { argument: 'endedAt' });
      if (end.getTime() - start.getTime() > 24 * 3_600_000) {
        throw badInput({ zh: '一次巡逻最长 24 小时。', en: 'A patrol lasts at most 24 hours.' }, { argument: 'endedAt' });
      }
      if (end.getTime() > Date.now() + 5 * 60_000)
        throw badInput({ zh: 'endedAt（结束时间）不能晚于当前时间。', en: 'endedAt is in the future.' }, { argument: 'endedAt' });
      const participants = [...new Set(input.participantIds.map((p) => parseId(p, 'participantIds')))];
      if (!participants.length)
        throw badInput({ zh: '巡逻至少要有一名参加人员。', en: 'A patrol needs at least one participant.' }, { argument: 'participantIds' });
      const memberIds = new Set(await patrolTeamMembers.among(em, team.id, participants));
      const outsiders = participants.filter((p) => !memberIds.has(p));
      if (outsiders.length) {
        throw badInput(
          {
            zh: `参加人员须是本巡防队队员；以下人员不是：${outsiders.join('、')}。`,
            en: `Participants must be members of the team; not members: ${outsiders.join(', ')}.`,
          },
          { argument: 'participantIds' },
        );
      }
      const patrolled = await gridInVillage(em, ctx.caller, team.villageCode, input.gridCode, { zh: '巡逻', en: 'patrol' });
      const found: { loc: Location; h: PatrolHazardInput }[] = [];
      for (const h of input.hazards ?? []) {
        const loc = await gridFor(em, ctx.caller, h.gridCode);
        if (loc.villageCode !== team.villageCode) {
          throw badInput(
            {
              zh: `隐患所在网格 ${h.gridCode} 不在巡防队所属的村（社区）${team.villageCode} 内。`,
              en: `Hazard grid ${h.gridCode} is not in the team's village ${team.villageCode}.`,
            },
            { argument: 'hazards' },
          );
        }
        found.push({ loc, h });
      }
      const patrol = await patrols.insert(em, {
        teamId: team.id,
        startedAt: start,
        endedAt: end,
        route: optText(input.route, 'route', 500),
        participantIds: participants,
        villageCode: team.villageCode,
        gridCode: patrolled.gridCode,
        countyCode: team.countyCode,
      });
      for (const { loc, h } of found) {
        await hazards.insertFound(em, {
          kind: h.kind,
          description: text(h.description, 'description', 500),
          location: optText(h.location, 'location'),
          patrolId: patrol.id,
          reportedAt: end,
          ...loc,
        });
      }
      return patrol;
    }),
} satisfies MutationResolvers;
