import { argumentLabel } from './argument-labels.ts';

/**
 * GraphQL's own refusals (graphql-js validation, syntax and variable errors) said in Chinese, for the Chinese
 * message that platform/language.ts builds: the Chinese sentence comes first and graphql-js's English follows as it
 * is, since developers search for it. Field, type, argument and variable names stay as the query spells them; an
 * argument of a field takes its Chinese label too (platform/argument-labels.ts). A message no pattern here matches
 * keeps graphql-js's English alone.
 */

/** Where a refusal points in the query text (graphql-js `locations`). */
export interface QueryLocation {
  line: number;
  column: number;
}

type Said = (m: RegExpExecArray, at: QueryLocation | undefined) => string;

/** `"a"`, `"a" or "b"`, `"a", "b", or "c"` (graphql-js's "Did you mean …?") as Chinese: “a”、“b”或“c”, each as `shown`. */
function names(list: string, shown = (name: string) => `“${name}”`): string {
  const all = [...list.matchAll(/"([^"]*)"/g)].map((m) => shown(m[1]!));
  return all.length > 1 ? `${all.slice(0, -1).join('、')}或${all.at(-1)}` : (all[0] ?? '');
}

/** The Chinese of graphql-js's " Did you mean …?" (kept in the pattern as its last group), or nothing. */
function suggestion(tail: string | undefined): string {
  if (!tail) return '';
  const fragment = /^to use an inline fragment on (.+)$/.exec(tail);
  if (fragment) return `是否要改用内联片段${names(fragment[1]!, (type) => `“... on ${type}”`)}？`;
  return `是否想写${names(tail.replace(/^the enum value /, ''))}？`;
}

/** `参数“first”（条数）`: an argument of `field` by its name, with its Chinese label when it has one. */
function argumentNamed(field: string, argument: string): string {
  const label = argumentLabel(field, argument);
  return label ? `参数“${argument}”（${label}）` : `参数“${argument}”`;
}

/** graphql-js's suggestion, or the mask production puts in its place (gateway/src/limits.ts, blockFieldSuggestion). */
const DID_YOU_MEAN = String.raw`(?: Did you mean (.+)\?| \[Suggestion hidden\])?`;

/**
 * The inner reasons graphql-js gives for a value (after "found …;" or "got invalid value …;"): a built-in scalar or
 * an enum that does not take it, an input object's field missing or unknown.
 */
const VALUE_REASONS: readonly (readonly [RegExp, Said])[] = [
  [/^Int cannot represent non-integer value: (.+)$/s, (m) => `Int 只能是整数，${m[1]} 不是。`],
  [/^Int cannot represent non 32-bit signed integer value: (.+)$/s, (m) => `${m[1]} 超出 Int（32 位有符号整数）的范围。`],
  [/^Float cannot represent non numeric value: (.+)$/s, (m) => `Float 只能是数值，${m[1]} 不是。`],
  [/^String cannot represent a non string value: (.+)$/s, (m) => `String 只能是字符串，${m[1]} 不是；请加上引号。`],
  [/^Boolean cannot represent a non boolean value: (.+)$/s, (m) => `Boolean 只能是 true 或 false，${m[1]} 不是。`],
  [/^ID cannot represent (?:a non-string and non-integer )?value: (.+)$/s, (m) => `ID 只能是字符串或整数，${m[1]} 不是。`],
  [new RegExp(String.raw`^Value "(.+?)" does not exist in "(\w+)" enum\.${DID_YOU_MEAN}$`, 's'), (m) => `枚举 ${m[2]} 没有取值“${m[1]}”。${suggestion(m[3])}`],
  [
    new RegExp(String.raw`^Enum "(\w+)" cannot represent non-enum value: (.+?)\.${DID_YOU_MEAN}$`, 's'),
    (m) => `枚举 ${m[1]} 的取值不加引号，${m[2]} 不是它的取值。${suggestion(m[3])}`,
  ],
  [/^Enum "(\w+)" cannot represent (?:non-string )?value: (.+)$/s, (m) => `${m[2]} 不是枚举 ${m[1]} 的取值。`],
  [/^Field "(\w+)\.(\w+)" of required type "(.+)" was not provided\.$/s, (m) => `输入类型 ${m[1]} 的必填字段“${m[2]}”（类型 ${m[3]}）没有给出。`],
  [/^Field "(\w+)" of required type "(.+)" was not provided\.$/s, (m) => `必填字段“${m[1]}”（类型 ${m[2]}）没有给出。`],
  [
    new RegExp(String.raw`^Field "(\w+)" is not defined by type "(\w+)"\.${DID_YOU_MEAN}$`, 's'),
    (m) => `输入类型 ${m[2]} 没有字段“${m[1]}”。${suggestion(m[3])}`,
  ],
  [/^Expected type "(\w+)" to be an object\.$/s, (m) => `应为输入类型 ${m[1]} 的对象（{ … }）。`],
];

/** The Chinese of a value's inner reason, or undefined for one this table does not know. */
function reason(text: string | undefined): string | undefined {
  for (const [pattern, say] of text ? VALUE_REASONS : []) {
    const m = pattern.exec(text!);
    if (m) return say(m, undefined);
  }
  return undefined;
}

/** graphql-js messages, matched whole, and what each says in Chinese. */
const MESSAGES: readonly (readonly [RegExp, Said])[] = [
  [
    new RegExp(String.raw`^Syntax Error: (.+)$`, 's'),
    (m, at) => {
      const where = at ? `第 ${at.line} 行第 ${at.column} 列：` : '';
      const expected = /^Expected (.+), found (.+)\.$/s.exec(m[1]!);
      if (expected) return `${where}应为 ${expected[1]}，却是 ${expected[2]}。`;
      const unexpected = /^Unexpected (.+)\.$/s.exec(m[1]!);
      if (unexpected) return `${where}不应出现 ${unexpected[1]}。`;
      if (/^Unterminated string\.$/.test(m[1]!)) return `${where}字符串缺少结尾的引号。`;
      return `${where}查询的写法有误。`;
    },
  ],
  [
    new RegExp(String.raw`^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\.${DID_YOU_MEAN}$`, 's'),
    (m) => `字段 ${m[2]}.${m[3]} 没有参数“${m[1]}”。${suggestion(m[4])}`,
  ],
  [
    new RegExp(String.raw`^Unknown argument "(\w+)" on directive "@(\w+)"\.${DID_YOU_MEAN}$`, 's'),
    (m) => `指令 @${m[2]} 没有参数“${m[1]}”。${suggestion(m[3])}`,
  ],
  [new RegExp(String.raw`^Cannot query field "(\w+)" on type "(\w+)"\.${DID_YOU_MEAN}$`, 's'), (m) => `类型 ${m[2]} 没有字段“${m[1]}”。${suggestion(m[3])}`],
  [
    /^Field "(\w+)" must not have a selection since type "(.+)" has no subfields\.$/s,
    (m) => `字段“${m[1]}”的类型 ${m[2]} 没有子字段，不能在它后面写 { … }；请去掉。`,
  ],
  [
    /^Field "(\w+)" of type "(.+)" must have a selection of subfields\.(?: Did you mean "(.+)"\?| \[Suggestion hidden\])?$/s,
    (m) => `字段“${m[1]}”的类型 ${m[2]} 是对象，须在它后面用 { … } 选出要的子字段，例如 ${m[1]} { … }。`,
  ],
  [
    /^Field "(\w+)" argument "(\w+)" of type "(.+)" is required, but it was not provided\.$/s,
    (m) => `字段“${m[1]}”缺少必填的${argumentNamed(m[1]!, m[2]!)}，类型 ${m[3]}。`,
  ],
  [
    /^Directive "@(\w+)" argument "(\w+)" of type "(.+)" is required, but it was not provided\.$/s,
    (m) => `指令 @${m[1]} 缺少必填的参数“${m[2]}”，类型 ${m[3]}。`,
  ],
  [/^Variable "\$(\w+)" of required type "(.+)" was not provided\.$/s, (m) => `必填的变量 $${m[1]}（类型 ${m[2]}）没有在 variables 中给出。`],
  [/^Variable "\$(\w+)" of non-null type "(.+)" must not be null\.$/s, (m) => `变量 $${m[1]}（类型 ${m[2]}）不能为 null。`],
  [
    /^Variable "\$(\w+)" got invalid value (.+?)(?: at "(.+?)")?; (.+)$/s,
    (m) => `变量 $${m[1]}${m[3] ? ` 中 ${m[3]}` : ''} 的值 ${m[2]} 无效：${reason(m[4]) ?? '与它的类型不符。'}`,
  ],
  [/^Variable "\$(\w+)" of type "(.+)" used in position expecting type "(.+)"\.$/s, (m) => `变量 $${m[1]} 的类型 ${m[2]} 与此处要求的类型 ${m[3]} 不符。`],
  [/^Variable "\$(\w+)" is not defined(?: by operation "(\w+)")?\.$/s, (m) => `变量 $${m[1]} 没有在操作的变量中声明。`],
  [/^Variable "\$(\w+)" is never used(?: in operation "(\w+)")?\.$/s, (m) => `声明了变量 $${m[1]}，却没有用到它。`],
  [
    /^Expected value of type "(.+?)", found (.+?)(?:\.|; (.+))$/s,
    (m) => {
      const why = reason(m[3]);
      return `值 ${m[2]} 不是 ${m[1]} 类型的值${why ? `：${why}` : '。'}`;
    },
  ],
  ...VALUE_REASONS,
  [new RegExp(String.raw`^Unknown type "(\w+)"\.${DID_YOU_MEAN}$`, 's'), (m) => `接口定义中没有类型 ${m[1]}。${suggestion(m[2])}`],
  [/^Unknown fragment "(\w+)"\.$/s, (m) => `没有名为 ${m[1]} 的片段。`],
  [/^Fragment "(\w+)" is never used\.$/s, (m) => `片段 ${m[1]} 定义了却没有用到。`],
];

/** The Chinese of one graphql-js message, or undefined for a message the table does not know. */
export function graphqlMessageZh(message: string, at?: QueryLocation): string | undefined {
  for (const [pattern, say] of MESSAGES) {
    const m = pattern.exec(message);
    if (m) return say(m, at);
  }
  return undefined;
}
