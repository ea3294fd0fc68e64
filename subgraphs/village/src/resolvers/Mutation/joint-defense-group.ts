import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { badInput, conflict, notFound } from '../../../../../platform/errors.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { households, type HouseholdRow } from '../../store/household.ts';
import { jointDefenseGroups } from '../../store/joint-defense-group.ts';
import { persons } from '../../store/person.ts';
import { forWrite, gridFor, tx, versioned } from './write.ts';

/** 十户联防: a household belongs to at most one joint-defense group. */
/** The leader (联户长) named lives outside the group's households. */
const leaderOutside = (leaderId: string) =>
  badInput(
    {
      zh: `联户长须居住在本联防组的某一户中；人员 ${leaderId} 不符合。`,
      en: `The leader (联户长) must live in one of the group's households; person ${leaderId} does not.`,
    },
    { argument: 'leaderId' },
  );

function refuseGrouped(taken: HouseholdRow[]): void {
  if (taken.length) {
    throw conflict({
      zh: `一户最多加入一个十户联防组；以下户已在其他联防组：${taken.map((h) => `${h.id}（联防组 ${h.jointDefenseGroupId}）`).join('、')}。`,
      en: `A household belongs to at most one joint-defense group; already in another: ${taken.map((h) => `${h.id} (group ${h.jointDefenseGroupId})`).join(', ')}.`,
    });
  }
}

/** The households, locked, all writable by the caller and in `village`. */
async function groupHouseholds(em: EntityManager, caller: Caller, ids: readonly string[], village: string): Promise<HouseholdRow[]> {
  const parsed = [...new Set(ids.map((i) => parseId(i, 'householdId')))];
  if (!parsed.length) return [];
  const rows = await households.lockMany(em, parsed);
  const found = new Set(rows.map((r) => r.id));
  const missing = parsed.filter((i) => !found.has(i));
  if (missing.length) throw notFound({ zh: `没有编号为 ${missing.join('、')} 的户。`, en: `No household with id ${missing.join(', ')}.` });
  for (const h of rows) {
    requireWrite(caller, h.villageCode);
    if (h.villageCode !== village) {
      throw badInput({
        zh: `户 ${h.id} 属于村（社区）${h.villageCode}；联防组的各户须是 ${village} 的邻里。`,
        en: `household ${h.id} is in village ${h.villageCode}; a group's households must be neighbours in ${village}.`,
      });
    }
  }
  return rows;
}

/** 十户联防: forming joint-defense groups of neighbouring households, their members and their leader (联户长). */
export const jointDefenseGroupMutations = {
  createJointDefenseGroup: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      const members = await groupHouseholds(em, ctx.caller, input.householdIds, loc.villageCode);
      if (!members.length)
        throw badInput({ zh: '十户联防组至少要有一户。', en: 'A joint-defense group needs at least one household.' }, { argument: 'householdIds' });
      refuseGrouped(members.filter((h) => h.jointDefenseGroupId != null));
      const leader = await forWrite(em, ctx.caller, persons, input.leaderId, 'person', false);
      if (!members.some((h) => h.id === leader.householdId)) throw leaderOutside(input.leaderId);
      const group = await jointDefenseGroups.insert(em, { name: text(input.name, 'name', 100), leaderId: leader.id, ...loc });
      await households.joinGroup(
        em,
        group.id,
        members.map((h) => h.id),
      );
      return group;
    }),
  assignHouseholdsToGroup: (_, { groupId, version, householdIds }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup');
      const members = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
      refuseGrouped(members.filter((h) => h.jointDefenseGroupId != null && h.jointDefenseGroupId !== g.id));
      const updated = await versioned(em, jointDefenseGroups, g.id, version, {});
      if (members.length)
        await households.joinGroup(
          em,
          g.id,
          members.map((h) => h.id),
        );
      return updated;
    }),
  removeHouseholdsFromGroup: (_, { groupId, version, householdIds }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup');
      const members = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
      const leaderHome = g.leaderId == null ? null : (await persons.byId(em, g.leaderId))?.householdId;
      if (members.some((h) => h.id === leaderHome)) {
        throw conflict({
          zh: '联户长所在户不能退出联防组；请先另行指定联户长。',
          en: "The leader's household cannot leave the group; appoint another leader first.",
        });
      }
      const updated = await versioned(em, jointDefenseGroups, g.id, version, {});
      if (members.length)
        await households.leaveGroup(
          em,
          g.id,
          members.map((h) => h.id),
        );
      return updated;
    }),
  setJointDefenseGroupLeader: (_, { groupId, version, leaderId }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup');
      const leader = await forWrite(em, ctx.caller, persons, leaderId, 'person', false);
      const home = leader.householdId == null ? null : await households.byId(em, leader.householdId);
      if (home?.jointDefenseGroupId !== g.id) throw leaderOutside(leaderId);
      return versioned(em, jointDefenseGroups, g.id, version, { leaderId: leader.id });
    }),
} satisfies MutationResolvers;
