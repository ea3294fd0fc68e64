import { DateScalar, DateTimeScalar } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Address } from './Address.ts';
import { AuditEntry } from './AuditEntry.ts';
import { Change } from './Change.ts';
import { ChangedRecord } from './ChangedRecord.ts';
import { County } from './County.ts';
import { Dispute } from './Dispute.ts';
import { CountyCase, DisputeSupervision, TownshipCase } from './Supervision.ts';
import { DisputeParty } from './DisputeParty.ts';
import { DisputeStep } from './DisputeStep.ts';
import { DisputeStats } from './DisputeStats.ts';
import { Forces } from './Forces.ts';
import { DeregisteredResident } from './DeregisteredResident.ts';
import { EndedRecord } from './EndedRecord.ts';
import { Grid } from './Grid.ts';
import { GridStaff } from './GridStaff.ts';
import { Hazard, HazardStep } from './Hazard.ts';
import { House } from './House.ts';
import { Household } from './Household.ts';
import { JointDefenseGroup } from './JointDefenseGroup.ts';
import { MediationCommittee } from './MediationCommittee.ts';
import { Mediator } from './Mediator.ts';
import { Mutation } from './Mutation/index.ts';
import { Patrol } from './Patrol.ts';
import { PatrolStats } from './PatrolStats.ts';
import { HazardStats } from './HazardStats.ts';
import { PatrolTeam } from './PatrolTeam.ts';
import { Person } from './Person.ts';
import { PersonHistoryEntry, PersonPlace } from './PersonHistoryEntry.ts';
import { Query } from './Query/index.ts';
import { Region } from './Region.ts';
import { RiskFact, RiskSignal } from './RiskSignal.ts';
import { Site } from './Site.ts';
import { Township } from './Township.ts';
import { Village } from './Village.ts';

/** The village subgraph's resolvers: one file per GraphQL type, Query and Mutation one file per topic. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Village,
  Grid,
  Township,
  County,
  Region,
  Person,
  Household,
  Address,
  House,
  Site,
  GridStaff,
  JointDefenseGroup,
  PatrolTeam,
  Patrol,
  Hazard,
  HazardStep,
  MediationCommittee,
  Mediator,
  PatrolStats,
  HazardStats,
  DisputeStats,
  Forces,
  Dispute,
  DisputeSupervision,
  TownshipCase,
  CountyCase,
  DisputeParty,
  DisputeStep,
  Change,
  ChangedRecord,
  AuditEntry,
  PersonHistoryEntry,
  PersonPlace,
  EndedRecord,
  DeregisteredResident,
  RiskSignal,
  RiskFact,
};
