import { requireListAccess, requireStatsAccess } from '../../../../platform/caller.ts';
import { parsePage } from '../../../../platform/pagination.ts';
import { listGiven } from '../../../../platform/validate.ts';
import type { TownshipResolvers } from '../generated/resolvers.ts';
import { dispatches } from '../store/dispatch.ts';
import { townshipCases } from '../store/township-case.ts';
import { dispatchStatsOf } from './DispatchStats.ts';
import { dispatchFilter } from './Query/dispatches.ts';

export const Township: TownshipResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.township.load(ref.code),
  county: (t) => ({ code: t.countyCode }),
  // The township's own forces, with their strength: figures of the township, as its statistics are.
  agencies: (t, _, ctx) => {
    requireStatsAccess(ctx.caller, t.code);
    return ctx.loaders.agenciesOf.load(t.code);
  },
  teams: (t, _, ctx) => {
    requireStatsAccess(ctx.caller, t.code);
    return ctx.loaders.teamsOf.load(t.code);
  },
  /** The township 综治中心's inbox. */
  disputes: async (t, args, ctx) => {
    requireListAccess(ctx.caller, t.code, 'dispute');
    listGiven(args.filter?.status, 'filter.status');
    return townshipCases.inbox(ctx.em, t.code, args.filter, parsePage(args), args.orderBy === 'DUE_FIRST');
  },
  /** 吹哨报到 The township's dispatches to departments. */
  dispatches: async (t, args, ctx) => {
    requireListAccess(ctx.caller, t.code, 'dispatch');
    return dispatches.list(ctx.em, { townshipCode: t.code }, dispatchFilter(args.filter), parsePage(args));
  },
  /** Figures only: statistics, as every division's, need `read` or `report` and the division within the caller's jurisdiction. */
  dispatchStats: dispatchStatsOf,
};
