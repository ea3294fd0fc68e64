import { departmentsRefused } from '../../../../../platform/caller.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addressMutations } from './address.ts';
import { lifeCycleMutations } from './deregister.ts';
import { disputeGridMutations } from './dispute-grid.ts';
import { disputeReportMutations } from './dispute-report.ts';
import { disputeMutations } from './disputes.ts';
import { gridStaffMutations } from './grid-staff.ts';
import { hazardMutations } from './hazard.ts';
import { householdMutations } from './household.ts';
import { houseMutations } from './house.ts';
import { jointDefenseGroupMutations } from './joint-defense-group.ts';
import { mediationMutations } from './mediation.ts';
import { patrolTeamMutations } from './patrol-team.ts';
import { patrolMutations } from './patrol.ts';
import { personMutations } from './person.ts';
import { siteMutations } from './site.ts';

/**
 * The registry's writes, one file per kind of record (shared checks in
 * write.ts), and the dispute loop's steps (disputes.ts). A department's
 * caller sends none of them (departmentsRefused).
 */
export const Mutation: MutationResolvers = departmentsRefused({
  ...addressMutations,
  ...houseMutations,
  ...householdMutations,
  ...personMutations,
  ...siteMutations,
  ...jointDefenseGroupMutations,
  ...patrolTeamMutations,
  ...patrolMutations,
  ...hazardMutations,
  ...gridStaffMutations,
  ...mediationMutations,
  ...lifeCycleMutations,
  ...disputeReportMutations,
  ...disputeGridMutations,
  ...disputeMutations,
});
