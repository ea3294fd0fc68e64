/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** 考核指标 An assessment indicator. */
export type AssessmentIndicator =
  /** 网格配强率 grids fully staffed 1+3+N / grids */
  | 'GRID_STAFFING_RATE'
  /** 联防覆盖率 households in joint-defense groups / households */
  | 'HOUSEHOLD_COVERAGE'
  /** 按期化解率 resolved by the deadline / resolved in the period */
  | 'ON_TIME_RATE'
  /** 化解率 disputes resolved / reported in the period */
  | 'RESOLUTION_RATE'
  /** 满意率 satisfied or basically satisfied / rated in the period */
  | 'SATISFACTION_RATE';

/** 报到状态 A department's progress on a dispatch. */
export type DispatchStatus =
  /** 已报到 acknowledged */
  | 'ACKNOWLEDGED'
  /** 已吹哨 dispatched */
  | 'DISPATCHED'
  /** 已反馈 reported back */
  | 'REPORTED'
  /** 已撤回 withdrawn by the township before the department reported back (withdrawDispatch) */
  | 'WITHDRAWN';

/** 时间线步骤 Steps recorded in a dispute's timeline. */
export type DisputeAction =
  /** 受理 accepted */
  | 'ACCEPT'
  /** 分流转办 assigned */
  | 'ASSIGN'
  /** 办结归档 closed */
  | 'CLOSE'
  /** 更正 the village corrected the case's details as reported (outside the case's order, like 督办) */
  | 'CORRECT'
  /** 不予受理 declined at intake */
  | 'DECLINE'
  /** 报到 a department acknowledged */
  | 'DEPARTMENT_ACKNOWLEDGE'
  /** 反馈 a department reported back */
  | 'DEPARTMENT_REPORT'
  /** 吹哨 dispatched to county departments */
  | 'DISPATCH'
  /** 上报 escalated to the next level */
  | 'ESCALATE'
  /** 回访 followed up */
  | 'FOLLOW_UP'
  /** 调解 a mediation session */
  | 'MEDIATE'
  /** 改派网格 the village moved the case to another grid of the village (outside the case's order, like 更正) */
  | 'MOVE_GRID'
  /** 群众评价 rated */
  | 'RATE'
  /** 接收 received from the level below */
  | 'RECEIVE'
  /** 恢复受理 a decline taken back: the case is reported again, its deadlines running from then */
  | 'REINSTATE'
  /** 重新办理 reopened for another round after an unsatisfied rating */
  | 'REOPEN'
  /** 登记 reported */
  | 'REPORT'
  /** 化解 resolved */
  | 'RESOLVE'
  /** 退回 the level above sent the case back to settle, with its reason: the township to the village (退回村级), or the county to the township (退回乡镇) */
  | 'RETURN'
  /** 督办 supervision order */
  | 'SUPERVISE'
  /** 督办回复 the holding level's reply to a supervision order (outside the case's order, like 督办) */
  | 'SUPERVISION_REPLY'
  /** 撤回吹哨 the township withdrew a dispatch a department had not reported on */
  | 'WITHDRAW_DISPATCH';

/** 纠纷类别 Category of a dispute. */
export type DisputeCategory =
  /** 边界 boundary */
  | 'BOUNDARY'
  /** 合同 contract */
  | 'CONTRACT'
  /** 损害赔偿 damages */
  | 'DAMAGES'
  /** 环境污染 environment */
  | 'ENVIRONMENT'
  /** 婚姻家庭 family and marriage */
  | 'FAMILY'
  /** 山林草场 forest and grassland */
  | 'FOREST_GRASSLAND'
  /** 劳动争议/欠薪 labour and unpaid wages */
  | 'LABOUR_WAGES'
  /** 土地宅基地 land and homestead */
  | 'LAND_HOMESTEAD'
  /** 征地拆迁 land requisition and demolition */
  | 'LAND_REQUISITION'
  /** 医疗 medical */
  | 'MEDICAL'
  /** 邻里 neighbours */
  | 'NEIGHBOUR'
  /** 其他 other */
  | 'OTHER'
  /** 资源采挖 resource harvesting (e.g. caterpillar fungus 虫草) */
  | 'RESOURCE_HARVESTING'
  /** 交通事故 traffic */
  | 'TRAFFIC';

/**
 * 纠纷状态 Where a dispute is in the closed loop: reported → accepted 受理 →
 * assigned 分流转办 → mediating 协同办理 → resolved (or escalated one level up)
 * → rated 群众评价 → closed 办结归档 → followed up 回访.
 */
export type DisputeStatus =
  /** 已受理 accepted (parties contacted) */
  | 'ACCEPTED'
  /** 已分流 assigned to a mediator, committee, agency or departments */
  | 'ASSIGNED'
  /** 已办结归档 closed and archived */
  | 'CLOSED'
  /** 不予受理 declined at intake: not a dispute the centre takes (see DeclineReason); counted in no figure */
  | 'DECLINED'
  /** 已上报 escalated to the next level, which now handles it */
  | 'ESCALATED'
  /** 已回访 followed up */
  | 'FOLLOWED_UP'
  /** 调解中 being mediated */
  | 'MEDIATING'
  /** 已评价 rated by the parties */
  | 'RATED'
  /** 已登记，待受理 reported, awaiting acceptance */
  | 'REPORTED'
  /** 已化解 resolved */
  | 'RESOLVED';

/** 性别 Sex, as on the citizen ID (the sequence's parity). */
export type Gender =
  /** 女 female */
  | 'FEMALE'
  /** 男 male */
  | 'MALE';

/** 层级 Level of governance that handles a case. */
export type GovernanceLevel =
  /** 县（市、区） */
  | 'COUNTY'
  /** 乡镇（街道） */
  | 'TOWNSHIP'
  /** 村（社区） */
  | 'VILLAGE';

/**
 * 与户主关系 A member's relationship to the head of their household, as a household register (户口簿) records it: the
 * main groups of GB/T 4761 家庭关系代码, listed in the standard's order, which is the order a register lists its
 * members in. The head's own is HEAD, and only the head's: it follows `Household.head`.
 */
export type HouseholdRelationship =
  /** 儿媳/女婿 child-in-law (81 儿媳, 82 女婿) */
  | 'CHILD_IN_LAW'
  /** 女 daughter (3x: 长女, 次女, 养女, 继女 …) */
  | 'DAUGHTER'
  /** 孙子女/外孙子女 grandchild (4x) */
  | 'GRANDCHILD'
  /** 祖父母/外祖父母 grandparent (6x) */
  | 'GRANDPARENT'
  /** 户主 the head of the household (GB/T 4761 code 02) */
  | 'HEAD'
  /** 非亲属 not a relative (99) */
  | 'NON_RELATIVE'
  /** 其他亲属 other relative (the rest of 8x: 侄子女, 外甥子女 …) */
  | 'OTHER_RELATIVE'
  /** 父母 parent, parent-in-law (5x: 父亲, 母亲, 公婆, 岳父母 …) */
  | 'PARENT'
  /** 兄弟姐妹 sibling (7x) */
  | 'SIBLING'
  /** 子 son (2x: 长子, 次子, 养子, 继子 …) */
  | 'SON'
  /** 配偶 spouse (1x: 夫, 妻) */
  | 'SPOUSE';

/** 当事人角色 Role of a party. */
export type PartyRole =
  /** 申请人 applicant */
  | 'APPLICANT'
  /** 被申请人 respondent */
  | 'RESPONDENT'
  /** 第三人 third party */
  | 'THIRD_PARTY';

/** 实有人口 A new resident. */
export type PersonInput = {
  /** 地址系统编号 Address (same village); left out with a household named, the household's. */
  addressId?: string | number | null | undefined;
  /** 出生日期 Birth date; required only without an ID number (must agree with it otherwise). */
  birthDate?: string | null | undefined;
  /** Ethnicity, e.g. 汉族. */
  ethnicity: string;
  /** 性别 Sex; required only without an ID number (must agree with it otherwise). */
  gender?: Gender | null | undefined;
  /** 网格代码 The grid the person lives in. */
  gridCode: string;
  /** 户系统编号 Household (same village, on the person's grid: householdGrid). */
  householdId?: string | number | null | undefined;
  /**
   * Citizen ID number (GB 11643); the sex and birth date are read from it. Required (rule idNumberRequired)
   * unless residency is OVERSEAS or the person is a newborn not yet issued a number (出生登记: born at most a year
   * before today, China's day; gender and birthDate then required). The number is added later with correctIdNumber.
   */
  idNumber?: string | null | undefined;
  /** 姓名 Name (1–50 characters). */
  name: string;
  /** 联系电话 Phone. */
  phone?: string | null | undefined;
  /**
   * 与户主关系 Relationship to the household's head; needs a household (relationshipWithoutHousehold). HEAD only for
   * the person who becomes the head: the first to join a household without one, who is HEAD whatever is given
   * (headTaken, headIsHead).
   */
  relationshipToHead?: HouseholdRelationship | null | undefined;
  /** 人口类别 Registered, floating or overseas. */
  residency: Residency;
  /** 特殊人群标签 Tags. */
  tags?: Array<PersonTag> | null | undefined;
};

/**
 * 特殊人群 Special-population and key-youth tags (GB/T 31000), plus groups the
 * grid watches over.
 */
export type PersonTag =
  /** 社区矫正对象 person under community correction (社区矫正法; files may also write the former name 社区矫正人员) */
  | 'COMMUNITY_CORRECTION'
  /** 吸毒人员 drug user */
  | 'DRUG_USER'
  /** 特困供养人员 person in extreme poverty under state support */
  | 'EXTREME_POVERTY'
  /** 艾滋病危险人员 person at risk of HIV/AIDS */
  | 'HIV_RISK'
  /** 重点青少年·有不良行为 key youth: bad behaviour */
  | 'KEY_YOUTH_BAD_BEHAVIOUR'
  /** 重点青少年·服刑人员未成年子女 key youth: minor child of an inmate */
  | 'KEY_YOUTH_CHILD_OF_INMATE'
  /** 重点青少年·闲散青少年 key youth: idle (out of school and work) */
  | 'KEY_YOUTH_IDLE'
  /** 重点青少年·流浪乞讨 key youth: vagrant or begging */
  | 'KEY_YOUTH_VAGRANT'
  /** 留守儿童 left-behind child */
  | 'LEFT_BEHIND_CHILD'
  /** 留守老人 left-behind elderly person */
  | 'LEFT_BEHIND_ELDERLY'
  /** 刑满释放人员 released prisoner */
  | 'RELEASED_PRISONER'
  /** 严重精神障碍患者 person with a severe mental disorder */
  | 'SEVERE_MENTAL_DISORDER';

/** 人口类别 Residency category. */
export type Residency =
  /** 流动人口 floating population (registered elsewhere) */
  | 'FLOATING'
  /** 境外人员 person from outside the mainland */
  | 'OVERSEAS'
  /** 户籍人口 registered (hukou) resident */
  | 'REGISTERED';

/** 乡镇办理状态 A case's status at the township. */
export type TownshipCaseStatus =
  /** 已受理 accepted */
  | 'ACCEPTED'
  /** 已分流/吹哨 assigned or dispatched */
  | 'ASSIGNED'
  /** 已上报县 escalated to the county */
  | 'ESCALATED'
  /** 调解中 being mediated */
  | 'MEDIATING'
  /** 已接收，待受理 received from the village */
  | 'RECEIVED'
  /** 已化解 resolved */
  | 'RESOLVED'
  /** 已退回村级 returned to the village to settle (returnTownshipCase); received anew if the village escalates it again */
  | 'RETURNED';

export type CountyReportQueryVariables = Exact<{
  code: string;
  period: string;
}>;


export type CountyReportQuery = { county: { name: string, region: { name: string } } | null, townships: Array<{ code: string, name: string, population: { residents: number, households: number }, forces: { grids: number, householdCoverage: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, yearAgo: { reported: number } }, assessment: Array<{ indicator: AssessmentIndicator, target: number, actual: number | null, met: boolean | null }> }> };

export type MyCasesQueryVariables = Exact<{
  code: string;
}>;


export type MyCasesQuery = { grid: { name: string, village: { name: string }, mine: { totalCount: number, nodes: Array<{ caseNumber: string, status: DisputeStatus, overdue: boolean, summary: string, deadlines: { contactBy: string, settleBy: string } }> } } | null };

export type RegisterResidentMutationVariables = Exact<{
  input: PersonInput;
}>;


export type RegisterResidentMutation = { registerPerson: { id: string, name: string, gender: Gender, birthDate: string, age: number, idNumber: string | null, residency: Residency, version: number, grid: { code: string, name: string }, village: { name: string } } };

export type CaseDeskQueryVariables = Exact<{
  code: string;
}>;


export type CaseDeskQuery = { township: { name: string, all: { totalCount: number }, overdue: { totalCount: number }, open: { totalCount: number, nodes: Array<{ caseNumber: string, status: TownshipCaseStatus, overdue: boolean, underSupervision: boolean, settleBy: string, dispatches: Array<{ departmentName: string, status: DispatchStatus }>, dispute: { category: DisputeCategory, summary: string, parties: Array<{ name: string, role: PartyRole }>, village: { name: string }, timeline: Array<{ level: GovernanceLevel, action: DisputeAction, at: string }> } }> } } | null };

export type VillageDashboardQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
}>;


export type VillageDashboardQuery = { village: { name: string, township: { name: string } | null, grids: Array<{ code: string, name: string, fullyStaffed: boolean }>, population: { residents: number, households: number, floating: number }, forces: { grids: number, gridWorkers: number, jointDefenseGroups: number, householdCoverage: number, patrolTeams: number }, disputes: { totalCount: number, nodes: Array<{ caseNumber: string, status: DisputeStatus, handlingLevel: GovernanceLevel, overdue: boolean }> }, patrols: { totalCount: number } } | null };


export const CountyReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CountyReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"county"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"region"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"townships"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"within"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"population"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"residents"}},{"kind":"Field","name":{"kind":"Name","value":"households"}}]}},{"kind":"Field","name":{"kind":"Name","value":"forces"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grids"}},{"kind":"Field","name":{"kind":"Name","value":"householdCoverage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"disputeStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reported"}},{"kind":"Field","name":{"kind":"Name","value":"resolved"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionRate"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"yearAgo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reported"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"assessment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicator"}},{"kind":"Field","name":{"kind":"Name","value":"target"}},{"kind":"Field","name":{"kind":"Name","value":"actual"}},{"kind":"Field","name":{"kind":"Name","value":"met"}}]}}]}}]}}]} as unknown as DocumentNode<CountyReportQuery, CountyReportQueryVariables>;
export const MyCasesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyCases"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grid"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"village"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"mine"},"name":{"kind":"Name","value":"disputes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"DUE_FIRST"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"reportedByMe"},"value":{"kind":"BooleanValue","value":true}},{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"REPORTED"},{"kind":"EnumValue","value":"ACCEPTED"},{"kind":"EnumValue","value":"ASSIGNED"},{"kind":"EnumValue","value":"MEDIATING"},{"kind":"EnumValue","value":"ESCALATED"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"deadlines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contactBy"}},{"kind":"Field","name":{"kind":"Name","value":"settleBy"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyCasesQuery, MyCasesQueryVariables>;
export const RegisterResidentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterResident"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PersonInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerPerson"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"gender"}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"idNumber"}},{"kind":"Field","name":{"kind":"Name","value":"residency"}},{"kind":"Field","name":{"kind":"Name","value":"grid"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"village"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<RegisterResidentMutation, RegisterResidentMutationVariables>;
export const CaseDeskDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CaseDesk"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"township"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","alias":{"kind":"Name","value":"all"},"name":{"kind":"Name","value":"disputes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"overdue"},"name":{"kind":"Name","value":"disputes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"RECEIVED"},{"kind":"EnumValue","value":"ACCEPTED"},{"kind":"EnumValue","value":"ASSIGNED"},{"kind":"EnumValue","value":"MEDIATING"}]}},{"kind":"ObjectField","name":{"kind":"Name","value":"overdue"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"open"},"name":{"kind":"Name","value":"disputes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"DUE_FIRST"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"RECEIVED"},{"kind":"EnumValue","value":"ACCEPTED"},{"kind":"EnumValue","value":"ASSIGNED"},{"kind":"EnumValue","value":"MEDIATING"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"underSupervision"}},{"kind":"Field","name":{"kind":"Name","value":"settleBy"}},{"kind":"Field","name":{"kind":"Name","value":"dispatches"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"departmentName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dispute"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"parties"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"village"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CaseDeskQuery, CaseDeskQueryVariables>;
export const VillageDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VillageDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"village"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"township"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"grids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"fullyStaffed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"population"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"residents"}},{"kind":"Field","name":{"kind":"Name","value":"households"}},{"kind":"Field","name":{"kind":"Name","value":"floating"}}]}},{"kind":"Field","name":{"kind":"Name","value":"forces"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grids"}},{"kind":"Field","name":{"kind":"Name","value":"gridWorkers"}},{"kind":"Field","name":{"kind":"Name","value":"jointDefenseGroups"}},{"kind":"Field","name":{"kind":"Name","value":"householdCoverage"}},{"kind":"Field","name":{"kind":"Name","value":"patrolTeams"}}]}},{"kind":"Field","name":{"kind":"Name","value":"disputes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"REPORTED"},{"kind":"EnumValue","value":"ACCEPTED"},{"kind":"EnumValue","value":"ASSIGNED"},{"kind":"EnumValue","value":"MEDIATING"},{"kind":"EnumValue","value":"ESCALATED"}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"handlingLevel"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"patrols"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]}}]} as unknown as DocumentNode<VillageDashboardQuery, VillageDashboardQueryVariables>;