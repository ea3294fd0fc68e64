import type { CountyResolvers } from '../generated/resolvers.ts';
import { disputesOf } from './lists/disputes.ts';
import { statFields } from './lists/stats.ts';

/**
 * 县 (owned by the county subgraph): its statistics (lists/stats.ts) and the
 * disputes of its villages (lists/disputes.ts).
 */
export const County: CountyResolvers = {
  ...statFields,
  disputes: disputesOf('county'),
};
