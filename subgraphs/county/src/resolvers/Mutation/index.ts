import { departmentsRefused } from '../../../../../platform/caller.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { caseMutations } from './cases.ts';
import { targetMutations } from './targets.ts';

/** The county subgraph's mutations. */
export const Mutation: MutationResolvers = departmentsRefused({
  ...targetMutations,
  ...caseMutations,
});
