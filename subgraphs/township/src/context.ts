import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../shared/loaders.ts';
import type { BaseContext } from '../../shared/service.ts';
import { Township } from './entities.ts';

export function createLoaders(em: EntityManager) {
  return {
    township: byKey((codes) => em.find(Township, { code: { $in: [...codes] } }), (t) => t.code),
    townshipsOfCounty: groupedBy(
      (codes) => em.find(Township, { countyCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (t) => t.countyCode,
    ),
  };
}

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
