import { GraphQLScalarType } from 'graphql';
import { DateScalar, DateTimeScalar } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Address } from './Address.ts';
import { auditResolvers } from './audit.ts';
import { changeResolvers } from './changes.ts';
import { County } from './County.ts';
import { disputeResolvers } from './disputes.ts';
import { DisputeStats } from './DisputeStats.ts';
import { Grid } from './Grid.ts';
import { GridStaff } from './GridStaff.ts';
import { Hazard } from './Hazard.ts';
import { House } from './House.ts';
import { Household } from './Household.ts';
import { JointDefenseGroup } from './JointDefenseGroup.ts';
import { MediationCommittee } from './MediationCommittee.ts';
import { Mediator } from './Mediator.ts';
import { Mutation } from './Mutation/index.ts';
import { Patrol } from './Patrol.ts';
import { PatrolStats } from './PatrolStats.ts';
import { PatrolTeam } from './PatrolTeam.ts';
import { Person } from './Person.ts';
import { Query } from './Query/index.ts';
import { Region } from './Region.ts';
import { Site } from './Site.ts';
import { Township } from './Township.ts';
import { Village } from './Village.ts';

/** Whether `key` names a type of the resolver map (a type guard for iterating a map's own keys). */
function isTypeName(map: Resolvers, key: string): key is keyof Resolvers {
  return Object.hasOwn(map, key);
}

/** One type's resolvers from two maps: fields of `b` over those of `a`; a scalar is replaced whole. */
function mergeType<K extends keyof Resolvers>(a: Resolvers[K], b: Resolvers[K]): Resolvers[K] {
  if (a === undefined || a instanceof GraphQLScalarType || b === undefined || b instanceof GraphQLScalarType) return b ?? a;
  return { ...a, ...b };
}

function setType<K extends keyof Resolvers>(out: Resolvers, key: K, value: Resolvers[K]): void {
  out[key] = value;
}

/** Merges resolver maps type by type (each contributes fields of the types it covers; later maps win a field both define). */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const out: Resolvers = {};
  for (const map of maps) {
    for (const key of Object.keys(map)) {
      if (isTypeName(map, key)) setType(out, key, mergeType(out[key], map[key]));
    }
  }
  return out;
}

/**
 * The village subgraph's resolvers, one file per type. Disputes, the change
 * feed and the audit log come as their own maps (they also add `disputes` to
 * Village, Grid and County) and are merged in.
 */
export const resolvers: Resolvers = mergeResolvers(
  {
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
    MediationCommittee,
    Mediator,
    PatrolStats,
    DisputeStats,
  },
  auditResolvers,
  disputeResolvers,
  changeResolvers,
);
