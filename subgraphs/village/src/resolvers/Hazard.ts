import type { HazardResolvers } from '../generated/resolvers.ts';
import { gridOf, ref } from './refs.ts';

/** 安全隐患: a hazard and the patrol that found it, if one did. */
export const Hazard: HazardResolvers = {
  id: (h) => String(h.id),
  patrol: (h, _, ctx) => ref(ctx, ctx.loaders.patrol, h.patrolId),
  grid: gridOf,
};
