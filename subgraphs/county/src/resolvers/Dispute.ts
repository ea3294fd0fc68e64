import { inJurisdiction } from '../../../../platform/caller.ts';
import type { DisputeResolvers } from '../generated/resolvers.ts';

/** The dispute (owned by the village subgraph) gets the county's working record here. */
export const Dispute: DisputeResolvers = {
  countyCase: async (d, _, ctx) => {
    const c = await ctx.loaders.countyCaseOf.load(d.id);
    return c && inJurisdiction(ctx.caller, c.villageCode) ? c : null;
  },
};
