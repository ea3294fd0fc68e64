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

/** 乡镇机构 A township agency: 司法所, 派出所, 矛盾纠纷调解中心, 法庭联络点, 综治中心. */
export const TownshipAgency = defineEntity({
  name: 'TownshipAgency',
  tableName: 'township_agency',
  properties: {
    id: p.integer().primary(),
    townshipCode: p.string(),
    countyCode: p.string(),
    kind: p.enum(['JUDICIAL_OFFICE', 'POLICE_STATION', 'MEDIATION_CENTER', 'COURT_LIAISON', 'GOVERNANCE_CENTER'] as const),
    name: p.string(),
    phone: p.string().nullable(),
    staff: p.integer(),
  },
});
export type TownshipAgencyEntity = InferEntity<typeof TownshipAgency>;

/** 乡镇队伍 A township team: 民兵应急分队 or 联防联控队. */
export const TownshipTeam = defineEntity({
  name: 'TownshipTeam',
  tableName: 'township_team',
  properties: {
    id: p.integer().primary(),
    townshipCode: p.string(),
    countyCode: p.string(),
    kind: p.enum(['MILITIA', 'JOINT_PREVENTION_CONTROL'] as const),
    name: p.string(),
    members: p.integer(),
  },
});
export type TownshipTeamEntity = InferEntity<typeof TownshipTeam>;
export const entities = [Township, TownshipAgency, TownshipTeam];
