import type { JointDefenseGroupResolvers } from '../generated/resolvers.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 十户联防: neighbouring households under a leader (联户长). */
export const JointDefenseGroup: JointDefenseGroupResolvers = {
  id: (g) => String(g.id),
  leader: (g, _, ctx) => ref(ctx, ctx.loaders.person, g.leaderId),
  households: (g, _, ctx) => ctx.loaders.householdsOfGroup.load(String(g.id)),
  grid: gridOf,
  village: villageOf,
};
