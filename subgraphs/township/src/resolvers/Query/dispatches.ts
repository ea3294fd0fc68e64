import { GraphQLError } from 'graphql';
import { DEPARTMENT_NAMES } from '../../../../../domain/departments.ts';
import { badInput, quote, type Said } from '../../../../../domain/errors.ts';
import { periodBounds, resolvePeriod, type Period } from '../../../../../domain/periods.ts';
import { requireDepartment, requireRecordAccess, type Caller } from '../../../../../platform/caller.ts';
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
  const period = dated ? filterPeriod(given) : null;
  return {
    status: given.status,
    overdue: given.overdue,
    acknowledgedLate: given.acknowledgedLate,
    answeredLate: given.answeredLate,
    caseNumber: number == null ? null : caseNumberOf(number, 'filter.caseNumber'),
    madeIn: period ? periodBounds(period.from, period.to) : null,
    departmentKind: departmentKindOf(given.departmentKind),
  };
}

/** The filter's period as dispatchStats reads its arguments, a refusal naming the filter's field (filter.period). */
function filterPeriod(given: GivenFilter): Readonly<Period> {
  try {
    return resolvePeriod({ from: given.from, to: given.to, period: given.period });
  } catch (e) {
    const argument = e instanceof GraphQLError ? e.extensions.argument : undefined;
    if (!(e instanceof GraphQLError) || typeof argument !== 'string') throw e;
    throw new GraphQLError(e.message, { extensions: { ...e.extensions, argument: `filter.${argument}` } });
  }
}

/**
 * The filter's department, by kind as `DepartmentDispatchStats.departmentKind` gives it (written as a 吹哨 takes it:
 * trimmed, any case), or null for none. A kind no department has is BAD_USER_INPUT rather than an empty list, which a
 * desk would read as a department that was never called on; the kind is quoted back cut.
 */
export function departmentKindOf(value: string | null | undefined): string | null {
  const given = filterGiven(value);
  if (given == null) return null;
  const kind = given.trim().toUpperCase();
  if (DEPARTMENT_NAMES.has(kind)) return kind;
  throw badInput(
    {
      zh: `filter.departmentKind 应为县直部门类别（如 NATURAL_RESOURCES，见 County.departments），收到的是“${quote(given)}”。`,
      en: `filter.departmentKind must be a county department's kind (e.g. NATURAL_RESOURCES, as County.departments lists them); got "${quote(given)}".`,
    },
    { argument: 'filter.departmentKind', rule: 'departmentKind' },
  );
}

/**
 * The scope of a county department's own dispatch list (its inbox, its county's `County.dispatches`): its kind, in its
 * county. A filter naming another department, or a county other than its own, is FORBIDDEN rather than answered empty,
 * so a desk never takes "none" for "not yours".
 */
export function departmentScope(
  caller: Caller,
  what: Said,
  given: GivenFilter | null | undefined,
  countyCode?: string,
): { departmentKind: string; countyCode: string } {
  const asked = departmentKindOf(given?.departmentKind);
  const own = requireDepartment(caller, what, asked ?? undefined, countyCode);
  requireRecordAccess(caller, 'dispatch');
  return { departmentKind: own.kind, countyCode: own.countyCode };
}

export const dispatchQueries: Pick<QueryResolvers, 'departmentInbox'> = {
  /** 部门待办 A department caller's own dispatches: its kind, in its county. */
  departmentInbox: (_, args, ctx) => {
    const scope = departmentScope(ctx.caller, { zh: '部门待办', en: 'The department inbox' }, args.filter);
    return dispatches.list(ctx.em, scope, dispatchFilter(args.filter), parsePage(args), args.orderBy === 'DUE_FIRST');
  },
};
