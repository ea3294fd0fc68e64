import { assessmentYear, DEFAULT_TARGETS, INDICATORS, type Indicator } from '../../../../../domain/assessment.ts';
import { previousPeriod, resolvePeriod, yearAgo, type Period } from '../../../../../domain/periods.ts';
import { requireStatsAccess } from '../../access.ts';
import type { VillageContext } from '../../context.ts';
import type { DisputeFigures, PatrolFigures, PeriodScope } from '../../stats.ts';

interface PeriodArgs {
  from?: string | null;
  to?: string | null;
  period?: string | null;
}

/** Patrol figures of a division for a period, carrying both (so `previous` and `yearAgo` can follow). */
export const patrolFor = async (ctx: VillageContext, code: string, period: Period): Promise<PatrolFigures> => ({
  ...(await ctx.loaders.patrolStats(period.from, period.to).load(code)),
  code,
  period,
});

/** Dispute figures of a division for a period, carrying both. */
export const disputesFor = async (ctx: VillageContext, code: string, period: Period): Promise<DisputeFigures> => ({
  ...(await ctx.loaders.disputeStats(period.from, period.to).load(code)),
  code,
  period,
});

/** Period fields and comparisons (环比 previous, 同比 yearAgo), batched per period across divisions. */
export function comparisons<F extends PeriodScope>(load: (ctx: VillageContext, code: string, p: Period) => Promise<F>) {
  return {
    from: (x: F) => x.period!.from,
    to: (x: F) => x.period!.to,
    previous: (x: F, _: unknown, ctx: VillageContext) => load(ctx, x.code!, previousPeriod(x.period!)),
    yearAgo: (x: F, _: unknown, ctx: VillageContext) => load(ctx, x.code!, yearAgo(x.period!)),
  };
}

/** population / forces / patrolStats / disputeStats / assessment on every division type, from the village subgraph's facts. */
export const statFields = {
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
    const year = assessmentYear(period);
    const [targets, disputes, forces] = await Promise.all([
      ctx.loaders.targets(year).load(d.code),
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
    // The division's own target for the year, else its nearest ancestor's, else the national default (docs/ARCHITECTURE.md "Assessment").
    return INDICATORS.map((indicator) => {
      const applied = targets.get(indicator);
      const target = applied?.target ?? DEFAULT_TARGETS[indicator];
      return { indicator, year, target, targetSetBy: applied?.source ?? null, actual: actual[indicator], met: actual[indicator] >= target };
    });
  },
};
