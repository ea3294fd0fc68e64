import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import { located, recordTable, type Location } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

export const HouseUse = z.enum(['SELF_OCCUPIED', 'RENTED', 'VACANT', 'COMMERCIAL']);

/** Houses (实有房屋), table `house` (migration …02Registry). */
const House = z.object({
  id: col.id,
  number: col.text,
  use: HouseUse,
  /** numeric(10, 2): square metres. */
  area: col.num.nullable(),
  addressId: col.id.nullable(),
  ...located,
  version: col.id,
});
export type HouseRow = z.infer<typeof House>;

/** What `updateHouse` may change. */
export interface HouseChanges {
  number?: string;
  use?: HouseRow['use'];
  area?: number | null;
  addressId?: number | null;
}

const table = recordTable<HouseRow, HouseChanges>('house', House, { number: 'number', use: 'use', area: 'area', addressId: 'address_id' });

const insert = sql(
  'house.insert',
  House,
  `insert into house (number, use, area, address_id, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, ?, ?) returning *`,
);

export interface NewHouse extends Location {
  number: string;
  use: HouseRow['use'];
  area: number | null;
  addressId: number | null;
}

export const houses = {
  ...table,
  async insert(db: Db, h: NewHouse): Promise<HouseRow> {
    return (await row(db, insert, [h.number, h.use, h.area, h.addressId, h.villageCode, h.gridCode, h.countyCode]))!;
  },
  /** A division's houses, of one use if given. */
  list: (scope: Scope, use?: string | null): ScopedList<HouseRow> => scopedList('house.list', 'house', House, scope, use ? allOf(['t.use = ?'], [use]) : {}),
};
