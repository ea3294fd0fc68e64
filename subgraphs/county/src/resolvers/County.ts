import { requireListAccess, requireRelatedDivision } from '../../../../platform/caller.ts';
import { parsePage } from '../../../../platform/pagination.ts';
import { listGiven } from '../../../../platform/validate.ts';
import type { CountyResolvers } from '../generated/resolvers.ts';
import { countyCases } from '../store/county-case.ts';

export const County: CountyResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.county.load(ref.code),
  region: async (c, _, ctx) => (await ctx.loaders.region.load(c.prefectureCode))!,
  province: async (c, _, ctx) => (await ctx.loaders.region.load(c.provinceCode))!,
  // A 吹哨's list: for the county's own callers, those above it and those within it (a township's centre names them).
  departments: (c, _, ctx) => {
    requireRelatedDivision(ctx.caller, c.code);
    return ctx.loaders.departmentsOf.load(c.code);
  },
  /** Cases escalated to the county, newest first. */
  caseInbox: async (c, args, ctx) => {
    requireListAccess(ctx.caller, c.code, 'dispute');
    listGiven(args.status, 'status');
    return countyCases.inbox(
      ctx.em,
      c.code,
      { status: args.status, overdue: args.overdue, contactLate: args.contactLate },
      parsePage(args),
      args.orderBy === 'DUE_FIRST',
    );
  },
};
