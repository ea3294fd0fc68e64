import { visible } from '../access.ts';
import type { DisputePartyResolvers } from '../generated/resolvers.ts';

export const DisputeParty: DisputePartyResolvers = {
  person: async (p, _, ctx) => (p.personId == null ? null : visible(ctx.caller, await ctx.loaders.person.load(String(p.personId)))),
};
