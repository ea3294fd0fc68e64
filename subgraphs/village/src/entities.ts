import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** 村/社区, keyed by its 12-digit code. */
export const Village = defineEntity({
  name: 'Village',
  tableName: 'village',
  properties: {
    code: p.string().primary(),
    name: p.string(),
    kind: p.enum(['COMMUNITY', 'VILLAGE', 'OTHER'] as const),
    townshipCode: p.string(),
    countyCode: p.string(),
  },
});
export type VillageEntity = InferEntity<typeof Village>;

/** 网格, keyed by its 15-digit code (village code + 3-digit sequence). */
export const Grid = defineEntity({
  name: 'Grid',
  tableName: 'grid',
  properties: {
    code: p.string().primary(),
    name: p.string(),
    villageCode: p.string(),
    countyCode: p.string(),
  },
});
export type GridEntity = InferEntity<typeof Grid>;

export const entities = [Village, Grid];
