import { visibleCase } from '../../disputes/visible.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';

export const disputeQueries: Pick<QueryResolvers, 'dispute'> = {
  dispute: (_, { id }, ctx) => visibleCase(ctx, id),
};
