import { requireDepartment, requireRecordAccess } from '../../../../../platform/caller.ts';
import { parsePage } from '../../../../../platform/pagination.ts';
import { listGiven } from '../../../../../platform/validate.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { dispatches } from '../../store/dispatch.ts';

export const dispatchQueries: Pick<QueryResolvers, 'departmentInbox'> = {
  /** 部门待办 A department caller's own dispatches: its kind, in its county. */
  departmentInbox: (_, args, ctx) => {
    const { kind, countyCode } = requireDepartment(ctx.caller, { zh: '部门待办', en: 'The department inbox' });
    requireRecordAccess(ctx.caller, 'dispatch');
    listGiven(args.filter?.status, 'filter.status');
    return dispatches.list(ctx.em, { departmentKind: kind, countyCode }, args.filter, parsePage(args), args.orderBy === 'DUE_FIRST');
  },
};
