import type { MutationResolvers } from '../../generated/resolvers.ts';
import { HOUSES } from '../../registry/kinds.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { houses } from '../../store/house.ts';
import { forWrite, registered, tx } from './write.ts';
import { ENDS } from './deregister.ts';

/** 实有房屋: registering and correcting houses, on the houses' one write path (docs/ARCHITECTURE.md, "One write path per kind"). */
export const houseMutations = {
  registerHouse: registered('registerHouse', HOUSES, houses),
  updateHouse: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const h = await forWrite(em, ctx.caller, houses, id, 'house', { ended: { ends: ENDS.HOUSE, action: 'change' } });
      await writeForm(em, ctx.caller, HOUSES, input, { id: h.id, version }, currentVersion(h));
      return (await houses.byId(em, h.id))!;
    }),
} satisfies MutationResolvers;
