import type { QueryResolvers } from '../../generated/resolvers.ts';
import { dispatchQueries } from './dispatches.ts';
import { divisionQueries } from './divisions.ts';

/** The township subgraph's root queries. */
export const Query: QueryResolvers = {
  ...divisionQueries,
  ...dispatchQueries,
};
