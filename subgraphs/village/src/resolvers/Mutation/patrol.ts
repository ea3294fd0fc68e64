import { badInput, conflict } from '../../../../../domain/errors.ts';
import { chinaMinute, parseId } from '../../../../../platform/scalars.ts';
import { requireWrite } from '../../../../../platform/caller.ts';
import { optText, text } from '../../../../../platform/validate.ts';
import type { MutationResolvers, PatrolHazardInput } from '../../generated/resolvers.ts';
import { hazards } from '../../store/hazard.ts';
import { patrolTeamMembers } from '../../store/patrol-team-member.ts';
import { patrolTeams } from '../../store/patrol-team.ts';
import { patrols } from '../../store/patrol.ts';
import type { Location } from '../../store/record.ts';
import { gridInVillage, peopleNamed, teamOfPatrol } from './patrol-team.ts';
import { forWrite, gridFor, tx, type Ends } from './write.ts';

/** Voided patrols as ended records: a void of one answers when, by whom and why it was voided (alreadyEnded). */
const VOIDED: Ends = { endedOf: (em, id) => patrols.voidedOf(em, id), what: { zh: '巡逻记录', en: 'patrol' } };

/** A patrol shorter than this is a slip of the times (a start and end typed alike), not a patrol. */
const PATROL_MIN_MS = 10 * 60_000;
/** How late a patrol may be recorded: a paper log entered afterwards, not a date typed wrong (1990 for 2026). */
const PATROL_LATE_YEARS = 5;
const PATROL_LATE_MS = PATROL_LATE_YEARS * 366 * 24 * 3_600_000;

/** A DateTime argument (the scalar parses it to a Date). */
const instant = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** 巡逻: recording a patrol of a team, with the hazards it found. */
export const patrolMutations = {
  recordPatrol: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      // Locked: two recordings of one team's patrol (a retry racing the first) are judged one after the other.
      const locked = await forWrite(em, ctx.caller, patrolTeams, input.teamId, 'patrolTeam', { argument: 'teamId' });
      const start = instant(input.startedAt);
      const end = instant(input.endedAt);
      if (!(end > start)) throw badInput({ zh: 'endedAt（结束时间）应晚于开始时间。', en: 'endedAt must be after startedAt.' }, { argument: 'endedAt' });
      if (end.getTime() - start.getTime() > 24 * 3_600_000) {
        throw badInput({ zh: '一次巡逻最长 24 小时。', en: 'A patrol lasts at most 24 hours.' }, { argument: 'endedAt' });
      }
      if (end.getTime() - start.getTime() < PATROL_MIN_MS) {
        throw badInput(
          {
            zh: `一次巡逻至少 ${PATROL_MIN_MS / 60_000} 分钟；请核对开始和结束时间。`,
            en: `A patrol lasts at least ${PATROL_MIN_MS / 60_000} minutes; check its times.`,
          },
          { argument: 'endedAt' },
        );
      }
      if (end.getTime() > Date.now() + 5 * 60_000)
        throw badInput({ zh: 'endedAt（结束时间）不能晚于当前时间。', en: 'endedAt is in the future.' }, { argument: 'endedAt' });
      if (Date.now() - end.getTime() > PATROL_LATE_MS) {
        throw badInput(
          {
            zh: `这次巡逻结束于 ${chinaMinute(end)}，已超过 ${PATROL_LATE_YEARS} 年：巡逻记录须在 ${PATROL_LATE_YEARS} 年内补登；请核对日期。`,
            en: `This patrol ended ${chinaMinute(end)}, over ${PATROL_LATE_YEARS} years ago: patrols are recorded within ${PATROL_LATE_YEARS} years; check the date.`,
          },
          { argument: 'startedAt' },
        );
      }
      const team = teamOfPatrol(locked, end);
      if (!input.participantIds.length)
        throw badInput({ zh: '巡逻至少要有一名参加人员。', en: 'A patrol needs at least one participant.' }, { argument: 'participantIds' });
      // Participants are people the caller holds, as a case's parties are: a grid's worker names the members on their
      // own grid (whom their lists show), and whether someone beyond it is a member, or was on a patrol, is not theirs
      // to learn (checked before a retry is recognised, which would otherwise answer a guessed participant).
      const { ids: participants } = await peopleNamed(em, ctx.caller, input.participantIds, 'participantIds');
      const patrolled = await gridInVillage(em, ctx.caller, team.villageCode, input.gridCode, { zh: '巡逻', en: 'patrol' });
      // A team patrols once at a time: a patrol overlapping one already recorded would count its hours twice. The
      // very same patrol sent again (a retry after a lost answer) gets the one recorded, its hazards not added again,
      // before anything that may have changed since is judged (a participant who has left the team since).
      const clash = await patrols.overlapping(em, team.id, start, end);
      const same =
        clash &&
        new Date(clash.startedAt).getTime() === start.getTime() &&
        new Date(clash.endedAt).getTime() === end.getTime() &&
        clash.gridCode === patrolled.gridCode &&
        [...clash.participantIds].sort().join() === [...participants].sort().join();
      if (same) return clash;
      // A disbanded team's members left it when it ended: its late patrol was walked by those it had then.
      const memberIds = new Set(team.endedMemberIds ?? (await patrolTeamMembers.among(em, team.id, participants)));
      const outsiders = participants.filter((p) => !memberIds.has(p));
      if (outsiders.length) {
        const when = team.endedAt ? { zh: `解散时的`, en: ' when it was disbanded' } : { zh: '', en: '' };
        throw badInput(
          {
            zh: `参加人员须是本巡防队${when.zh}队员；以下人员不是：${outsiders.join('、')}。`,
            en: `Participants must be members of the team${when.en}; not members: ${outsiders.join(', ')}.`,
          },
          { argument: 'participantIds' },
        );
      }
      if (clash) {
        throw conflict(
          {
            zh: `巡防队 ${team.id} 已有一次巡逻（编号 ${clash.id}，${chinaMinute(clash.startedAt)}–${chinaMinute(clash.endedAt)}）与这段时间重叠；同一巡防队的巡逻时间不能重叠。`,
            en: `Team ${team.id} already has a patrol (id ${clash.id}, ${chinaMinute(clash.startedAt)}–${chinaMinute(clash.endedAt)}) overlapping this time; a team's patrols do not overlap.`,
          },
          { argument: 'startedAt', patrolId: String(clash.id) },
        );
      }
      // One person walks one patrol at a time: in two teams' patrols at once, their hours would count twice.
      const elsewhere = await patrols.busy(em, { villageCode: team.villageCode, teamId: team.id, start, end, people: participants });
      if (elsewhere) {
        const both = participants.filter((p) => elsewhere.participantIds.includes(p));
        throw conflict(
          {
            zh: `参加人员 ${both.join('、')} 同一时间在另一巡防队（编号 ${elsewhere.teamId}）的巡逻中（编号 ${elsewhere.id}，${chinaMinute(elsewhere.startedAt)}–${chinaMinute(elsewhere.endedAt)}）；同一人不能同时参加两次巡逻。`,
            en: `Participants ${both.join(', ')} were on another team's patrol (team ${elsewhere.teamId}, patrol ${elsewhere.id}, ${chinaMinute(elsewhere.startedAt)}–${chinaMinute(elsewhere.endedAt)}) at that time; one person walks one patrol at a time.`,
          },
          { argument: 'participantIds', patrolId: String(elsewhere.id) },
        );
      }
      const found: { loc: Location; h: PatrolHazardInput }[] = [];
      for (const h of input.hazards ?? []) {
        // A hazard that names no grid was found where the patrol walked: on the patrol's grid, whose place was checked
        // with the patrol's. A grid it names may be another of the village's (a patrol crosses grids), checked as ever.
        if (h.gridCode == null) {
          found.push({ loc: patrolled, h });
          continue;
        }
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
          // What a patrol found is reported by whoever records the patrol: their name, or else their subject, as the
          // hub names who ended a grid post.
          reportedBy: ctx.caller.name || ctx.caller.subject,
          ...loc,
        });
      }
      return patrol;
    }),
  voidPatrol: (_, { id, reason }, ctx) =>
    tx(ctx, async (em) => {
      const why = text(reason, 'reason', 500);
      const patrolId = parseId(id, 'id');
      const again = await patrols.voidedAgain(em, patrolId, why);
      if (again) {
        requireWrite(ctx.caller, again.gridCode);
        return again;
      }
      // A patrol voided before (by another caller, or for another reason) is told as voided, not as unknown.
      const patrol = await forWrite(em, ctx.caller, patrols, id, 'patrol', { ended: { ends: VOIDED, action: 'end' } });
      // A hazard being rectified, or already rectified, stands as found: the patrol that found it is no mistake to undo.
      const acted = (await hazards.ofPatrols(em, [patrol.id])).filter((h) => h.status !== 'REPORTED');
      if (acted.length) {
        throw conflict(
          {
            zh: `巡逻 ${patrol.id} 上报的隐患（编号 ${acted.map((h) => h.id).join('、')}）已在整改或已整改，不能作废这次巡逻。`,
            en: `Patrol ${patrol.id} reported hazards (${acted.map((h) => h.id).join(', ')}) that are being or have been rectified; the patrol cannot be voided.`,
          },
          { argument: 'id', hazardIds: acted.map((h) => String(h.id)) },
        );
      }
      return patrols.void(em, patrol.id, { subject: ctx.caller.subject, name: ctx.caller.name || null }, why);
    }),
} satisfies MutationResolvers;
