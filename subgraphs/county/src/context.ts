import DataLoader from 'dataloader';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import type { CountyEntity } from './entities.ts';
import { countyCases } from './store/county-case.ts';
import { counties } from './store/county.ts';
import { departments } from './store/department.ts';
import { regions } from './store/region.ts';

export function createLoaders(db: Db) {
  return {
    region: byKey(
      (codes) => regions.byCodes(db, codes),
      (r) => r.code,
    ),
    county: byKey(
      (codes) => counties.byCodes(db, codes),
      (c) => c.code,
    ),
    prefecturesOf: groupedBy(
      (codes) => regions.ofParents(db, codes),
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
      const rows = await counties.ofRegions(db, codes);
      return codes.map((c) => rows.filter((r) => (c.length === 2 ? r.provinceCode : r.prefectureCode) === c));
    }),
  };
}

export interface CountyContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
