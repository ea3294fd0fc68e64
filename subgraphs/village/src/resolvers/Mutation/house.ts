import { badInput } from '../../../../../platform/errors.ts';
import { text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { houses } from '../../store/house.ts';
import { forWrite, gridFor, refInVillage, tx, versioned } from './write.ts';

function checkArea(area: number | null | undefined): number | null {
  if (area == null) return null;
  if (!(area > 0 && area < 100_000)) {
    throw badInput(
      { zh: 'area（建筑面积）应大于 0 且小于 100000 平方米。', en: 'area must be more than 0 and less than 100000 square metres.' },
      { argument: 'area' },
    );
  }
  return area;
}

/** 实有房屋: registering and correcting houses. */
export const houseMutations = {
  registerHouse: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      const addressId = await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', loc.villageCode);
      return houses.insert(em, { number: text(input.number, 'number', 50), use: input.use, area: checkArea(input.area), addressId, ...loc });
    }),
  updateHouse: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const h = await forWrite(em, ctx.caller, houses, id, 'house');
      return versioned(em, houses, h.id, version, {
        number: input.number == null ? undefined : text(input.number, 'number', 50),
        use: input.use ?? undefined,
        area: input.area == null ? undefined : checkArea(input.area),
        addressId: input.addressId == null ? undefined : await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', h.villageCode),
      });
    }),
} satisfies MutationResolvers;
