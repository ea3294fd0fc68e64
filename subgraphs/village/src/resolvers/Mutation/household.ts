import type { EntityManager } from '@mikro-orm/postgresql';
import { parseId } from '../../../../../platform/scalars.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { HOUSEHOLDS } from '../../registry/kinds.ts';
import { householdAddress, householdHouseGrid, houseVacant, leaderHomeLeaves, postsLeftBehind, ruleError } from '../../registry/rules.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { addresses } from '../../store/address.ts';
import { grids } from '../../store/grid.ts';
import { households } from '../../store/household.ts';
import { houses, type HouseRow } from '../../store/house.ts';
import { jointDefenseGroups } from '../../store/joint-defense-group.ts';
import { persons } from '../../store/person.ts';
import { splitHousehold } from '../../registry/split.ts';
import { checkVersion, forWrite, gridFor, once, refInVillage, registered, tx, versioned } from './write.ts';
import { ENDS } from './deregister.ts';

/** householdAddress as the households' write path words it (store/registry-kinds.ts): the house's address and the one given. */
async function householdAddressError(em: EntityManager, house: HouseRow, given: number) {
  const [at, other] = await Promise.all([addresses.byId(em, house.addressId!), addresses.byId(em, given)]);
  return ruleError(householdAddress, {
    said: {
      zh: `（房屋 ${house.number} 的地址为 ${house.addressId}（${at?.number ?? ''}），所给地址为 ${given}（${other?.number ?? ''}））`,
      en: ` (house ${house.number} is at address ${house.addressId} (${at?.number ?? ''}), the address given is ${given} (${other?.number ?? ''}))`,
    },
    extra: { houseId: String(house.id), houseAddressId: String(house.addressId), addressId: String(given) },
  });
}

/**
 * householdHouseGrid and houseVacant as the households' write path words them (store/registry-kinds.ts) for a household
 * moving to `gridCode` into (or keeping) `house`; `name` is the argument that made the mismatch. A house the caller
 * cannot read is on a grid it does not see: refused without naming it.
 */
async function houseRefusal(em: EntityManager, house: HouseRow | null, houseId: number, gridCode: string, name: string, movingIn: boolean) {
  if (!house) return ruleError(householdHouseGrid, { name, extra: { houseId: String(houseId), gridCode } });
  if (house.gridCode !== gridCode) {
    const grid = await grids.byCode(em, house.gridCode);
    return ruleError(householdHouseGrid, {
      name,
      said: {
        zh: `（房屋 ${house.number} 在网格 ${house.gridCode}（${grid?.name ?? ''}），户在网格 ${gridCode}）`,
        en: ` (house ${house.number} is on grid ${house.gridCode} (${grid?.name ?? ''}), the household on grid ${gridCode})`,
      },
      extra: { houseId: String(house.id), houseGridCode: house.gridCode, gridCode },
    });
  }
  if (movingIn && house.use === 'VACANT') {
    return ruleError(houseVacant, { said: { zh: `（房屋 ${house.number}）`, en: ` (house ${house.number})` }, extra: { houseId: String(house.id) } });
  }
  return null;
}

/**
 * 户: registering households, naming their head, moving them with all
 * their members, and splitting them (分户, ../../registry/split.ts). Registering and updating take the households' one write
 * path (docs/ARCHITECTURE.md, "One write path per kind").
 */
export const householdMutations = {
  registerHousehold: registered('registerHousehold', HOUSEHOLDS, households),
  updateHousehold: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const h = await forWrite(em, ctx.caller, households, id, 'household', { ended: { ends: ENDS.HOUSEHOLD, action: 'change' } });
      await writeForm(em, ctx.caller, HOUSEHOLDS, input, { id: h.id, version }, currentVersion(h));
      return (await households.byId(em, h.id))!;
    }),
  splitHousehold: (_, { id, version, input, idempotencyKey }, ctx) =>
    tx(ctx, (em) =>
      once(
        em,
        ctx.caller,
        { mutation: 'splitHousehold', key: idempotencyKey, input: { id, version, input } },
        async () => {
          const h = await forWrite(em, ctx.caller, households, id, 'household', { ended: { ends: ENDS.HOUSEHOLD, action: 'change' } });
          checkVersion(h.version, version);
          const split = await splitHousehold(em, ctx.caller, h, input);
          // The key is kept under the new household, the record the split created.
          return { ...split, id: split.newHousehold.id, villageCode: split.newHousehold.villageCode, gridCode: split.newHousehold.gridCode };
        },
        async (newId) => {
          const household = await households.byId(em, parseId(id));
          const newHousehold = await households.byId(em, newId);
          return household && newHousehold
            ? { household, newHousehold, id: newId, villageCode: newHousehold.villageCode, gridCode: newHousehold.gridCode }
            : null;
        },
      ),
    ),
  moveHousehold: (_, { id, version, input }, ctx) =>
    tx(
      ctx,
      async (em) => {
        const h = await forWrite(em, ctx.caller, households, id, 'household', { ended: { ends: ENDS.HOUSEHOLD, action: 'change' } });
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        // Left out, an address or house stays within the village (the move is to another grid of it) and stays behind
        // when the household leaves the village, where it is no longer theirs; null clears it.
        const sameVillage = loc.villageCode === h.villageCode;
        let addressId =
          input.addressId === undefined && sameVillage
            ? h.addressId
            : await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', loc.villageCode);
        let houseId =
          input.houseId === undefined && sameVillage ? h.houseId : await refInVillage(em, ctx.caller, houses, input.houseId, 'house', loc.villageCode);
        // Moving into a house is moving to its address (householdAddress): taken when left out or cleared, another refused.
        if (input.houseId != null && houseId != null) {
          const house = (await houses.byId(em, houseId))!;
          if (house.addressId != null) {
            if (input.addressId == null) addressId = house.addressId;
            else if (addressId !== house.addressId) throw await householdAddressError(em, house, addressId!);
          }
        }
        // A house left out stays only while it stands at the household's address: moving to another address leaves it
        // behind (the household no longer lives there), as leaving the village does. Clearing the address (not known)
        // keeps the house.
        if (input.houseId === undefined && houseId != null && addressId != null && addressId !== h.addressId) {
          const house = await houses.byId(em, houseId);
          if (house?.addressId != null && house.addressId !== addressId) houseId = null;
        }
        // The household and its house are on one grid (householdHouseGrid), and a 空置 house is not moved into (houseVacant).
        if (houseId != null && (houseId !== h.houseId || loc.gridCode !== h.gridCode)) {
          const name = input.houseId === undefined ? 'gridCode' : 'houseId';
          const refused = await houseRefusal(em, await houses.byId(em, houseId), houseId, loc.gridCode, name, houseId !== h.houseId);
          if (refused) throw refused;
        }
        // A move to where the household is already is no change: nothing is written, no version moves.
        if (loc.gridCode === h.gridCode && addressId === h.addressId && houseId === h.houseId) return h;
        // Joint-defense groups are of neighbours: leaving the village means leaving the group.
        const groupLeft = loc.villageCode !== h.villageCode ? h.jointDefenseGroupId : null;
        if (groupLeft != null) {
          const g = await jointDefenseGroups.byId(em, groupLeft);
          if (g?.leaderId != null && (await persons.livesIn(em, g.leaderId, h.id))) {
            throw ruleError(leaderHomeLeaves, {
              name: 'gridCode',
              said: { zh: `（户 ${id}，十户联防组 ${g.id}）。`, en: ` (household ${id}, group ${g.id}).` },
              extra: { groupId: String(g.id) },
            });
          }
        }
        // Its members leave no post behind in the old village, as a resident moving alone does not (postsLeftBehind).
        if (loc.villageCode !== h.villageCode) {
          const serving = await persons.withPosts(em, h.id);
          if (serving.length) {
            const who = serving.map((p) => `${p.name}（${p.id}）`).join('、');
            throw ruleError(postsLeftBehind, {
              name: 'gridCode',
              said: { zh: `（户 ${id} 的成员 ${who}）。`, en: ` (members of household ${id}: ${serving.map((p) => p.id).join(', ')}).` },
              extra: { personIds: serving.map((p) => String(p.id)) },
            });
          }
        }
        const moved = await versioned(em, households, h.id, version, {
          ...loc,
          addressId,
          houseId,
          jointDefenseGroupId: groupLeft != null ? null : h.jointDefenseGroupId,
        });
        // Members take the household's new address; while it is unchanged they keep their own.
        await persons.followHousehold(em, h.id, loc, addressId === h.addressId && sameVillage ? undefined : addressId);
        return moved;
        // Its 户号 taken in the village it moves to is refused naming the argument that moved it (field: number).
      },
      'change',
      'gridCode',
    ),
} satisfies MutationResolvers;
