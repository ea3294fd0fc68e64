import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** 省 province or 市/州 prefecture, keyed by its 2- or 4-digit code. */
export const Region = defineEntity({
  name: 'Region',
  tableName: 'region',
  properties: {
    code: p.string().primary(),
    name: p.string(),
    level: p.enum(['PROVINCE', 'PREFECTURE'] as const),
    parentCode: p.string().nullable(),
  },
});
export type RegionEntity = InferEntity<typeof Region>;

/** 县/区/县级市, keyed by its 6-digit code. */
export const County = defineEntity({
  name: 'County',
  tableName: 'county',
  properties: {
    code: p.string().primary(),
    name: p.string(),
    prefectureCode: p.string(),
    provinceCode: p.string(),
  },
});
export type CountyEntity = InferEntity<typeof County>;

export const entities = [Region, County];
