import type { Random } from './random.ts';

/** Name material for realistic demo residents. */
const HAN_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const HUI_SURNAMES = '马马马丁穆白沙哈纳海杨米冶敏';
const GIVEN_M = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林亮成建国志文斌海峰春东学福生荣德忠';
const GIVEN_F = '芳娜敏静丽艳娟霞秀玲桂英梅琳燕红兰萍婷雪慧颖倩琴云莉洁晶花玉凤珍翠彩蓉';
const TIBETAN_M = ['扎西', '多杰', '才让', '旦增', '尼玛', '洛桑', '索南', '次仁', '贡布', '丹珠', '格桑', '拉巴', '边巴', '桑杰', '仁青', '降措'];
const TIBETAN_F = ['卓玛', '拉毛', '央金', '德吉', '措姆', '白玛', '次仁', '曲珍', '梅朵', '格桑', '才让', '拉姆', '尼珍', '央宗', '吉毛', '尕藏'];
const MONGOL_M = ['巴图', '苏和', '额尔敦', '孟和', '达来', '宝音'];
const MONGOL_F = ['乌兰', '其其格', '萨仁', '娜仁', '塔娜', '图雅'];

export type Ethnicity = '汉族' | '回族' | '藏族' | '蒙古族' | '土族' | '东乡族';

const HAN_SURNAME_LIST = [...HAN_SURNAMES];
const HUI_SURNAME_LIST = [...HUI_SURNAMES];

export function surnameFor(r: Random, ethnicity: Ethnicity): string {
  if (ethnicity === '回族' || ethnicity === '东乡族') return r.chance(0.6) ? r.pick(HUI_SURNAME_LIST) : r.pick(HAN_SURNAME_LIST);
  return r.pick(HAN_SURNAME_LIST);
}

/** A full name; Tibetan and Mongolian names have no family surname, others take `surname`. */
export function personName(r: Random, ethnicity: Ethnicity, male: boolean, surname: string): string {
  if (ethnicity === '藏族') {
    const a = r.pick(male ? TIBETAN_M : TIBETAN_F);
    return r.chance(0.5) ? a + r.pick(male ? TIBETAN_M : TIBETAN_F) : a;
  }
  if (ethnicity === '蒙古族') return r.pick(male ? MONGOL_M : MONGOL_F);
  const pool = male ? GIVEN_M : GIVEN_F;
  return surname + pool[r.int(0, pool.length - 1)]! + (r.chance(0.7) ? pool[r.int(0, pool.length - 1)]! : '');
}

/** Ethnic mix per seed county (approximate census shares); other counties are mostly Han. */
export const ETHNIC_MIX: Record<string, readonly (readonly [Ethnicity, number])[]> = {
  '623021': [
    ['汉族', 73],
    ['回族', 24],
    ['藏族', 3],
  ],
  '632223': [
    ['汉族', 50],
    ['藏族', 22],
    ['回族', 18],
    ['蒙古族', 10],
  ],
  '513328': [
    ['藏族', 96],
    ['汉族', 4],
  ],
  '510311': [['汉族', 100]],
  '440514': [['汉族', 100]],
};
export const DEFAULT_MIX: readonly (readonly [Ethnicity, number])[] = [
  ['汉族', 92],
  ['回族', 5],
  ['藏族', 3],
];

export function mobile(r: Random): string {
  return `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
}
