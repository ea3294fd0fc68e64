/**
 * Registry rows as the resolvers see them (camelCase columns of the tables in
 * migrations/Migration20261121000002Registry.ts). Reads are set-based SQL
 * (see shared/sql.ts); these types are the codegen mappers.
 */
interface Located {
  villageCode: string;
  gridCode: string;
  countyCode: string;
}

export interface PersonRow extends Located {
  id: number;
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string | Date;
  ethnicity: string;
  idNumber: string | null;
  phone: string | null;
  residency: 'REGISTERED' | 'FLOATING' | 'OVERSEAS';
  tags: string[];
  householdId: number | null;
  addressId: number | null;
  version: number;
}

export interface HouseholdRow extends Located {
  id: number;
  number: string;
  headId: number | null;
  addressId: number | null;
  houseId: number | null;
  jointDefenseGroupId: number | null;
  version: number;
}

export interface AddressRow extends Located {
  id: number;
  number: string;
  text: string;
  version: number;
}

export interface HouseRow extends Located {
  id: number;
  number: string;
  use: 'SELF_OCCUPIED' | 'RENTED' | 'VACANT' | 'COMMERCIAL';
  area: string | number | null;
  addressId: number | null;
  version: number;
}

export interface SiteRow extends Located {
  id: number;
  name: string;
  kind: 'SCHOOL' | 'RELIGIOUS_SITE' | 'MARKET' | 'SCENIC_AREA' | 'HOSPITAL' | 'ENTERPRISE' | 'RAILWAY_LINE';
  addressId: number | null;
  contactName: string | null;
  contactPhone: string | null;
  version: number;
}

export interface GridStaffRow extends Located {
  id: number;
  role: 'GRID_LEADER' | 'GRID_WORKER' | 'LINKED_LEADER' | 'LINKED_OFFICE_CADRE' | 'LINKED_POLITICAL_LEGAL_CADRE' | 'INFORMANT';
  name: string;
  phone: string | null;
  personId: number | null;
}

export interface JointDefenseGroupRow extends Located {
  id: number;
  name: string;
  leaderId: number | null;
  version: number;
}

export interface PatrolTeamRow extends Located {
  id: number;
  name: string;
  kind: 'RED_ARMBAND' | 'MOTORCYCLE_VOLUNTEER' | 'JOINT_PREVENTION' | 'MILITIA' | 'VOLUNTEER';
  version: number;
}

export interface PatrolRow extends Located {
  id: number;
  teamId: number;
  startedAt: Date | string;
  endedAt: Date | string;
  route: string | null;
  participantIds: number[];
}

export interface HazardRow extends Located {
  id: number;
  kind: 'FIRE' | 'TRAFFIC' | 'FLOOD' | 'GEOLOGICAL' | 'ELECTRICAL' | 'GAS' | 'PUBLIC_ORDER' | 'OTHER';
  description: string;
  location: string | null;
  source: 'PATROL' | 'GRID_WORKER' | 'DRONE' | 'CITIZEN';
  reportedBy: string | null;
  patrolId: number | null;
  reportedAt: Date | string;
  status: 'REPORTED' | 'RECTIFYING' | 'RECTIFIED' | 'VERIFIED';
  rectifiedAt: Date | string | null;
  verifiedAt: Date | string | null;
  version: number;
}

export interface MediationCommitteeRow {
  id: number;
  name: string;
  kind: 'VILLAGE' | 'COMMUNITY' | 'ENTERPRISE' | 'TRADE';
  villageCode: string;
  countyCode: string;
}

export interface MediatorRow {
  id: number;
  committeeId: number;
  name: string;
  fullTime: boolean;
  phone: string | null;
  personId: number | null;
  villageCode: string;
}

/** Division statistics, before graphql-js picks fields. */
export interface DivisionRef {
  code: string;
}

export interface DisputeRow {
  id: string;
  no: number;
  caseNumber: string;
  idempotencyKey: string;
  category: string;
  scale: 'ORDINARY' | 'MAJOR' | 'MASS';
  source: string;
  summary: string;
  villageCode: string;
  gridCode: string;
  countyCode: string;
  occurredAt: Date | null;
  reportedAt: Date;
  status: string;
  handlingLevel: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
  inTransit: boolean;
  assignee: string | null;
  outcome: string | null;
  resolvedLevel: string | null;
  resolvedAt: Date | null;
  rating: string | null;
  contactBy: Date;
  settleBy: Date;
  replyBy: Date | null;
  supervisedAt: Date | null;
  acceptedAt: Date | null;
  ratedAt: Date | null;
  version: number;
}

export interface DisputeStepRow {
  id: number;
  disputeId: string;
  at: Date;
  level: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
  action: string;
  actor: string;
  note: string | null;
  status: string | null;
}

export interface DisputePartyRow {
  id: number;
  disputeId: string;
  personId: number | null;
  name: string;
  role: 'APPLICANT' | 'RESPONDENT' | 'THIRD_PARTY';
  villageCode: string;
}
