import DataLoader from 'dataloader';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { publicRows } from '../../../platform/jurisdiction.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { countyCases } from './store/county-case.ts';
import { departments } from './store/department.ts';
import type { CountyEntity } from './entities.ts';
import { countyDirectory } from './store/county-directory.ts';

export function createLoaders(db: Db) {
  // Regions and counties are the public directory: read on the pool, with no transaction and no jurisdiction setting.
  return {
    region: byKey(
      (codes) => publicRows(db, countyDirectory.regionsByCodes, [codes]),
      (r) => r.code,
    ),
    county: byKey(
      (codes) => publicRows(db, countyDirectory.countiesByCodes, [codes]),
      (c) => c.code,
    ),
    prefecturesOf: groupedBy(
      (codes) => publicRows(db, countyDirectory.regionsOfParents, [codes]),
      (r) => r.parentCode ?? '',
    ),
    countyCaseOf: byKey(
      (ids) => countyCases.byDisputeIds(db, ids),
      (c) => c.disputeId,
    ),
    departmentsOf: groupedBy(
      (codes) => departments.ofCounties(db, codes),
      (d) => d.countyCode,
    ),
    /** Counties of provinces or prefectures: one statement whatever the mix. */
    countiesOf: new DataLoader<string, CountyEntity[]>(async (codes) => {
      const rows = await publicRows(db, countyDirectory.countiesOfRegions, [codes, codes]);
      return codes.map((c) => rows.filter((r) => (c.length === 2 ? r.provinceCode : r.prefectureCode) === c));
    }),
  };
}

export interface CountyContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
