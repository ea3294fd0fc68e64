import type { CountyResolvers } from '../generated/resolvers.ts';
import { dispatchStatsOf } from './DispatchStats.ts';

/** The county (owned by the county subgraph) gets its townships and their dispatch statistics here. */
export const County: CountyResolvers = {
  townships: (c, _, ctx) => ctx.loaders.townshipsOfCounty.load(c.code),
  dispatchStats: dispatchStatsOf,
};
