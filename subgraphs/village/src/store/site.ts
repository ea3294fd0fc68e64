import { z } from 'zod';
import { col } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Key sites (重点场所), table `site` (migration …02Registry). */
const Site = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(['SCHOOL', 'RELIGIOUS_SITE', 'MARKET', 'SCENIC_AREA', 'HOSPITAL', 'ENTERPRISE', 'RAILWAY_LINE']),
  addressId: col.id.nullable(),
  contactName: col.text.nullable(),
  contactPhone: col.text.nullable(),
  ...located,
  version: col.id,
  externalId: col.text.nullable(),
});
export type SiteRow = z.infer<typeof Site>;

/** What `updateSite` may change. */
export interface SiteChanges {
  name?: string;
  kind?: SiteRow['kind'];
  contactName?: string;
  contactPhone?: string;
  addressId?: number | null;
  gridCode?: string;
}

const table = recordTable<SiteRow, SiteChanges>('site', Site, {
  name: 'name',
  kind: 'kind',
  contactName: 'contact_name',
  contactPhone: 'contact_phone',
  addressId: 'address_id',
  gridCode: 'grid_code',
});

export const sites = {
  ...table,
  /** A division's sites, of one kind if given. */
  list: (scope: Scope, kind?: string | null): ScopedList<SiteRow> => scopedList('site.list', 'site', Site, scope, kind ? allOf(['t.kind = ?'], [kind]) : {}),
};
