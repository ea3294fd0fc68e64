import type { QueryResolvers } from '../../generated/resolvers.ts';
import { assessmentTargets } from '../../store/assessment-target.ts';

export const targetQueries: Pick<QueryResolvers, 'assessmentTargets'> = {
  assessmentTargets: (_, __, ctx) => assessmentTargets.all(ctx.em),
};
