import type { DisputeStatsResolvers } from '../generated/resolvers.ts';
import { comparisons } from '../../../../platform/period-fields.ts';
import { disputeCaseFields, disputesFor } from './lists/stats.ts';

/** Dispute figures of a division for a period, with the period before (环比) and a year before (同比). */
export const DisputeStats: DisputeStatsResolvers = { ...comparisons(disputesFor), ...disputeCaseFields };
