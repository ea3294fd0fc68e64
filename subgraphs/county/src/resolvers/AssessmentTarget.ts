import type { AssessmentTargetResolvers } from '../generated/resolvers.ts';

export const AssessmentTarget: AssessmentTargetResolvers = {
  updatedAt: (t) => new Date(t.updatedAt).toISOString(),
};
