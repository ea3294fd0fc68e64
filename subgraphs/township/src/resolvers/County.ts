import type { CountyResolvers } from '../generated/resolvers.ts';

/** The county (owned by the county subgraph) gets its townships here. */
export const County: CountyResolvers = {
  townships: (c, _, ctx) => ctx.loaders.townshipsOfCounty.load(c.code),
};
