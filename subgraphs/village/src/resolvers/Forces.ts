import type { ForcesResolvers } from '../generated/resolvers.ts';

/** 群防群治力量 of a division: the sums come with it (lists/stats.ts); teams by kind are read only when asked for. */
export const Forces: ForcesResolvers = {
  patrolByKind: async (f, _, ctx) => (await ctx.loaders.stats.patrolKinds.load(f.code)).byKind,
};
