import type { TownshipCaseResolvers } from '../generated/resolvers.ts';
import { isOverdue } from '../store/township-case.ts';

export const TownshipCase: TownshipCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
  overdue: isOverdue,
  underSupervision: (c) => c.supervisedAt != null,
  dispatches: (c, _, ctx) => ctx.loaders.dispatchesOf.load(c.disputeId),
};
