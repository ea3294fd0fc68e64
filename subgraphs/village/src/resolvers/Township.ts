import type { TownshipResolvers } from '../generated/resolvers.ts';
import { residentsWithin } from './lists/registry.ts';
import { statFields } from './lists/stats.ts';

/** 乡镇 (owned by the township subgraph): its villages, the search of its residents (lists/registry.ts) and statistics (lists/stats.ts). */
export const Township: TownshipResolvers = {
  villages: (t, _, ctx) => ctx.loaders.villagesOfTownship.load(t.code),
  residents: residentsWithin(),
  ...statFields,
};
