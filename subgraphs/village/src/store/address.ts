import { z } from 'zod';
import { halfWidth } from '../../../../domain/half-width.ts';
import { col, likeContains } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

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
  /**
   * A division's addresses, or those whose number is `search` or whose text contains it, as typed or with its
   * full-width digits and letters read as ASCII (a search for １组 finds 1组).
   */
  list: (scope: Scope, search?: string | null): ScopedList<AddressRow> =>
    scopedList(
      'address.list',
      'address',
      Address,
      scope,
      search != null
        ? allOf(
            [`(t.number in (?, ?) or t.text like ? escape '\\' or t.text like ? escape '\\')`],
            [search, halfWidth(search), likeContains(search), likeContains(halfWidth(search))],
          )
        : {},
    ),
};
