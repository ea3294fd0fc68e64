import { byKey, groupedBy, lazyLoaders } from '../../../platform/loaders.ts';
import { directoryByKey, directoryGroupedBy } from '../../../platform/directory-cache.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { countyCases } from './store/county-case.ts';
import { departments } from './store/department.ts';
import { countyDirectory } from './store/county-directory.ts';

/**
 * A request's loaders (made when first used). Regions and counties are the public directory: read on the pool,
 * with no transaction and no jurisdiction setting.
 */
export const createLoaders = lazyLoaders<Db>()({
  region: (db) => directoryByKey(db, countyDirectory.regionsByCodes, (r) => r.code),
  county: (db) => directoryByKey(db, countyDirectory.countiesByCodes, (c) => c.code),
  prefecturesOf: (db) => directoryGroupedBy(db, countyDirectory.regionsOfParents, (r) => r.parentCode ?? []),
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
    directoryGroupedBy(
      db,
      countyDirectory.countiesOfRegions,
      (r) => [r.provinceCode, r.prefectureCode],
      (codes) => [codes, codes],
    ),
});

export interface CountyContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
