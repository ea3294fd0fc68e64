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

/** 县直部门 A county department (住建局, 公安局, 自然资源局, ...). */
export const Department = defineEntity({
  name: 'Department',
  tableName: 'department',
  properties: {
    id: p.integer().primary(),
    countyCode: p.string(),
    kind: p.string(),
    name: p.string(),
    phone: p.string().nullable(),
  },
});
export type DepartmentEntity = InferEntity<typeof Department>;
export const entities = [Region, County, Department];
