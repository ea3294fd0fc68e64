import { periodBounds, resolvePeriod } from '../../../../../domain/periods.ts';
import { requireDepartment, requireRecordAccess } from '../../../../../platform/caller.ts';
import { parsePage } from '../../../../../platform/pagination.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { caseNumberOf, filterGiven, listGiven } from '../../../../../platform/validate.ts';
import type { DispatchFilter as GivenFilter } from '../../generated/resolvers.ts';
import { dispatches, type DispatchFilter } from '../../store/dispatch.ts';

/**
 * A dispatch list's filter as given, checked: a case number read as the county numbers its cases, and the period read
 * as dispatchStats reads it (resolvePeriod: the dispatches made in it, China's days), so that a list of one period and
 * one department holds the dispatches its byDepartment row counts.
 */
export function dispatchFilter(given: GivenFilter | null | undefined): DispatchFilter | null {
  if (!given) return null;
  listGiven(given.status, 'filter.status');
  const number = filterGiven(given.caseNumber);
  const dated = given.from != null || given.to != null || given.period != null;
  const period = dated ? resolvePeriod({ from: given.from, to: given.to, period: given.period }) : null;
  return {
    status: given.status,
    overdue: given.overdue,
    acknowledgedLate: given.acknowledgedLate,
    answeredLate: given.answeredLate,
    caseNumber: number == null ? null : caseNumberOf(number, 'filter.caseNumber'),
    madeIn: period ? periodBounds(period.from, period.to) : null,
    departmentKind: filterGiven(given.departmentKind),
  };
}

export const dispatchQueries: Pick<QueryResolvers, 'departmentInbox'> = {
  /** 部门待办 A department caller's own dispatches: its kind, in its county. */
  departmentInbox: (_, args, ctx) => {
    const { kind, countyCode } = requireDepartment(ctx.caller, { zh: '部门待办', en: 'The department inbox' });
    requireRecordAccess(ctx.caller, 'dispatch');
    return dispatches.list(ctx.em, { departmentKind: kind, countyCode }, dispatchFilter(args.filter), parsePage(args), args.orderBy === 'DUE_FIRST');
  },
};
