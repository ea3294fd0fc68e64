import { z } from 'zod';
import { halfWidth } from '../../../../domain/half-width.ts';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Households (户), table `household` (migration …02Registry). */
const Household = z.object({
  id: col.id,
  number: col.text,
  headId: col.id.nullable(),
  addressId: col.id.nullable(),
  houseId: col.id.nullable(),
  jointDefenseGroupId: col.id.nullable(),
  ...located,
  version: col.id,
});
export type HouseholdRow = z.infer<typeof Household>;

/**
 * The columns `moveHousehold` sets through a versioned update (`versioned` in resolvers/Mutation/write.ts). A form's or a
 * file's fields go through the registry's one write path instead (docs/ARCHITECTURE.md, "One write path per kind").
 */
export interface HouseholdChanges {
  number?: string;
  headId?: number;
  villageCode?: string;
  gridCode?: string;
  countyCode?: string;
  addressId?: number | null;
  houseId?: number | null;
  jointDefenseGroupId?: number | null;
}

const table = recordTable<HouseholdRow, HouseholdChanges>('household', Household, {
  number: 'number',
  headId: 'head_id',
  villageCode: 'village_code',
  gridCode: 'grid_code',
  countyCode: 'county_code',
  addressId: 'address_id',
  houseId: 'house_id',
  jointDefenseGroupId: 'joint_defense_group_id',
});

const ofGroups = sql('household.ofGroups', Household, 'select * from household where joint_defense_group_id in (?) order by id');
const ofHouses = sql('household.ofHouses', Household, 'select * from household where house_id in (?) order by id');
const joinGroup = command('household.joinGroup', 'update household set joint_defense_group_id = ?, version = version + 1 where id in (?)');
const leaveGroup = command(
  'household.leaveGroup',
  'update household set joint_defense_group_id = null, version = version + 1 where id in (?) and joint_defense_group_id = ?',
);

export const households = {
  ...table,
  /** Households of each joint-defense group, by id. */
  ofGroups: (db: Db, groupIds: readonly number[]): Promise<HouseholdRow[]> => rows(db, ofGroups, [groupIds]),
  /** Households living in each house, by id. */
  ofHouses: (db: Db, houseIds: readonly number[]): Promise<HouseholdRow[]> => rows(db, ofHouses, [houseIds]),
  /** Puts the households into the group (bumping their versions). */
  joinGroup: (db: Db, groupId: number, ids: readonly number[]): Promise<number> => exec(db, joinGroup, [groupId, ids]),
  /** Takes those of the households that are in the group out of it (bumping their versions). */
  leaveGroup: (db: Db, groupId: number, ids: readonly number[]): Promise<number> => exec(db, leaveGroup, [ids, groupId]),
  /** A division's households, or the one with that number (户号), as typed or with full-width digits read as ASCII. */
  list: (scope: Scope, number?: string | null): ScopedList<HouseholdRow> =>
    scopedList('household.list', 'household', Household, scope, number != null ? allOf(['t.number in (?, ?)'], [number, halfWidth(number)]) : {}),
};
