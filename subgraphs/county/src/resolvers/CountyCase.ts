import { isOverdue, settleLateness } from '../../../../domain/case-engine.ts';
import { contactByOf, contactLateOf } from '../../../../domain/case-inbox.ts';
import type { CountyCaseResolvers } from '../generated/resolvers.ts';

export const CountyCase: CountyCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  contactBy: (c) => contactByOf(c).toISOString(),
  acceptedAt: (c) => (c.acceptedAt ? new Date(c.acceptedAt).toISOString() : null),
  /** The inbox's `contactLate` filter says the same in SQL (INBOX_CONTACT_LATE_SQL). */
  contactLate: (c) => contactLateOf(c),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  /** Past the settle deadline and not resolved (the inbox's `overdue` filter says the same in SQL). */
  overdue: (c) => isOverdue('COUNTY', c.status, c.settleBy),
  ...settleLateness('COUNTY'),
};
