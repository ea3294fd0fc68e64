import { z } from 'zod';
import { col } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
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

export const houses = {
  ...table,
  /** A division's houses, of one use if given. */
  list: (scope: Scope, use?: string | null): ScopedList<HouseRow> => scopedList('house.list', 'house', House, scope, use ? allOf(['t.use = ?'], [use]) : {}),
};
