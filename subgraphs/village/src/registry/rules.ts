import { GraphQLError } from 'graphql';
import { HOUSEHOLD_MAX } from '../../../../domain/registry.ts';
import { hubError, type Said } from '../../../../domain/errors.ts';
import { chinaMinute, chinaTime } from '../../../../platform/scalars.ts';

/**
 * The registry's rules, declared once for both write paths
 * (docs/ARCHITECTURE.md, "One write path per kind"): a form (mutation) and a
 * file row (import) that break a rule get the same code and the same reason.
 * A mutation answers `<argument> <reason>` with the code in
 * `extensions.code`; an import rejects the line with `field` (the file's
 * column), `<field> <reason>` and the same code.
 *
 * Rules that need the database are checked in SQL over the rows as they
 * would be written (store/registry-kinds.ts pairs each with its condition);
 * a mutation runs the same conditions over its one row. Field rules (formats,
 * enums, jurisdiction) run in TypeScript on both paths (./fields.ts).
 */

export type RuleCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

export interface Rule {
  /** Stable name (`extensions.rule` of a mutation's error). */
  name: string;
  code: RuleCode;
  /** The file's column the rule concerns: a reject's `field`. */
  field: string;
  /** The form's argument for it. */
  argument: string;
  /** Why a row fails, after the field's or argument's name. */
  reason: Said;
}

/** The record kinds as messages name them. */
export interface What {
  zh: string;
  en: string;
}

const PERSON: What = { zh: '人员', en: 'resident' };
const HOUSEHOLD: What = { zh: '户', en: 'household' };
const GROUP: What = { zh: '十户联防组', en: 'joint-defense group' };

/** A form's argument for a file's column: `grid_code` → `gridCode`. */
export const argumentOf = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const rule = (name: string, code: RuleCode, field: string, reason: Said, argument = argumentOf(field)): Rule => ({ name, code, field, argument, reason });

/** The row's `id` names no record the caller may see. */
export const recordUnknown = (what: What): Rule =>
  rule('recordUnknown', 'NOT_FOUND', 'id', { zh: `在您的辖区内找不到所指的${what.zh}`, en: `names no ${what.en} in your jurisdiction` });

/** A stale version on a row that changes the record (optimistic concurrency; an unchanged row passes). */
export const staleVersion: Rule = rule('staleVersion', 'CONFLICT', 'version', {
  zh: '不是当前版本：该记录在读取后已有新的修改，请重新读取后再试',
  en: 'is not the current version: the record has changed since it was read; read it again and retry',
});

/**
 * A version ahead of the record's: never read from it (a wrong id, or a
 * version made up or kept from elsewhere), so not someone else's change.
 */
export const versionAhead: Rule = rule('versionAhead', 'CONFLICT', 'version', {
  zh: '高于该记录的当前版本：不是读到的版本，请重新读取后再试',
  en: "is ahead of the record's version: not a version you read; read it again and retry",
});

/** The rule a version other than the record's breaks: behind it (someone changed the record since) or ahead of it. */
export const versionRule = (current: number, sent: number): Rule => (sent > current ? versionAhead : staleVersion);

/** A form that registers a record whose natural key is taken (a file row with that key updates the record instead). */
export const alreadyRegistered = (field: string, what: What): Rule =>
  rule('alreadyRegistered', 'CONFLICT', field, { zh: `已有${what.zh}登记，不能重复登记`, en: `is already registered to another ${what.en}` });

/** A value a record needs: missing for a new record, or emptied (null) on an existing one. */
export const required = (field: string): Rule => rule('required', 'BAD_USER_INPUT', field, { zh: '为必填项，不能为空', en: 'is required and cannot be empty' });

/** A record's natural key used by another record of the village (or an earlier line of the batch). */
export const keyTaken = (field: string, what: What): Rule =>
  rule('keyTaken', 'CONFLICT', field, { zh: `已被本村（社区）另一条${what.zh}记录使用`, en: `is already used by another ${what.en} of this village` });

/** A second row for one record in a batch. */
export const repeated: Rule = rule('repeated', 'BAD_USER_INPUT', 'id', {
  zh: '所指的记录已由本批次前面的某一行修改；每条记录在一个文件中只能出现一次',
  en: 'names a record an earlier line of the batch changes; a record appears once in a file',
});

/** A grid outside the caller's jurisdiction (a write there is forbidden, as it is for any record there). */
export const gridOutside = (code: string, jurisdiction: string): Rule =>
  rule('gridOutside', 'FORBIDDEN', 'grid_code', {
    zh: `${code} 不在您的辖区（${jurisdiction || '无'}）内`,
    en: `${code} is outside your jurisdiction (${jurisdiction || 'none'})`,
  });

/** A well-formed grid code the hub does not know. */
export const gridUnknown = (code: string): Rule =>
  rule('gridUnknown', 'BAD_USER_INPUT', 'grid_code', { zh: `${code} 不是本枢纽登记的网格`, en: `${code} is not a grid the hub knows` });

/** Records stay in their village (a grid may change within it). */
export const staysInVillage = (what: What): Rule =>
  rule('staysInVillage', 'BAD_USER_INPUT', 'grid_code', {
    zh: `不在该${what.zh}所在的村（社区）；${what.zh}不能迁到其他村（社区），请在那里另行登记`,
    en: `lies in another village than the ${what.en}'s; a ${what.en} cannot move to another village, register a new one there`,
  });

/** A household changes village only through moveHousehold, which takes its members along. */
export const householdMoves: Rule = rule('householdMoves', 'BAD_USER_INPUT', 'grid_code', {
  zh: '不在该户所在的村（社区）；户迁往其他村（社区）须用 moveHousehold（成员随户迁移）',
  en: "lies in another village than the household's; a household moves to another village with moveHousehold, which moves its members too",
});

/**
 * A household's members live on its grid (householdGrid): a household with members changes grid only with them, by
 * moveHousehold, never by its own row alone.
 */
export const householdGridAlone: Rule = rule('householdGridAlone', 'BAD_USER_INPUT', 'grid_code', {
  zh: '与该户现在的网格不同：户内成员须在户所在的网格，有成员的户换网格须用 moveHousehold（整户迁移，成员随户迁移）',
  en: "differs from the household's grid: a household's members live on its grid, so a household with members changes grid with moveHousehold, which moves them too",
});

/**
 * 实有房屋 and the households living in it (户 whose house it is): a house is 空置 (VACANT) only when no household
 * lives there. Refused rather than clearing their house, which would leave the households nowhere the register knows;
 * the households move first (moveHousehold: another house, or `houseId: null` on their own grid to leave it).
 */
export const houseOccupied: Rule = rule('houseOccupied', 'CONFLICT', 'use', {
  zh: '不能为“空置”（VACANT）：仍有户居住在该房屋中；请先将这些户迁出（moveHousehold：迁往另一房屋，或在原网格以 houseId: null 离开该房屋）',
  en: 'cannot be VACANT while households live in the house: move them out first (moveHousehold to another house, or on their own grid with houseId: null to leave it)',
});

/**
 * A house and the households living in it are on one grid (the grid worker of that grid sees the house with its
 * households): a house with households changes grid only once they have left it (moveHousehold, `houseId: null`), never
 * by its own row alone, as a household with members does not (householdGridAlone).
 */
export const houseGridAlone: Rule = rule('houseGridAlone', 'CONFLICT', 'grid_code', {
  zh: '与该房屋现在的网格不同：有户居住的房屋须与这些户在同一网格，不能单独换网格；请先将这些户迁出（moveHousehold，houseId: null），改好房屋的网格后再迁回',
  en: "differs from the house's grid: a house and the households living in it are on one grid, so a house with households does not change grid alone; move them out first (moveHousehold, houseId: null), then move them back once the house is on its grid",
});

/**
 * A household living in a house is at the house's address: left out, the address is the house's; another one is
 * refused, naming both (form and file alike; moveHousehold too).
 */
export const householdAddress: Rule = rule('householdAddress', 'BAD_USER_INPUT', 'address_id', {
  zh: '与所住房屋的地址不同：住在房屋中的户即在该房屋的地址；请不填地址（取房屋的地址），或改正房屋',
  en: "differs from the address of the household's house: a household living in a house is at its address; leave the address out (the house's is taken), or correct the house",
});

/**
 * A household living in a house is on the house's grid (the grid worker of that grid sees the house with its
 * households; houseGridAlone is the house's side): registering, moving (moveHousehold) or a households row that puts
 * a household on one grid and its house on another is refused, naming the house's grid. Form and file alike.
 */
export const householdHouseGrid: Rule = rule('householdHouseGrid', 'BAD_USER_INPUT', 'house_id', {
  zh: '所指房屋与户不在同一网格：住在房屋中的户须在该房屋的网格；请改选户所在网格的房屋（或不住该房屋：不填房屋，或 houseId: null），或将户登记（迁移）到房屋所在的网格',
  en: "names a house on another grid than the household's: a household living in a house is on the house's grid; name a house of its grid (or none: leave it out, or houseId: null), or register (move) the household on the house's grid",
});

/**
 * A household does not move into a 空置 (VACANT) house: the house would stay vacant with occupants, and whether it is
 * now 自住 or 出租 only the desk knows (it cannot be guessed), so the house's use is changed first (updateHouse `use`,
 * or a houses row), then the household moves in. Form and file alike; a household already in the house is not asked again.
 */
export const houseVacant: Rule = rule('houseVacant', 'CONFLICT', 'house_id', {
  zh: '所指房屋登记为空置（VACANT），不能迁入；请先修改房屋用途（updateHouse 的 use：自住 SELF_OCCUPIED、出租 RENTED 或经营 COMMERCIAL），再将户迁入',
  en: "names a house registered as VACANT, which no household moves into; change the house's use first (updateHouse use: SELF_OCCUPIED, RENTED or COMMERCIAL), then move the household in",
});

/**
 * A house's corrected address takes the households living in it along (store/registry-kinds.ts HOUSE_KIND), under the
 * caller's row-level security: a household the caller does not see (of another grid, kept from before householdHouseGrid)
 * would stay at the old address, so the correction is refused, the households counted by hub_record_ties, never named.
 */
export const houseLivedInOutside: Rule = rule('houseLivedInOutside', 'CONFLICT', 'address_id', {
  zh: '不能由您更正：该房屋有您辖区以外的户居住，房屋地址更正时这些户随之改到新地址；请由房屋和这些户所在的村（社区）或上级办理',
  en: 'cannot be corrected by you: households outside your jurisdiction live in the house, and they take its corrected address with it; the village (community) or a higher desk that sees them corrects it',
});

/**
 * A house households live in is not deregistered (拆除, merged, entered twice): they would be left in a house that no
 * longer is. They move first, to another house or, on their own grid with `houseId: null`, out of every house. A refusal names
 * the households by 户号 where the caller may read them and counts the others (`householdsInHouse`, deregisterHouse).
 */
export const houseLivedIn = 'houseLivedIn';

/** The row names the grid and the village; they disagree. */
export const villageOfGrid: Rule = rule('villageOfGrid', 'BAD_USER_INPUT', 'village_code', {
  zh: '与 grid_code 所在的村（社区）不符（村/社区由网格决定）',
  en: 'is not the village of grid_code (the village follows from the grid)',
});

/** A reference by registry id the caller cannot see. */
export const refUnknown = (field: string, what: What, argument?: string): Rule =>
  rule('refUnknown', 'NOT_FOUND', field, { zh: `在您的辖区内找不到所指的${what.zh}`, en: `names no ${what.en} in your jurisdiction` }, argument);

/** A reference to a record of another village (or a local number the village does not have). */
export const refElsewhere = (field: string, what: What, argument?: string): Rule =>
  rule('refElsewhere', 'BAD_USER_INPUT', field, { zh: `在本村（社区）找不到所指的${what.zh}`, en: `names no ${what.en} in this village` }, argument);

/**
 * A reference to a record the caller's jurisdiction holds ended (a dissolved 户, a deregistered house, a disbanded
 * group, an ended committee): told so, with when and why (store/ended-refs.ts), rather than NOT_FOUND as for an id
 * that names nothing; another jurisdiction's ended record stays refUnknown.
 */
export const referenceEnded = (field: string, what: What, argument?: string): Rule =>
  rule('referenceEnded', 'BAD_USER_INPUT', field, { zh: `所指的${what.zh}已结束，不能再被引用`, en: `names an ended ${what.en}` }, argument);

/** What the database says of a rule a row broke: the words after the name, and what extensions add. */
export interface RuleDetail {
  zh: string;
  en: string;
  [extra: string]: unknown;
}

/**
 * The error of a rule whose words the database gave (`RowCheck.detail`), as a form answers it: `<name> <words>`, the
 * rule's code and name, and what the detail adds (a referenceEnded's recordId, endedAt, endReason).
 */
export function ruleErrorSaid(r: Rule, detail: RuleDetail, name = r.argument): GraphQLError {
  const { zh, en, ...extra } = detail;
  if (typeof extra.endedAt === 'string') extra.endedAt = endedAtOf(extra.endedAt);
  return hubError(r.code, { zh: `${name} ${zh}。`, en: `${name} ${en}.` }, { argument: name, rule: r.name, ...extra });
}

/** A reference given both by registry id and by local number (or ID number), naming two records. */
export const refMismatch = (field: string, byId: string, what: What, argument?: string): Rule =>
  rule('refMismatch', 'BAD_USER_INPUT', field, { zh: `与 ${byId} 所指的不是同一${what.zh}`, en: `names another ${what.en} than ${byId}` }, argument);

/**
 * 出生登记: a resident needs a citizen ID number, but a newborn (up to one year old) is registered before it is issued,
 * with sex and birth date (../registry/fields.ts newbornWithoutNumber). The form also takes overseas residents without one.
 */
export const idNumberRequired: Rule = rule('idNumberRequired', 'BAD_USER_INPUT', 'id_number', {
  zh: '为必填项；仅一周岁以内的新生儿（出生登记，尚未申领公民身份号码）可先登记，须填写性别和出生日期，号码签发后补录；以表单登记的境外人员也可不填',
  en: 'is required; only a newborn up to one year old (not yet issued a number) may be registered without one, with gender and birth date, and the number added once issued; so may an overseas resident registered by the form',
});

/** A number added to a resident registered without one (a newborn's, once issued) must agree with the recorded sex and birth date. */
export const idNumberDisagrees: Rule = rule('idNumberDisagrees', 'BAD_USER_INPUT', 'id_number', {
  zh: '与登记的性别或出生日期不符；补录的公民身份号码须与出生登记时的性别和出生日期一致，请核对号码',
  en: "disagrees with the resident's recorded sex or birth date; a number added later must agree with those registered at birth: check the number",
});

/** The ID number is the resident's natural key: a row naming a resident by id cannot change it. */
export const idNumberFixed: Rule = rule('idNumberFixed', 'BAD_USER_INPUT', 'id_number', {
  zh: '与 id 所指人员登记的公民身份号码不符；公民身份号码不随登记修改，登记有误的请用 correctIdNumber 更正（需 pii 权限，写入审计日志）',
  en: "is not the ID number of the resident the row's id names; an ID number does not change with a row: one registered by mistake is corrected with correctIdNumber (needs the pii scope, audited)",
});

/**
 * 重点青少年 tags at ages 6–25 (domain/tags.ts). A file's row is refused only
 * when it changes the tags, so a row re-imported as exported passes even for
 * someone who has since turned 26; the reason is the domain rule's own, with
 * the age.
 */
export const tagsForAge: Rule = rule('tagsForAge', 'BAD_USER_INPUT', 'tags', {
  zh: '的重点青少年标签仅适用于 6–25 周岁的人员',
  en: 'has key-youth tags, which apply to people aged 6–25',
});

/** A deregistered resident (注销) is kept as history: a row cannot change it; someone who returns is reinstated. */
export const deregistered: Rule = rule('deregistered', 'CONFLICT', 'id', {
  zh: '所指人员已注销：注销的记录作为历史保留，不能修改；如其已迁回或注销有误，请先恢复登记（reinstatePerson）',
  en: 'names a deregistered resident: a deregistered record is kept as history and does not change; if they have returned or were deregistered by mistake, reinstate them first (reinstatePerson)',
});

/** Registering the ID number of a deregistered resident: the number stays theirs, so they are reinstated instead. */
export const deregisteredNumber: Rule = rule('deregisteredNumber', 'CONFLICT', 'id_number', {
  zh: '属于一名已注销的人员：号码仍归其所有，不能重新登记；如其已迁回或注销有误，请恢复其登记（reinstatePerson）',
  en: 'belongs to a deregistered resident: the number stays theirs and cannot be registered again; if they have returned or were deregistered by mistake, reinstate them (reinstatePerson)',
});

/** Sex and birth date follow from the ID number and are not changed by a row. */
export const bornFixed = (field: 'gender' | 'birth_date'): Rule =>
  rule('bornFixed', 'BAD_USER_INPUT', field, {
    zh: '与该人员登记的不符；性别和出生日期由公民身份号码决定，不能修改',
    en: "differs from the resident's registered one; sex and birth date follow from the ID number and cannot be changed",
  });

/**
 * An ID number registered to a resident of another jurisdiction (a deregistered one too, unless moved out by form). A
 * move between them takes two clerks, as a 迁移 does: the old village deregisters the resident as moved out (迁出), and
 * registering the number here by form then takes up their record (迁入, migration …71MoveIn). A file row does not: a
 * 迁入 takes another village's record, which the hub does for one person a clerk has in front of them, not for a file.
 */
export const idNumberElsewhere: Rule = rule('idNumberElsewhere', 'CONFLICT', 'id_number', {
  zh: '已登记为您辖区以外的人员：如其已迁来本地，请原登记地先办理迁出（注销，原因"迁出"），再在本地以表单逐人登记迁入（registerPerson）',
  en: 'is registered to a resident outside your jurisdiction: if they have moved here, the place that registered them first deregisters them as moved out (reason MOVED_OUT), then register them here by form, one at a time (registerPerson), to move them in',
});

/** 户: at most HOUSEHOLD_MAX people. */
export const householdFull: Rule = rule(
  'householdFull',
  'BAD_USER_INPUT',
  'household_number',
  {
    zh: `所指的户已有 ${HOUSEHOLD_MAX} 人，每户最多 ${HOUSEHOLD_MAX} 人`,
    en: `names a household that already has ${HOUSEHOLD_MAX} members; a household has at most ${HOUSEHOLD_MAX}`,
  },
  'householdId',
);

/** The head of a household is one of its members: the head cannot leave it. */
export const headLeaves: Rule = rule(
  'headLeaves',
  'CONFLICT',
  'household_number',
  {
    zh: '会使户主离开其所在的户：户主须为本户成员，请先另行指定户主（户中别无他人时可清空户主）',
    en: 'would take the head of a household out of it: a head is a member of the household, so name another head first (or clear it when no one else is left)',
  },
  'householdId',
);

/**
 * A household's members live on its grid: the grid worker of that grid sees the whole household, and the grid's
 * figures count all of it. A person joins a household on the household's grid (a form that names the household and
 * no grid takes the household's); a household moves grid only whole (moveHousehold).
 */
export const householdGrid: Rule = rule(
  'householdGrid',
  'BAD_USER_INPUT',
  'grid_code',
  {
    zh: '与所在户的网格不同：户内成员须在户所在的网格；换网格须整户迁移（moveHousehold），或先迁出该户',
    en: "differs from the household's grid: a household's members live on its grid; move the whole household (moveHousehold), or leave it first",
  },
  'gridCode',
);

/** A person who moves to another village needs a household there (or none). */
export const householdLeftBehind: Rule = rule(
  'householdLeftBehind',
  'BAD_USER_INPUT',
  'household_number',
  {
    zh: '须在人员迁往其他村（社区）时给出：新村（社区）的户，或清空；也可整户迁移（moveHousehold）',
    en: "is needed when a person moves to another village: the new village's household, or none; or move the whole household (moveHousehold)",
  },
  'householdId',
);

/** 十户联防: the leader (联户长) lives in one of the group's households; a person row that moves them out. */
export const leaderLeaves: Rule = rule(
  'leaderLeaves',
  'CONFLICT',
  'household_number',
  {
    zh: '会使十户联防组的联户长搬出本组各户：联户长须居住在本组某一户中，请先另行指定联户长',
    en: "would take a joint-defense group's leader (联户长) out of the group's households: a leader lives in one of them, so appoint another leader first",
  },
  'householdId',
);

/** 十户联防: the leader (联户长) lives in one of the group's households; a group row or form naming one who does not. */
export const leaderOutside: Rule = rule(
  'leaderOutside',
  'BAD_USER_INPUT',
  'leader_id_number',
  {
    zh: '所指人员不住在本联防组的任何一户中：联户长须居住在本组某一户中',
    en: "names a person who lives in none of the group's households: the leader (联户长) lives in one of them",
  },
  'leaderId',
);

/** 十户联防: the leader's household stays in the group. */
export const leaderHomeLeaves: Rule = rule(
  'leaderHomeLeaves',
  'CONFLICT',
  'joint_defense_group_id',
  {
    zh: '会使联户长所在户退出联防组：联户长须居住在本组某一户中，请先另行指定联户长',
    en: "would take the household of the group's leader (联户长) out of the group: a leader lives in one of its households, so appoint another leader first",
  },
  'householdIds',
);

/** 十户联防: a household belongs to at most one group. */
export const groupTaken: Rule = rule(
  'groupTaken',
  'CONFLICT',
  'joint_defense_group_id',
  {
    zh: '一户最多加入一个十户联防组：该户已在另一联防组中，请先退出原联防组',
    en: 'a household belongs to at most one joint-defense group, and this one is in another: take it out of that group first',
  },
  'householdIds',
);

/** 十户联防: a group is of neighbours, the households of one village. */
export const groupElsewhere: Rule = rule(
  'groupElsewhere',
  'BAD_USER_INPUT',
  'joint_defense_group_id',
  {
    zh: '户与联防组不在同一个村（社区）：联防组的各户须是同一村（社区）的邻里',
    en: "puts a household and a group of different villages together: a group's households are neighbours in one village",
  },
  'householdIds',
);

/**
 * A household with members has a head (户主): the head is cleared only when no
 * one else is left (as a head is deregistered only after another is named).
 */
export const headRequired: Rule = rule(
  'headRequired',
  'CONFLICT',
  // A cleared cell names no one, so the reject names the column an export writes (and an edited export clears).
  'head_id',
  {
    zh: '不能清空：该户还有户主以外的成员，户主须由其中一人担任；请改为指定另一名成员为户主',
    en: 'cannot be cleared while the household has members besides its head: name another member as head instead',
  },
  'headId',
);

/** The head of a household is one of its members. */
export const headNotMember: Rule = rule(
  'headNotMember',
  'BAD_USER_INPUT',
  'head_id_number',
  {
    zh: '所指人员不是该户的成员：户主须为本户成员',
    en: 'names a person who is not a member of the household: the head is one of its members',
  },
  'headId',
);

/** A village outside the caller's jurisdiction (a write there is forbidden, as for a grid). */
export const villageOutside = (code: string, jurisdiction: string): Rule =>
  rule('villageOutside', 'FORBIDDEN', 'village_code', {
    zh: `${code} 不在您的辖区（${jurisdiction || '无'}）内`,
    en: `${code} is outside your jurisdiction (${jurisdiction || 'none'})`,
  });

/** A well-formed village code the hub does not know. */
export const villageUnknown = (code: string): Rule =>
  rule('villageUnknown', 'BAD_USER_INPUT', 'village_code', { zh: `${code} 不是本枢纽登记的村（社区）`, en: `${code} is not a village the hub knows` });

/*
 * The forces (docs/ARCHITECTURE.md, "Maintaining the forces"): grid staff
 * (网格力量 1+3+N), people's mediation committees (人民调解委员会) and their
 * mediators (人民调解员). A linked resident is named by registry id
 * (`person_id`: forms, exports) or ID number (`id_number`: files); a form
 * names both `personId`.
 */

/** A value a kind needs once the row is as it would be written (a linked resident may give the name). */
export const needed = (field: string, argument?: string): Rule => rule('required', 'BAD_USER_INPUT', field, { zh: '为必填项', en: 'is required' }, argument);

/** A record's source-system key used by another record of its scope (or an earlier line of the batch). */
export const externalIdTaken = (reason: Said): Rule => rule('keyTaken', 'CONFLICT', 'external_id', reason);
/** The forces' source-system keys taken: by the check before the write and by a write that lost the race (unique-keys.ts). */
export const gridStaffExternalTaken = externalIdTaken({
  zh: '已被本村（社区）另一条网格力量记录使用',
  en: 'is already used by other grid staff of this village',
});
export const committeeExternalTaken = externalIdTaken({
  zh: '已被本村（社区）另一个人民调解委员会使用',
  en: 'is already used by another mediation committee of this village',
});
export const mediatorExternalTaken = externalIdTaken({ zh: '已被该委员会另一名调解员使用', en: 'is already used by another mediator of this committee' });

/** The linked resident: not found in the caller's jurisdiction (by registry id or ID number), or named both ways as two people. */
export const personUnknown = (field: 'person_id' | 'id_number'): Rule => refUnknown(field, PERSON, 'personId');
export const personMismatch: Rule = rule(
  'refMismatch',
  'BAD_USER_INPUT',
  'id_number',
  { zh: '与 person_id 所指的不是同一人', en: 'names another resident than person_id' },
  'personId',
);

/** A deregistered resident (died, moved out, a duplicate) takes up no post: their record is history. */
export const personDeregistered: Rule = rule(
  'personDeregistered',
  'CONFLICT',
  'id_number',
  { zh: '所指人员已注销：已注销的人员不能担任职务', en: 'names a deregistered resident, who takes up no post' },
  'personId',
);

/**
 * 网格力量, 人民调解员 and patrol members serve as adults: 人民调解法 §14 asks
 * mediators to be adult citizens, and the hub holds the other posts to the
 * same age, so that a child linked by a slip of the ID number is not counted
 * among the forces. Checked when a link is made or changed.
 */
export const FORCES_MIN_AGE = 18;
export const personUnderage: Rule = rule(
  'personUnderage',
  'BAD_USER_INPUT',
  'id_number',
  {
    zh: `所指人员未满 ${FORCES_MIN_AGE} 周岁：网格力量、人民调解员和巡逻队员须为成年人`,
    en: `names a resident under ${FORCES_MIN_AGE}: grid staff, mediators and patrol members are adults`,
  },
  'personId',
);

/**
 * 十户联防: the leader (联户长) is an adult, as the forces are: the leader answers for the households' watch and is
 * the one the village calls on, which is no child's duty. The same stable rule name as the forces' and patrol
 * members' age rule; checked when a leader is named or changed, so a group led before the rule stays as it is
 * until its leader changes.
 */
export const leaderUnderage: Rule = rule(
  'personUnderage',
  'BAD_USER_INPUT',
  'leader_id_number',
  {
    zh: `所指人员未满 ${FORCES_MIN_AGE} 周岁：十户联防组的联户长须为成年人`,
    en: `names a resident under ${FORCES_MIN_AGE}: a joint-defense group's leader (联户长) is an adult`,
  },
  'leaderId',
);

/**
 * A record relinked to another resident while its name stays the one it held
 * for the resident before: the natural slip of a spreadsheet edit that changes
 * the ID number and leaves the name, which would list one person's name with
 * another's ID number. A name other than the old one (a 常用名) is the
 * writer's choice and is kept.
 */
export const nameOfFormerLink: Rule = rule('nameOfFormerLink', 'BAD_USER_INPUT', 'name', {
  zh: '仍是原先关联人员的姓名，而所关联的人员已换成另一人：请填写新关联人员的姓名，或留空（取其户籍姓名）',
  en: 'is still the name of the resident linked before, and the record now links another resident: give the new resident’s name, or leave it empty to take theirs',
});

/**
 * A disbanded patrol team (disbandPatrolTeam) takes no change: a team formed again is a new one, with a new external
 * id. A patrol it walked before its end is no change of it but part of its record, entered late from the paper log.
 */
export const teamDisbanded: Rule = rule('teamDisbanded', 'CONFLICT', 'id', {
  zh: '所指巡防队已解散，不再接受队员、解散之后的巡逻或其他变更；重新组建请新建巡防队（使用新的外部编号）',
  en: 'names a disbanded patrol team, which takes no member, no patrol after its end and no other change; form a new team (with a new external id) instead',
});

/**
 * A team's members as the export lists them are read only (they change by addPatrolTeamMembers and
 * removePatrolTeamMembers, which check each member); an edited list is refused, not ignored.
 */
export const membersReadOnly: Rule = rule('membersReadOnly', 'BAD_USER_INPUT', 'member_ids', {
  zh: '是只读列，与该队现有队员不符：队员须通过 addPatrolTeamMembers / removePatrolTeamMembers 增减；请保留导出时的内容或删去此列',
  en: "does not match the team's members and is read only: members change by addPatrolTeamMembers and removePatrolTeamMembers; keep the column as exported or leave it out",
});

/** One post per resident, grid and role: the same resident twice as a grid's informant counts one person twice. */
export const postHeld: Rule = rule('postHeld', 'CONFLICT', 'role', {
  zh: '该人员在本网格已担任这一职务；同一人在同一网格不能重复任同一职务',
  en: 'the resident already holds this role in the grid; one resident holds a role in a grid once',
});

/** A resident moving to another village leaves no post behind in the old one. */
export const postsLeftBehind: Rule = rule('postsLeftBehind', 'CONFLICT', 'grid_code', {
  zh: '该人员在原村（社区）担任网格力量、人民调解员或巡逻队员；迁往其他村（社区）前请先结束这些任职（endGridStaff、endMediator、removePatrolTeamMembers）',
  en: 'the resident serves in the old village as grid staff, a mediator or a patrol member; end those posts before the move (endGridStaff, endMediator, removePatrolTeamMembers)',
});

/** 网格力量 move only between the grids of their village. */
export const staffStaysInVillage: Rule = rule('staysInVillage', 'BAD_USER_INPUT', 'grid_code', {
  zh: '不在该任命所属的村（社区）；网格力量只在本村（社区）的网格间调整，请结束该任命后在那里另行任命',
  en: "lies in another village than the assignment's; staff move only between the grids of their village, so end it and appoint anew there",
});

/** Grid staff linked to a resident record live in the grid's village. */
export const staffResidentElsewhere: Rule = rule(
  'refElsewhere',
  'BAD_USER_INPUT',
  'id_number',
  {
    zh: '所指人员不住在该网格所在的村（社区）：网格力量关联的人员须为本村（社区）实有人口',
    en: "names a resident of another village: grid staff linked to a resident record live in the grid's village",
  },
  'personId',
);

/** 信息员 are residents of the village, linked to their record. */
export const informantUnlinked: Rule = rule(
  'informantUnlinked',
  'BAD_USER_INPUT',
  'id_number',
  {
    zh: '信息员（INFORMANT）须关联本村（社区）的实有人口记录',
    en: 'is required for an informant (INFORMANT, 信息员): informants are residents of the village, linked to their record',
  },
  'personId',
);

/** Without a linked resident the name is given. */
export const nameNeeded: Rule = rule('nameNeeded', 'BAD_USER_INPUT', 'name', {
  zh: '未关联实有人口时为必填项',
  en: 'is required when no resident record is linked',
});

/** A grid has one grid worker (专职网格员). */
export const gridWorkerTaken: Rule = rule('gridWorkerTaken', 'CONFLICT', 'role', {
  zh: '该网格已有专职网格员（网格员），每个网格只设一名；请先结束或调整现任的任命',
  en: 'GRID_WORKER: the grid already has its grid worker (专职网格员), and a grid has one; end or change the current assignment first',
});

/** Who holds a grid's grid worker post, as a refusal of a second one names them (form and file alike). */
export const workerHolder = (name: string, id: string): Said => ({ zh: `（现任：${name}，编号 ${id}）。`, en: ` (now ${name}, id ${id}).` });

/** A committee stays in its village. */
export const committeeStaysInVillage: Rule = rule('staysInVillage', 'BAD_USER_INPUT', 'village_code', {
  zh: '不是该委员会所属的村（社区）：委员会不能迁往别的村（社区）',
  en: "is not the committee's village: a committee stays in its village",
});

/** 村调委会 in a 村, 社区调委会 in a 社区 (the code's last segment). */
export const committeeKindOfVillage: Rule = rule('committeeKindOfVillage', 'BAD_USER_INPUT', 'kind', {
  zh: 'VILLAGE（村调委会）只设在村（代码末三位 200 及以上），COMMUNITY（社区调委会）只设在社区（001–199）',
  en: 'VILLAGE (村调委会) is for a 村 (code segment 200 and above), COMMUNITY (社区调委会) for a 社区 (segment 001–199)',
});

/** The village's own mediation committee, as a refusal of a second one names it (form and file alike). */
export const committeeHolder = (name: string, id: string): Said => ({ zh: `（现有：${name}，编号 ${id}）。`, en: ` (now ${name}, id ${id}).` });

/** A villagers' or residents' committee sets up one mediation committee (人民调解法 §8). */
export const ownCommitteeTaken: Rule = rule('ownCommitteeTaken', 'CONFLICT', 'kind', {
  zh: '该村（社区）已有村（居）民委员会设立的人民调解委员会，每个村（社区）只设一个',
  en: "the village already has its villagers' or residents' committee's mediation committee, and has one",
});

/** A mediator's committee, under row-level security. */
export const committeeUnknown: Rule = rule('refUnknown', 'NOT_FOUND', 'committee_id', {
  zh: '在您的辖区内找不到所指的人民调解委员会',
  en: 'names no mediation committee in your jurisdiction',
});

/** A mediator moves only between the committees of their village. */
export const mediatorStaysInVillage: Rule = rule('staysInVillage', 'BAD_USER_INPUT', 'committee_id', {
  zh: '是别的村（社区）的委员会：人民调解员只在本村（社区）的委员会间调整',
  en: 'is a committee of another village: a mediator moves only between the committees of their village',
});

/** The mediators of a village or community committee are residents of its village. */
export const mediatorResidentElsewhere: Rule = rule(
  'refElsewhere',
  'BAD_USER_INPUT',
  'id_number',
  {
    zh: '所指人员不住在该委员会所在的村（社区）：村（社区）人民调解委员会的调解员须为本村（社区）实有人口',
    en: 'names a resident of another village: the mediators of a village or community committee are residents of its village',
  },
  'personId',
);

/** A resident serves a committee once. */
export const alreadyMediator: Rule = rule(
  'alreadyMediator',
  'CONFLICT',
  'id_number',
  { zh: '所指人员已是该委员会的调解员', en: 'names a resident who is already a mediator of this committee' },
  'personId',
);

/*
 * 与户主关系 (a register's relationship to the head, HouseholdRelationship): relative to the household's head, so
 * HEAD (户主) is the head's and only the head's, and a person without a household has none. The head is named on
 * the household (updateHousehold, or the first member to join a household without one), and the relationships
 * follow it (migration …69RelationshipToHead).
 */

/** 户主 is one person: a member cannot be entered as head of a household someone else heads. */
export const headTaken: Rule = rule(
  'headTaken',
  'CONFLICT',
  'relationship_to_head',
  {
    zh: '不能为“户主”：所在的户已由他人任户主，一户只有一名户主；换户主请修改户（updateHousehold）的户主',
    en: 'cannot be HEAD: the household already has another head, and a household has one; change the head with updateHousehold',
  },
  'relationshipToHead',
);

/** The head's relationship is 户主: the head (or the first to join a household without one, who becomes it) cannot be entered as another. */
export const headIsHead: Rule = rule(
  'headIsHead',
  'BAD_USER_INPUT',
  'relationship_to_head',
  {
    zh: '须为“户主”：该人员是（或由此成为）所在户的户主；如需换户主，请先修改户（updateHousehold）另行指定户主',
    en: 'must be HEAD: this person is (or hereby becomes) the head of the household; to change the head, name another one with updateHousehold first',
  },
  'relationshipToHead',
);

/** A relationship to the head is within a household: none without one. */
export const relationshipWithoutHousehold: Rule = rule(
  'relationshipWithoutHousehold',
  'BAD_USER_INPUT',
  'relationship_to_head',
  {
    zh: '须有所在的户：不在任何户中的人员没有与户主关系；请同时给出户，或将此项留空',
    en: 'needs a household: a person in none has no relationship to a head; give the household too, or leave this empty',
  },
  'relationshipToHead',
);

/**
 * An end or a change of a record that has ended (网格任职、调委会、调解员; 户、实有房屋、十户联防组): ended records are
 * history, never changed again. Said as a step the record no longer allows is (INVALID_TRANSITION, as deregistering
 * someone deregistered), with when, by whom and why it ended, so that a desk sees what became of it; `rule`
 * alreadyEnded. A kind that ends for a coded reason (EndReason) gives its Chinese name as `endReason`, the code as
 * `reasonCode` and the note when one was given; extensions carry `endReason` as the code then, and `endNote`.
 */
export function alreadyEnded(what: What, ended: EndedFacts, action: 'end' | 'change'): GraphQLError {
  const at = ended.endedAt == null ? null : chinaMinute(ended.endedAt);
  const when = { zh: at ? `已于 ${at}（北京时间）` : '已', en: at ? ` on ${at} (China time)` : '' };
  // People read who ended it by name (the subject when no name was kept); extensions carry the subject as `endedBy`, as
  // EndedRecord.endedBy does, and the name as `endedByName`.
  const who = ended.endedByName || ended.endedBy;
  const by = {
    zh: `${who ? `由 ${who} ` : ''}${ended.endedWith ? `随${ended.endedWith.zh}` : ''}`,
    en: `${who ? ` by ${who}` : ''}${ended.endedWith ? ` with ${ended.endedWith.en}` : ''}`,
  };
  const code = ended.reasonCode ?? null;
  const note = { zh: ended.note ? `，说明：${ended.note}` : '', en: ended.note ? `; note: ${ended.note}` : '' };
  const why = ended.endReason
    ? { zh: `原因：${ended.endReason}${code ? `（${code}）` : ''}${note.zh}`, en: `reason: ${code ?? ended.endReason}${note.en}` }
    : { zh: '未注明原因', en: 'no reason given' };
  const then =
    action === 'end'
      ? { zh: '不能再次结束', en: 'it cannot be ended again' }
      : { zh: '已结束的记录只作历史保留，不能修改', en: 'an ended record is kept as history and cannot be changed' };
  return hubError(
    'INVALID_TRANSITION',
    {
      zh: `${what.zh} ${ended.id} ${when.zh}${by.zh}结束（${why.zh}），${then.zh}。`,
      en: `${what.en[0]!.toUpperCase()}${what.en.slice(1)} ${ended.id} already ended${when.en}${by.en} (${why.en}); ${then.en}.`,
    },
    {
      rule: 'alreadyEnded',
      status: 'ENDED',
      endedAt: endedAtOf(ended.endedAt),
      endedBy: ended.endedBy ?? null,
      endedByName: ended.endedByName ?? null,
      endReason: code ?? ended.endReason ?? null,
      ...(code ? { endNote: ended.note ?? null } : {}),
      ...ended.endedWith?.extensions,
    },
  );
}

/** When a record ended, as extensions carry it: as the API's DateTime writes every point in time (China time, +08:00). */
export const endedAtOf = (at: string | Date | null | undefined): string | null => (at == null ? null : chinaTime(at));

/** What an ended record tells of its end (`alreadyEnded`). */
export interface EndedFacts {
  id: number;
  endedAt?: string | Date | null;
  /** Who ended it: the caller's subject (EndedRecord.endedBy). */
  endedBy?: string | null;
  /** Their display name, as people read it. */
  endedByName?: string | null;
  endReason?: string | null;
  reasonCode?: string | null;
  note?: string | null;
  /** The end of another record this one ended with (a hazard with the patrol that reported it), and its id in extensions. */
  endedWith?: { zh: string; en: string; extensions: Record<string, string> };
}

/** How messages name the kinds rules refer to. */
export const WHAT = {
  person: PERSON,
  household: HOUSEHOLD,
  group: GROUP,
  house: { zh: '实有房屋', en: 'house' },
  site: { zh: '重点场所', en: 'site' },
  team: { zh: '巡防队', en: 'patrol team' },
  address: { zh: '标准地址', en: 'address' },
  gridStaff: { zh: '网格力量', en: 'grid staff' },
  committee: { zh: '人民调解委员会', en: 'mediation committee' },
  mediator: { zh: '人民调解员', en: 'mediator' },
} as const;

/**
 * The rule's error: `<name> <reason>`, then what `detail` adds (ids,
 * counts), with the rule's code and name. A mutation names the argument (the
 * default); a file's field rules name the column (`name`), and the import
 * turns the error into a reject line of that column.
 */
export function ruleError(r: Rule, detail: { name?: string; said?: Said; extra?: Record<string, unknown> } = {}): GraphQLError {
  const name = detail.name ?? r.argument;
  const message = { zh: `${name} ${r.reason.zh}${detail.said?.zh ?? ''}`, en: `${name} ${r.reason.en}${detail.said?.en ?? ''}` };
  return hubError(r.code, message, { argument: name, rule: r.name, ...detail.extra });
}

/** The reject line an import writes for a row that breaks `r`: the file's column, its reason in the import's language, and the code. */
export function ruleReject(
  r: { field: string; rule: string; reason: Said; code?: RuleCode },
  language: keyof Said,
): { field: string; reason: string; code: RuleCode; rule: string } {
  return { field: r.field, reason: `${r.field} ${r.reason[language]}`, code: r.code ?? 'BAD_USER_INPUT', rule: r.rule };
}
