import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../shared/loaders.ts';
import type { BaseContext } from '../../shared/service.ts';
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
    teamsOf: groupedBy((codes) => em.find(TownshipTeam, { townshipCode: { $in: [...codes] } }, { orderBy: { id: 'asc' } }), (t) => t.townshipCode),
  };
}

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
