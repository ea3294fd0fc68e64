/**
 * Special-population tags (GB/T 31000 重点人群 plus the seeds' care groups), in
 * report column order. The village schema's `PersonTag` enum holds the same
 * values; tests/enums.test.ts fails if the two drift.
 */
export const TAGS = [
  'RELEASED_PRISONER', // 刑满释放人员
  'COMMUNITY_CORRECTION', // 社区矫正对象
  'SEVERE_MENTAL_DISORDER', // 严重精神障碍患者
  'DRUG_USER', // 吸毒人员
  'HIV_RISK', // 艾滋病危险人员
  'KEY_YOUTH_IDLE', // 重点青少年：闲散
  'KEY_YOUTH_BAD_BEHAVIOUR', // 重点青少年：不良行为
  'KEY_YOUTH_VAGRANT', // 重点青少年：流浪乞讨
  'KEY_YOUTH_CHILD_OF_INMATE', // 重点青少年：服刑人员未成年子女
  'LEFT_BEHIND_CHILD', // 留守儿童
  'LEFT_BEHIND_ELDERLY', // 留守老人
  'EXTREME_POVERTY', // 特困供养人员
] as const;

export type Tag = (typeof TAGS)[number];
