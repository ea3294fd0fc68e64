import type { ChangedRecordResolvers, ResolversParentTypes } from '../generated/resolvers.ts';

/** The members of the ChangedRecord union. */
export type ChangedRecordType =
  'Person' | 'Household' | 'House' | 'Address' | 'Site' | 'GridStaff' | 'JointDefenseGroup' | 'PatrolTeam' | 'Patrol' | 'Hazard' | 'Dispute';

/** A record of the change feed: its row, carrying the name of its union member (rows themselves carry no type name). */
export type ChangedRecordRow = { [N in ChangedRecordType]: ResolversParentTypes[N] & { __typename: N } }[ChangedRecordType];

/** The row with its union member's name, or null. */
export function tagged<T extends object, N extends ChangedRecordType>(row: T | null, type: N): (T & { __typename: N }) | null {
  return row && { ...row, __typename: type };
}

export const ChangedRecord: ChangedRecordResolvers = {
  __resolveType: (row) => row.__typename,
};
