import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { badInput, notFound } from '../../../../../domain/errors.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { GROUPS } from '../../registry/kinds.ts';
import { groupElsewhere, groupTaken, leaderHomeLeaves, leaderUnderage, ruleError, type Rule } from '../../registry/rules.ts';
import { currentVersion, formValues, writeForm, writeValues } from '../../registry/write.ts';
import { households, type HouseholdRow } from '../../store/household.ts';
import { jointDefenseGroups, type JointDefenseGroupRow } from '../../store/joint-defense-group.ts';
import { persons } from '../../store/person.ts';
import { checkVersion, forWrite, keyedCreate, tx, unknownReference } from './write.ts';
import { ENDS } from './deregister.ts';

/**
 * 十户联防: a household belongs to at most one joint-defense group
 * (groupTaken), the group's households are neighbours in one village
 * (groupElsewhere), and its leader (联户长) is an adult (leaderUnderage) who
 * lives in one of them (leaderOutside, leaderHomeLeaves). The rules are those of the groups' and
 * households' files (registry/rules.ts); the leader is set through the
 * groups' one write path.
 */

/** Households already in another group: a household belongs to at most one. */
function refuseGrouped(taken: HouseholdRow[]): void {
  if (taken.length) {
    throw ruleError(groupTaken, {
      said: {
        zh: `（${taken.map((h) => `户 ${h.id} 在联防组 ${h.jointDefenseGroupId}`).join('、')}）。`,
        en: ` (${taken.map((h) => `household ${h.id} is in group ${h.jointDefenseGroupId}`).join(', ')}).`,
      },
      extra: { householdIds: taken.map((h) => String(h.id)) },
    });
  }
}

/** The households, locked, all writable by the caller and in `village`. */
async function groupHouseholds(em: EntityManager, caller: Caller, ids: readonly string[], village: string): Promise<HouseholdRow[]> {
  const parsed = [...new Set(ids.map((i) => parseId(i, 'householdIds')))];
  if (!parsed.length) return [];
  const rows = await households.lockMany(em, parsed);
  const found = new Set(rows.map((r) => r.id));
  const missing = parsed.filter((i) => !found.has(i));
  if (missing.length) {
    throw await unknownReference(em, 'household', missing, 'householdIds', () =>
      notFound({ zh: `没有编号为 ${missing.join('、')} 的户。`, en: `No household with id ${missing.join(', ')}.` }, { argument: 'householdIds' }),
    );
  }
  for (const h of rows) {
    // Each household by its grid: a grid worker forms its own grid's groups, which the village's code would refuse.
    requireWrite(caller, h.gridCode);
    if (h.villageCode !== village) {
      throw ruleError(groupElsewhere, {
        said: {
          zh: `（户 ${h.id} 属于村（社区）${h.villageCode}，联防组属于 ${village}）。`,
          en: ` (household ${h.id} is in village ${h.villageCode}, the group in ${village}).`,
        },
      });
    }
  }
  return rows;
}

/** A minor named as leader is told by id, as a patrol team tells a minor named as its member. */
const namingMinor =
  (leaderId: string | null | undefined) =>
  (rule: Rule): Promise<Parameters<typeof ruleError>[1]> =>
    Promise.resolve(
      rule === leaderUnderage && leaderId != null
        ? { said: { zh: `（人员 ${leaderId}）。`, en: ` (resident ${leaderId}).` }, extra: { personId: String(leaderId) } }
        : undefined,
    );

/**
 * A change of the group's households is an update of the group (optimistic concurrency over its households): it
 * needs the version the client read, and the database raises the version and files the change (migration
 * …41GroupHouseholds); no change, nothing to check.
 */
function checkMembership(g: JointDefenseGroupRow, version: number, changed: boolean): void {
  if (changed) checkVersion(g.version, version);
}

/** 十户联防: forming joint-defense groups of neighbouring households, their members and their leader (联户长). */
export const jointDefenseGroupMutations = {
  createJointDefenseGroup: keyedCreate('createJointDefenseGroup', jointDefenseGroups, async (em, { input }, ctx) => {
    const values = await formValues(em, ctx.caller, GROUPS, {
      gridCode: input.gridCode,
      name: input.name,
      leaderId: input.leaderId,
      externalId: input.externalId,
    });
    const members = await groupHouseholds(em, ctx.caller, input.householdIds, String(values.values.grid_code).slice(0, 12));
    if (!members.length)
      throw badInput({ zh: '十户联防组至少要有一户。', en: 'A joint-defense group needs at least one household.' }, { argument: 'householdIds' });
    refuseGrouped(members.filter((h) => h.jointDefenseGroupId != null));
    // Written once, with its leader, through the groups' rules: an adult resident of the caller's jurisdiction who
    // lives in one of the households it is formed with (leaderUnderage, leaderOutside). One creation is one record written, so the change feed
    // has one CREATED entry for it, leader included.
    const id = (await writeValues(em, GROUPS, values, { register: true, household_ids: members.map((h) => String(h.id)) }, namingMinor(input.leaderId)))!;
    await households.joinGroup(
      em,
      id,
      members.map((h) => h.id),
    );
    return (await jointDefenseGroups.byId(em, id))!;
  }),
  assignHouseholdsToGroup: (_, { groupId, version, householdIds }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup', {
        argument: 'groupId',
        ended: { ends: ENDS.JOINT_DEFENSE_GROUP, action: 'change' },
      });
      const members = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
      refuseGrouped(members.filter((h) => h.jointDefenseGroupId != null && h.jointDefenseGroupId !== g.id));
      const joining = members.filter((h) => h.jointDefenseGroupId !== g.id).map((h) => h.id);
      checkMembership(g, version, joining.length > 0);
      if (joining.length) await households.joinGroup(em, g.id, joining);
      return (await jointDefenseGroups.byId(em, g.id))!;
    }),
  removeHouseholdsFromGroup: (_, { groupId, version, householdIds }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup', {
        argument: 'groupId',
        ended: { ends: ENDS.JOINT_DEFENSE_GROUP, action: 'change' },
      });
      const members = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
      const leaving = members.filter((h) => h.jointDefenseGroupId === g.id);
      const leaderHome = g.leaderId == null ? null : (await persons.byId(em, g.leaderId))?.householdId;
      const home = leaving.find((h) => h.id === leaderHome);
      if (home) throw ruleError(leaderHomeLeaves, { said: { zh: `（户 ${home.id}）。`, en: ` (household ${home.id}).` } });
      checkMembership(g, version, leaving.length > 0);
      if (leaving.length)
        await households.leaveGroup(
          em,
          g.id,
          leaving.map((h) => h.id),
        );
      return (await jointDefenseGroups.byId(em, g.id))!;
    }),
  updateJointDefenseGroup: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, id, 'jointDefenseGroup', { ended: { ends: ENDS.JOINT_DEFENSE_GROUP, action: 'change' } });
      await writeForm(em, ctx.caller, GROUPS, { name: input.name, externalId: input.externalId }, { id: g.id, version }, currentVersion(g));
      return (await jointDefenseGroups.byId(em, g.id))!;
    }),
  setJointDefenseGroupLeader: (_, { groupId, version, leaderId }, ctx) =>
    tx(ctx, async (em) => {
      const g = await forWrite(em, ctx.caller, jointDefenseGroups, groupId, 'jointDefenseGroup', {
        argument: 'groupId',
        ended: { ends: ENDS.JOINT_DEFENSE_GROUP, action: 'change' },
      });
      const minor = namingMinor(leaderId);
      await writeForm(em, ctx.caller, GROUPS, { leaderId }, { id: g.id, version }, async (rule) => (await minor(rule)) ?? currentVersion(g)(rule));
      return (await jointDefenseGroups.byId(em, g.id))!;
    }),
} satisfies MutationResolvers;
