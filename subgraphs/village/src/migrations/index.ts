import { Migration20261121000000SeedLog } from '../../../../platform/seed-log.ts';
import { Migration20261121000001 } from './Migration20261121000001.ts';
import { Migration20261121000002Registry } from './Migration20261121000002Registry.ts';
import { Migration20261121000003Security } from './Migration20261121000003Security.ts';
import { Migration20261121000004Disputes } from './Migration20261121000004Disputes.ts';
import { Migration20261121000005Targets } from './Migration20261121000005Targets.ts';
import { Migration20261121000006Rollups } from './Migration20261121000006Rollups.ts';
import { Migration20261121000007CountyDays } from './Migration20261121000007CountyDays.ts';
import { Migration20261121000008DayPairs } from './Migration20261121000008DayPairs.ts';
import { Migration20261121000009Changes } from './Migration20261121000009Changes.ts';
import { Migration20261121000010RollupLocks } from './Migration20261121000010RollupLocks.ts';
import { Migration20261121000011Imports } from './Migration20261121000011Imports.ts';
import { Migration20261121000012DivisionKeys } from './Migration20261121000012DivisionKeys.ts';
import { Migration20261121000013ImportSpeed } from './Migration20261121000013ImportSpeed.ts';
import { Migration20261121000014ReferenceIndexes } from './Migration20261121000014ReferenceIndexes.ts';
import { Migration20261121000015LeanPersonIndexes } from './Migration20261121000015LeanPersonIndexes.ts';
import { Migration20261121000016FilterIndexes } from './Migration20261121000016FilterIndexes.ts';
import { Migration20261201000017CaseOrder } from './Migration20261201000017CaseOrder.ts';
import { Migration20261201000018StepFacts } from './Migration20261201000018StepFacts.ts';
import { Migration20261201000019FailClosed } from './Migration20261201000019FailClosed.ts';
import { Migration20261201000020DivisionTargets } from './Migration20261201000020DivisionTargets.ts';
import { Migration20261201000021PersonSearch } from './Migration20261201000021PersonSearch.ts';
import { Migration20261201000022Forces } from './Migration20261201000022Forces.ts';
import { Migration20261201000023LifeCycle } from './Migration20261201000023LifeCycle.ts';
import { Migration20261201000024WritePath } from './Migration20261201000024WritePath.ts';
import { Migration20261201000025StatsVersion } from './Migration20261201000025StatsVersion.ts';
import { Migration20261201000026RehandledIndex } from './Migration20261201000026RehandledIndex.ts';
import { Migration20261202000027DisputeDays } from './Migration20261202000027DisputeDays.ts';
import { Migration20261202000028DivisionCodes } from './Migration20261202000028DivisionCodes.ts';
import { Migration20261202000029DayIndexes } from './Migration20261202000029DayIndexes.ts';
import { Migration20261202000030DayRefresh } from './Migration20261202000030DayRefresh.ts';
import { Migration20261203000031CountyRollup } from './Migration20261203000031CountyRollup.ts';
import { Migration20261203000032CountyDayFigures } from './Migration20261203000032CountyDayFigures.ts';
import { Migration20261203000033CountyDayKey } from './Migration20261203000033CountyDayKey.ts';
import { Migration20261204000034GridPostOnce } from './Migration20261204000034GridPostOnce.ts';
import { Migration20261204000035MovedOut } from './Migration20261204000035MovedOut.ts';
import { Migration20261204000036ResidentTransition } from './Migration20261204000036ResidentTransition.ts';
import { Migration20261204000037GridMovedOut } from './Migration20261204000037GridMovedOut.ts';
import { Migration20261204000038Reinstate } from './Migration20261204000038Reinstate.ts';
import { Migration20261204000039MassCategories } from './Migration20261204000039MassCategories.ts';
import { Migration20261204000040PatrolMembers } from './Migration20261204000040PatrolMembers.ts';
import { Migration20261204000041GroupHouseholds } from './Migration20261204000041GroupHouseholds.ts';
import { Migration20261205000042GridStaffChanges } from './Migration20261205000042GridStaffChanges.ts';
import { Migration20261205000043LookupQuota } from './Migration20261205000043LookupQuota.ts';
import { Migration20261205000044ResidentCreatedStatus } from './Migration20261205000044ResidentCreatedStatus.ts';
import { Migration20261205000045ChangeCursorCheck } from './Migration20261205000045ChangeCursorCheck.ts';
import { Migration20261205000046RejectRule } from './Migration20261205000046RejectRule.ts';
import { Migration20261205000047HouseholdSize } from './Migration20261205000047HouseholdSize.ts';
import { Migration20261205000048WriteKeys } from './Migration20261205000048WriteKeys.ts';
import { Migration20261205000049PersonFacts } from './Migration20261205000049PersonFacts.ts';
import { Migration20261205000050ChangePosition } from './Migration20261205000050ChangePosition.ts';
import { Migration20261205000051PatrolKinds } from './Migration20261205000051PatrolKinds.ts';
import { Migration20261205000052DeclinedCases } from './Migration20261205000052DeclinedCases.ts';
import { Migration20261205000053DisputeNotes } from './Migration20261205000053DisputeNotes.ts';
import { Migration20261205000054CorrectionChanges } from './Migration20261205000054CorrectionChanges.ts';
import { Migration20261205000055DispatchDepartments } from './Migration20261205000055DispatchDepartments.ts';
import { Migration20261206000056MissedDeadline } from './Migration20261206000056MissedDeadline.ts';
import { Migration20261206000057PatrolTeamEnd } from './Migration20261206000057PatrolTeamEnd.ts';
import { Migration20261206000058EndedBySubject } from './Migration20261206000058EndedBySubject.ts';
import { Migration20261206000059PatrolVoid } from './Migration20261206000059PatrolVoid.ts';
import { Migration20261206000060DirectoryChanged } from './Migration20261206000060DirectoryChanged.ts';
import { Migration20261206000061PartyDivisions } from './Migration20261206000061PartyDivisions.ts';
import { Migration20261206000062DisbandedMembers } from './Migration20261206000062DisbandedMembers.ts';
import { Migration20261206000063TeamEndDeleted } from './Migration20261206000063TeamEndDeleted.ts';
import { Migration20261207000064WithdrawnDispatches } from './Migration20261207000064WithdrawnDispatches.ts';
import { Migration20261207000065StepRatings } from './Migration20261207000065StepRatings.ts';
import { Migration20261207000066SupervisionReply } from './Migration20261207000066SupervisionReply.ts';
import { Migration20261207000068HazardSteps } from './Migration20261207000068HazardSteps.ts';
import { Migration20261207000069RelationshipToHead } from './Migration20261207000069RelationshipToHead.ts';
import { Migration20261207000070ChangeAuthors } from './Migration20261207000070ChangeAuthors.ts';
import { Migration20261207000071MoveIn } from './Migration20261207000071MoveIn.ts';
import { Migration20261207000072HazardCounty } from './Migration20261207000072HazardCounty.ts';
import { Migration20261207000073ChangeStoryAgrees } from './Migration20261207000073ChangeStoryAgrees.ts';
import { Migration20261207000074DisputeGridMove } from './Migration20261207000074DisputeGridMove.ts';
import { Migration20261207000075EndedRecordLists } from './Migration20261207000075EndedRecordLists.ts';
import { Migration20261207000076NewbornMatch } from './Migration20261207000076NewbornMatch.ts';
import { Migration20261207000077SeededSupervision } from './Migration20261207000077SeededSupervision.ts';
import { Migration20261207000078SeededHazardSteps } from './Migration20261207000078SeededHazardSteps.ts';
import { Migration20261207000079SiteAddressEnd } from './Migration20261207000079SiteAddressEnd.ts';
import { Migration20261207000080DisputeMediator } from './Migration20261207000080DisputeMediator.ts';
import { Migration20261207000081FinishedAtVillage } from './Migration20261207000081FinishedAtVillage.ts';
import { Migration20261207000082AuditPath } from './Migration20261207000082AuditPath.ts';
import { Migration20261207000083ServiceGrants } from './Migration20261207000083ServiceGrants.ts';
import { Migration20261207000084AuditMissedLookups } from './Migration20261207000084AuditMissedLookups.ts';
import { Migration20261207000085PatrolTeamNamed } from './Migration20261207000085PatrolTeamNamed.ts';
import { Migration20261207000086ChangeStepLevel } from './Migration20261207000086ChangeStepLevel.ts';
import { Migration20261207000087ChangeCursorHeld } from './Migration20261207000087ChangeCursorHeld.ts';
import { Migration20261207000088HazardPatrolNamed } from './Migration20261207000088HazardPatrolNamed.ts';
import { Migration20261207000089SameWriteVersion } from './Migration20261207000089SameWriteVersion.ts';
import { Migration20261207000090WriteKeyElsewhere } from './Migration20261207000090WriteKeyElsewhere.ts';
import { Migration20261207000091PatrolTeamWithheld } from './Migration20261207000091PatrolTeamWithheld.ts';
import { Migration20261207000092WriteKeyCaller } from './Migration20261207000092WriteKeyCaller.ts';
import { Migration20261207000093WriteKeyGrant } from './Migration20261207000093WriteKeyGrant.ts';
import { Migration20261207000094RollupOnlyWhatChanged } from './Migration20261207000094RollupOnlyWhatChanged.ts';
import { Migration20261207000095DepartmentAnswers } from './Migration20261207000095DepartmentAnswers.ts';
import { Migration20261207000096RollupCountedColumns } from './Migration20261207000096RollupCountedColumns.ts';
import { Migration20261207000097RollupForcesCountedColumns } from './Migration20261207000097RollupForcesCountedColumns.ts';
import { Migration20261207000098RollupDaysCountedColumns } from './Migration20261207000098RollupDaysCountedColumns.ts';

/** Every migration of the village database, oldest first. */
export const migrations = [
  Migration20261121000000SeedLog,
  Migration20261121000001,
  Migration20261121000002Registry,
  Migration20261121000003Security,
  Migration20261121000004Disputes,
  Migration20261121000005Targets,
  Migration20261121000006Rollups,
  Migration20261121000007CountyDays,
  Migration20261121000008DayPairs,
  Migration20261121000009Changes,
  Migration20261121000010RollupLocks,
  Migration20261121000011Imports,
  Migration20261121000012DivisionKeys,
  Migration20261121000013ImportSpeed,
  Migration20261121000014ReferenceIndexes,
  Migration20261121000015LeanPersonIndexes,
  Migration20261121000016FilterIndexes,
  Migration20261201000017CaseOrder,
  Migration20261201000018StepFacts,
  Migration20261201000019FailClosed,
  Migration20261201000020DivisionTargets,
  Migration20261201000021PersonSearch,
  Migration20261201000022Forces,
  Migration20261201000023LifeCycle,
  Migration20261201000024WritePath,
  Migration20261201000025StatsVersion,
  Migration20261201000026RehandledIndex,
  Migration20261202000027DisputeDays,
  Migration20261202000028DivisionCodes,
  Migration20261202000029DayIndexes,
  Migration20261202000030DayRefresh,
  Migration20261203000031CountyRollup,
  Migration20261203000032CountyDayFigures,
  Migration20261203000033CountyDayKey,
  Migration20261204000034GridPostOnce,
  Migration20261204000035MovedOut,
  Migration20261204000036ResidentTransition,
  Migration20261204000037GridMovedOut,
  Migration20261204000038Reinstate,
  Migration20261204000039MassCategories,
  Migration20261204000040PatrolMembers,
  Migration20261204000041GroupHouseholds,
  Migration20261205000042GridStaffChanges,
  Migration20261205000043LookupQuota,
  Migration20261205000044ResidentCreatedStatus,
  Migration20261205000045ChangeCursorCheck,
  Migration20261205000046RejectRule,
  Migration20261205000047HouseholdSize,
  Migration20261205000048WriteKeys,
  Migration20261205000049PersonFacts,
  Migration20261205000050ChangePosition,
  Migration20261205000051PatrolKinds,
  Migration20261205000052DeclinedCases,
  Migration20261205000053DisputeNotes,
  Migration20261205000054CorrectionChanges,
  Migration20261205000055DispatchDepartments,
  Migration20261206000056MissedDeadline,
  Migration20261206000057PatrolTeamEnd,
  Migration20261206000058EndedBySubject,
  Migration20261206000059PatrolVoid,
  Migration20261206000060DirectoryChanged,
  Migration20261206000061PartyDivisions,
  Migration20261206000062DisbandedMembers,
  Migration20261206000063TeamEndDeleted,
  Migration20261207000064WithdrawnDispatches,
  Migration20261207000065StepRatings,
  Migration20261207000066SupervisionReply,
  Migration20261207000068HazardSteps,
  Migration20261207000069RelationshipToHead,
  Migration20261207000070ChangeAuthors,
  Migration20261207000071MoveIn,
  Migration20261207000072HazardCounty,
  Migration20261207000073ChangeStoryAgrees,
  Migration20261207000074DisputeGridMove,
  Migration20261207000075EndedRecordLists,
  Migration20261207000076NewbornMatch,
  Migration20261207000077SeededSupervision,
  Migration20261207000078SeededHazardSteps,
  Migration20261207000079SiteAddressEnd,
  Migration20261207000080DisputeMediator,
  Migration20261207000081FinishedAtVillage,
  Migration20261207000082AuditPath,
  Migration20261207000083ServiceGrants,
  Migration20261207000084AuditMissedLookups,
  Migration20261207000085PatrolTeamNamed,
  Migration20261207000086ChangeStepLevel,
  Migration20261207000087ChangeCursorHeld,
  Migration20261207000088HazardPatrolNamed,
  Migration20261207000089SameWriteVersion,
  Migration20261207000090WriteKeyElsewhere,
  Migration20261207000091PatrolTeamWithheld,
  Migration20261207000092WriteKeyCaller,
  Migration20261207000093WriteKeyGrant,
  Migration20261207000094RollupOnlyWhatChanged,
  Migration20261207000095DepartmentAnswers,
  Migration20261207000096RollupCountedColumns,
  Migration20261207000097RollupForcesCountedColumns,
  Migration20261207000098RollupDaysCountedColumns,
];
