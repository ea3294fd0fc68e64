import { parseCodeOfLevel, parseDivisionCode } from '../../../../domain/codes.ts';
import { Township } from '../entities.ts';
import { mergeResolvers } from '../../../../platform/resolvers.ts';
import { caseResolvers } from '../cases/resolvers.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const base: Resolvers = {
  Query: {
    township: (_, { code }, ctx) => ctx.loaders.township.load(parseCodeOfLevel(code, 'TOWNSHIP')),
    townships: (_, { within }, ctx) =>
      ctx.em.find(Township, { code: { $like: `${parseDivisionCode(within, 'within')}%` } }, { orderBy: { code: 'asc' } }),
  },
  Township: {
    __resolveReference: (ref, ctx) => ctx.loaders.township.load(ref.code),
    county: (t) => ({ code: t.countyCode }),
    agencies: (t, _, ctx) => ctx.loaders.agenciesOf.load(t.code),
    teams: (t, _, ctx) => ctx.loaders.teamsOf.load(t.code),
  },
  TownshipAgency: { id: (a) => String(a.id) },
  TownshipTeam: { id: (t) => String(t.id) },
  County: {
    townships: (c, _, ctx) => ctx.loaders.townshipsOfCounty.load(c.code),
  },
};

export const resolvers: Resolvers = mergeResolvers<Resolvers>(base, caseResolvers as unknown as Resolvers);
