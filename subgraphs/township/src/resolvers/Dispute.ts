import { inJurisdiction } from '../../../../platform/caller.ts';
import type { DisputeResolvers } from '../generated/resolvers.ts';

/** The dispute (owned by the village subgraph) gets the township's working record here. */
export const Dispute: DisputeResolvers = {
  townshipCase: async (d, _, ctx) => {
    const c = await ctx.loaders.caseOf.load(d.id);
    return c && inJurisdiction(ctx.caller, c.villageCode) ? c : null;
  },
};
