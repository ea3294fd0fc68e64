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
} as const;
