import { insideVillage } from '../access.ts';
import type { PatrolResolvers } from '../generated/resolvers.ts';
import { existing, gridOf, villageOf } from './refs.ts';

/** 巡逻: one patrol of a team, who took part and the hazards it found. */
export const Patrol: PatrolResolvers = {
  id: (p) => String(p.id),
  /**
   * The team that walked it, named to whoever sees the patrol: a village may record a patrol on one grid by a team
   * of another of its grids, and a caller of the patrolled grid alone, who sees neither that grid's team nor its
   * people, still learns which team it was (its members stay behind their own access, PatrolTeam.members). A caller
   * of the village or wider reads it as any other record.
   */
  team: async (p, _, ctx) => {
    return (await (insideVillage(ctx.caller, p.villageCode) ? ctx.loaders.teamOfPatrol : ctx.loaders.team).load(String(p.teamId)))!;
  },
  hours: (p) => (new Date(p.endedAt).getTime() - new Date(p.startedAt).getTime()) / 3_600_000,
  participants: (p, _, ctx) => existing(ctx.loaders.person, p.participantIds),
  hazards: (p, _, ctx) => ctx.loaders.hazardsOfPatrol.load(String(p.id)),
  grid: gridOf,
  village: villageOf,
};
