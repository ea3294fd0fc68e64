import type { CountyResolvers } from '../generated/resolvers.ts';
import { statFields } from './lists/stats.ts';

/**
 * 县 (owned by the county subgraph): its statistics (lists/stats.ts).
 * `disputes` comes from the disputes resolvers (merged in resolvers/index.ts).
 */
export const County: CountyResolvers = {
  ...statFields,
};
