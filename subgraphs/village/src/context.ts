import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../shared/loaders.ts';
import type { BaseContext } from '../../shared/service.ts';
import { Grid, Village } from './entities.ts';

export function createLoaders(em: EntityManager) {
  return {
    village: byKey((codes) => em.find(Village, { code: { $in: [...codes] } }), (v) => v.code),
    grid: byKey((codes) => em.find(Grid, { code: { $in: [...codes] } }), (g) => g.code),
    villagesOfTownship: groupedBy(
      (codes) => em.find(Village, { townshipCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (v) => v.townshipCode,
    ),
    gridsOfVillage: groupedBy(
      (codes) => em.find(Grid, { villageCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } }),
      (g) => g.villageCode,
    ),
  };
}

export interface VillageContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
