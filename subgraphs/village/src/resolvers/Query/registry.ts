import type { QueryResolvers } from '../../generated/resolvers.ts';
import { byId } from '../refs.ts';

/** Registry records by id: null when missing or outside the caller's jurisdiction; FORBIDDEN without `read`. */
export const registryQueries = {
  person: (_, { id }, ctx) => byId(ctx, ctx.loaders.person, id),
  household: (_, { id }, ctx) => byId(ctx, ctx.loaders.household, id),
  house: (_, { id }, ctx) => byId(ctx, ctx.loaders.house, id),
  address: (_, { id }, ctx) => byId(ctx, ctx.loaders.address, id),
  site: (_, { id }, ctx) => byId(ctx, ctx.loaders.site, id),
  jointDefenseGroup: (_, { id }, ctx) => byId(ctx, ctx.loaders.group, id),
  patrolTeam: (_, { id }, ctx) => byId(ctx, ctx.loaders.team, id),
  hazard: (_, { id }, ctx) => byId(ctx, ctx.loaders.hazard, id),
} satisfies QueryResolvers;
