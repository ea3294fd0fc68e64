import type { GraphQLResolveInfo } from 'graphql';
import { selectsAny } from '../../../../../platform/selection.ts';
import { assessmentYear, DEFAULT_TARGETS, INDICATORS, type Indicator } from '../../../../../domain/assessment.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { resolvePeriod, type Period } from '../../../../../domain/periods.ts';
import { hasScope, requireStatsAccess, withholdsTagsFrom } from '../../../../../platform/caller.ts';
import type { VillageContext } from '../../context.ts';
import type { DisputeFigures, HazardFigures, PatrolFigures, PopulationFigures } from '../../stats.ts';

interface PeriodArgs {
  from?: string | null;
  to?: string | null;
  period?: string | null;
}

/** A township's village codes, through the request's directory loader (the one `Township.villages` reads). */
const villagesOf = (ctx: VillageContext) => async (township: string) => (await ctx.loaders.villagesOfTownship.load(township)).map((v) => v.code);

/** Patrol figures of a division for a period, carrying both (so `previous` and `yearAgo` can follow: the loaded figures carry them). */
export const patrolFor = (ctx: VillageContext, code: string, period: Period): Promise<PatrolFigures> =>
  ctx.loaders.stats.patrolStats(period, villagesOf(ctx)).load(code);

/** Hazard figures of a division for a period, carrying both. */
export const hazardsFor = (ctx: VillageContext, code: string, period: Period): Promise<HazardFigures> =>
  ctx.loaders.stats.hazardStats(period, villagesOf(ctx)).load(code);

/** A division's overdue and re-handled counts for a period, counted from its cases (a loader of its own, see ../../stats.ts). */
const casesOf = (ctx: VillageContext, code: string, period: Period) => ctx.loaders.stats.disputeCases(period, villagesOf(ctx)).load(code);

/** The fields of DisputeStats counted from the cases, not summed from the roll-ups: only a query that asks for one counts them. */
export const disputeCaseFields = {
  overdue: async (x: DisputeFigures, _: unknown, ctx: VillageContext) => (await casesOf(ctx, x.code!, x.period!)).overdue,
  rehandled: async (x: DisputeFigures, _: unknown, ctx: VillageContext) => (await casesOf(ctx, x.code!, x.period!)).rehandled,
  declined: async (x: DisputeFigures, _: unknown, ctx: VillageContext) => (await casesOf(ctx, x.code!, x.period!)).declined,
  contactLate: async (x: DisputeFigures, _: unknown, ctx: VillageContext) => (await casesOf(ctx, x.code!, x.period!)).contactLate,
};
const CASE_FIELDS: ReadonlySet<string> = new Set(Object.keys(disputeCaseFields));

/**
 * Dispute figures of a division for a period, carrying both. When the query
 * also asks for figures counted from the cases, their count is asked for in
 * the same turn, so it goes to PostgreSQL with the sums, not in a round trip
 * of its own after them.
 */
export const disputesFor = (ctx: VillageContext, code: string, period: Period, info?: GraphQLResolveInfo): Promise<DisputeFigures> => {
  // The field resolvers above get the same promise from the loader; an error reaches the query through them.
  if (info && selectsAny(info, CASE_FIELDS)) casesOf(ctx, code, period).catch(() => {});
  return ctx.loaders.stats.disputeStats(period, villagesOf(ctx)).load(code);
};

/**
 * A division's (or grid's) population figures as the caller may read them: the figures are cached for every caller,
 * so the special-population counts a report-only caller may not have below the township (`withholdsTagsFrom`) are
 * taken out of its answer here, for every path that reads them (GraphQL, the /reports files, the analysis room).
 */
export const populationSeenBy = async (ctx: VillageContext, code: string, figures: PopulationFigures): Promise<PopulationFigures> => {
  const soleVillage = code.length === 9 && !hasScope(ctx.caller, 'read') && (await ctx.loaders.villagesOfTownship.load(code)).length < 2;
  return withholdsTagsFrom(ctx.caller, code, soleVillage) ? { ...figures, byTag: [], byTagWithheld: true } : figures;
};

/** population / forces / patrolStats / hazardStats / disputeStats / assessment on every division type, from the village subgraph's facts. */
export const statFields = {
  population: (d: { code: string }, _: unknown, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    const figures = ctx.loaders.stats.population.load(d.code);
    // Counts withheld from no division whatever its villages (a caller with `read`): the kept figures as they are.
    return withholdsTagsFrom(ctx.caller, d.code, true) ? figures.then((f) => populationSeenBy(ctx, d.code, f)) : figures;
  },
  forces: (d: { code: string }, _: unknown, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return ctx.loaders.stats.forces.load(d.code);
  },
  patrolStats: (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return patrolFor(ctx, d.code, resolvePeriod(args));
  },
  hazardStats: (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    return hazardsFor(ctx, d.code, resolvePeriod(args));
  },
  disputeStats: (d: { code: string }, args: PeriodArgs, ctx: VillageContext, info: GraphQLResolveInfo) => {
    requireStatsAccess(ctx.caller, d.code);
    return disputesFor(ctx, d.code, resolvePeriod(args), info);
  },
  assessment: async (d: { code: string }, args: PeriodArgs, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    // Targets of a year to come are a plan, read before the year begins (its actuals are 0 until then).
    const period = resolvePeriod(args, { future: true });
    const year = assessmentYear(period);
    const [targets, disputes, forces] = await Promise.all([
      ctx.loaders.targets(year).load(d.code),
      ctx.loaders.stats.disputeStats(period, villagesOf(ctx)).load(d.code),
      ctx.loaders.stats.forces.load(d.code),
    ]);
    const c = disputes.counts;
    // The forces rates are the registry as it stands now, which keeps no history: a period that ended before today is
    // not measured by them, rather than by today's figures.
    const now = period.to >= chinaDay();
    const measure: Record<Indicator, { part: number; basis: number; measured: boolean }> = {
      RESOLUTION_RATE: { part: c.resolved, basis: c.reported, measured: true },
      ON_TIME_RATE: { part: c.onTime, basis: c.resolved, measured: true },
      SATISFACTION_RATE: { part: c.satisfied, basis: c.rated, measured: true },
      HOUSEHOLD_COVERAGE: { part: forces.householdsInGroups, basis: forces.households, measured: now },
      GRID_STAFFING_RATE: { part: forces.gridsFullyStaffed, basis: forces.grids, measured: now },
    };
    // The division's own target for the year, else its nearest ancestor's, else the national default (docs/ARCHITECTURE.md "Assessment").
    return INDICATORS.map((indicator) => {
      const applied = targets.get(indicator);
      const target = applied?.target ?? DEFAULT_TARGETS[indicator];
      const m = measure[indicator];
      // Nothing to count over is not a rate of 0: a village with no dispute in the year has not failed to resolve any (不参与考核).
      const actual = m.measured && m.basis > 0 ? m.part / m.basis : null;
      return { indicator, year, target, targetSetBy: applied?.source ?? null, actual, met: actual === null ? null : actual >= target, basis: m.basis };
    });
  },
};
