import { requireListAccess } from '../../../../platform/caller.ts';
import { parsePage } from '../../../../platform/pagination.ts';
import type { CountyResolvers } from '../generated/resolvers.ts';
import { dispatches } from '../store/dispatch.ts';
import { dispatchStatsOf } from './DispatchStats.ts';
import { departmentScope, dispatchFilter } from './Query/dispatches.ts';

/** The county (owned by the county subgraph) gets its townships and their dispatch statistics here. */
export const County: CountyResolvers = {
  townships: (c, _, ctx) => ctx.loaders.townshipsOfCounty.load(c.code),
  dispatchStats: dispatchStatsOf,
  /**
   * 吹哨报到 The county's dispatches, as its dispatchStats counts them (every township's of the county). A county
   * department reads the dispatches sent to it only, as in its inbox (`departmentScope`).
   */
  dispatches: async (c, args, ctx) => {
    if (ctx.caller.department) {
      const scope = departmentScope(ctx.caller, { zh: '县直部门的吹哨列表', en: "A department's list of dispatches" }, args.filter, c.code);
      return dispatches.list(ctx.em, scope, dispatchFilter(args.filter), parsePage(args));
    }
    requireListAccess(ctx.caller, c.code, 'dispatch');
    return dispatches.list(ctx.em, { countyCode: c.code }, dispatchFilter(args.filter), parsePage(args));
  },
};
