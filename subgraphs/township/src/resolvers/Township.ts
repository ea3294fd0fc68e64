import { requireListAccess } from '../../../../platform/caller.ts';
import { parsePage } from '../../../../platform/pagination.ts';
import type { TownshipResolvers } from '../generated/resolvers.ts';
import { townshipCases } from '../store/township-case.ts';

export const Township: TownshipResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.township.load(ref.code),
  county: (t) => ({ code: t.countyCode }),
  agencies: (t, _, ctx) => ctx.loaders.agenciesOf.load(t.code),
  teams: (t, _, ctx) => ctx.loaders.teamsOf.load(t.code),
  /** The township 综治中心's inbox. */
  disputes: async (t, args, ctx) => {
    requireListAccess(ctx.caller, t.code, 'dispute');
    return townshipCases.inbox(ctx.em, t.code, args.filter, parsePage(args));
  },
};
