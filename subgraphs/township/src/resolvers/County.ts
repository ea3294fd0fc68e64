import { resolvePeriod } from '../../../../domain/periods.ts';
import { requireStatsAccess } from '../../../../platform/caller.ts';
import type { CountyResolvers } from '../generated/resolvers.ts';

/** The county (owned by the county subgraph) gets its townships and their dispatch statistics here. */
export const County: CountyResolvers = {
  townships: (c, _, ctx) => ctx.loaders.townshipsOfCounty.load(c.code),
  dispatchStats: (c, args, ctx) => {
    requireStatsAccess(ctx.caller, c.code);
    const p = resolvePeriod(args);
    return ctx.loaders.dispatchStats(p.from, p.to).load(c.code);
  },
};
