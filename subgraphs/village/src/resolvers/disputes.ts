import type { Resolvers } from '../generated/resolvers.ts';
import { Dispute } from './Dispute.ts';
import { DisputeParty } from './DisputeParty.ts';
import { DisputeStep } from './DisputeStep.ts';
import { disputesOf } from './lists/disputes.ts';
import { disputeMutations } from './Mutation/disputes.ts';
import { disputeQueries } from './Query/disputes.ts';

/** Disputes: Query.dispute, the loop's mutations, the case types, and the `disputes` lists of the divisions. */
export const disputeResolvers: Resolvers = {
  Query: disputeQueries,
  Mutation: disputeMutations,
  Dispute,
  DisputeParty,
  DisputeStep,
  Village: { disputes: disputesOf('village') },
  Grid: { disputes: disputesOf('grid') },
  County: { disputes: disputesOf('county') },
};
