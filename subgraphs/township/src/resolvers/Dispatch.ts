import type { DispatchResolvers } from '../generated/resolvers.ts';

export const Dispatch: DispatchResolvers = {
  id: (d) => String(d.id),
  dispatchedAt: (d) => new Date(d.dispatchedAt).toISOString(),
  acknowledgedAt: (d) => (d.acknowledgedAt ? new Date(d.acknowledgedAt).toISOString() : null),
  reportedAt: (d) => (d.reportedAt ? new Date(d.reportedAt).toISOString() : null),
};
