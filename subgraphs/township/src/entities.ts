import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** 乡/镇/街道, keyed by its 9-digit code. */
export const Township = defineEntity({
  name: 'Township',
  tableName: 'township',
  properties: {
    code: p.string().primary(),
    name: p.string(),
    kind: p.enum(['SUBDISTRICT', 'TOWN', 'TOWNSHIP', 'OTHER'] as const),
    countyCode: p.string(),
  },
});
export type TownshipEntity = InferEntity<typeof Township>;

export const entities = [Township];
