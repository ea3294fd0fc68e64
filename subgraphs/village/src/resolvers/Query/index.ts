import type { QueryResolvers } from '../../generated/resolvers.ts';
import { divisionQueries } from './divisions.ts';
import { registryQueries } from './registry.ts';

/** The root queries of villages, grids and registry records (disputes, changes and the audit log are merged in resolvers/index.ts). */
export const Query: QueryResolvers = {
  ...divisionQueries,
  ...registryQueries,
};
