/**
 * A hazard's (安全隐患) life, as the village schema's `HazardStatus` names it: reported → rectifying → rectified →
 * verified, or reported → rectified when it was put right on the spot. A rectification that fails its check (验收不合格)
 * goes back to rectifying, with the reason; nothing else moves back, and a verified hazard is closed (闭环).
 */
export const HAZARD_STATUSES = ['REPORTED', 'RECTIFYING', 'RECTIFIED', 'VERIFIED'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** Who reported a hazard, in the village schema's `HazardSource` order (a figure's `bySource` lists every one). */
export const HAZARD_SOURCES = ['PATROL', 'GRID_WORKER', 'DRONE', 'CITIZEN'] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];

/** Each source's Chinese name, as the schema's `HazardSource` describes it (the hazards report's headers). */
export const HAZARD_SOURCE_ZH: Record<HazardSource, string> = { PATROL: '巡逻', GRID_WORKER: '网格员', DRONE: '无人机', CITIZEN: '群众' };

/** The statuses a hazard in each status may move to. */
export const HAZARD_NEXT: Readonly<Record<HazardStatus, readonly HazardStatus[]>> = {
  REPORTED: ['RECTIFYING', 'RECTIFIED'],
  RECTIFYING: ['RECTIFIED'],
  RECTIFIED: ['VERIFIED', 'RECTIFYING'],
  VERIFIED: [],
};

/** The steps of a hazard's rectification, in the village schema's `HazardAction` order. */
export const HAZARD_ACTIONS = ['START', 'RECTIFY', 'VERIFY', 'SEND_BACK'] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/**
 * Each step with the statuses it is taken from and the one it leads to: a step is the one way to its move (starting
 * rectification and sending back both lead to rectifying, from different statuses), and together they make
 * HAZARD_NEXT (tests/enums.test.ts). `zh` is the step as a Chinese message names it.
 */
export const HAZARD_STEPS: Readonly<Record<HazardAction, { from: readonly HazardStatus[]; to: HazardStatus; mutation: string; zh: string }>> = {
  START: { from: ['REPORTED'], to: 'RECTIFYING', mutation: 'startHazardRectification', zh: '开始整改' },
  RECTIFY: { from: ['REPORTED', 'RECTIFYING'], to: 'RECTIFIED', mutation: 'rectifyHazard', zh: '整改完成' },
  VERIFY: { from: ['RECTIFIED'], to: 'VERIFIED', mutation: 'verifyHazard', zh: '验收' },
  SEND_BACK: { from: ['RECTIFIED'], to: 'RECTIFYING', mutation: 'sendBackHazard', zh: '验收不合格退回整改' },
};

/** The longest rectification deadline (整改期限) a step may set, in days from today (China time). */
export const HAZARD_DEADLINE_MAX_DAYS = 366;
