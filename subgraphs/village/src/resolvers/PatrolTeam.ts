import type { PatrolTeamResolvers } from '../generated/resolvers.ts';
import { existing, gridOf, villageOf } from './refs.ts';

/** 群防群治队伍: a patrol team and its members. */
export const PatrolTeam: PatrolTeamResolvers = {
  id: (t) => String(t.id),
  members: async (t, _, ctx) => {
    const members = await ctx.loaders.teamMembers.load(String(t.id));
    return existing(
      ctx.loaders.person,
      members.map((m) => m.personId),
    );
  },
  grid: gridOf,
  village: villageOf,
};
