import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { query } from '../../../platform/sql.ts';
import type { DispatchRow, TownshipCaseRow } from './cases/rows.ts';
import type { BaseContext } from '../../../platform/service.ts';
import { Township, TownshipAgency, TownshipTeam } from './entities.ts';

export function createLoaders(em: EntityManager) {
  return {
    township: byKey((codes) => em.find(Township, { code: { $in: [...codes] } }), (t) => t.code),
    townshipsOfCounty: groupedBy(
      (codes) => em.find(Township, { countyCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (t) => t.countyCode,
    ),
    agenciesOf: groupedBy(
      (codes) => em.find(TownshipAgency, { townshipCode: { $in: [...codes] } }, { orderBy: { kind: 'asc' } }),
      (a) => a.townshipCode,
    ),
    caseOf: byKey<string, TownshipCaseRow>((ids) => query<TownshipCaseRow>(em, 'select * from township_case where dispute_id in (?)', [[...ids]]), (c) => c.disputeId),
    dispatchesOf: groupedBy<string, DispatchRow>((ids) => query<DispatchRow>(em, 'select * from dispatch where dispute_id in (?) order by id', [[...ids]]), (d) => d.disputeId),
    teamsOf: groupedBy((codes) => em.find(TownshipTeam, { townshipCode: { $in: [...codes] } }, { orderBy: { id: 'asc' } }), (t) => t.townshipCode),
  };
}

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
