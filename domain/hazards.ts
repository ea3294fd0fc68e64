/**
 * A hazard's (安全隐患) life, as the village schema's `HazardStatus` names it: reported → rectifying → rectified →
 * verified, or reported → rectified when it was put right on the spot. Nothing moves back, and a verified hazard is
 * closed (闭环).
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
  RECTIFIED: ['VERIFIED'],
  VERIFIED: [],
};
