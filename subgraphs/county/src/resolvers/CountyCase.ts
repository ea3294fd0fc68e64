import { isOverdue, lateBy, missedSettle } from '../../../../domain/case-engine.ts';
import { contactByOf } from '../../../../domain/case-inbox.ts';
import type { CountyCaseResolvers } from '../generated/resolvers.ts';

export const CountyCase: CountyCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  contactBy: (c) => contactByOf(c).toISOString(),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  /** Past the settle deadline and not resolved (the inbox's `overdue` filter says the same in SQL). */
  overdue: (c) => isOverdue('COUNTY', c.status, c.settleBy),
  // How late, as the village's Dispute says it (same rule, domain/case-engine.ts), from the record already read: the
  // settle deadline is the only one missed here, so the deadline is SETTLE whenever the record is overdue.
  overdueSince: (c) => missedSettle('COUNTY', c.status, c.settleBy)?.toISOString() ?? null,
  overdueDeadline: (c) => (isOverdue('COUNTY', c.status, c.settleBy) ? 'SETTLE' : null),
  overdueHours: (c) => lateBy(missedSettle('COUNTY', c.status, c.settleBy), 'hour'),
  overdueDays: (c) => lateBy(missedSettle('COUNTY', c.status, c.settleBy), 'day'),
};
