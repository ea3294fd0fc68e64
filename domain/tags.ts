import { chinaDay } from './china-day.ts';
import { badInput } from './errors.ts';

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

/**
 * 重点青少年 (GB/T 31000): the KEY_YOUTH_* tags apply to people aged 6 to 25
 * (from the 6th birthday to the day before the 26th).
 */
export const KEY_YOUTH_AGES = { min: 6, max: 25 } as const;

/** Whole years from a birth date (YYYY-MM-DD) to a day (YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by = 0, bm = 0, bd = 0] = birthDate.split('-').map(Number);
  const [ty = 0, tm = 0, td = 0] = day.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * The tags a person of this birth date may carry: the one rule of the
 * registry's forms (mutations) and files (imports). Refuses KEY_YOUTH_* tags
 * outside ages 6–25, naming the tag and the age.
 */
export function checkTagsForAge(tags: readonly string[], birthDate: string, today = chinaDay()): void {
  const youth = tags.filter((t) => t.startsWith('KEY_YOUTH_'));
  if (!youth.length) return;
  const age = ageOn(birthDate, today);
  if (age >= KEY_YOUTH_AGES.min && age <= KEY_YOUTH_AGES.max) return;
  throw badInput(
    {
      zh: `tags：重点青少年标签（${youth.join('、')}）仅适用于 ${KEY_YOUTH_AGES.min}–${KEY_YOUTH_AGES.max} 周岁的人员，此人 ${age} 周岁（出生日期 ${birthDate}）。`,
      en: `tags: the key-youth tags (${youth.join(', ')}) apply to people aged ${KEY_YOUTH_AGES.min}–${KEY_YOUTH_AGES.max}; this person is ${age} (born ${birthDate}).`,
    },
    { argument: 'tags', age },
  );
}
