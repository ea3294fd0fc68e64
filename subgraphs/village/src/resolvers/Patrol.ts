import type { PatrolResolvers } from '../generated/resolvers.ts';
import { existing, gridOf, villageOf } from './refs.ts';

/** 巡逻: one patrol of a team, who took part and the hazards it found. */
export const Patrol: PatrolResolvers = {
  id: (p) => String(p.id),
  team: async (p, _, ctx) => (await ctx.loaders.team.load(String(p.teamId)))!,
  hours: (p) => (new Date(p.endedAt).getTime() - new Date(p.startedAt).getTime()) / 3_600_000,
  participants: (p, _, ctx) => existing(ctx.loaders.person, p.participantIds),
  hazards: (p, _, ctx) => ctx.loaders.hazardsOfPatrol.load(String(p.id)),
  grid: gridOf,
  village: villageOf,
};
