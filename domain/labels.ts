/**
 * Chinese names the hub shows people, shared by the case engine's messages
 * and the analysis room (app/). No imports: the browser bundle takes this
 * file as it is.
 */

/** A dispute's status (纠纷状态), as schema/api.graphql describes `DisputeStatus`. */
export const DISPUTE_STATUS_ZH = {
  REPORTED: '已登记',
  ACCEPTED: '已受理',
  ASSIGNED: '已分流',
  MEDIATING: '调解中',
  ESCALATED: '已上报',
  RESOLVED: '已化解',
  RATED: '已评价',
  CLOSED: '已办结归档',
  FOLLOWED_UP: '已回访',
  DECLINED: '不予受理',
} as const;

/**
 * The statuses only a township's or a county's case has (TownshipCaseStatus, CountyCaseStatus); their others are
 * named as a dispute's. A county returns a case to the township, a township to the village.
 */
export const LEVEL_CASE_STATUS_ZH = {
  TOWNSHIP: { RECEIVED: '已接收', RETURNED: '已退回村级' },
  COUNTY: { RECEIVED: '已接收', RETURNED: '已退回乡镇' },
} as const;

/** How a dispute came in (来源), as schema/api.graphql describes `DisputeSource`. */
export const DISPUTE_SOURCE_ZH: Record<string, string> = {
  GRID_INSPECTION: '网格巡查',
  PATROL: '巡逻发现',
  WALK_IN: '来访',
  HOTLINE: '热线',
  POLICE_REFERRAL: '公安移送',
  COURT_REFERRAL: '法院移送',
};

/** How a dispute was resolved (化解结果), as `DisputeOutcome` describes it. */
export const DISPUTE_OUTCOME_ZH: Record<string, string> = {
  AGREEMENT: '调解达成协议',
  LITIGATION: '引导诉讼',
  ARBITRATION: '引导仲裁',
  WITHDRAWN: '撤回',
};

/** A party's rating of the handling (群众评价), as `CitizenRating` describes it. */
/** The fields a correction (更正, `DisputeCorrectionField`) or a move to another grid (改派网格) names, in the timeline's note and on the analysis room's page. */
export const CORRECTED_FIELD_ZH = {
  CATEGORY: '类别',
  SCALE: '规模',
  SOURCE: '来源',
  SUMMARY: '简要情况',
  PARTIES: '当事人',
  OCCURRED_AT: '发生时间',
  /** 改派网格 (MOVE_GRID) names the grid it replaced in the same list. */
  GRID: '网格',
} as const;

/** A token's scopes (platform/caller.ts SCOPES) as the person holding it reads them. */
export const SCOPE_ZH: Record<string, string> = { read: '查阅', write: '填报', pii: '个人信息', report: '统计报表', admin: '管理' };

/** A scope named in a refusal: its word first, its code (what a token's `scopes` claim holds) after it, e.g. “查阅”（read）. */
export const scopeNamed = (scope: string): string => (SCOPE_ZH[scope] ? `“${SCOPE_ZH[scope]}”（${scope}）` : `“${scope}”`);

export const RATING_ZH: Record<string, string> = { SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意' };

/**
 * The timeline note of a report: its source and summary, as people read it
 * (`网格巡查：两户因草场边界…`). Notes are for people; machines read the
 * case's fields (source, outcome, rating).
 */
export const reportNote = (source: string, summary: string): string => `${DISPUTE_SOURCE_ZH[source] ?? source}：${summary.slice(0, 200)}`;

/** The timeline note of an assignment (分流, 改派): who takes the case, and the desk's words if any. */
export const assignNote = (assignee: string, note: string | null): string => `→ ${assignee}${note ? `：${note}` : ''}`;
