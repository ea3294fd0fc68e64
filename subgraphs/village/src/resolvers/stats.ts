import { requireStatsAccess } from '../access.ts';
import { previousPeriod, resolvePeriod, yearAgo, type Period } from '../../../../domain/periods.ts';
import type { PeriodScope } from '../stats.ts';
import { DEFAULT_TARGETS, INDICATORS, type Indicator } from '../../../../domain/assessment.ts';
import { LEVEL_BY_LENGTH } from '../../../../domain/codes.ts';
import type { VillageContext } from '../context.ts';

/** population / forces / patrolStats on every division entity, from the village subgraph's facts. */
const statFields = {
  population: (d: { code: string }, _: unknown, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return ctx.loaders.population.load(d.code);
  },
  forces: (d: { code: string }, _: unknown, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return ctx.loaders.forces.load(d.code);
  },
  patrolStats: (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return patrolFor(ctx, d.code, resolvePeriod(args));
  },
  disputeStats: (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return disputesFor(ctx, d.code, resolvePeriod(args));
  },
  assessment: async (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    const period = resolvePeriod(args);
    const level = LEVEL_BY_LENGTH[d.code.length]!;
    const [targets, disputes, forces] = await Promise.all([
      ctx.loaders.targets.load(level),
      ctx.loaders.disputeStats(period.from, period.to).load(d.code),
      ctx.loaders.forces.load(d.code),
    ]);
    const actual: Record<Indicator, number> = {
      RESOLUTION_RATE: disputes.resolutionRate,
      ON_TIME_RATE: disputes.onTimeRate,
      SATISFACTION_RATE: disputes.satisfactionRate,
      HOUSEHOLD_COVERAGE: forces.householdCoverage,
      GRID_STAFFING_RATE: forces.grids ? forces.gridsFullyStaffed / forces.grids : 0,
    };
    return INDICATORS.map((indicator) => {
      const target = targets.get(indicator) ?? DEFAULT_TARGETS[indicator];
      return { indicator, target, actual: actual[indicator], met: actual[indicator] >= target };
    });
  },
};

interface PeriodArgs {
  from?: string | null;
  to?: string | null;
  period?: string | null;
}

const patrolFor = async (ctx: VillageContext, code: string, period: Period) => ({ ...(await ctx.loaders.patrolStats(period.from, period.to).load(code)), code, period });
const disputesFor = async (ctx: VillageContext, code: string, period: Period) => ({ ...(await ctx.loaders.disputeStats(period.from, period.to).load(code)), code, period });

/** Period fields and comparisons (环比 previous, 同比 yearAgo), batched per period across divisions. */
function comparisons(load: (ctx: VillageContext, code: string, p: Period) => Promise<unknown>) {
  return {
    from: (x: PeriodScope) => x.period!.from,
    to: (x: PeriodScope) => x.period!.to,
    previous: (x: PeriodScope, _: unknown, ctx: VillageContext) => load(ctx, x.code!, previousPeriod(x.period!)),
    yearAgo: (x: PeriodScope, _: unknown, ctx: VillageContext) => load(ctx, x.code!, yearAgo(x.period!)),
  };
}

export const statResolvers = {
  PatrolStats: comparisons(patrolFor),
  DisputeStats: comparisons(disputesFor),
  Village: statFields,
  Township: statFields,
  County: statFields,
  Region: statFields,
};
