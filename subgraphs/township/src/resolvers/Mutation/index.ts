import { departmentsRefused } from '../../../../../platform/caller.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { caseMutations } from './cases.ts';

/** The township subgraph's mutations. */
export const Mutation: MutationResolvers = departmentsRefused({
  ...caseMutations,
});
