import { requireStatsAccess } from '../access.ts';
import { disputeStatsField } from './disputes.ts';
import { checkPeriod } from './scoped.ts';
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
  patrolStats: (d: { code: string }, args: { from: string; to: string }, ctx: VillageContext) => {
    requireStatsAccess(ctx.caller, d.code);
    checkPeriod(args.from, args.to);
    return ctx.loaders.patrolStats(args.from, args.to).load(d.code);
  },
  disputeStats: disputeStatsField,
};

export const statResolvers = {
  Village: statFields,
  Township: statFields,
  County: statFields,
  Region: statFields,
};
