import { isOverdue, lateBy, missedSettle } from '../../../../domain/case-engine.ts';
import { contactByOf } from '../../../../domain/case-inbox.ts';
import type { TownshipCaseResolvers } from '../generated/resolvers.ts';

export const TownshipCase: TownshipCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  contactBy: (c) => contactByOf(c).toISOString(),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  /** Past the settle deadline and not closed at the township (the inbox's `overdue` filter says the same in SQL). */
  overdue: (c) => isOverdue('TOWNSHIP', c.status, c.settleBy),
  // How late, as the village's Dispute says it (same rule, domain/case-engine.ts), from the record already read: the
  // settle deadline is the only one missed here, so the deadline is SETTLE whenever the record is overdue.
  overdueSince: (c) => missedSettle('TOWNSHIP', c.status, c.settleBy)?.toISOString() ?? null,
  overdueDeadline: (c) => (isOverdue('TOWNSHIP', c.status, c.settleBy) ? 'SETTLE' : null),
  overdueHours: (c) => lateBy(missedSettle('TOWNSHIP', c.status, c.settleBy), 'hour'),
  overdueDays: (c) => lateBy(missedSettle('TOWNSHIP', c.status, c.settleBy), 'day'),
  underSupervision: (c) => c.supervisedAt != null,
  dispatches: (c, _, ctx) => ctx.loaders.dispatchesOf.load(c.disputeId),
};
