import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { query } from '../../../platform/sql.ts';
import type { CountyCaseRow } from './cases/index.ts';
import type { BaseContext } from '../../../platform/service.ts';
import { County, Department, Region, type CountyEntity } from './entities.ts';

export function createLoaders(em: EntityManager) {
  return {
    region: byKey((codes) => em.find(Region, { code: { $in: [...codes] } }), (r) => r.code),
    county: byKey((codes) => em.find(County, { code: { $in: [...codes] } }), (c) => c.code),
    prefecturesOf: groupedBy(
      (codes) => em.find(Region, { parentCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (r) => r.parentCode ?? '',
    ),
    countyCaseOf: byKey<string, CountyCaseRow>((ids) => query<CountyCaseRow>(em, 'select * from county_case where dispute_id in (?)', [[...ids]]), (c) => c.disputeId),
    departmentsOf: groupedBy(
      (codes) => em.find(Department, { countyCode: { $in: [...codes] } }, { orderBy: { kind: 'asc' } }),
      (d) => d.countyCode,
    ),
    /** Counties of provinces or prefectures: one statement whatever the mix. */
    countiesOf: new DataLoader<string, CountyEntity[]>(async (codes) => {
      const list = [...codes];
      const rows = await em.find(
        County,
        { $or: [{ prefectureCode: { $in: list } }, { provinceCode: { $in: list } }] },
        { orderBy: { code: 'asc' } },
      );
      return codes.map((c) => rows.filter((r) => (c.length === 2 ? r.provinceCode : r.prefectureCode) === c));
    }),
  };
}

export interface CountyContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
