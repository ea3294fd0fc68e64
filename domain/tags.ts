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

/**
 * The ages a tag applies to, where the law or the standard fixes them (whole
 * years, inclusive); other tags apply at any age.
 * - 重点青少年: 6–25 (GB/T 31000).
 * - 留守儿童: under 16 (国发〔2016〕13号, 农村留守儿童 are 不满十六周岁).
 * - 留守老人: 60 and over (老年人权益保障法 §2).
 * - 刑满释放人员, 社区矫正对象: 12 and over, the youngest age of criminal
 *   responsibility (刑法 §17).
 */
export const TAG_AGES: Partial<Record<Tag, { min: number; max?: number; zh: string }>> = {
  KEY_YOUTH_IDLE: { ...KEY_YOUTH_AGES, zh: '重点青少年' },
  KEY_YOUTH_BAD_BEHAVIOUR: { ...KEY_YOUTH_AGES, zh: '重点青少年' },
  KEY_YOUTH_VAGRANT: { ...KEY_YOUTH_AGES, zh: '重点青少年' },
  KEY_YOUTH_CHILD_OF_INMATE: { ...KEY_YOUTH_AGES, zh: '重点青少年' },
  LEFT_BEHIND_CHILD: { min: 0, max: 15, zh: '留守儿童' },
  LEFT_BEHIND_ELDERLY: { min: 60, zh: '留守老人' },
  RELEASED_PRISONER: { min: 12, zh: '刑满释放人员' },
  COMMUNITY_CORRECTION: { min: 12, zh: '社区矫正对象' },
};

/** Whether a tag applies only at some ages (TAG_AGES). */
export const hasAgeRule = (tag: string): boolean => Object.hasOwn(TAG_AGES, tag);

/** Whole years from a birth date (YYYY-MM-DD) to a day (YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by = 0, bm = 0, bd = 0] = birthDate.split('-').map(Number);
  const [ty = 0, tm = 0, td = 0] = day.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

const span = (a: { min: number; max?: number }) => (a.max === undefined ? `${a.min} 周岁及以上` : `${a.min}–${a.max} 周岁`);
const spanEn = (a: { min: number; max?: number }) => (a.max === undefined ? `${a.min} and over` : `${a.min}–${a.max}`);

/**
 * The tags a person of this birth date may carry: the one rule of the
 * registry's forms (mutations) and files (imports). Refuses a tag outside
 * its ages (TAG_AGES), naming the tags, their ages and the person's.
 * `byIdNumber`: the birth date is the one a corrected ID number gives (correctIdNumber), so the refusal names the
 * number the caller sent, and says to take the tags off first (untagPerson), rather than tags they did not send.
 */
export function checkTagsForAge(tags: readonly string[], birthDate: string, today = chinaDay(), byIdNumber = false): void {
  const aged = tags.filter(hasAgeRule) as Tag[];
  if (!aged.length) return;
  const age = ageOn(birthDate, today);
  const wrong = aged.filter((t) => {
    const a = TAG_AGES[t]!;
    return age < a.min || (a.max !== undefined && age > a.max);
  });
  if (!wrong.length) return;
  const zhTags = wrong.map((t) => `${TAG_AGES[t]!.zh}（${t}）仅适用于 ${span(TAG_AGES[t]!)}`).join('；');
  const enTags = wrong.map((t) => `${t} applies to people aged ${spanEn(TAG_AGES[t]!)}`).join('; ');
  if (byIdNumber) {
    throw badInput(
      {
        zh: `idNumber 所示出生日期为 ${birthDate}，此人 ${age} 周岁，不再适用其特殊人群标签：${zhTags}。请先移除这些标签（untagPerson）再更正身份证号。`,
        en: `idNumber gives the birth date ${birthDate}, making this person ${age}, too young or too old for their tags: ${enTags}. Remove those tags first (untagPerson), then correct the number.`,
      },
      { argument: 'idNumber', age, rule: 'tagsForAge', tags: wrong },
    );
  }
  throw badInput(
    {
      zh: `tags：${zhTags}，此人 ${age} 周岁（出生日期 ${birthDate}）。`,
      en: `tags: ${enTags}; this person is ${age} (born ${birthDate}).`,
    },
    // The same rule's name as a file's reject gives it (registry/rules.ts in the village subgraph).
    { argument: 'tags', age, rule: 'tagsForAge' },
  );
}
