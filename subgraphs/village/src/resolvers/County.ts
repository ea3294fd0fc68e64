import type { CountyResolvers } from '../generated/resolvers.ts';
import { disputesOf } from './lists/disputes.ts';
import { endedLists, hazardsOf, residentsWithin } from './lists/registry.ts';
import { statFields } from './lists/stats.ts';

/**
 * 县 (owned by the county subgraph): its statistics (lists/stats.ts), the
 * disputes of its villages (lists/disputes.ts), the search of its
 * residents and the hazards of its villages (lists/registry.ts).
 */
export const County: CountyResolvers = {
  ...statFields,
  disputes: disputesOf('county'),
  residents: residentsWithin(),
  hazards: hazardsOf('county'),
  ...endedLists('county'),
};
