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
  patrol: (h, _, ctx) => ref(ctx, ctx.loaders.patrol, h.patrolId),
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
