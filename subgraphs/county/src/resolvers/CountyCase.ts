import type { CountyCaseResolvers } from '../generated/resolvers.ts';

export const CountyCase: CountyCaseResolvers = {
  dispute: (c) => ({ id: c.disputeId }),
  receivedAt: (c) => new Date(c.receivedAt).toISOString(),
  settleBy: (c) => new Date(c.settleBy).toISOString(),
};
