import { disputeId } from '../../../../../platform/validate.ts';
import { visible } from '../../access.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';

export const disputeQueries: Pick<QueryResolvers, 'dispute'> = {
  dispute: async (_, { id }, ctx) => visible(ctx.caller, await ctx.loaders.dispute.load(disputeId(id)), 'dispute'),
};
