import { badInput, conflict } from '../../../../../platform/errors.ts';
import { text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { households } from '../../store/household.ts';
import { houses } from '../../store/house.ts';
import { jointDefenseGroups } from '../../store/joint-defense-group.ts';
import { persons } from '../../store/person.ts';
import { forWrite, gridFor, refInVillage, tx, versioned } from './write.ts';

/** 户: registering households, naming their head, and moving them with all their members. */
export const householdMutations = {
  registerHousehold: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      return households.insert(em, {
        number: text(input.number, 'number', 50),
        addressId: await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', loc.villageCode),
        houseId: await refInVillage(em, ctx.caller, houses, input.houseId, 'house', loc.villageCode),
        ...loc,
      });
    }),
  updateHousehold: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const h = await forWrite(em, ctx.caller, households, id, 'household');
      let headId: number | undefined;
      if (input.headId != null) {
        const head = await forWrite(em, ctx.caller, persons, input.headId, 'person', false);
        if (head.householdId !== h.id) {
          throw badInput(
            { zh: `人员 ${input.headId} 不是户 ${id} 的成员。`, en: `person ${input.headId} is not a member of household ${id}.` },
            { argument: 'headId' },
          );
        }
        headId = head.id;
      }
      return versioned(em, households, h.id, version, { number: input.number == null ? undefined : text(input.number, 'number', 50), headId });
    }),
  moveHousehold: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const h = await forWrite(em, ctx.caller, households, id, 'household');
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      const addressId = await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', loc.villageCode);
      const houseId = await refInVillage(em, ctx.caller, houses, input.houseId, 'house', loc.villageCode);
      // Joint-defense groups are of neighbours: leaving the village means leaving the group.
      const groupLeft = loc.villageCode !== h.villageCode ? h.jointDefenseGroupId : null;
      if (groupLeft != null) {
        const g = await jointDefenseGroups.byId(em, groupLeft);
        if (g?.leaderId != null && (await persons.livesIn(em, g.leaderId, h.id))) {
          throw conflict({
            zh: `户 ${id} 是十户联防组 ${g.id} 联户长的家庭；请先另行指定联户长。`,
            en: `household ${id} is home to the leader of joint-defense group ${g.id}; appoint another leader first.`,
          });
        }
      }
      const moved = await versioned(em, households, h.id, version, {
        ...loc,
        addressId,
        houseId,
        jointDefenseGroupId: groupLeft != null ? null : h.jointDefenseGroupId,
      });
      await persons.followHousehold(em, h.id, loc, addressId);
      return moved;
    }),
} satisfies MutationResolvers;
