import { insideVillage } from '../access.ts';
import { chinaDay } from '../../../../domain/china-day.ts';
import { formatDate } from '../../../../platform/scalars.ts';
import type { HazardResolvers, HazardStepResolvers } from '../generated/resolvers.ts';
import type { HazardRow } from '../store/hazard.ts';
import { gridOf, ref } from './refs.ts';

/**
 * 超期: still reported or being rectified after the day of its deadline, by the hub's clock in China time (the list's
 * `overdue` filter asks the same of the database's clock, store/hazard.ts).
 */
export const hazardOverdue = (h: Pick<HazardRow, 'status' | 'rectifyBy'>, now = Date.now()): boolean =>
  h.rectifyBy != null && (h.status === 'REPORTED' || h.status === 'RECTIFYING') && formatDate(h.rectifyBy) < chinaDay(now);

/** 安全隐患: a hazard, the patrol that found it, if one did, and the steps of its rectification. */
export const Hazard: HazardResolvers = {
  id: (h) => String(h.id),
  /**
   * The patrol that found it, told to whoever sees the hazard: a patrol may file a hazard on another grid of its
   * village than the one it walked, and a caller of the hazard's grid alone, who does not see that grid's patrols,
   * still learns which patrol it was (its participants stay behind their own access, Patrol.participants). A caller
   * of the village or wider reads it as any other record.
   */
  patrol: async (h, _, ctx) => {
    if (h.patrolId == null) return null;
    return insideVillage(ctx.caller, h.villageCode) ? ctx.loaders.patrolOfHazard.load(String(h.patrolId)) : ref(ctx, ctx.loaders.patrol, h.patrolId);
  },
  grid: gridOf,
  overdue: (h) => hazardOverdue(h),
  steps: (h, _, ctx) => ctx.loaders.stepsOfHazard.load(String(h.id)),
};

/** A step of a hazard's rectification: who took it by name, or else by the token's subject, as a dispute's steps do. */
export const HazardStep: HazardStepResolvers = {
  status: (s) => s.statusTo,
  actor: (s) => s.byName || s.bySubject,
  actorSubject: (s) => s.bySubject,
};
