import { Kind, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ENGLISH_EXTENSION } from '../domain/errors.ts';

/**
 * How a Chinese message names the argument at fault (docs/ARCHITECTURE.md, "Errors"): by its Chinese label alone
 * (`身份证号 已有人员登记…`), where the English message keeps the argument's own name (`idNumber is already
 * registered…`) and `extensions.argument` stays the argument as the schema spells it, for integrations.
 *
 * Messages are built once for both languages with the argument's name in front (`<argument> <reason>`); the service
 * that formats the error puts the label in place of that name in the Chinese text. So a form's message reads as a
 * file's does when its header is Chinese (the import names such a column as its header does), and no message needs a
 * Chinese copy of its own.
 *
 * A label may depend on the field that takes the argument (`number` is 户号 to registerHousehold and 房屋号 to
 * registerHouse): `field` is that field's name, when known.
 */
export type ArgumentLabel = (field: string | undefined, argument: string) => string | undefined;

/**
 * The Chinese labels of arguments that are no file's column (the village's file columns are labelled by the
 * Chinese headers its import takes, subgraphs/village/src/labels.ts), of the township's and county's arguments
 * (`version`, `status`, `outcome` as the village's files name them), and the fallback of names whose label
 * depends on the kind (`name`, `number`, `kind`). tests/units.test.ts checks that every argument of every
 * subgraph's schema has a label.
 */
export const ARGUMENT_ZH: Readonly<Record<string, string>> = {
  acknowledgedLate: '是否报到超时',
  after: '翻页游标',
  answeredLate: '是否反馈超时',
  assignee: '承办方',
  caseNumber: '案件编号',
  code: '代码',
  contactLate: '是否联系超时',
  departmentKind: '部门类别',
  departments: '职能部门',
  description: '隐患描述',
  dispatchId: '吹哨任务编号',
  disputeId: '纠纷编号',
  divisionCode: '区划代码',
  duplicateOf: '重复的案件',
  filter: '筛选条件',
  first: '条数',
  found: '查找结果',
  from: '起始日期',
  groupId: '十户联防组系统编号',
  handlingLevel: '办理层级',
  hazards: '发现的隐患',
  householdIds: '户系统编号',
  id: '系统编号',
  idempotencyKey: '幂等键',
  indicator: '考核指标',
  input: '填报内容',
  kind: '类别',
  kinds: '种类',
  maxAge: '最大年龄',
  mediatorId: '承办调解员系统编号',
  memberIds: '分出成员系统编号',
  minAge: '最小年龄',
  missedLookup: '未找到号码指纹',
  name: '名称',
  namePrefix: '姓名开头',
  note: '说明',
  open: '是否在办',
  oldHouseholdHeadId: '原户新户主系统编号',
  orderBy: '排序方式',
  outcome: '处理结果',
  number: '编号',
  overdue: '是否超期',
  participantIds: '参加人员系统编号',
  party: '当事人',
  period: '统计周期',
  personIds: '人员系统编号',
  reason: '原因',
  relationships: '与户主关系',
  recordId: '记录系统编号',
  recordType: '记录类型',
  rectifyBy: '整改期限',
  report: '办理情况',
  reply: '督办回复',
  replyWithinDays: '回复时限（天）',
  reportedByMe: '本人登记的',
  role: '角色',
  search: '搜索内容',
  status: '状态',
  subject: '操作人',
  supervisionReplyOverdue: '督办回复超期',
  target: '考核目标',
  teamId: '巡防队系统编号',
  to: '截止日期',
  underSupervision: '是否督办',
  version: '版本号',
  villageCode: '村/社区代码',
  within: '区划范围',
  withoutIdNumber: '未登记公民身份号码的',
  year: '考核年度',
};

/** Labels from ARGUMENT_ZH alone: the county's, the township's and the gateway's arguments. */
export const argumentLabel: ArgumentLabel = (_field, argument) => (Object.hasOwn(ARGUMENT_ZH, argument) ? ARGUMENT_ZH[argument] : undefined);

/** An argument's label; a place inside an argument (`filter.namePrefix`) by its last name's. */
export function labelOf(label: ArgumentLabel, field: string | undefined, argument: string): string | undefined {
  const last = argument
    .split(/[.[\]]+/)
    .filter(Boolean)
    .at(-1);
  return label(field, argument) ?? (last && last !== argument ? label(field, last) : undefined);
}

/**
 * The name of the field whose resolver raised `error` (a field's own argument is at fault): the field's node, or,
 * for an error that has none (a compiled query's, platform/compiled-execution.ts), the last field of its path (an
 * alias there names no field, and a label by kind then falls back to the one all kinds share).
 */
export function fieldOf(error: unknown, formatted: GraphQLFormattedError): string | undefined {
  const node = (error as Partial<GraphQLError> | undefined)?.nodes?.[0];
  if (node?.kind === Kind.FIELD) return node.name.value;
  return formatted.path?.findLast((p): p is string => typeof p === 'string');
}

/**
 * The error with its Chinese message naming the argument by `label`: only a message in both languages (a hub error
 * still carrying `extensions.en`; one already in the caller's language has been through this at the service that
 * raised it) whose Chinese text starts with the argument's name. A gloss after the name (`birthDate（出生日期）`) is
 * dropped, as the label says it. An argument with no label keeps its name (tests/units.test.ts catches it).
 */
export function namedInChinese(error: GraphQLFormattedError, field: string | undefined, label: ArgumentLabel): GraphQLFormattedError {
  const argument = error.extensions?.argument;
  if (typeof argument !== 'string' || !argument || typeof error.extensions?.[ENGLISH_EXTENSION] !== 'string') return error;
  if (!error.message.startsWith(argument)) return error;
  const rest = error.message.slice(argument.length);
  // The name ends there (`id` does not start `idNumber`): the message goes on with a space, a quoted value or punctuation.
  if (!/^($|[\s“"（(:：,，])/.test(rest)) return error;
  const zh = labelOf(label, field, argument);
  return zh ? { ...error, message: `${zh}${rest.replace(/^（[^）]*）/, '')}` } : error;
}
