import type { TownshipTeamResolvers } from '../generated/resolvers.ts';

export const TownshipTeam: TownshipTeamResolvers = {
  id: (t) => String(t.id),
};
