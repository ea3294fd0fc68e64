import { resolvePeriod, type Period } from '../../../../domain/periods.ts';
import { comparisons } from '../../../../platform/period-fields.ts';
import { requireStatsAccess } from '../../../../platform/caller.ts';
import type { TownshipContext } from '../context.ts';
import type { DispatchStatsResolvers } from '../generated/resolvers.ts';
import type { DispatchFigures } from '../stats.ts';

/** A division's dispatch figures for a period, from the request's loader of that period (one statement per level). */
async function figuresOf(ctx: TownshipContext, code: string, period: Period): Promise<DispatchFigures> {
  return { ...(await ctx.loaders.dispatchStats(period.from, period.to).load(code)), code, period };
}

/** `dispatchStats(from, to, period)` of a township or county: figures only, within the caller's jurisdiction. */
export function dispatchStatsOf(d: { code: string }, args: { from?: string | null; to?: string | null; period?: string | null }, ctx: TownshipContext) {
  requireStatsAccess(ctx.caller, d.code);
  return figuresOf(ctx, d.code, resolvePeriod(args));
}

/** The period and its comparisons (环比 previous, 同比 yearAgo), as the village subgraph's statistics have them. */
export const DispatchStats: DispatchStatsResolvers = {
  ...comparisons(figuresOf),
  // The division's access was checked where its figures were asked for (dispatchStatsOf); the split is of the same rows.
  byDepartment: (x, _, ctx) => ctx.loaders.departmentDispatchStats(x.period.from, x.period.to).load(x.code),
};
