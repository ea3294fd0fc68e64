import type { DisputeStepResolvers } from '../generated/resolvers.ts';

/** A timeline step's fields are its row's columns. */
export const DisputeStep: DisputeStepResolvers = {};
