import type { TownshipResolvers } from '../generated/resolvers.ts';
import { statFields } from './lists/stats.ts';

/** 乡镇 (owned by the township subgraph): its villages and statistics (lists/stats.ts). */
export const Township: TownshipResolvers = {
  villages: (t, _, ctx) => ctx.loaders.villagesOfTownship.load(t.code),
  ...statFields,
};
