import type { AssessmentTargetResolvers } from '../generated/resolvers.ts';

/** Every field is the stored row's own (`updatedAt` goes out through the DateTime scalar, in China time). */
export const AssessmentTarget: AssessmentTargetResolvers = {};
