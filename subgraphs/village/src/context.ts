import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { publicRows } from '../../../platform/jurisdiction.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { AuditTrail } from './access.ts';
import { createDisputeLoaders } from './disputes/loaders.ts';
import { createStatsLoaders } from './stats.ts';
import { createTargetLoaders } from './targets.ts';
import { addresses } from './store/address.ts';
import { hazards } from './store/hazard.ts';
import { households } from './store/household.ts';
import { houses } from './store/house.ts';
import { jointDefenseGroups } from './store/joint-defense-group.ts';
import { mediationCommittees } from './store/mediation-committee.ts';
import { mediators } from './store/mediator.ts';
import { patrolTeamMembers } from './store/patrol-team-member.ts';
import { patrolTeams } from './store/patrol-team.ts';
import { patrols } from './store/patrol.ts';
import { persons } from './store/person.ts';
import type { Db } from '../../../platform/sql.ts';
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

export function createLoaders(em: EntityManager) {
  const db: Db = em;
  // Villages and grids are the public directory: read on the pool, with no transaction and no jurisdiction setting.
  return {
    village: byKey(
      (codes) => publicRows(em, villageDirectory.villagesByCodes, [codes]),
      (v) => v.code,
    ),
    grid: byKey(
      (codes) => publicRows(em, villageDirectory.gridsByCodes, [codes]),
      (g) => g.code,
    ),
    villagesOfTownship: groupedBy(
      (codes) => publicRows(em, villageDirectory.villagesOfTownships, [codes]),
      (v) => v.townshipCode,
    ),
    gridsOfVillage: groupedBy(
      (codes) => publicRows(em, villageDirectory.gridsOfVillages, [codes]),
      (g) => g.villageCode,
    ),
    person: rowsById((ids) => persons.byIds(db, ids)),
    household: rowsById((ids) => households.byIds(db, ids)),
    address: rowsById((ids) => addresses.byIds(db, ids)),
    house: rowsById((ids) => houses.byIds(db, ids)),
    site: rowsById((ids) => sites.byIds(db, ids)),
    group: rowsById((ids) => jointDefenseGroups.byIds(db, ids)),
    team: rowsById((ids) => patrolTeams.byIds(db, ids)),
    patrol: rowsById((ids) => patrols.byIds(db, ids)),
    hazard: rowsById((ids) => hazards.byIds(db, ids)),
    membersOfHousehold: rowsOf(
      (ids) => persons.ofHouseholds(db, ids),
      (p) => p.householdId,
    ),
    householdsOfGroup: rowsOf(
      (ids) => households.ofGroups(db, ids),
      (h) => h.jointDefenseGroupId,
    ),
    householdsOfHouse: rowsOf(
      (ids) => households.ofHouses(db, ids),
      (h) => h.houseId,
    ),
    hazardsOfPatrol: rowsOf(
      (ids) => hazards.ofPatrols(db, ids),
      (h) => h.patrolId,
    ),
    committeesOfVillage: groupedBy(
      (codes) => mediationCommittees.ofVillages(db, codes),
      (c) => c.villageCode,
    ),
    mediatorsOfCommittee: rowsOf(
      (ids) => mediators.ofCommittees(db, ids),
      (m) => m.committeeId,
    ),
    /** Team id → member person ids. */
    teamMembers: rowsOf(
      (ids) => patrolTeamMembers.ofTeams(db, ids),
      (m) => m.teamId,
    ),
    ...createDisputeLoaders(em),
    /** targets(year): division code → the assessment targets that apply to it (one statement per year a request asks). */
    targets: createTargetLoaders(db),
    ...createStatsLoaders(em),
  };
}

export interface VillageContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
  pages: ScopedPages;
  audit: AuditTrail;
}
