import { requireStatsAccess } from '../../../../platform/caller.ts';
import type { GridResolvers } from '../generated/resolvers.ts';
import { disputesOf } from './lists/disputes.ts';
import { endedLists, registryLists } from './lists/registry.ts';
import { populationSeenBy, statFields } from './lists/stats.ts';

/**
 * 网格: a grid, its village, whether it is fully staffed, and the record
 * lists (residents … hazards, lists/registry.ts) and its disputes
 * (lists/disputes.ts).
 */
export const Grid: GridResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.grid.load(ref.code),
  village: async (g, _, ctx) => (await ctx.loaders.village.load(g.villageCode))!,
  // A statistic of the grid's staff, as `forces` is: read under the caller's row-level security and then cached for
  // every caller, so only a caller who holds the grid (and so sees all of its staff) may have it counted.
  fullyStaffed: (g, _, ctx) => {
    requireStatsAccess(ctx.caller, g.code);
    return ctx.loaders.stats.fullyStaffed.load(g.code);
  },
  // Read as fullyStaffed is: only a caller holding the grid has it counted, then cached for every such caller.
  population: async (g, _, ctx) => {
    requireStatsAccess(ctx.caller, g.code);
    const figures = await ctx.loaders.stats.gridPopulation.load(g.code);
    return figures && populationSeenBy(ctx, g.code, figures);
  },
  // Counted from the grid's hazards under the same rule as a village's, so a village's figures are its grids' added up.
  hazardStats: statFields.hazardStats,
  ...registryLists('grid'),
  ...endedLists('grid'),
  disputes: disputesOf('grid'),
};
