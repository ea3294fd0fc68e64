import { parseCodeOfLevel, parseDivisionCode } from '../../../../domain/codes.ts';
import { parsePage, toConnection } from '../../../../platform/pagination.ts';
import { Grid, Village } from '../entities.ts';
import { requireListAccess } from '../../../../platform/caller.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const divisionResolvers: Resolvers = {
  Query: {
    village: (_, { code }, ctx) => ctx.loaders.village.load(parseCodeOfLevel(code, 'VILLAGE')),
    villages: (_, { within }, ctx) =>
      ctx.em.find(Village, { code: { $like: `${parseDivisionCode(within, 'within')}%` } }, { orderBy: { code: 'asc' } }),
    grid: (_, { code }, ctx) => ctx.loaders.grid.load(parseCodeOfLevel(code, 'GRID')),
    grids: async (_, args, ctx) => {
      const prefix = `${parseDivisionCode(args.within, 'within')}%`;
      const page = parsePage(args);
      const rows = await ctx.em.find(
        Grid,
        { code: page.after ? { $like: prefix, $gt: page.after } : { $like: prefix } },
        { orderBy: { code: 'asc' }, limit: page.limit + 1 },
      );
      return toConnection(rows, page, (g) => g.code, () => ctx.em.count(Grid, { code: { $like: prefix } }));
    },
  },
  Village: {
    __resolveReference: (ref, ctx) => ctx.loaders.village.load(ref.code),
    township: (v) => ({ code: v.townshipCode }),
    grids: (v, _, ctx) => ctx.loaders.gridsOfVillage.load(v.code),
    mediationCommittees: (v, _, ctx) => {
      requireListAccess(ctx.caller, v.code, 'mediation committee');
      return ctx.loaders.committeesOfVillage.load(v.code);
    },
  },
  Grid: {
    __resolveReference: (ref, ctx) => ctx.loaders.grid.load(ref.code),
    village: async (g, _, ctx) => (await ctx.loaders.village.load(g.villageCode))!,
    fullyStaffed: (g, _, ctx) => ctx.loaders.fullyStaffed.load(g.code),
  },
  Township: {
    villages: (t, _, ctx) => ctx.loaders.villagesOfTownship.load(t.code),
  },
};
