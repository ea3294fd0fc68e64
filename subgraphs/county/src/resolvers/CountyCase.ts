import { isOverdue, settleLateness } from '../../../../domain/case-engine.ts';
import { contactByOf } from '../../../../domain/case-inbox.ts';
import type { CountyCaseResolvers } from '../generated/resolvers.ts';

export const CountyCase: CountyCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  contactBy: (c) => contactByOf(c).toISOString(),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  /** Past the settle deadline and not resolved (the inbox's `overdue` filter says the same in SQL). */
  overdue: (c) => isOverdue('COUNTY', c.status, c.settleBy),
  ...settleLateness('COUNTY'),
};
