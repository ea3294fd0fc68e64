/**
 * A hazard's (安全隐患) life, as the village schema's `HazardStatus` names it: reported → rectifying → rectified →
 * verified, or reported → rectified when it was put right on the spot. Nothing moves back, and a verified hazard is
 * closed (闭环).
 */
export const HAZARD_STATUSES = ['REPORTED', 'RECTIFYING', 'RECTIFIED', 'VERIFIED'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** The statuses a hazard in each status may move to. */
export const HAZARD_NEXT: Readonly<Record<HazardStatus, readonly HazardStatus[]>> = {
  REPORTED: ['RECTIFYING', 'RECTIFIED'],
  RECTIFYING: ['RECTIFIED'],
  RECTIFIED: ['VERIFIED'],
  VERIFIED: [],
};
