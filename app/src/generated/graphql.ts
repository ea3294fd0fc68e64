/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

/** 群众评价 Citizen rating. */
export type CitizenRating =
  /** 基本满意 basically satisfied */
  | 'BASICALLY_SATISFIED'
  /** 不满意 dissatisfied (reopens the case where it was resolved, up to 2 rounds) */
  | 'DISSATISFIED'
  /** 满意 satisfied */
  | 'SATISFIED';

/** 县级办理状态 A case's status at the county. */
export type CountyCaseStatus =
  /** 已受理 accepted */
  | 'ACCEPTED'
  /** 已分流 assigned */
  | 'ASSIGNED'
  /** 调解中 in the county's mediation (联合调解), after recordCountyMediation */
  | 'MEDIATING'
  /** 已接收 received from the township */
  | 'RECEIVED'
  /** 已化解 resolved (including referral to court or arbitration) */
  | 'RESOLVED'
  /** 已退回乡镇 returned to the township to settle (returnCountyCase); received anew if the township escalates it again */
  | 'RETURNED';

/** 不予受理的原因 Why a report was declined at intake. */
export type DeclineReason =
  /** 重复登记 a duplicate of a case already reported (named by `duplicateOf`) */
  | 'DUPLICATE'
  /** 已进入诉讼、仲裁或行政复议等法定程序 already before a court, an arbitration body or an administrative review */
  | 'IN_LEGAL_PROCEEDINGS'
  /** 不属于矛盾纠纷 not a dispute (a request for help, a complaint about a service, a question) */
  | 'NOT_A_DISPUTE'
  /** 当事人撤回 withdrawn by the parties before acceptance */
  | 'WITHDRAWN';

/**
 * 吹哨报到筛选条件 Filters on dispatches. 县直部门调用方（departmentInbox、County.dispatches）默认不列出乡镇已撤回的吹哨任务；
 * 筛选条件写明 status（含 WITHDRAWN 即列出已撤回的）或给出 acknowledgedLate / answeredLate 时，由筛选条件决定，已撤回的也在其中，
 * 与本部门在 byDepartment 中的统计一致。 For a department's caller (departmentInbox, County.dispatches) the dispatches
 * the township withdrew (WITHDRAWN) are left out unless the filter names `status` or gives `acknowledgedLate` /
 * `answeredLate`: then the filter alone decides, so `status: [WITHDRAWN]` lists as many as its byDepartment row's
 * `withdrawn`, and `acknowledgedLate: true` as many as acknowledgeDue − acknowledgedOnTime (one withdrawn after its
 * deadline is due and late there).
 */
export type DispatchFilter = {
  /** 报到超时 Acknowledged late or not by the deadline (`Dispatch.acknowledgedLate`: true, as many as the period's acknowledgeDue − acknowledgedOnTime), or by it (false); a dispatch not yet due matches neither. */
  acknowledgedLate?: boolean | null | undefined;
  /** 反馈超时 Reported back late or not by the deadline (`Dispatch.answeredLate`: true, as many as the period's answerDue − reportedOnTime), or by it (false); a dispatch not yet due matches neither. */
  answeredLate?: boolean | null | undefined;
  /** The dispatches of the case of this number (案件编号, e.g. 623021-2026-000123), exactly; a number of another shape is BAD_USER_INPUT, an empty or blank one no filter. */
  caseNumber?: string | null | undefined;
  /** 部门类别 The dispatches to this department (its kind, e.g. NATURAL_RESOURCES, as `DepartmentDispatchStats.departmentKind` gives it): with a period, as many as that row's `dispatched`. Read in any case; a kind no department has is BAD_USER_INPUT. */
  departmentKind?: string | null | undefined;
  /** 起始日期 With `to`: the dispatches made (吹哨时间) from this day, China time, as `dispatchStats(from, to)` counts them; a period not begun or malformed is BAD_USER_INPUT. */
  from?: string | null | undefined;
  /** 是否超期 Overdue (true) or not (false). */
  overdue?: boolean | null | undefined;
  /** 统计周期 Instead of `from`/`to`: the dispatches made in this period (2026, 2026Q3, 202609), as `dispatchStats(period)` counts them. */
  period?: string | null | undefined;
  /** 状态 Any of these statuses; an empty list is BAD_USER_INPUT (leave it out for every status). A department's caller names WITHDRAWN here to list the dispatches withdrawn from it. */
  status?: Array<DispatchStatus> | null | undefined;
  /** 截止日期 With `from`: the dispatches made up to this day (inclusive), China time. */
  to?: string | null | undefined;
};

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

/** 更正 A field of a case's details as reported, as a correction (or, for its grid, a 改派网格) names it. */
export type DisputeCorrectionField =
  /** 类别 category */
  | 'CATEGORY'
  /** 网格 the grid the case is filed under (改派网格, MOVE_GRID: the grid code before and after) */
  | 'GRID'
  /** 发生时间 occurredAt */
  | 'OCCURRED_AT'
  /** 当事人 parties */
  | 'PARTIES'
  /** 规模 scale */
  | 'SCALE'
  /** 来源 source */
  | 'SOURCE'
  /** 简要情况 summary */
  | 'SUMMARY';

/** 矛盾纠纷筛选条件 Filters on disputes; all given filters must hold. */
export type DisputeFilter = {
  /** The case of this number (案件编号, e.g. 623021-2026-000123), exactly; a number of another shape is BAD_USER_INPUT, an empty or blank one no filter. */
  caseNumber?: string | null | undefined;
  /** 纠纷类别 This category. */
  category?: DisputeCategory | null | undefined;
  /** 联系超时 Contacted after the contact deadline, or still awaiting 受理 past it (`Dispute.contactLate`: true), or not (false). */
  contactLate?: boolean | null | undefined;
  /** The case a disputes file took in under this `external_id` (外部编号), exactly. Empty or blank: no filter. */
  externalId?: string | null | undefined;
  /** 起始日期 Reported on or after this date. */
  from?: string | null | undefined;
  /** 办理层级 Held now at this level (`Dispute.handlingLevel`: a case rated, closed or visited is the village's, whichever level resolved it). */
  handlingLevel?: GovernanceLevel | null | undefined;
  /** 承办调解员 Cases assigned to this registered mediator (Mediator.id; `Dispute.mediator`); one the caller cannot see lists nothing. */
  mediatorId?: string | number | null | undefined;
  /**
   * 在办 true: the cases still being handled at the village, in the statuses REPORTED, ACCEPTED, ASSIGNED, MEDIATING,
   * RESOLVED and RATED (awaiting the desk's steps, or resolved and awaiting the parties' rating and 办结); false: the
   * others (ESCALATED, handled above, and CLOSED, FOLLOWED_UP, DECLINED). Together with `status`, both must hold.
   */
  open?: boolean | null | undefined;
  /** 是否超期 Overdue (true) or not (false). */
  overdue?: boolean | null | undefined;
  /** 当事人 Cases with a party whose name contains this text (1–50 characters; `%` and `_` match only themselves), as the case names its parties, residents or not. Empty or blank: no filter. */
  party?: string | null | undefined;
  /**
   * 我上报的 true: only the cases the caller reported itself, by form or file (those its token's subject reported: a grid
   * worker's own reports); false: only those others reported.
   */
  reportedByMe?: boolean | null | undefined;
  /** 纠纷规模 This scale. */
  scale?: DisputeScale | null | undefined;
  /** Cases whose summary (简要情况) contains this text (1–100 characters; `%` and `_` match only themselves). Empty or blank: no filter, as an emptied search box means. */
  search?: string | null | undefined;
  /** 来源 From this source. */
  source?: DisputeSource | null | undefined;
  /** 状态 Any of these statuses; an empty list is BAD_USER_INPUT (leave it out for every status). */
  status?: Array<DisputeStatus> | null | undefined;
  /** 督办回复超期 Under an order whose reply is overdue (`DisputeSupervision.replyOverdue`: true) or not (false). */
  supervisionReplyOverdue?: boolean | null | undefined;
  /** 截止日期 Reported on or before this date. */
  to?: string | null | undefined;
  /** Under a county's supervision order (督办: true) or not (false). */
  underSupervision?: boolean | null | undefined;
};

/** 化解结果 How a dispute was resolved. */
export type DisputeOutcome =
  /** 调解达成协议 mediated agreement */
  | 'AGREEMENT'
  /** 引导仲裁 referred to arbitration */
  | 'ARBITRATION'
  /** 引导诉讼 referred to litigation (court) */
  | 'LITIGATION'
  /** 撤回 withdrawn by the parties */
  | 'WITHDRAWN';

/** 纠纷规模 Scale of a dispute. */
export type DisputeScale =
  /** 重大 major */
  | 'MAJOR'
  /** 群体性 mass (many parties) */
  | 'MASS'
  /** 一般 ordinary */
  | 'ORDINARY';

/** 来源 How a dispute came in. */
export type DisputeSource =
  /** 法院移送 court referral */
  | 'COURT_REFERRAL'
  /** 网格巡查 grid inspection */
  | 'GRID_INSPECTION'
  /** 热线 hotline (12345) */
  | 'HOTLINE'
  /** 巡逻发现 patrol */
  | 'PATROL'
  /** 公安移送 police referral */
  | 'POLICE_REFERRAL'
  /** 来访 walk-in */
  | 'WALK_IN';

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

/** 层级 Level of governance that handles a case. */
export type GovernanceLevel =
  /** 县（市、区） */
  | 'COUNTY'
  /** 乡镇（街道） */
  | 'TOWNSHIP'
  /** 村（社区） */
  | 'VILLAGE';

/** 隐患整改步骤 A step of a hazard's rectification. */
export type HazardAction =
  /** 整改完成 rectified (REPORTED or RECTIFYING → RECTIFIED) */
  | 'RECTIFY'
  /** 验收不合格 the check failed; sent back to rectifying (RECTIFIED → RECTIFYING) */
  | 'SEND_BACK'
  /** 开始整改 rectification started (REPORTED → RECTIFYING) */
  | 'START'
  /** 验收 rectification verified (RECTIFIED → VERIFIED) */
  | 'VERIFY';

/** 隐患类别 Kind of hazard. */
export type HazardKind =
  /** 用电 electrical */
  | 'ELECTRICAL'
  /** 消防 fire */
  | 'FIRE'
  /** 防汛 flood */
  | 'FLOOD'
  /** 燃气 gas */
  | 'GAS'
  /** 地质灾害 geological */
  | 'GEOLOGICAL'
  /** 其他 other */
  | 'OTHER'
  /** 治安 public order */
  | 'PUBLIC_ORDER'
  /** 交通 traffic */
  | 'TRAFFIC';

/** 隐患来源 Who reported a hazard. */
export type HazardSource =
  /** 群众 a citizen */
  | 'CITIZEN'
  /** 无人机 a drone flight */
  | 'DRONE'
  /** 网格员 a grid worker */
  | 'GRID_WORKER'
  /** 巡逻 a patrol */
  | 'PATROL';

/**
 * 隐患状态 Status: reported → rectifying → rectified → verified, or reported →
 * rectified when put right on the spot; a rectified hazard that fails its check
 * (验收不合格, sendBackHazard) goes back to rectifying. Verification is due from
 * someone other than the reporter's patrol, after rectification; the hub records
 * it as a desk enters it and cannot tell who checked on site.
 */
export type HazardStatus =
  /** 已整改 rectified, awaiting verification */
  | 'RECTIFIED'
  /** 整改中 being rectified */
  | 'RECTIFYING'
  /** 已上报 reported */
  | 'REPORTED'
  /** 已核查 rectification verified */
  | 'VERIFIED';

/** 当事人角色 Role of a party. */
export type PartyRole =
  /** 申请人 applicant */
  | 'APPLICANT'
  /** 被申请人 respondent */
  | 'RESPONDENT'
  /** 第三人 third party */
  | 'THIRD_PARTY';

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

/**
 * Level of a region above the county: 省 province (2-digit code) or 市/州
 * prefecture (4-digit code).
 */
export type RegionLevel =
  /** 市 / 州 / 盟 prefecture-level division (4 digits) */
  | 'PREFECTURE'
  /** 省 / 自治区 / 直辖市 province, autonomous region or municipality (2 digits) */
  | 'PROVINCE';

/** 预警依据 What a fact of an early warning counts. */
export type RiskFactKind =
  /** 月均基线 Average disputes a month over the 12 months before (DISPUTE_SURGE). */
  | 'BASELINE_MONTHLY'
  /** 网格 Grids of the village (UNDERSTAFFED_RISING). */
  | 'GRIDS'
  /** 未配齐网格 Grids without full 1+3+N staffing (UNDERSTAFFED_RISING). */
  | 'GRIDS_NOT_FULLY_STAFFED'
  /** 群体性纠纷 Mass-scale disputes (MASS_OR_TWICE_ESCALATED). */
  | 'MASS_DISPUTES'
  /** 当月纠纷 Disputes reported in the month (DISPUTE_SURGE). */
  | 'MONTH_DISPUTES'
  /** 超期案件 Cases overdue now (OVERDUE_CLUSTER). */
  | 'OVERDUE_CASES'
  /** 本期纠纷 Disputes reported in the period (UNDERSTAFFED_RISING). */
  | 'PERIOD_DISPUTES'
  /** 上期纠纷 Disputes reported in the period before, as DisputeStats.previous steps back (UNDERSTAFFED_RISING). */
  | 'PREVIOUS_DISPUTES'
  /** 同一地址 Disputes with parties living at the same standard address (REPEATED_DISPUTES). */
  | 'SAME_ADDRESS'
  /** 同一户 Disputes with parties of the same household (REPEATED_DISPUTES). */
  | 'SAME_HOUSEHOLD'
  /** 同一当事人 Disputes between the same parties (REPEATED_DISPUTES). */
  | 'SAME_PARTIES'
  /** 涉特殊人群案件 Disputes with a party under special-population care (SPECIAL_POPULATION_PARTY). */
  | 'SPECIAL_POPULATION_CASES'
  /** 两次上报 Cases escalated to the township and on to the county (MASS_OR_TWICE_ESCALATED). */
  | 'TWICE_ESCALATED'
  /** 涉及村 Villages the overdue cases arose in (OVERDUE_CLUSTER). */
  | 'VILLAGES';

/** 预警等级 Severity, in ascending order: LOW < MEDIUM < HIGH < CRITICAL. */
export type RiskSeverity =
  /** 紧急 critical */
  | 'CRITICAL'
  /** 预警 high */
  | 'HIGH'
  /** 提示 low */
  | 'LOW'
  /** 关注 medium */
  | 'MEDIUM';

/** 苗头预警类别 The kind of an early warning (stable codes; thresholds in docs/ARCHITECTURE.md "Early warnings"). */
export type RiskSignalKind =
  /** 纠纷激增 A village whose disputes in a month run HUB_RISK_SURGE_FACTOR (2) times above its own average of the 12 months before (at least HUB_RISK_SURGE_MIN). */
  | 'DISPUTE_SURGE'
  /** 群体性或两次上报 Mass-scale (群体性) disputes and cases escalated twice (village → township → county). */
  | 'MASS_OR_TWICE_ESCALATED'
  /** 超期聚集 At least HUB_RISK_OVERDUE_MIN cases of one township overdue now. */
  | 'OVERDUE_CLUSTER'
  /** 重复纠纷 The same parties, or the same household or address, in disputes again within HUB_RISK_REPEAT_DAYS (90) days. */
  | 'REPEATED_DISPUTES'
  /** 涉特殊人群 Disputes with a party under special-population care (callers with `read` only; never the person). */
  | 'SPECIAL_POPULATION_PARTY'
  /** 力量不足且纠纷上升 Grids without full 1+3+N staffing in a village whose disputes rise against the period before. */
  | 'UNDERSTAFFED_RISING';

/** 乡镇案件筛选条件 Filters on a township's cases. */
export type TownshipCaseFilter = {
  /** 联系超时 Accepted after the contact deadline here, or still awaiting acceptance past it (`TownshipCase.contactLate`: true), or not (false). */
  contactLate?: boolean | null | undefined;
  /** 是否超期 Overdue (true) or not (false). */
  overdue?: boolean | null | undefined;
  /** 状态 Any of these statuses; an empty list is BAD_USER_INPUT (leave it out for every status). */
  status?: Array<TownshipCaseStatus> | null | undefined;
};

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

export type MonthFragment = { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } };

type DivisionHead_County_Fragment = { population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } };

type DivisionHead_Region_Fragment = { population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } };

type DivisionHead_Township_Fragment = { population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } };

type DivisionHead_Village_Fragment = { population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } };

export type DivisionHeadFragment =
  | DivisionHead_County_Fragment
  | DivisionHead_Region_Fragment
  | DivisionHead_Township_Fragment
  | DivisionHead_Village_Fragment
;

type DivisionRow_County_Fragment = { code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } };

type DivisionRow_Region_Fragment = { code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } };

type DivisionRow_Township_Fragment = { code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } };

type DivisionRow_Village_Fragment = { code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } };

export type DivisionRowFragment =
  | DivisionRow_County_Fragment
  | DivisionRow_Region_Fragment
  | DivisionRow_Township_Fragment
  | DivisionRow_Village_Fragment
;

export type RegionViewQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
  m0: string;
  m1: string;
  m2: string;
  m3: string;
  m4: string;
  m5: string;
  m6: string;
  m7: string;
  m8: string;
  m9: string;
  m10: string;
  thisMonthFrom: string;
  today: string;
}>;


export type RegionViewQuery = { region: { code: string, name: string, level: RegionLevel, parent: { code: string, name: string } | null, prefectures: Array<{ code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } }>, counties: Array<{ code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } }>, population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } } | null };

export type CountyViewQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
  m0: string;
  m1: string;
  m2: string;
  m3: string;
  m4: string;
  m5: string;
  m6: string;
  m7: string;
  m8: string;
  m9: string;
  m10: string;
  thisMonthFrom: string;
  today: string;
}>;


export type CountyViewQuery = { county: { code: string, name: string, province: { code: string, name: string }, region: { code: string, name: string }, townships: Array<{ code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } }> | null, population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } } | null };

export type TownshipViewQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
  m0: string;
  m1: string;
  m2: string;
  m3: string;
  m4: string;
  m5: string;
  m6: string;
  m7: string;
  m8: string;
  m9: string;
  m10: string;
  thisMonthFrom: string;
  today: string;
}>;


export type TownshipViewQuery = { township: { code: string, name: string, county: { code: string, name: string, province: { code: string, name: string }, region: { code: string, name: string } } | null, villages: Array<{ code: string, name: string, population: { residents: number, households: number, byTagWithheld: boolean, byTag: Array<{ count: number }> }, forces: { grids: number, gridsFullyStaffed: number, householdCoverage: number }, patrolStats: { patrols: number }, hazardStats: { reported: number, open: number }, disputeStats: { reported: number, resolved: number, resolutionRate: number, overdue: number, onTimeRate: number } }> | null, population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } } | null };

export type VillageViewQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
  m0: string;
  m1: string;
  m2: string;
  m3: string;
  m4: string;
  m5: string;
  m6: string;
  m7: string;
  m8: string;
  m9: string;
  m10: string;
  thisMonthFrom: string;
  today: string;
}>;


export type VillageViewQuery = { village: { code: string, name: string, township: { code: string, name: string, county: { code: string, name: string, province: { code: string, name: string }, region: { code: string, name: string } } | null } | null, grids: Array<{ code: string, name: string, fullyStaffed: boolean }>, population: { residents: number, households: number, floating: number, byTagWithheld: boolean, byTag: Array<{ tag: PersonTag, count: number }> }, forces: { grids: number, gridWorkers: number, gridsFullyStaffed: number, jointDefenseGroups: number, householdsInGroups: number, householdCoverage: number, patrolTeams: number, patrolMembers: number }, patrolStats: { patrols: number, patrolHours: number, hazardsFound: number, previous: { patrols: number }, yearAgo: { patrols: number } }, hazardStats: { reported: number, open: number, awaitingVerification: number, previous: { reported: number }, yearAgo: { reported: number } }, disputeStats: { from: string, to: string, reported: number, resolved: number, resolutionRate: number, open: number, overdue: number, onTimeRate: number, satisfactionRate: number, rated: number, declined: number, previous: { reported: number, resolved: number, resolutionRate: number }, yearAgo: { reported: number, resolved: number, resolutionRate: number } }, assessment: Array<{ indicator: AssessmentIndicator, year: number, target: number, targetSetBy: string | null, actual: number | null, met: boolean | null, basis: number }>, m0: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m1: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m2: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m3: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m4: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m5: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m6: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m7: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m8: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m9: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m10: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } }, m11: { from: string, reported: number, resolved: number, resolutionRate: number, previous: { reported: number }, yearAgo: { reported: number } } } | null };

export type CaseRowFragment = { id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } };

export type CasePageFragment = { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> };

export type DivisionCasesQueryVariables = Exact<{
  code: string;
  village: boolean;
  township: boolean;
  county: boolean;
  filter: DisputeFilter;
  first: number;
  after?: string | null | undefined;
}>;


export type DivisionCasesQuery = { village?: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> } } | null, township?: { villageDisputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> } } | null, county?: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> } } | null };

export type InHandCasesQueryVariables = Exact<{
  code: string;
  village: boolean;
  township: boolean;
  filter?: DisputeFilter | null | undefined;
  townshipFilter?: TownshipCaseFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type InHandCasesQuery = { village?: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, deadlines: { contactBy: string, settleBy: string }, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> } } | null, township?: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ status: TownshipCaseStatus, contactBy: string, settleBy: string, overdue: boolean, underSupervision: boolean, dispute: { id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } } }> } } | null };

export type GridInHandQueryVariables = Exact<{
  code: string;
  filter: DisputeFilter;
  first: number;
  after?: string | null | undefined;
}>;


export type GridInHandQuery = { grid: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, deadlines: { contactBy: string, settleBy: string }, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } }> } } | null };

export type TownshipInboxOverdueQueryVariables = Exact<{
  code: string;
  first: number;
  after?: string | null | undefined;
}>;


export type TownshipInboxOverdueQuery = { township: { disputes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ overdue: boolean, underSupervision: boolean, settleBy: string, overdueSince: string | null, overdueHours: number | null, dispute: { id: string, caseNumber: string, category: DisputeCategory, status: DisputeStatus, handlingLevel: GovernanceLevel, reportedAt: string, overdue: boolean, overdueSince: string | null, overdueHours: number | null, underSupervision: boolean, townshipCase: { status: TownshipCaseStatus } | null, countyCase: { status: CountyCaseStatus } | null, village: { name: string } } }> } } | null };

export type DepartmentInboxQueryVariables = Exact<{
  filter?: DispatchFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type DepartmentInboxQuery = { departmentInbox: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, departmentName: string, status: DispatchStatus, dispatchedAt: string, acknowledgeBy: string, reportBy: string, acknowledgedAt: string | null, reportedAt: string | null, overdue: boolean, townshipCase: { caseNumber: string, dispute: { id: string, category: DisputeCategory, village: { code: string, name: string, township: { code: string, name: string } | null } } } }> } };

export type CaseTimelineQueryVariables = Exact<{
  id: string | number;
}>;


export type CaseTimelineQuery = { dispute: { id: string, caseNumber: string, category: DisputeCategory, scale: DisputeScale, source: DisputeSource, occurredAt: string | null, status: DisputeStatus, handlingLevel: GovernanceLevel, summary: string, reportedAt: string, overdue: boolean, underSupervision: boolean, rehandled: number, assignee: string | null, outcome: DisputeOutcome | null, resolvedLevel: GovernanceLevel | null, resolvedAt: string | null, rating: CitizenRating | null, declineReason: DeclineReason | null, duplicateOf: string | null, supervision: { issuedAt: string, issuedBy: string | null, note: string | null, replyBy: string | null, reply: string | null, repliedAt: string | null, repliedBy: string | null, repliedLevel: GovernanceLevel | null, replyOverdue: boolean } | null, deadlines: { contactBy: string, settleBy: string, replyBy: string | null }, parties: Array<{ name: string, role: PartyRole }>, village: { code: string, name: string, township: { code: string, name: string, county: { code: string, name: string } | null } | null }, countyCase: { status: CountyCaseStatus } | null, townshipCase: { status: TownshipCaseStatus, dispatches: Array<{ id: string, departmentName: string, status: DispatchStatus, dispatchedAt: string, acknowledgeBy: string, reportBy: string, overdue: boolean, acknowledgedAt: string | null, reportedAt: string | null, report: string | null, withdrawnAt: string | null, withdrawalReason: string | null, acknowledgedLate: boolean | null, answeredLate: boolean | null }> } | null, timeline: Array<{ at: string, level: GovernanceLevel, action: DisputeAction, actor: string, note: string | null, status: string | null, rating: CitizenRating | null, changes: Array<{ field: DisputeCorrectionField, before: string | null, after: string | null, partiesBefore: Array<{ name: string, role: PartyRole }> | null, partiesAfter: Array<{ name: string, role: PartyRole }> | null }> | null }> } | null };

export type CaseOfNumberQueryVariables = Exact<{
  number: string;
  code: string;
  county?: boolean | null | undefined;
  township?: boolean | null | undefined;
  village?: boolean | null | undefined;
  grid?: boolean | null | undefined;
  department?: boolean | null | undefined;
}>;


export type CaseOfNumberQuery = { county?: { disputes: { nodes: Array<{ id: string }> } } | null, township?: { villageDisputes: { nodes: Array<{ id: string }> } } | null, village?: { disputes: { nodes: Array<{ id: string }> } } | null, grid?: { disputes: { nodes: Array<{ id: string }> } } | null, departmentInbox?: { nodes: Array<{ townshipCase: { dispute: { id: string } } }> } };

export type ProvincesQueryVariables = Exact<{ [key: string]: never; }>;


export type ProvincesQuery = { provinces: Array<{ code: string, name: string }> };

export type GridNameQueryVariables = Exact<{
  code: string;
  records: boolean;
}>;


export type GridNameQuery = { grid: { code: string, name: string, reported?: { totalCount: number }, rectifying?: { totalCount: number } } | null };

export type RiskSignalsQueryVariables = Exact<{
  code: string;
  from: string;
  to: string;
}>;


export type RiskSignalsQuery = { riskSignals: { totalCount: number, nodes: Array<{ id: string, kind: RiskSignalKind, severity: RiskSeverity, from: string, to: string, explanation: string, division: { code: string, name: string, level: GovernanceLevel }, facts: Array<{ kind: RiskFactKind, value: number, disputes: Array<{ id: string, caseNumber: string }> }> }> } };

export type HazardRowFragment = { id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> };

export type HazardPageFragment = { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> }> };

export type DivisionHazardsQueryVariables = Exact<{
  code: string;
  village: boolean;
  township: boolean;
  county: boolean;
  grid: boolean;
  status?: HazardStatus | null | undefined;
  overdue: boolean;
  first: number;
  after?: string | null | undefined;
}>;


export type DivisionHazardsQuery = { grid?: { code: string, name: string, hazards: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> }> } } | null, village?: { code: string, name: string, township: { code: string, name: string, county: { code: string, name: string } | null } | null, hazards: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> }> } } | null, township?: { code: string, name: string, county: { code: string, name: string } | null, hazards: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> }> } } | null, county?: { code: string, name: string, hazards: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, kind: HazardKind, description: string, location: string | null, source: HazardSource, reportedBy: string | null, reportedAt: string, status: HazardStatus, rectifyBy: string | null, overdue: boolean, grid: { code: string, name: string, village: { code: string, name: string } }, steps: Array<{ at: string, action: HazardAction, status: HazardStatus, actor: string, note: string | null, rectifyBy: string | null }> }> } } | null };

export type DispatchFiguresFragment = { dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number, byDepartment: Array<{ departmentKind: string, departmentName: string, dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number }> };

export type DivisionDispatchesQueryVariables = Exact<{
  code: string;
  county: boolean;
  township: boolean;
  from: string;
  to: string;
}>;


export type DivisionDispatchesQuery = { county?: { dispatchStats: { dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number, byDepartment: Array<{ departmentKind: string, departmentName: string, dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number }> } } | null, township?: { dispatchStats: { dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number, byDepartment: Array<{ departmentKind: string, departmentName: string, dispatched: number, acknowledged: number, acknowledgedOnTime: number, reported: number, reportedOnTime: number, overdue: number, withdrawn: number, answerDue: number, onTimeRate: number, acknowledgeDue: number }> } } | null };

export type DispatchListPageFragment = { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, departmentName: string, status: DispatchStatus, dispatchedAt: string, acknowledgeBy: string, acknowledgedAt: string | null, acknowledgedLate: boolean | null, reportBy: string, reportedAt: string | null, answeredLate: boolean | null, withdrawnAt: string | null, township: { code: string, name: string }, townshipCase: { caseNumber: string, dispute: { id: string } } }> };

export type DivisionDispatchListQueryVariables = Exact<{
  code: string;
  county: boolean;
  township: boolean;
  filter: DispatchFilter;
  first: number;
  after?: string | null | undefined;
}>;


export type DivisionDispatchListQuery = { county?: { code: string, name: string, departments: Array<{ kind: string, name: string }>, dispatches: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, departmentName: string, status: DispatchStatus, dispatchedAt: string, acknowledgeBy: string, acknowledgedAt: string | null, acknowledgedLate: boolean | null, reportBy: string, reportedAt: string | null, answeredLate: boolean | null, withdrawnAt: string | null, township: { code: string, name: string }, townshipCase: { caseNumber: string, dispute: { id: string } } }> } } | null, township?: { code: string, name: string, county: { code: string, name: string, departments: Array<{ kind: string, name: string }> } | null, dispatches: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, departmentName: string, status: DispatchStatus, dispatchedAt: string, acknowledgeBy: string, acknowledgedAt: string | null, acknowledgedLate: boolean | null, reportBy: string, reportedAt: string | null, answeredLate: boolean | null, withdrawnAt: string | null, township: { code: string, name: string }, townshipCase: { caseNumber: string, dispute: { id: string } } }> } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const MonthFragmentDoc = new TypedDocumentString(`
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}
    `, {"fragmentName":"Month"}) as unknown as TypedDocumentString<MonthFragment, unknown>;
export const DivisionHeadFragmentDoc = new TypedDocumentString(`
    fragment DivisionHead on DivisionStatistics {
  population {
    residents
    households
    floating
    byTag {
      tag
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridWorkers
    gridsFullyStaffed
    jointDefenseGroups
    householdsInGroups
    householdCoverage
    patrolTeams
    patrolMembers
  }
  patrolStats(from: $from, to: $to) {
    patrols
    patrolHours
    hazardsFound
    previous {
      patrols
    }
    yearAgo {
      patrols
    }
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
    awaitingVerification
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
  disputeStats(from: $from, to: $to) {
    from
    to
    reported
    resolved
    resolutionRate
    open
    overdue
    onTimeRate
    satisfactionRate
    rated
    declined
    previous {
      reported
      resolved
      resolutionRate
    }
    yearAgo {
      reported
      resolved
      resolutionRate
    }
  }
  assessment(from: $from, to: $to) {
    indicator
    year
    target
    targetSetBy
    actual
    met
    basis
  }
  m0: disputeStats(period: $m0) {
    ...Month
  }
  m1: disputeStats(period: $m1) {
    ...Month
  }
  m2: disputeStats(period: $m2) {
    ...Month
  }
  m3: disputeStats(period: $m3) {
    ...Month
  }
  m4: disputeStats(period: $m4) {
    ...Month
  }
  m5: disputeStats(period: $m5) {
    ...Month
  }
  m6: disputeStats(period: $m6) {
    ...Month
  }
  m7: disputeStats(period: $m7) {
    ...Month
  }
  m8: disputeStats(period: $m8) {
    ...Month
  }
  m9: disputeStats(period: $m9) {
    ...Month
  }
  m10: disputeStats(period: $m10) {
    ...Month
  }
  m11: disputeStats(from: $thisMonthFrom, to: $today) {
    ...Month
  }
}
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}`, {"fragmentName":"DivisionHead"}) as unknown as TypedDocumentString<DivisionHeadFragment, unknown>;
export const DivisionRowFragmentDoc = new TypedDocumentString(`
    fragment DivisionRow on DivisionStatistics {
  code
  name
  population {
    residents
    households
    byTag {
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridsFullyStaffed
    householdCoverage
  }
  patrolStats(from: $from, to: $to) {
    patrols
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
  }
  disputeStats(from: $from, to: $to) {
    reported
    resolved
    resolutionRate
    overdue
    onTimeRate
  }
}
    `, {"fragmentName":"DivisionRow"}) as unknown as TypedDocumentString<DivisionRowFragment, unknown>;
export const CaseRowFragmentDoc = new TypedDocumentString(`
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}
    `, {"fragmentName":"CaseRow"}) as unknown as TypedDocumentString<CaseRowFragment, unknown>;
export const CasePageFragmentDoc = new TypedDocumentString(`
    fragment CasePage on DisputeConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    ...CaseRow
  }
}
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}`, {"fragmentName":"CasePage"}) as unknown as TypedDocumentString<CasePageFragment, unknown>;
export const HazardRowFragmentDoc = new TypedDocumentString(`
    fragment HazardRow on Hazard {
  id
  kind
  description
  location
  source
  reportedBy
  reportedAt
  status
  rectifyBy
  overdue
  grid {
    code
    name
    village {
      code
      name
    }
  }
  steps {
    at
    action
    status
    actor
    note
    rectifyBy
  }
}
    `, {"fragmentName":"HazardRow"}) as unknown as TypedDocumentString<HazardRowFragment, unknown>;
export const HazardPageFragmentDoc = new TypedDocumentString(`
    fragment HazardPage on HazardConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    ...HazardRow
  }
}
    fragment HazardRow on Hazard {
  id
  kind
  description
  location
  source
  reportedBy
  reportedAt
  status
  rectifyBy
  overdue
  grid {
    code
    name
    village {
      code
      name
    }
  }
  steps {
    at
    action
    status
    actor
    note
    rectifyBy
  }
}`, {"fragmentName":"HazardPage"}) as unknown as TypedDocumentString<HazardPageFragment, unknown>;
export const DispatchFiguresFragmentDoc = new TypedDocumentString(`
    fragment DispatchFigures on DispatchStats {
  dispatched
  acknowledged
  acknowledgedOnTime
  reported
  reportedOnTime
  overdue
  withdrawn
  answerDue
  onTimeRate
  acknowledgeDue
  byDepartment {
    departmentKind
    departmentName
    dispatched
    acknowledged
    acknowledgedOnTime
    reported
    reportedOnTime
    overdue
    withdrawn
    answerDue
    onTimeRate
    acknowledgeDue
  }
}
    `, {"fragmentName":"DispatchFigures"}) as unknown as TypedDocumentString<DispatchFiguresFragment, unknown>;
export const DispatchListPageFragmentDoc = new TypedDocumentString(`
    fragment DispatchListPage on DispatchConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    id
    departmentName
    status
    dispatchedAt
    acknowledgeBy
    acknowledgedAt
    acknowledgedLate
    reportBy
    reportedAt
    answeredLate
    withdrawnAt
    township {
      code
      name
    }
    townshipCase {
      caseNumber
      dispute {
        id
      }
    }
  }
}
    `, {"fragmentName":"DispatchListPage"}) as unknown as TypedDocumentString<DispatchListPageFragment, unknown>;
export const RegionViewDocument = new TypedDocumentString(`
    query RegionView($code: String!, $from: Date!, $to: Date!, $m0: String!, $m1: String!, $m2: String!, $m3: String!, $m4: String!, $m5: String!, $m6: String!, $m7: String!, $m8: String!, $m9: String!, $m10: String!, $thisMonthFrom: Date!, $today: Date!) {
  region(code: $code) {
    code
    name
    level
    parent {
      code
      name
    }
    ...DivisionHead
    prefectures {
      ...DivisionRow
    }
    counties {
      ...DivisionRow
    }
  }
}
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}
fragment DivisionHead on DivisionStatistics {
  population {
    residents
    households
    floating
    byTag {
      tag
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridWorkers
    gridsFullyStaffed
    jointDefenseGroups
    householdsInGroups
    householdCoverage
    patrolTeams
    patrolMembers
  }
  patrolStats(from: $from, to: $to) {
    patrols
    patrolHours
    hazardsFound
    previous {
      patrols
    }
    yearAgo {
      patrols
    }
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
    awaitingVerification
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
  disputeStats(from: $from, to: $to) {
    from
    to
    reported
    resolved
    resolutionRate
    open
    overdue
    onTimeRate
    satisfactionRate
    rated
    declined
    previous {
      reported
      resolved
      resolutionRate
    }
    yearAgo {
      reported
      resolved
      resolutionRate
    }
  }
  assessment(from: $from, to: $to) {
    indicator
    year
    target
    targetSetBy
    actual
    met
    basis
  }
  m0: disputeStats(period: $m0) {
    ...Month
  }
  m1: disputeStats(period: $m1) {
    ...Month
  }
  m2: disputeStats(period: $m2) {
    ...Month
  }
  m3: disputeStats(period: $m3) {
    ...Month
  }
  m4: disputeStats(period: $m4) {
    ...Month
  }
  m5: disputeStats(period: $m5) {
    ...Month
  }
  m6: disputeStats(period: $m6) {
    ...Month
  }
  m7: disputeStats(period: $m7) {
    ...Month
  }
  m8: disputeStats(period: $m8) {
    ...Month
  }
  m9: disputeStats(period: $m9) {
    ...Month
  }
  m10: disputeStats(period: $m10) {
    ...Month
  }
  m11: disputeStats(from: $thisMonthFrom, to: $today) {
    ...Month
  }
}
fragment DivisionRow on DivisionStatistics {
  code
  name
  population {
    residents
    households
    byTag {
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridsFullyStaffed
    householdCoverage
  }
  patrolStats(from: $from, to: $to) {
    patrols
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
  }
  disputeStats(from: $from, to: $to) {
    reported
    resolved
    resolutionRate
    overdue
    onTimeRate
  }
}`) as unknown as TypedDocumentString<RegionViewQuery, RegionViewQueryVariables>;
export const CountyViewDocument = new TypedDocumentString(`
    query CountyView($code: String!, $from: Date!, $to: Date!, $m0: String!, $m1: String!, $m2: String!, $m3: String!, $m4: String!, $m5: String!, $m6: String!, $m7: String!, $m8: String!, $m9: String!, $m10: String!, $thisMonthFrom: Date!, $today: Date!) {
  county(code: $code) {
    code
    name
    province {
      code
      name
    }
    region {
      code
      name
    }
    ...DivisionHead
    townships {
      ...DivisionRow
    }
  }
}
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}
fragment DivisionHead on DivisionStatistics {
  population {
    residents
    households
    floating
    byTag {
      tag
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridWorkers
    gridsFullyStaffed
    jointDefenseGroups
    householdsInGroups
    householdCoverage
    patrolTeams
    patrolMembers
  }
  patrolStats(from: $from, to: $to) {
    patrols
    patrolHours
    hazardsFound
    previous {
      patrols
    }
    yearAgo {
      patrols
    }
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
    awaitingVerification
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
  disputeStats(from: $from, to: $to) {
    from
    to
    reported
    resolved
    resolutionRate
    open
    overdue
    onTimeRate
    satisfactionRate
    rated
    declined
    previous {
      reported
      resolved
      resolutionRate
    }
    yearAgo {
      reported
      resolved
      resolutionRate
    }
  }
  assessment(from: $from, to: $to) {
    indicator
    year
    target
    targetSetBy
    actual
    met
    basis
  }
  m0: disputeStats(period: $m0) {
    ...Month
  }
  m1: disputeStats(period: $m1) {
    ...Month
  }
  m2: disputeStats(period: $m2) {
    ...Month
  }
  m3: disputeStats(period: $m3) {
    ...Month
  }
  m4: disputeStats(period: $m4) {
    ...Month
  }
  m5: disputeStats(period: $m5) {
    ...Month
  }
  m6: disputeStats(period: $m6) {
    ...Month
  }
  m7: disputeStats(period: $m7) {
    ...Month
  }
  m8: disputeStats(period: $m8) {
    ...Month
  }
  m9: disputeStats(period: $m9) {
    ...Month
  }
  m10: disputeStats(period: $m10) {
    ...Month
  }
  m11: disputeStats(from: $thisMonthFrom, to: $today) {
    ...Month
  }
}
fragment DivisionRow on DivisionStatistics {
  code
  name
  population {
    residents
    households
    byTag {
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridsFullyStaffed
    householdCoverage
  }
  patrolStats(from: $from, to: $to) {
    patrols
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
  }
  disputeStats(from: $from, to: $to) {
    reported
    resolved
    resolutionRate
    overdue
    onTimeRate
  }
}`) as unknown as TypedDocumentString<CountyViewQuery, CountyViewQueryVariables>;
export const TownshipViewDocument = new TypedDocumentString(`
    query TownshipView($code: String!, $from: Date!, $to: Date!, $m0: String!, $m1: String!, $m2: String!, $m3: String!, $m4: String!, $m5: String!, $m6: String!, $m7: String!, $m8: String!, $m9: String!, $m10: String!, $thisMonthFrom: Date!, $today: Date!) {
  township(code: $code) {
    code
    name
    county {
      code
      name
      province {
        code
        name
      }
      region {
        code
        name
      }
    }
    ...DivisionHead
    villages {
      ...DivisionRow
    }
  }
}
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}
fragment DivisionHead on DivisionStatistics {
  population {
    residents
    households
    floating
    byTag {
      tag
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridWorkers
    gridsFullyStaffed
    jointDefenseGroups
    householdsInGroups
    householdCoverage
    patrolTeams
    patrolMembers
  }
  patrolStats(from: $from, to: $to) {
    patrols
    patrolHours
    hazardsFound
    previous {
      patrols
    }
    yearAgo {
      patrols
    }
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
    awaitingVerification
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
  disputeStats(from: $from, to: $to) {
    from
    to
    reported
    resolved
    resolutionRate
    open
    overdue
    onTimeRate
    satisfactionRate
    rated
    declined
    previous {
      reported
      resolved
      resolutionRate
    }
    yearAgo {
      reported
      resolved
      resolutionRate
    }
  }
  assessment(from: $from, to: $to) {
    indicator
    year
    target
    targetSetBy
    actual
    met
    basis
  }
  m0: disputeStats(period: $m0) {
    ...Month
  }
  m1: disputeStats(period: $m1) {
    ...Month
  }
  m2: disputeStats(period: $m2) {
    ...Month
  }
  m3: disputeStats(period: $m3) {
    ...Month
  }
  m4: disputeStats(period: $m4) {
    ...Month
  }
  m5: disputeStats(period: $m5) {
    ...Month
  }
  m6: disputeStats(period: $m6) {
    ...Month
  }
  m7: disputeStats(period: $m7) {
    ...Month
  }
  m8: disputeStats(period: $m8) {
    ...Month
  }
  m9: disputeStats(period: $m9) {
    ...Month
  }
  m10: disputeStats(period: $m10) {
    ...Month
  }
  m11: disputeStats(from: $thisMonthFrom, to: $today) {
    ...Month
  }
}
fragment DivisionRow on DivisionStatistics {
  code
  name
  population {
    residents
    households
    byTag {
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridsFullyStaffed
    householdCoverage
  }
  patrolStats(from: $from, to: $to) {
    patrols
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
  }
  disputeStats(from: $from, to: $to) {
    reported
    resolved
    resolutionRate
    overdue
    onTimeRate
  }
}`) as unknown as TypedDocumentString<TownshipViewQuery, TownshipViewQueryVariables>;
export const VillageViewDocument = new TypedDocumentString(`
    query VillageView($code: String!, $from: Date!, $to: Date!, $m0: String!, $m1: String!, $m2: String!, $m3: String!, $m4: String!, $m5: String!, $m6: String!, $m7: String!, $m8: String!, $m9: String!, $m10: String!, $thisMonthFrom: Date!, $today: Date!) {
  village(code: $code) {
    code
    name
    township {
      code
      name
      county {
        code
        name
        province {
          code
          name
        }
        region {
          code
          name
        }
      }
    }
    ...DivisionHead
    grids {
      code
      name
      fullyStaffed
    }
  }
}
    fragment Month on DisputeStats {
  from
  reported
  resolved
  resolutionRate
  previous {
    reported
  }
  yearAgo {
    reported
  }
}
fragment DivisionHead on DivisionStatistics {
  population {
    residents
    households
    floating
    byTag {
      tag
      count
    }
    byTagWithheld
  }
  forces {
    grids
    gridWorkers
    gridsFullyStaffed
    jointDefenseGroups
    householdsInGroups
    householdCoverage
    patrolTeams
    patrolMembers
  }
  patrolStats(from: $from, to: $to) {
    patrols
    patrolHours
    hazardsFound
    previous {
      patrols
    }
    yearAgo {
      patrols
    }
  }
  hazardStats(from: $from, to: $to) {
    reported
    open
    awaitingVerification
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
  disputeStats(from: $from, to: $to) {
    from
    to
    reported
    resolved
    resolutionRate
    open
    overdue
    onTimeRate
    satisfactionRate
    rated
    declined
    previous {
      reported
      resolved
      resolutionRate
    }
    yearAgo {
      reported
      resolved
      resolutionRate
    }
  }
  assessment(from: $from, to: $to) {
    indicator
    year
    target
    targetSetBy
    actual
    met
    basis
  }
  m0: disputeStats(period: $m0) {
    ...Month
  }
  m1: disputeStats(period: $m1) {
    ...Month
  }
  m2: disputeStats(period: $m2) {
    ...Month
  }
  m3: disputeStats(period: $m3) {
    ...Month
  }
  m4: disputeStats(period: $m4) {
    ...Month
  }
  m5: disputeStats(period: $m5) {
    ...Month
  }
  m6: disputeStats(period: $m6) {
    ...Month
  }
  m7: disputeStats(period: $m7) {
    ...Month
  }
  m8: disputeStats(period: $m8) {
    ...Month
  }
  m9: disputeStats(period: $m9) {
    ...Month
  }
  m10: disputeStats(period: $m10) {
    ...Month
  }
  m11: disputeStats(from: $thisMonthFrom, to: $today) {
    ...Month
  }
}`) as unknown as TypedDocumentString<VillageViewQuery, VillageViewQueryVariables>;
export const DivisionCasesDocument = new TypedDocumentString(`
    query DivisionCases($code: String!, $village: Boolean!, $township: Boolean!, $county: Boolean!, $filter: DisputeFilter!, $first: Int!, $after: String) {
  village(code: $code) @include(if: $village) {
    disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
      ...CasePage
    }
  }
  township(code: $code) @include(if: $township) {
    villageDisputes(
      filter: $filter
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      ...CasePage
    }
  }
  county(code: $code) @include(if: $county) {
    disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
      ...CasePage
    }
  }
}
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}
fragment CasePage on DisputeConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    ...CaseRow
  }
}`) as unknown as TypedDocumentString<DivisionCasesQuery, DivisionCasesQueryVariables>;
export const InHandCasesDocument = new TypedDocumentString(`
    query InHandCases($code: String!, $village: Boolean!, $township: Boolean!, $filter: DisputeFilter, $townshipFilter: TownshipCaseFilter, $first: Int!, $after: String) {
  village(code: $code) @include(if: $village) {
    disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...CaseRow
        deadlines {
          contactBy
          settleBy
        }
      }
    }
  }
  township(code: $code) @include(if: $township) {
    disputes(
      filter: $townshipFilter
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        status
        contactBy
        settleBy
        overdue
        underSupervision
        dispute {
          ...CaseRow
        }
      }
    }
  }
}
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}`) as unknown as TypedDocumentString<InHandCasesQuery, InHandCasesQueryVariables>;
export const GridInHandDocument = new TypedDocumentString(`
    query GridInHand($code: String!, $filter: DisputeFilter!, $first: Int!, $after: String) {
  grid(code: $code) {
    disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...CaseRow
        deadlines {
          contactBy
          settleBy
        }
      }
    }
  }
}
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}`) as unknown as TypedDocumentString<GridInHandQuery, GridInHandQueryVariables>;
export const TownshipInboxOverdueDocument = new TypedDocumentString(`
    query TownshipInboxOverdue($code: String!, $first: Int!, $after: String) {
  township(code: $code) {
    disputes(
      filter: {overdue: true}
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        overdue
        underSupervision
        settleBy
        overdueSince
        overdueHours
        dispute {
          ...CaseRow
        }
      }
    }
  }
}
    fragment CaseRow on Dispute {
  id
  caseNumber
  category
  status
  handlingLevel
  townshipCase {
    status
  }
  countyCase {
    status
  }
  reportedAt
  overdue
  overdueSince
  overdueHours
  underSupervision
  village {
    name
  }
}`) as unknown as TypedDocumentString<TownshipInboxOverdueQuery, TownshipInboxOverdueQueryVariables>;
export const DepartmentInboxDocument = new TypedDocumentString(`
    query DepartmentInbox($filter: DispatchFilter, $first: Int!, $after: String) {
  departmentInbox(
    filter: $filter
    orderBy: DUE_FIRST
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      departmentName
      status
      dispatchedAt
      acknowledgeBy
      reportBy
      acknowledgedAt
      reportedAt
      overdue
      townshipCase {
        caseNumber
        dispute {
          id
          category
          village {
            code
            name
            township {
              code
              name
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DepartmentInboxQuery, DepartmentInboxQueryVariables>;
export const CaseTimelineDocument = new TypedDocumentString(`
    query CaseTimeline($id: ID!) {
  dispute(id: $id) {
    id
    caseNumber
    category
    scale
    source
    occurredAt
    status
    handlingLevel
    summary
    reportedAt
    overdue
    underSupervision
    supervision {
      issuedAt
      issuedBy
      note
      replyBy
      reply
      repliedAt
      repliedBy
      repliedLevel
      replyOverdue
    }
    rehandled
    assignee
    outcome
    resolvedLevel
    resolvedAt
    rating
    declineReason
    duplicateOf
    deadlines {
      contactBy
      settleBy
      replyBy
    }
    parties {
      name
      role
    }
    village {
      code
      name
      township {
        code
        name
        county {
          code
          name
        }
      }
    }
    countyCase {
      status
    }
    townshipCase {
      status
      dispatches {
        id
        departmentName
        status
        dispatchedAt
        acknowledgeBy
        reportBy
        overdue
        acknowledgedAt
        reportedAt
        report
        withdrawnAt
        withdrawalReason
        acknowledgedLate
        answeredLate
      }
    }
    timeline {
      at
      level
      action
      actor
      note
      status
      rating
      changes {
        field
        before
        after
        partiesBefore {
          name
          role
        }
        partiesAfter {
          name
          role
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CaseTimelineQuery, CaseTimelineQueryVariables>;
export const CaseOfNumberDocument = new TypedDocumentString(`
    query CaseOfNumber($number: String!, $code: String!, $county: Boolean = false, $township: Boolean = false, $village: Boolean = false, $grid: Boolean = false, $department: Boolean = false) {
  county(code: $code) @include(if: $county) {
    disputes(filter: {caseNumber: $number}, first: 1) {
      nodes {
        id
      }
    }
  }
  township(code: $code) @include(if: $township) {
    villageDisputes(filter: {caseNumber: $number}, first: 1) {
      nodes {
        id
      }
    }
  }
  village(code: $code) @include(if: $village) {
    disputes(filter: {caseNumber: $number}, first: 1) {
      nodes {
        id
      }
    }
  }
  grid(code: $code) @include(if: $grid) {
    disputes(filter: {caseNumber: $number}, first: 1) {
      nodes {
        id
      }
    }
  }
  departmentInbox(filter: {caseNumber: $number}, first: 1) @include(if: $department) {
    nodes {
      townshipCase {
        dispute {
          id
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CaseOfNumberQuery, CaseOfNumberQueryVariables>;
export const ProvincesDocument = new TypedDocumentString(`
    query Provinces {
  provinces {
    code
    name
  }
}
    `) as unknown as TypedDocumentString<ProvincesQuery, ProvincesQueryVariables>;
export const GridNameDocument = new TypedDocumentString(`
    query GridName($code: String!, $records: Boolean!) {
  grid(code: $code) {
    code
    name
    reported: hazards(status: REPORTED, first: 1) @include(if: $records) {
      totalCount
    }
    rectifying: hazards(status: RECTIFYING, first: 1) @include(if: $records) {
      totalCount
    }
  }
}
    `) as unknown as TypedDocumentString<GridNameQuery, GridNameQueryVariables>;
export const RiskSignalsDocument = new TypedDocumentString(`
    query RiskSignals($code: String!, $from: Date!, $to: Date!) {
  riskSignals(within: $code, from: $from, to: $to, first: 30) {
    totalCount
    nodes {
      id
      kind
      severity
      division {
        code
        name
        level
      }
      from
      to
      explanation
      facts {
        kind
        value
        disputes {
          id
          caseNumber
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RiskSignalsQuery, RiskSignalsQueryVariables>;
export const DivisionHazardsDocument = new TypedDocumentString(`
    query DivisionHazards($code: String!, $village: Boolean!, $township: Boolean!, $county: Boolean!, $grid: Boolean!, $status: HazardStatus, $overdue: Boolean!, $first: Int!, $after: String) {
  grid(code: $code) @include(if: $grid) {
    code
    name
    hazards(
      status: $status
      overdue: $overdue
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      ...HazardPage
    }
  }
  village(code: $code) @include(if: $village) {
    code
    name
    township {
      code
      name
      county {
        code
        name
      }
    }
    hazards(
      status: $status
      overdue: $overdue
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      ...HazardPage
    }
  }
  township(code: $code) @include(if: $township) {
    code
    name
    county {
      code
      name
    }
    hazards(
      status: $status
      overdue: $overdue
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      ...HazardPage
    }
  }
  county(code: $code) @include(if: $county) {
    code
    name
    hazards(
      status: $status
      overdue: $overdue
      orderBy: DUE_FIRST
      first: $first
      after: $after
    ) {
      ...HazardPage
    }
  }
}
    fragment HazardRow on Hazard {
  id
  kind
  description
  location
  source
  reportedBy
  reportedAt
  status
  rectifyBy
  overdue
  grid {
    code
    name
    village {
      code
      name
    }
  }
  steps {
    at
    action
    status
    actor
    note
    rectifyBy
  }
}
fragment HazardPage on HazardConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    ...HazardRow
  }
}`) as unknown as TypedDocumentString<DivisionHazardsQuery, DivisionHazardsQueryVariables>;
export const DivisionDispatchesDocument = new TypedDocumentString(`
    query DivisionDispatches($code: String!, $county: Boolean!, $township: Boolean!, $from: Date!, $to: Date!) {
  county(code: $code) @include(if: $county) {
    dispatchStats(from: $from, to: $to) {
      ...DispatchFigures
    }
  }
  township(code: $code) @include(if: $township) {
    dispatchStats(from: $from, to: $to) {
      ...DispatchFigures
    }
  }
}
    fragment DispatchFigures on DispatchStats {
  dispatched
  acknowledged
  acknowledgedOnTime
  reported
  reportedOnTime
  overdue
  withdrawn
  answerDue
  onTimeRate
  acknowledgeDue
  byDepartment {
    departmentKind
    departmentName
    dispatched
    acknowledged
    acknowledgedOnTime
    reported
    reportedOnTime
    overdue
    withdrawn
    answerDue
    onTimeRate
    acknowledgeDue
  }
}`) as unknown as TypedDocumentString<DivisionDispatchesQuery, DivisionDispatchesQueryVariables>;
export const DivisionDispatchListDocument = new TypedDocumentString(`
    query DivisionDispatchList($code: String!, $county: Boolean!, $township: Boolean!, $filter: DispatchFilter!, $first: Int!, $after: String) {
  county(code: $code) @include(if: $county) {
    code
    name
    departments {
      kind
      name
    }
    dispatches(filter: $filter, first: $first, after: $after) {
      ...DispatchListPage
    }
  }
  township(code: $code) @include(if: $township) {
    code
    name
    county {
      code
      name
      departments {
        kind
        name
      }
    }
    dispatches(filter: $filter, first: $first, after: $after) {
      ...DispatchListPage
    }
  }
}
    fragment DispatchListPage on DispatchConnection {
  totalCount
  pageInfo {
    hasNextPage
    endCursor
  }
  nodes {
    id
    departmentName
    status
    dispatchedAt
    acknowledgeBy
    acknowledgedAt
    acknowledgedLate
    reportBy
    reportedAt
    answeredLate
    withdrawnAt
    township {
      code
      name
    }
    townshipCase {
      caseNumber
      dispute {
        id
      }
    }
  }
}`) as unknown as TypedDocumentString<DivisionDispatchListQuery, DivisionDispatchListQueryVariables>;