/**
 * Chinese names of the schema's enums and figures, as the schema's
 * descriptions give them (schema/api.graphql).
 */
import type {
  AssessmentIndicator,
  DeclineReason,
  DisputeAction,
  DisputeCategory,
  DisputeCorrectionField,
  DisputeScale,
  DisputeStatus,
  DispatchStatus,
  GovernanceLevel,
  HazardAction,
  HazardKind,
  HazardSource,
  HazardStatus,
  PartyRole,
  RiskFactKind,
  RiskSeverity,
  RiskSignalKind,
  TownshipCaseStatus,
} from './generated/graphql.ts';
import { HAZARD_SOURCE_ZH } from '../../domain/hazards.ts';
import {
  CORRECTED_FIELD_ZH,
  DISPUTE_OUTCOME_ZH,
  DISPUTE_SOURCE_ZH,
  DISPUTE_STATUS_ZH,
  LEVEL_CASE_STATUS_ZH,
  RATING_ZH,
  SCOPE_ZH,
} from '../../domain/labels.ts';

export const CATEGORY: Record<DisputeCategory, string> = {
  FAMILY: '婚姻家庭',
  NEIGHBOUR: '邻里',
  LAND_HOMESTEAD: '土地宅基地',
  FOREST_GRASSLAND: '山林草场',
  BOUNDARY: '边界',
  RESOURCE_HARVESTING: '资源采挖',
  CONTRACT: '合同',
  LABOUR_WAGES: '劳动争议/欠薪',
  DAMAGES: '损害赔偿',
  LAND_REQUISITION: '征地拆迁',
  ENVIRONMENT: '环境污染',
  MEDICAL: '医疗',
  TRAFFIC: '交通事故',
  OTHER: '其他',
};

export const STATUS: Record<DisputeStatus, string> = DISPUTE_STATUS_ZH;

type LevelCase = { status: string } | null | undefined;

/**
 * A case's status where it is handled now: a dispute escalated (已上报) is, at the township or county handling it,
 * received, accepted, assigned, being mediated or returned; that is what a desk or leader asks of it. A caller who
 * cannot read that level's case (a grid's token) sees the village's status.
 */
export function statusHere(c: { status: DisputeStatus; handlingLevel: GovernanceLevel; townshipCase?: LevelCase; countyCase?: LevelCase }): string {
  const level = c.handlingLevel === 'COUNTY' ? 'COUNTY' : c.handlingLevel === 'TOWNSHIP' ? 'TOWNSHIP' : null;
  const at = level === 'COUNTY' ? c.countyCase : level === 'TOWNSHIP' ? c.townshipCase : null;
  if (c.status !== 'ESCALATED' || !level || !at) return STATUS[c.status];
  const own: Record<string, string> = LEVEL_CASE_STATUS_ZH[level];
  return own[at.status] ?? STATUS[at.status as DisputeStatus] ?? STATUS[c.status];
}

/** A township record's status (TownshipCaseStatus) as the room names it there: its own, else as a dispute's. */
export const TOWNSHIP_STATUS: Record<TownshipCaseStatus, string> = {
  RECEIVED: LEVEL_CASE_STATUS_ZH.TOWNSHIP.RECEIVED,
  ACCEPTED: STATUS.ACCEPTED,
  ASSIGNED: STATUS.ASSIGNED,
  MEDIATING: STATUS.MEDIATING,
  ESCALATED: STATUS.ESCALATED,
  RESOLVED: STATUS.RESOLVED,
  RETURNED: LEVEL_CASE_STATUS_ZH.TOWNSHIP.RETURNED,
};

export const SCALE: Record<DisputeScale, string> = { ORDINARY: '一般', MAJOR: '重大', MASS: '群体性' };

/** The fields a correction (更正) names. */
export const CORRECTED: Record<DisputeCorrectionField, string> = CORRECTED_FIELD_ZH;

/** DisputeSource and CitizenRating (schema/api.graphql): read in notes, and a source in a correction's values. */
export const SOURCE: Record<string, string> = DISPUTE_SOURCE_ZH;

/** 不予受理的原因, as the schema's DeclineReason names them. */
export const DECLINE_REASON: Record<DeclineReason, string> = {
  NOT_A_DISPUTE: '不属于矛盾纠纷',
  DUPLICATE: '重复登记',
  IN_LEGAL_PROCEEDINGS: '已进入诉讼、仲裁或行政复议等法定程序',
  WITHDRAWN: '当事人撤回',
};

export const DISPATCH_STATUS: Record<DispatchStatus, string> = { DISPATCHED: '已吹哨', ACKNOWLEDGED: '已报到', REPORTED: '已反馈', WITHDRAWN: '已撤回' };

export const PARTY_ROLE: Record<PartyRole, string> = { APPLICANT: '申请人', RESPONDENT: '被申请人', THIRD_PARTY: '第三人' };

export const RATING: Record<string, string> = RATING_ZH;

export const OUTCOME: Record<string, string> = DISPUTE_OUTCOME_ZH;

/**
 * A step's note as people read it. The hub now writes notes in Chinese
 * (domain/labels.ts); cases noted before that carry a report's source, a
 * rating or an outcome given without words as their codes, shown here by
 * their Chinese names.
 */
export function noteZh(note: string): string {
  const named = RATING[note] ?? OUTCOME[note];
  if (named) return named;
  const m = /^([A-Z_]+): /.exec(note);
  const source = m ? SOURCE[m[1]!] : undefined;
  return source ? `${source}：${note.slice(m![0].length)}` : note;
}

/** A token's scopes (platform/caller.ts SCOPES) as the person holding it reads them. */
export const SCOPE: Record<string, string> = SCOPE_ZH;

export const LEVEL: Record<GovernanceLevel, string> = { VILLAGE: '村', TOWNSHIP: '乡镇', COUNTY: '县' };

export const ACTION: Record<DisputeAction, string> = {
  REPORT: '登记',
  ACCEPT: '受理',
  ASSIGN: '分流转办',
  MEDIATE: '调解',
  ESCALATE: '上报',
  RECEIVE: '接收',
  DISPATCH: '吹哨',
  DEPARTMENT_ACKNOWLEDGE: '部门报到',
  DEPARTMENT_REPORT: '部门反馈',
  WITHDRAW_DISPATCH: '撤回吹哨',
  RESOLVE: '化解',
  RATE: '群众评价',
  REOPEN: '重新办理',
  CLOSE: '办结归档',
  FOLLOW_UP: '回访',
  SUPERVISE: '督办',
  SUPERVISION_REPLY: '督办回复',
  CORRECT: '更正',
  MOVE_GRID: '改派网格',
  DECLINE: '不予受理',
  REINSTATE: '恢复受理',
  RETURN: '退回下级办理',
};

/** A step's name as the timeline says it: a return names the level it sends the case back to. */
export function stepName(level: GovernanceLevel, action: DisputeAction): string {
  if (action === 'RETURN') return level === 'COUNTY' ? '退回乡镇' : level === 'TOWNSHIP' ? '退回村级' : ACTION.RETURN;
  return ACTION[action];
}

export const INDICATOR: Record<AssessmentIndicator, string> = {
  RESOLUTION_RATE: '化解率',
  ON_TIME_RATE: '按期化解率',
  SATISFACTION_RATE: '群众满意率',
  HOUSEHOLD_COVERAGE: '十户联防覆盖率',
  GRID_STAFFING_RATE: '网格配强率（1+3+N）',
};

/**
 * The report routes the division page offers (gateway/src/reports.ts) with their Chinese titles, whether each counts a
 * period (the registry's count what stands now), and the levels of rows it has when not every level: 吹哨报到 is
 * answered to townships and counties, so it has no village rows.
 */
export const REPORTS: readonly { name: string; zh: string; needsPeriod: boolean; levels?: readonly ('county' | 'township' | 'village')[] }[] = [
  { name: 'population', zh: '人口', needsPeriod: false },
  { name: 'forces', zh: '群防群治力量', needsPeriod: false },
  { name: 'patrols', zh: '巡防', needsPeriod: true },
  { name: 'hazards', zh: '隐患', needsPeriod: true },
  { name: 'disputes', zh: '矛盾纠纷', needsPeriod: true },
  { name: 'dispatches', zh: '吹哨报到（分部门）', needsPeriod: true, levels: ['county', 'township'] },
];

export const RISK_KIND: Record<RiskSignalKind, string> = {
  REPEATED_DISPUTES: '重复纠纷',
  DISPUTE_SURGE: '纠纷激增',
  MASS_OR_TWICE_ESCALATED: '群体性或两次上报',
  OVERDUE_CLUSTER: '超期聚集',
  SPECIAL_POPULATION_PARTY: '涉特殊人群',
  UNDERSTAFFED_RISING: '力量不足且纠纷上升',
};

export const SEVERITY: Record<RiskSeverity, string> = { LOW: '提示', MEDIUM: '关注', HIGH: '预警', CRITICAL: '紧急' };

export const RISK_FACT: Record<RiskFactKind, string> = {
  SAME_PARTIES: '同一当事人',
  SAME_HOUSEHOLD: '同一户',
  SAME_ADDRESS: '同一地址',
  MONTH_DISPUTES: '当月纠纷',
  BASELINE_MONTHLY: '月均基线',
  MASS_DISPUTES: '群体性纠纷',
  TWICE_ESCALATED: '两次上报',
  OVERDUE_CASES: '超期案件',
  VILLAGES: '涉及村',
  SPECIAL_POPULATION_CASES: '涉特殊人群案件',
  PERIOD_DISPUTES: '本期纠纷',
  PREVIOUS_DISPUTES: '上期纠纷',
  GRIDS: '网格',
  GRIDS_NOT_FULLY_STAFFED: '未配齐网格',
};

/** 隐患 A hazard's kind, status, source and the steps of its rectification, as the schema's enums name them. */
export const HAZARD_KIND: Record<HazardKind, string> = {
  FIRE: '消防',
  TRAFFIC: '交通',
  FLOOD: '防汛',
  GEOLOGICAL: '地质灾害',
  ELECTRICAL: '用电',
  GAS: '燃气',
  PUBLIC_ORDER: '治安',
  OTHER: '其他',
};

export const HAZARD_STATUS: Record<HazardStatus, string> = { REPORTED: '已上报', RECTIFYING: '整改中', RECTIFIED: '已整改', VERIFIED: '已核查' };

export const HAZARD_SOURCE: Record<HazardSource, string> = HAZARD_SOURCE_ZH;

export const HAZARD_ACTION: Record<HazardAction, string> = { START: '开始整改', RECTIFY: '整改完成', VERIFY: '验收', SEND_BACK: '验收不合格' };
