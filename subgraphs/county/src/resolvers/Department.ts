import type { DepartmentResolvers } from '../generated/resolvers.ts';

export const Department: DepartmentResolvers = {
  id: (d) => String(d.id),
  county: async (d, _, ctx) => (await ctx.loaders.county.load(d.countyCode))!,
};
