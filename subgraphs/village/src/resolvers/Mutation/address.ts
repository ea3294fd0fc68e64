import type { MutationResolvers } from '../../generated/resolvers.ts';
import { ADDRESSES } from '../../registry/kinds.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { addresses } from '../../store/address.ts';
import { forWrite, registered, tx } from './write.ts';
import { ENDS } from './deregister.ts';

/** 标准地址: registering and correcting addresses, on the addresses' one write path (docs/ARCHITECTURE.md, "One write path per kind"). */
export const addressMutations = {
  registerAddress: registered('registerAddress', ADDRESSES, addresses),
  updateAddress: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const a = await forWrite(em, ctx.caller, addresses, id, 'address', { ended: { ends: ENDS.ADDRESS, action: 'change' } });
      await writeForm(em, ctx.caller, ADDRESSES, input, { id: a.id, version }, currentVersion(a));
      return (await addresses.byId(em, a.id))!;
    }),
} satisfies MutationResolvers;
