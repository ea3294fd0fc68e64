import type { QueryResolvers } from '../../generated/resolvers.ts';
import { divisionQueries } from './divisions.ts';
import { targetQueries } from './targets.ts';

/** The county subgraph's root queries. */
export const Query: QueryResolvers = {
  ...divisionQueries,
  ...targetQueries,
};
