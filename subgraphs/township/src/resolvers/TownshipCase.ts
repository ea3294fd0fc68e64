import { isOverdue, settleLateness } from '../../../../domain/case-engine.ts';
import { contactByOf, contactLateOf } from '../../../../domain/case-inbox.ts';
import type { TownshipCaseResolvers } from '../generated/resolvers.ts';

export const TownshipCase: TownshipCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  contactBy: (c) => contactByOf(c).toISOString(),
  acceptedAt: (c) => (c.acceptedAt ? new Date(c.acceptedAt).toISOString() : null),
  /** The inbox's `contactLate` filter says the same in SQL (INBOX_CONTACT_LATE_SQL). */
  contactLate: (c) => contactLateOf(c),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  /** Past the settle deadline and not closed at the township (the inbox's `overdue` filter says the same in SQL). */
  overdue: (c) => isOverdue('TOWNSHIP', c.status, c.settleBy),
  ...settleLateness('TOWNSHIP'),
  underSupervision: (c) => c.supervisedAt != null,
  /**
   * A department's caller reads its own dispatches of the case only: another department called on it is no business
   * of its own (its report, whether it was late), as that department's dispatch is NOT_FOUND to it by id.
   */
  dispatches: async (c, _, ctx) => {
    const all = await ctx.loaders.dispatchesOf.load(c.disputeId);
    const own = ctx.caller.department;
    return own ? all.filter((d) => d.departmentKind === own) : all;
  },
};
