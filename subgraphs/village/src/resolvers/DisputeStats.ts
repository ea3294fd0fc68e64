import type { DisputeStatsResolvers } from '../generated/resolvers.ts';
import type { VillageContext } from '../context.ts';
import type { DisputeFigures } from '../stats.ts';
import { comparisons, disputesFor } from './lists/stats.ts';

/** The overdue and re-handled counts of the same division and period, counted from its cases only when asked. */
const cases = (x: DisputeFigures, ctx: VillageContext) => ctx.loaders.disputeCases(x.period!.from, x.period!.to).load(x.code!);

/** Dispute figures of a division for a period, with the period before (环比) and a year before (同比). */
export const DisputeStats: DisputeStatsResolvers = {
  ...comparisons(disputesFor),
  overdue: async (x, _, ctx) => (await cases(x, ctx)).overdue,
  rehandled: async (x, _, ctx) => (await cases(x, ctx)).rehandled,
};
