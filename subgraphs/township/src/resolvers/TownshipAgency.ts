import type { TownshipAgencyResolvers } from '../generated/resolvers.ts';

export const TownshipAgency: TownshipAgencyResolvers = {
  id: (a) => String(a.id),
};
