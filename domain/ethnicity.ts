import { badInput, quote } from './errors.ts';

/**
 * 民族 as the national standard GB/T 3304 names them: the 56 recognised
 * ethnic groups in the standard's order (codes 01–56), then 其他 (97) and
 * 外国血统中国籍人士 (98). The registry holds these names only: a free text
 * would let a typing mistake or a file read in the wrong encoding (汉族 read
 * as 姹夋棌) through into the figures by ethnicity.
 */
export const ETHNIC_GROUPS = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族', '其他', '外国血统中国籍人士',
] as const; // prettier-ignore

const KNOWN: ReadonlySet<string> = new Set(ETHNIC_GROUPS);

/** A 民族 as the registry keeps it: a GB/T 3304 name, also taken without its 族 (汉 → 汉族). */
export function parseEthnicity(value: string, field: string): string {
  const v = value.trim();
  if (KNOWN.has(v)) return v;
  if (KNOWN.has(`${v}族`)) return `${v}族`;
  throw badInput(
    {
      zh: `${field}“${quote(value)}”不是 GB/T 3304 所列的民族名称（如 汉族、回族、藏族）；其他情况请写“其他”或“外国血统中国籍人士”。`,
      en: `${field} "${quote(value)}" is not an ethnic group named in GB/T 3304 (e.g. 汉族, 回族, 藏族); otherwise write 其他 or 外国血统中国籍人士.`,
    },
    { argument: field, rule: 'ethnicityName' },
  );
}
