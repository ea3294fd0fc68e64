import DataLoader from 'dataloader';
import { byKey, groupedBy, lazyLoaders } from '../../../platform/loaders.ts';
import { publicRows } from '../../../platform/jurisdiction.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { countyCases } from './store/county-case.ts';
import { departments } from './store/department.ts';
import type { CountyEntity } from './entities.ts';
import { countyDirectory } from './store/county-directory.ts';

/**
 * A request's loaders (made when first used). Regions and counties are the public directory: read on the pool,
 * with no transaction and no jurisdiction setting.
 */
export const createLoaders = lazyLoaders<Db>()({
  region: (db) =>
    byKey(
      (codes) => publicRows(db, countyDirectory.regionsByCodes, [codes]),
      (r) => r.code,
    ),
  county: (db) =>
    byKey(
      (codes) => publicRows(db, countyDirectory.countiesByCodes, [codes]),
      (c) => c.code,
    ),
  prefecturesOf: (db) =>
    groupedBy(
      (codes) => publicRows(db, countyDirectory.regionsOfParents, [codes]),
      (r) => r.parentCode ?? '',
    ),
  countyCaseOf: (db) =>
    byKey(
      (ids) => countyCases.byDisputeIds(db, ids),
      (c) => c.disputeId,
    ),
  departmentsOf: (db) =>
    groupedBy(
      (codes) => departments.ofCounties(db, codes),
      (d) => d.countyCode,
    ),
  /** Counties of provinces or prefectures: one statement whatever the mix. */
  countiesOf: (db) =>
    new DataLoader<string, CountyEntity[]>(async (codes) => {
      const rows = await publicRows(db, countyDirectory.countiesOfRegions, [codes, codes]);
      return codes.map((c) => rows.filter((r) => (c.length === 2 ? r.provinceCode : r.prefectureCode) === c));
    }),
});

export interface CountyContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
