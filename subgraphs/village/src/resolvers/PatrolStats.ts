import type { PatrolStatsResolvers } from '../generated/resolvers.ts';
import { comparisons } from '../../../../platform/period-fields.ts';
import { patrolFor } from './lists/stats.ts';

/** Patrol figures of a division for a period, with the period before (环比) and a year before (同比). */
export const PatrolStats: PatrolStatsResolvers = comparisons(patrolFor);
