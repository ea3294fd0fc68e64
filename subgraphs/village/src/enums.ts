import { enumNames } from '../../../domain/enum-names.ts';
import { loadSchema } from '../../../platform/service.ts';

/**
 * The village schema's enums, read from the schema itself so files check
 * exactly what the API accepts: each value's code, and its Chinese name, the
 * first word of its description (`"男 male" MALE`, `"已登记，待受理 …" REPORTED`). Spreadsheets for people
 * show the names (the XLSX export with Chinese headers), and a file may give
 * either, each field the names of its own enum only (tests/xlsx.test.ts,
 * tests/import.test.ts).
 */
const ENUMS = enumNames(loadSchema('village'));

function enumOf(name: string): readonly { code: string; zh: string }[] {
  const values = ENUMS.get(name);
  if (!values) throw new Error(`The village schema has no enum ${name}.`);
  return values;
}

/** An enum of the village schema: its codes, and its Chinese names both ways (a file may write either). */
export interface SchemaEnum {
  readonly codes: readonly string[];
  /** Each code's Chinese name (a value whose description gives none is left out). */
  readonly names: ReadonlyMap<string, string>;
  /** The code a Chinese name of this enum stands for (男 → MALE), if any. */
  codeOf(name: string): string | undefined;
  /** Each code with its name, as a refusal lists them (`MALE（男）`). */
  readonly listed: string;
}

/**
 * Other names a file may give for a code, read as it: names earlier exports wrote (社区矫正人员 became 社区矫正对象,
 * the term of the Community Correction Law, 社区矫正法 2020, and a spreadsheet exported before still imports), and
 * the names people use beside the one the schema gives (红袖套 and 红袖章 for 红袖标: the armband is called all three).
 */
const FORMER_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  PersonTag: { 社区矫正人员: 'COMMUNITY_CORRECTION' },
  PatrolTeamKind: { 红袖套: 'RED_ARMBAND', 红袖章: 'RED_ARMBAND' },
  // The places as a village register names them: 寺庙 and 铁路护路 are the terms of 一标三实's own lists.
  SiteKind: {
    ...Object.fromEntries(['学校', '小学', '中学', '幼儿园'].map((w) => [w, 'SCHOOL'])),
    ...Object.fromEntries(['寺庙', '寺院', '清真寺', '教堂'].map((w) => [w, 'RELIGIOUS_SITE'])),
    ...Object.fromEntries(['市场', '农贸市场'].map((w) => [w, 'MARKET'])),
    ...Object.fromEntries(['卫生院', '卫生室', '诊所'].map((w) => [w, 'HOSPITAL'])),
    ...Object.fromEntries(['铁路护路', '铁路'].map((w) => [w, 'RAILWAY_LINE'])),
  },
  HouseUse: { 闲置: 'VACANT' },
  // The words registers write within each group of GB/T 4761 (妻 is 配偶, 长子 is 子).
  HouseholdRelationship: {
    ...Object.fromEntries(['夫', '妻', '丈夫', '妻子'].map((w) => [w, 'SPOUSE'])),
    ...Object.fromEntries(['儿子', '长子', '次子', '三子', '独生子', '养子', '继子'].map((w) => [w, 'SON'])),
    ...Object.fromEntries(['女儿', '长女', '次女', '三女', '独生女', '养女', '继女'].map((w) => [w, 'DAUGHTER'])),
    ...Object.fromEntries(['孙子', '孙女', '外孙子', '外孙女', '外孙'].map((w) => [w, 'GRANDCHILD'])),
    ...Object.fromEntries(['父亲', '母亲', '父', '母', '公公', '婆婆', '岳父', '岳母'].map((w) => [w, 'PARENT'])),
    ...Object.fromEntries(['祖父', '祖母', '外祖父', '外祖母', '祖父母', '外祖父母'].map((w) => [w, 'GRANDPARENT'])),
    ...Object.fromEntries(['兄', '弟', '姐', '妹', '哥哥', '弟弟', '姐姐', '妹妹'].map((w) => [w, 'SIBLING'])),
    ...Object.fromEntries(['儿媳', '女婿'].map((w) => [w, 'CHILD_IN_LAW'])),
  },
};

export function schemaEnum(name: string): SchemaEnum {
  const values = enumOf(name);
  const names = new Map(values.flatMap((v) => (v.zh ? [[v.code, v.zh] as const] : [])));
  const byName = new Map([...Object.entries(FORMER_NAMES[name] ?? {}), ...[...names].map(([code, zh]) => [zh, code] as const)]);
  return {
    codes: values.map((v) => v.code),
    names,
    codeOf: (zh) => byName.get(zh),
    listed: values.map((v) => (names.has(v.code) ? `${v.code}（${names.get(v.code)}）` : v.code)).join('、'),
  };
}
