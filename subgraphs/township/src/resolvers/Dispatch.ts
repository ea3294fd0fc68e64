import type { DispatchResolvers } from '../generated/resolvers.ts';
import { dispatchOverdue } from '../store/dispatch.ts';

const iso = (t: Date | string) => new Date(t).toISOString();

export const Dispatch: DispatchResolvers = {
  id: (d) => String(d.id),
  townshipCase: async (d, _, ctx) => (await ctx.loaders.caseOf.load(d.disputeId))!,
  /** The township a dispatch names is in the directory: a dispatch is made by a township's centre. */
  township: async (d, _, ctx) => (await ctx.loaders.township.load(d.townshipCode))!,
  dispatchedAt: (d) => iso(d.dispatchedAt),
  acknowledgeBy: (d) => iso(d.acknowledgeBy),
  reportBy: (d) => iso(d.reportBy),
  overdue: (d) => dispatchOverdue(d),
  acknowledgedAt: (d) => (d.acknowledgedAt ? iso(d.acknowledgedAt) : null),
  reportedAt: (d) => (d.reportedAt ? iso(d.reportedAt) : null),
  withdrawnAt: (d) => (d.withdrawnAt ? iso(d.withdrawnAt) : null),
};
