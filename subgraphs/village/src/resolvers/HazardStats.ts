import type { HazardStatsResolvers } from '../generated/resolvers.ts';
import { comparisons } from '../../../../platform/period-fields.ts';
import { hazardsFor } from './lists/stats.ts';

/** Hazard figures of a division for a period, with the period before (环比) and a year before (同比). */
export const HazardStats: HazardStatsResolvers = comparisons(hazardsFor);
