import { requireListAccess } from '../../../../platform/caller.ts';
import { parsePage } from '../../../../platform/pagination.ts';
import type { CountyResolvers } from '../generated/resolvers.ts';
import { countyCases } from '../store/county-case.ts';

export const County: CountyResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.county.load(ref.code),
  region: async (c, _, ctx) => (await ctx.loaders.region.load(c.prefectureCode))!,
  province: async (c, _, ctx) => (await ctx.loaders.region.load(c.provinceCode))!,
  departments: (c, _, ctx) => ctx.loaders.departmentsOf.load(c.code),
  /** Cases escalated to the county, newest first. */
  caseInbox: async (c, args, ctx) => {
    requireListAccess(ctx.caller, c.code, 'dispute');
    return countyCases.inbox(ctx.em, c.code, { status: args.status, overdue: args.overdue }, parsePage(args), args.orderBy === 'DUE_FIRST');
  },
};
