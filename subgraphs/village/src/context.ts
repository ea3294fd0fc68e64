import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy, lazyLoaders } from '../../../platform/loaders.ts';
import { directoryByKey, directoryGroupedBy } from '../../../platform/directory-cache.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { LookupLimits } from '../../../platform/settings.ts';
import type { AuditTrail } from './access.ts';
import { disputeLoaders } from './disputes/loaders.ts';
import { createStatsLoaders } from './stats.ts';
import { createTargetLoaders } from './targets.ts';
import { addresses } from './store/address.ts';
import { gridStaff } from './store/grid-staff.ts';
import { hazards } from './store/hazard.ts';
import { hazardSteps } from './store/hazard-step.ts';
import { households } from './store/household.ts';
import { houses } from './store/house.ts';
import { jointDefenseGroups } from './store/joint-defense-group.ts';
import { mediationCommittees } from './store/mediation-committee.ts';
import { mediators } from './store/mediator.ts';
import { patrolTeamMembers } from './store/patrol-team-member.ts';
import { patrolTeams } from './store/patrol-team.ts';
import { patrols } from './store/patrol.ts';
import { persons } from './store/person.ts';
import { personHistory, type DeregistrationRow } from './store/person-history.ts';
import { ScopedPages } from './store/scoped.ts';
import { sites } from './store/site.ts';
import { villageDirectory } from './store/village-directory.ts';

/** One row per id (string keys), from one `in (...)` statement per batch. */
function rowsById<T extends { id: number }>(fetch: (ids: number[]) => Promise<T[]>) {
  return byKey<string, T>(
    (ids) => fetch(ids.map(Number)),
    (r) => String(r.id),
  );
}

/** Rows grouped by the id (string keys) of what they belong to, from one statement per batch. */
function rowsOf<T>(fetch: (ids: number[]) => Promise<T[]>, owner: (r: T) => number | null) {
  return groupedBy<string, T>(
    (ids) => fetch(ids.map(Number)),
    (r) => String(owner(r)),
  );
}

/** A request's loaders (made when first used), read with its entity manager. */
export const createLoaders = lazyLoaders<EntityManager>()({
  village: (em) => directoryByKey(em, villageDirectory.villagesByCodes, (v) => v.code),
  grid: (em) => directoryByKey(em, villageDirectory.gridsByCodes, (g) => g.code),
  villagesOfTownship: (em) => directoryGroupedBy(em, villageDirectory.villagesOfTownships, (v) => v.townshipCode),
  gridsOfVillage: (em) => directoryGroupedBy(em, villageDirectory.gridsOfVillages, (g) => g.villageCode),
  person: (em) => rowsById((ids) => persons.byIds(em, ids)),
  household: (em) => rowsById((ids) => households.byIds(em, ids)),
  address: (em) => rowsById((ids) => addresses.byIds(em, ids)),
  house: (em) => rowsById((ids) => houses.byIds(em, ids)),
  site: (em) => rowsById((ids) => sites.byIds(em, ids)),
  gridStaff: (em) => rowsById((ids) => gridStaff.byIds(em, ids)),
  group: (em) => rowsById((ids) => jointDefenseGroups.byIds(em, ids)),
  team: (em) => rowsById((ids) => patrolTeams.byIds(em, ids)),
  /** The team a patrol the caller sees names, whichever grid of the village it serves (Patrol.team). */
  teamOfPatrol: (em) => rowsById((ids) => patrolTeams.namedByPatrols(em, ids)),
  patrol: (em) => rowsById((ids) => patrols.byIds(em, ids)),
  patrolOfHazard: (em) => rowsById((ids) => patrols.namedByHazards(em, ids)),
  hazard: (em) => rowsById((ids) => hazards.byIds(em, ids)),
  /** Person id → who deregistered them (their history's latest deregistration entry). */
  deregistration: (em) =>
    byKey<string, DeregistrationRow>(
      (ids) => personHistory.deregistrations(em, ids.map(Number)),
      (d) => String(d.personId),
    ),
  membersOfHousehold: (em) =>
    rowsOf(
      (ids) => persons.ofHouseholds(em, ids),
      (p) => p.householdId,
    ),
  householdsOfGroup: (em) =>
    rowsOf(
      (ids) => households.ofGroups(em, ids),
      (h) => h.jointDefenseGroupId,
    ),
  householdsOfHouse: (em) =>
    rowsOf(
      (ids) => households.ofHouses(em, ids),
      (h) => h.houseId,
    ),
  /** Hazard id → the steps of its rectification, oldest first. */
  stepsOfHazard: (em) =>
    rowsOf(
      (ids) => hazardSteps.ofHazards(em, ids),
      (s) => s.hazardId,
    ),
  hazardsOfPatrol: (em) =>
    rowsOf(
      (ids) => hazards.ofPatrols(em, ids),
      (h) => h.patrolId,
    ),
  committeesOfVillage: (em) =>
    groupedBy(
      (codes) => mediationCommittees.ofVillages(em, codes),
      (c) => c.villageCode,
    ),
  /** Mediators by id, serving or not (a case names whoever the village assigned it to). */
  mediator: (em) => rowsById((ids) => mediators.currentOrEnded(em, ids)),
  mediatorsOfCommittee: (em) =>
    rowsOf(
      (ids) => mediators.ofCommittees(em, ids),
      (m) => m.committeeId,
    ),
  /** Team id → member person ids. */
  teamMembers: (em) =>
    rowsOf(
      (ids) => patrolTeamMembers.ofTeams(em, ids),
      (m) => m.teamId,
    ),
  ...disputeLoaders,
  /** targets(year): division code → the assessment targets that apply to it (one statement per year a request asks). */
  targets: (em) => createTargetLoaders(em),
  /** The statistics (stats.ts): population, forces, patrols, disputes and staffing, kept while their versions hold. */
  stats: (em) => createStatsLoaders(em),
});

export interface VillageContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
  pages: ScopedPages;
  audit: AuditTrail;
  /** How many lookups by ID number or phone a caller may make (access.ts `spendLookup`). */
  lookups: LookupLimits;
}
