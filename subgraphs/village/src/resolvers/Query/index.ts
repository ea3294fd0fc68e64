import type { QueryResolvers } from '../../generated/resolvers.ts';
import { auditQueries } from './audit.ts';
import { changeQueries } from './changes.ts';
import { disputeQueries } from './disputes.ts';
import { divisionQueries } from './divisions.ts';
import { registryQueries } from './registry.ts';
import { riskQueries } from './risk-signals.ts';

/** The root queries, one file per topic. */
export const Query: QueryResolvers = {
  ...divisionQueries,
  ...registryQueries,
  ...disputeQueries,
  ...changeQueries,
  ...auditQueries,
  ...riskQueries,
};
