import { parseCodeOfLevel, parseDivisionCode } from '../../../../../domain/codes.ts';
import { afterKey, parsePage, toConnection } from '../../../../../platform/pagination.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { grids } from '../../store/grid.ts';
import { villages } from '../../store/village.ts';

/** Villages and grids: by code, and every one under a division. Any caller may read them. */
export const divisionQueries = {
  village: (_, { code }, ctx) => ctx.loaders.village.load(parseCodeOfLevel(code, 'VILLAGE')),
  villages: (_, { within }, ctx) => villages.within(ctx.em, parseDivisionCode(within, 'within', ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE'])),
  grid: (_, { code }, ctx) => ctx.loaders.grid.load(parseCodeOfLevel(code, 'GRID')),
  grids: async (_, args, ctx) => {
    const prefix = parseDivisionCode(args.within, 'within');
    const page = parsePage(args);
    const rows = await grids.pageWithin(ctx.em, prefix, page.limit + 1, afterKey(page, 'grid', /^\d{15}$/)); // a grid code
    return toConnection(
      rows,
      page,
      'grid',
      (g) => g.code,
      () => grids.countWithin(ctx.em, prefix),
    );
  },
} satisfies QueryResolvers;
