import { parseCodeOfLevel, parseDivisionCode } from '../../../../domain/codes.ts';
import { County, Region } from '../entities.ts';
import { mergeResolvers } from '../../../../platform/resolvers.ts';
import { countyCaseResolvers } from '../cases/index.ts';
import { targetResolvers } from '../targets.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const base: Resolvers = {
  Query: {
    region: (_, { code }, ctx) => ctx.loaders.region.load(parseDivisionCode(code, 'code', ['PROVINCE', 'PREFECTURE'])),
    provinces: (_, __, ctx) => ctx.em.find(Region, { level: 'PROVINCE' }, { orderBy: { code: 'asc' } }),
    county: (_, { code }, ctx) => ctx.loaders.county.load(parseCodeOfLevel(code, 'COUNTY')),
    counties: (_, { within }, ctx) =>
      ctx.em.find(County, { code: { $like: `${parseDivisionCode(within, 'within')}%` } }, { orderBy: { code: 'asc' } }),
  },
  Region: {
    __resolveReference: (ref, ctx) => ctx.loaders.region.load(ref.code),
    parent: (r, _, ctx) => (r.parentCode ? ctx.loaders.region.load(r.parentCode) : null),
    prefectures: (r, _, ctx) => (r.level === 'PROVINCE' ? ctx.loaders.prefecturesOf.load(r.code) : []),
    counties: (r, _, ctx) => ctx.loaders.countiesOf.load(r.code),
  },
  County: {
    __resolveReference: (ref, ctx) => ctx.loaders.county.load(ref.code),
    region: async (c, _, ctx) => (await ctx.loaders.region.load(c.prefectureCode))!,
    province: async (c, _, ctx) => (await ctx.loaders.region.load(c.provinceCode))!,
    departments: (c, _, ctx) => ctx.loaders.departmentsOf.load(c.code),
  },
  Department: {
    id: (d) => String(d.id),
    county: async (d, _, ctx) => (await ctx.loaders.county.load(d.countyCode))!,
  },
};

export const resolvers: Resolvers = mergeResolvers<Resolvers>(base, countyCaseResolvers as unknown as Resolvers, targetResolvers as unknown as Resolvers);
