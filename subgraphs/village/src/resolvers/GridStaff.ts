import { personal } from '../access.ts';
import type { GridStaffResolvers } from '../generated/resolvers.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 网格员 and linked cadres of a grid. */
export const GridStaff: GridStaffResolvers = {
  id: (s) => String(s.id),
  phone: (s, _, ctx, info) => personal(ctx, info, 'GridStaff', s.id, 'phone', s.phone),
  person: (s, _, ctx) => ref(ctx, ctx.loaders.person, s.personId),
  grid: gridOf,
  village: villageOf,
};
