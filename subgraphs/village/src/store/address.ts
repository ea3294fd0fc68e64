import { z } from 'zod';
import { col } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Standard addresses (标准地址), table `address` (migration …02Registry). */
const Address = z.object({
  id: col.id,
  number: col.text,
  text: col.text,
  ...located,
  version: col.id,
});
export type AddressRow = z.infer<typeof Address>;

/** What `updateAddress` may change (not the village: an address stays where it is). */
export interface AddressChanges {
  number?: string;
  text?: string;
  gridCode?: string;
}

const table = recordTable<AddressRow, AddressChanges>('address', Address, { number: 'number', text: 'text', gridCode: 'grid_code' });

export const addresses = {
  ...table,
  list: (scope: Scope): ScopedList<AddressRow> => scopedList('address.list', 'address', Address, scope),
};
