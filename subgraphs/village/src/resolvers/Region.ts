import type { RegionResolvers } from '../generated/resolvers.ts';
import { statFields } from './lists/stats.ts';

/** A province or prefecture (owned by the county subgraph): its statistics (lists/stats.ts). */
export const Region: RegionResolvers = {
  ...statFields,
};
