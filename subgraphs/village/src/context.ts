import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { ScopedPages } from './scoped-page.ts';
import type { BaseContext } from '../../../platform/service.ts';
import { query } from '../../../platform/sql.ts';
import { Grid, Village } from './entities.ts';
import type {
  AddressRow, HazardRow, HouseholdRow, HouseRow, JointDefenseGroupRow, MediationCommitteeRow, MediatorRow,
  PatrolRow, PatrolTeamRow, PersonRow, SiteRow,
} from './rows.ts';
import type { AuditTrail } from './access.ts';
import { createStatsLoaders } from './stats.ts';
import { createDisputeLoaders } from './disputes/loaders.ts';

/** One row per id, from one `in (...)` statement per batch. */
function rowsById<T extends { id: number }>(em: EntityManager, table: string) {
  return byKey<string, T>((ids) => query<T>(em, `select * from ${table} where id in (?)`, [ids.map(Number)]), (r) => String(r.id));
}

/** Rows grouped by a foreign key, from one statement per batch. */
function rowsBy<T>(em: EntityManager, table: string, column: string, key: (r: T) => string | number | null) {
  return groupedBy<string, T>(
    (keys) => query<T>(em, `select * from ${table} where ${column} in (?) order by id`, [keys.map((k) => (/^\d+$/.test(k) && column.endsWith('_id') ? Number(k) : k))]),
    (r) => String(key(r)),
  );
}

export function createLoaders(em: EntityManager) {
  return {
    village: byKey((codes) => em.find(Village, { code: { $in: [...codes] } }), (v) => v.code),
    grid: byKey((codes) => em.find(Grid, { code: { $in: [...codes] } }), (g) => g.code),
    villagesOfTownship: groupedBy(
      (codes) => em.find(Village, { townshipCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (v) => v.townshipCode,
    ),
    gridsOfVillage: groupedBy(
      (codes) => em.find(Grid, { villageCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (g) => g.villageCode,
    ),
    person: rowsById<PersonRow>(em, 'person'),
    household: rowsById<HouseholdRow>(em, 'household'),
    address: rowsById<AddressRow>(em, 'address'),
    house: rowsById<HouseRow>(em, 'house'),
    site: rowsById<SiteRow>(em, 'site'),
    group: rowsById<JointDefenseGroupRow>(em, 'joint_defense_group'),
    team: rowsById<PatrolTeamRow>(em, 'patrol_team'),
    patrol: rowsById<PatrolRow>(em, 'patrol'),
    hazard: rowsById<HazardRow>(em, 'hazard'),
    membersOfHousehold: rowsBy<PersonRow>(em, 'person', 'household_id', (p) => p.householdId),
    householdsOfGroup: rowsBy<HouseholdRow>(em, 'household', 'joint_defense_group_id', (h) => h.jointDefenseGroupId),
    householdsOfHouse: rowsBy<HouseholdRow>(em, 'household', 'house_id', (h) => h.houseId),
    hazardsOfPatrol: rowsBy<HazardRow>(em, 'hazard', 'patrol_id', (h) => h.patrolId),
    committeesOfVillage: rowsBy<MediationCommitteeRow>(em, 'mediation_committee', 'village_code', (c) => c.villageCode),
    mediatorsOfCommittee: rowsBy<MediatorRow>(em, 'mediator', 'committee_id', (m) => m.committeeId),
    /** Team id → member person ids. */
    teamMembers: groupedBy<string, { teamId: number; personId: number }>(
      (ids) => query(em, `select team_id, person_id from patrol_team_member where team_id in (?) order by person_id`, [ids.map(Number)]),
      (m) => String(m.teamId),
    ),
    ...createDisputeLoaders(em),
    /** Level → indicator → target (one statement for all the levels a request needs). */
    targets: new DataLoader<string, Map<string, number>>(async (levels) => {
      const rows = await query<{ indicator: string; level: string; target: string }>(em, 'select * from assessment_target where level in (?)', [[...levels]]);
      return levels.map((l) => new Map(rows.filter((r) => r.level === l).map((r) => [r.indicator, Number(r.target)])));
    }),
    ...createStatsLoaders(em),
  };
}

export interface VillageContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
  pages: ScopedPages;
  audit: AuditTrail;
}
